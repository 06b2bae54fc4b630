# Hide the community MCP servers the catalog ships with.
resource "openshiftai_mcp_catalog_default_source" "community" {
  source_id = "community_mcp_servers"
  enabled   = false
}

# Show only some of the Red Hat MCP servers.
resource "openshiftai_mcp_catalog_default_source" "red_hat" {
  source_id        = "rh_mcp_servers"
  included_servers = ["openshift*", "kubernetes*"]
}

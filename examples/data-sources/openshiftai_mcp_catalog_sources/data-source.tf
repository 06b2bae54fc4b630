data "openshiftai_mcp_catalog_sources" "all" {}

# The MCP sources the catalog shows, and those only a labelled ConfigMap holds.
output "enabled_mcp_sources" {
  value = [for s in data.openshiftai_mcp_catalog_sources.all.sources : s.id if s.enabled]
}

output "labelled_mcp_sources" {
  value = [for s in data.openshiftai_mcp_catalog_sources.all.sources : "${s.config_map}/${s.id}" if s.labelled]
}

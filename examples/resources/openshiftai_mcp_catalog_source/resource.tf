# A source of MCP servers listed in a catalog file kept with the source, as
# the dashboard's MCP catalog settings page adds it.
resource "openshiftai_mcp_catalog_source" "team_mcp" {
  source_id        = "team_mcp_servers"
  name             = "Team A MCP servers"
  labels           = ["Team A"]
  excluded_servers = ["*-experimental"]

  yaml {
    catalog = file("${path.module}/team-mcp-servers.yaml")
  }
}

# A large catalog in a labelled ConfigMap of its own: the dashboard's settings
# pages do not list it, and adding or removing it restarts the catalog's pod.
resource "openshiftai_mcp_catalog_source" "partner_mcp" {
  source_id = "partner_mcp_servers"
  name      = "Partner MCP servers"

  own_config_map {
    name = "partner-mcp-servers"
  }

  yaml {
    catalog = file("${path.module}/team-mcp-servers.yaml")
  }
}

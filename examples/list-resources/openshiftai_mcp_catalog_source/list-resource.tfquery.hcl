# The MCP server sources added in the dashboard (Settings > MCP resources > MCP catalog).
list "openshiftai_mcp_catalog_source" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

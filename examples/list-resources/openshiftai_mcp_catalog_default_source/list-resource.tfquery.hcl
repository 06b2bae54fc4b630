# The shipped MCP sources someone disabled or filtered in the dashboard.
list "openshiftai_mcp_catalog_default_source" "overridden" {
  provider = openshiftai

  config {}
}

# A shipped MCP source whose settings were changed in the dashboard.
terraform import openshiftai_mcp_catalog_default_source.community community_mcp_servers

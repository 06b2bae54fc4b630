# A source made in the dashboard's MCP catalog settings, by its id (the
# provider's registries namespace) or by <namespace>/<source_id>; a source in a
# ConfigMap of its own that the provider made is found by its id too.
terraform import openshiftai_mcp_catalog_source.team_mcp team_mcp_servers
terraform import openshiftai_mcp_catalog_source.team_mcp rhoai-model-registries/team_mcp_servers

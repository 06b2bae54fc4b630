package catalogsource

import (
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

func TestFlattenMCPCatalogSource(t *testing.T) {
	no := false
	e := catalog.Entry{ID: "team_mcp", Name: "Team MCP", Type: catalog.TypeYAML, Enabled: &no, Labels: []string{"A"},
		Included: []string{"git*"}, Properties: map[string]string{catalog.PropertyYAMLCatalogPath: "team_mcp.yaml"}}
	m := flattenMCPSource(nil, "ns", "", e, map[string]string{"team_mcp.yaml": "mcp_servers: []\n"})
	if m.ID.ValueString() != "ns/team_mcp" || m.Enabled.ValueBool() || m.YAML.Catalog.ValueString() != "mcp_servers: []\n" ||
		m.OwnConfigMap != nil || m.IncludedServers.IsNull() || !m.ExcludedServers.IsNull() {
		t.Errorf("shared: %+v", m)
	}
	m = flattenMCPSource(nil, "ns", "team-mcp", e, map[string]string{})
	if m.OwnConfigMap == nil || m.OwnConfigMap.Name.ValueString() != "team-mcp" || !m.YAML.Catalog.IsNull() {
		t.Errorf("own ConfigMap, file missing: %+v", m)
	}
}

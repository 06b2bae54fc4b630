package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestOwnConfigMap(t *testing.T) {
	s := UserSource{Kind: MCPSources, ID: "team_mcp", Name: "Team MCP", Type: TypeYAML, Enabled: true, CatalogFile: "mcp_servers: []\n"}
	cm, err := OwnConfigMap("ns", "team-mcp-servers", s)
	if err != nil {
		t.Fatal(err)
	}
	if cm.Labels[LabelCatalogSource] != "true" || !IsOwnConfigMapOf(cm, "team_mcp") || !IsLabelledSourcesConfigMap(cm) {
		t.Errorf("metadata = %+v", cm.ObjectMeta)
	}
	want := "mcp_catalogs:\n  - id: team_mcp\n    name: Team MCP\n    type: yaml\n    enabled: true\n    properties:\n      yamlCatalogPath: team_mcp.yaml\n"
	if cm.Data[SourcesKey] != want || cm.Data["team_mcp.yaml"] != s.CatalogFile || len(cm.Data) != 2 {
		t.Errorf("data = %q", cm.Data)
	}

	long := strings.Repeat("a", 56)
	if _, err := OwnConfigMap("ns", long, s); err == nil || !strings.Contains(err.Error(), "is 56 characters long; the operator mounts a labelled ConfigMap only when its name has at most 55") {
		t.Errorf("a 56-character name: %v", err)
	}
	if _, err := OwnConfigMap("ns", "Team_MCP", s); err == nil || !strings.Contains(err.Error(), "is not a DNS label") {
		t.Errorf("a name that is no DNS label: %v", err)
	}
	s.CatalogFile = strings.Repeat("x", MaxConfigMapBytes)
	var size *SizeError
	if _, err := OwnConfigMap("ns", "big", s); !errors.As(err, &size) || size.ConfigMap != "big" || !strings.HasSuffix(err.Error(), "Split the catalog file over several sources") {
		t.Errorf("a file over 1 MiB: %v", err)
	}
}

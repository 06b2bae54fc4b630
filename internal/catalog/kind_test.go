package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// mcpDashboardFile is mcp-catalog-sources as the dashboard's MCP page and a
// hand edit leave it: a source, an override of a shipped one, a model list
// and a key of a later release.
const mcpDashboardFile = `mcp_catalogs:
- id: team_mcp
  name: Team MCP servers
  type: yaml
  enabled: true
  labels: [Team A]
  includedServers: [github*]
  properties:
    yamlCatalogPath: team_mcp.yaml
  assetType: mcp_servers
- id: rh_mcp_servers
  enabled: false
catalogs:
- id: models_here
  name: Models here
  type: yaml
skill_catalogs: []
`

func mcpConfigMap(sources string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: MCPSourcesConfigMap, Namespace: "ns", ResourceVersion: "1"},
		Data:       map[string]string{SourcesKey: sources, "team_mcp.yaml": "mcp_servers: []\n"},
	}
}

func TestMCPSourcesAreTheirOwnList(t *testing.T) {
	mcp, err := ParseSourcesOf(MCPSources, mcpDashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if ids := mcp.IDs(); !cmp.Equal(ids, []string{"team_mcp", "rh_mcp_servers"}) {
		t.Errorf("MCP ids = %v", ids)
	}
	if e, _ := mcp.Find("team_mcp"); !cmp.Equal(e.Included, []string{"github*"}) || !cmp.Equal(e.Labels, []string{"Team A"}) {
		t.Errorf("team_mcp = %+v", e)
	}
	models, err := ParseSources(mcpDashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if ids := models.IDs(); !cmp.Equal(ids, []string{"models_here"}) {
		t.Errorf("model ids = %v", ids)
	}
}

func TestPutMCPSourceKeepsWhatItDidNotWrite(t *testing.T) {
	cm := mcpConfigMap(mcpDashboardFile)
	s := UserSource{Kind: MCPSources, ID: "mine", Name: "Mine", Type: TypeYAML, Enabled: true, Excluded: []string{"*-beta"}, CatalogFile: "mcp_servers: []\n"}
	if err := PutSource(cm, s, true); err != nil {
		t.Fatal(err)
	}
	want := "- id: mine\n    name: Mine\n    type: yaml\n    enabled: true\n    excludedServers:\n      - '*-beta'\n    properties:\n      yamlCatalogPath: mine.yaml\n"
	if !strings.Contains(cm.Data[SourcesKey], want) {
		t.Errorf("sources.yaml has no entry written as the dashboard writes it:\n%s", cm.Data[SourcesKey])
	}
	for _, kept := range []string{"models_here", "skill_catalogs", "assetType: mcp_servers", "rh_mcp_servers"} {
		if !strings.Contains(cm.Data[SourcesKey], kept) {
			t.Errorf("sources.yaml lost %q:\n%s", kept, cm.Data[SourcesKey])
		}
	}
	if cm.Data["mine.yaml"] != s.CatalogFile || cm.Data["team_mcp.yaml"] == "" {
		t.Errorf("data = %v", cm.Data)
	}
	// An id of the model list of the same file is refused, naming the list.
	err := PutSource(cm, UserSource{Kind: MCPSources, ID: "models_here", Name: "x", Type: TypeYAML}, true)
	var taken *IDTakenError
	if !errors.As(err, &taken) || taken.List != "catalogs" {
		t.Errorf("an id of catalogs in the same file: %v", err)
	}
	// The override of a shipped MCP source is written sparse, with the MCP filter keys.
	if err := PutOverride(cm, Override{Kind: MCPSources, ID: "rh_mcp_servers", Enabled: true, Included: []string{"kubernetes"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cm.Data[SourcesKey], "- id: rh_mcp_servers\n    enabled: true\n    includedServers:\n      - kubernetes\n") {
		t.Errorf("override:\n%s", cm.Data[SourcesKey])
	}
	if removed, err := RemoveSource(cm, MCPSources, "mine"); !removed || err != nil {
		t.Fatal(removed, err)
	}
	if _, ok := cm.Data["mine.yaml"]; ok {
		t.Error("the removed source's file stayed")
	}
}

func TestMCPSourceIntoAnEmptyFile(t *testing.T) {
	cm := mcpConfigMap("")
	if err := PutSource(cm, UserSource{Kind: MCPSources, ID: "a", Name: "A", Type: TypeYAML, Enabled: true, CatalogFile: "mcp_servers: []\n"}, true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cm.Data[SourcesKey], "mcp_catalogs:\n  - id: a\n") {
		t.Errorf("sources.yaml =\n%s", cm.Data[SourcesKey])
	}
	if _, err := RemoveSource(cm, MCPSources, "a"); err != nil {
		t.Fatal(err)
	}
	if got := cm.Data[SourcesKey]; got != "mcp_catalogs: []\n" {
		t.Errorf("after remove: %q", got)
	}
}

// The MCP view of the catalog: shipped mcp_catalogs, then the user files in
// the server's order, then the labelled ConfigMaps by name; a sparse entry
// overrides the shipped source, and model lists are not MCP sources.
func TestMergeMCPSources(t *testing.T) {
	parse := func(content string) *SourcesFile {
		f, err := ParseSourcesOf(MCPSources, content)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	shipped := parse("catalogs:\n- id: redhat_ai_models\n  name: Models\nmcp_catalogs:\n- id: rh_mcp_servers\n  name: Red Hat MCP servers\n  type: yaml\n")
	models := parse("catalogs:\n- id: team_models\n  name: Team\nmcp_catalogs:\n- id: in_model_file\n  name: In the model file\n  type: yaml\n")
	mcp := parse(mcpDashboardFile)
	labelled := []ConfigMapSource{
		{Name: "z-last", File: parse("mcp_catalogs:\n- id: z_source\n  name: Z\n  type: yaml\n")},
		{Name: "a-first", File: parse("mcp_catalogs:\n- id: a_source\n  name: A\n  type: yaml\n")},
	}
	got := Merge(&ConfigMapSource{Name: LaterDefaultSourcesConfigMap, File: shipped},
		[]ConfigMapSource{{Name: UserSourcesConfigMap, File: models}, {Name: MCPSourcesConfigMap, File: mcp}}, labelled)
	var ids []string
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	if want := []string{"rh_mcp_servers", "in_model_file", "team_mcp", "a_source", "z_source"}; !cmp.Equal(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	if m := got[0]; !m.Shipped || !m.Overridden || m.IsEnabled() || m.Name != "Red Hat MCP servers" {
		t.Errorf("shipped = %+v", m)
	}
	if m := got[3]; !m.Labelled || m.ConfigMap != "a-first" {
		t.Errorf("labelled = %+v", m)
	}
}

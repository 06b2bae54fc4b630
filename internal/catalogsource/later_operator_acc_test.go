package catalogsource_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// laterShippedFile has the shape of default-catalog-sources as operator v0.3.14
// ships it (DOMAIN.md, "Catalog ConfigMaps"): beside catalogs, the top-level
// keys labels, namedQueries, mcp_catalogs and agent_catalogs, and an entry
// field this provider does not write.
const laterShippedFile = `catalogs:
- id: redhat_ai_models
  name: Red Hat AI models
  type: yaml
  enabled: true
  assetType: models
  labels:
  - Red Hat AI
  properties:
    yamlCatalogPath: redhat_ai_models.yaml
labels:
- name: Red Hat AI
  assetType: models
namedQueries:
  small: {}
mcp_catalogs:
- id: rh_mcp_servers
  name: Red Hat MCP servers
  type: yaml
  properties:
    yamlCatalogPath: rh_mcp_servers.yaml
agent_catalogs:
- id: rh_agents
  name: Red Hat agents
  type: yaml
  properties:
    yamlCatalogPath: rh_agents.yaml
`

// laterUserFile is a user file as a later dashboard and hand edits leave it:
// an MCP source and an agent list beside the model sources.
const laterUserFile = `catalogs: []
mcp_catalogs:
- id: team_mcp
  name: Team MCP servers
  type: yaml
  properties:
    yamlCatalogPath: team_mcp.yaml
agent_catalogs: []
`

// laterOperatorNamespace makes a namespace laid out as a later operator lays
// out the catalog: the shipped sources only under default-catalog-sources, with
// keys the provider does not write, and a user file with other lists.
func laterOperatorNamespace(t *testing.T, name string) {
	t.Helper()
	acctest.PreCheck(t)
	ctx := context.Background()
	core := acctest.Cluster.Typed.CoreV1()
	if _, err := core.Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = core.Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{}) })
	for cmName, data := range map[string]map[string]string{
		catalog.LaterDefaultSourcesConfigMap: {catalog.SourcesKey: laterShippedFile, "redhat_ai_models.yaml": "source: Red Hat\nmodels:\n- name: granite\n"},
		catalog.UserSourcesConfigMap:         {catalog.SourcesKey: laterUserFile, "team_mcp.yaml": "mcp_servers: []\n"},
	} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cmName, Namespace: name, Labels: catalog.OperatorLabels()}, Data: data}
		if _, err := core.ConfigMaps(name).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAccCatalog_laterOperatorFiles: on a catalog laid out as operator v0.3.14
// lays it out, a model source and a shipped source's override apply, the data
// source reads the shipped sources from default-catalog-sources, every key the
// provider did not write stays, and the ids the operator or the server would
// refuse fail at plan.
func TestAccCatalog_laterOperatorFiles(t *testing.T) {
	namespace := "later-catalog"
	laterOperatorNamespace(t, namespace)
	config := fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "mine" {
  namespace = %[1]q
  source_id = "team_models"
  name      = "Team models"
  yaml {
    catalog = %[2]q
  }
}

resource "openshiftai_model_catalog_default_source" "shipped" {
  namespace = %[1]q
  source_id = "redhat_ai_models"
  enabled   = false
}

data "openshiftai_model_catalog_sources" "all" {
  namespace  = %[1]q
  depends_on = [openshiftai_model_catalog_source.mine, openshiftai_model_catalog_default_source.shipped]
}
`, namespace, catalogV1)
	userFileKeeps := func(*terraform.State) error {
		cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(namespace).Get(context.Background(), catalog.UserSourcesConfigMap, metav1.GetOptions{})
		if err != nil {
			return err
		}
		file := cm.Data[catalog.SourcesKey]
		for _, kept := range []string{"mcp_catalogs:", "id: team_mcp", "agent_catalogs:", "id: team_models", "id: redhat_ai_models"} {
			if !strings.Contains(file, kept) {
				return fmt.Errorf("model-catalog-sources lost %q:\n%s", kept, file)
			}
		}
		if cm.Data["team_mcp.yaml"] == "" {
			return fmt.Errorf("the MCP source's file was removed: %v", cm.Data)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  userFileKeeps,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_catalog_default_source.shipped", tfjsonpath.New("name"), knownvalue.StringExact("Red Hat AI models")),
					statecheck.ExpectKnownValue("data.openshiftai_model_catalog_sources.all", tfjsonpath.New("sources").AtSliceIndex(0).AtMapKey("config_map"),
						knownvalue.StringExact(catalog.LaterDefaultSourcesConfigMap)),
					statecheck.ExpectKnownValue("data.openshiftai_model_catalog_sources.all", tfjsonpath.New("sources").AtSliceIndex(0).AtMapKey("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.openshiftai_model_catalog_sources.all", tfjsonpath.New("sources").AtSliceIndex(1).AtMapKey("id"), knownvalue.StringExact("team_models")),
				},
			},
			{
				Config: config + fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "reserved" {
  namespace = %q
  source_id = "default_catalog"
  name      = "Reserved"
  yaml {
    catalog = %q
  }
}
`, namespace, catalogV1),
				ExpectError: regexp.MustCompile(`"default_catalog"\s+is\s+reserved:\s+the\s+model\s+registry\s+operator\s+deletes\s+a\s+source\s+of\s+that\s+id`),
			},
			{
				Config: config + fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "clash" {
  namespace = %q
  source_id = "team_mcp"
  name      = "Clash"
  yaml {
    catalog = %q
  }
}
`, namespace, catalogV1),
				ExpectError: regexp.MustCompile(`"team_mcp"\s+is\s+already\s+used\s+by\s+a\s+source\s+in\s+mcp_catalogs\s+of\s+ConfigMap\s+model-catalog-sources`),
			},
			{
				// The operator writes the user file back re-marshalled (DOMAIN.md): keys reordered, no drift.
				PreConfig: func() {
					client := acctest.Cluster.Typed.CoreV1().ConfigMaps(namespace)
					cm, err := client.Get(context.Background(), catalog.UserSourcesConfigMap, metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					cm.Data[catalog.SourcesKey] = reorderTopLevel(t, cm.Data[catalog.SourcesKey])
					if _, err := client.Update(context.Background(), cm, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				// Last, so that the post-test destroy runs with a valid configuration.
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// reorderTopLevel moves the file's first top-level key to its end, as a
// re-marshalling writer that orders keys its own way may.
func reorderTopLevel(t *testing.T, file string) string {
	t.Helper()
	lines := strings.SplitAfter(file, "\n")
	end := 1
	for end < len(lines) && (strings.HasPrefix(lines[end], " ") || strings.HasPrefix(lines[end], "-")) {
		end++
	}
	if end == len(lines) {
		t.Fatalf("the file has one top-level key:\n%s", file)
	}
	return strings.Join(lines[end:], "") + strings.Join(lines[:end], "")
}

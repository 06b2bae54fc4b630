package catalogsource_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

var factories = acctest.Factories(provider.New("test")())

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

// ns is the registries namespace, where the catalog's ConfigMaps are.
const ns = registry.DefaultNamespace

// The dashboard-made source and the foreign top-level key every test expects to survive.
const (
	dashboardSourceID = "dashboard_team_models"
	foreignKey        = "namedQueries"
)

var catalogOnce sync.Once

// catalogReady starts the operator stand-in's catalog part once and seeds the
// user ConfigMap with a source made in the dashboard and a top-level key the
// provider does not write, as a cluster in use has them.
func catalogReady(t *testing.T) {
	t.Helper()
	acctest.PreCheck(t)
	catalogOnce.Do(func() {
		if acctest.Cluster.StandIn != nil {
			if _, err := standin.StartCatalogWith(context.Background(), acctest.Cluster.ControlPlane.RESTConfig,
				standin.CatalogOptions{Namespace: ns, Generation: acctest.Generation()}); err != nil {
				t.Fatalf("starting the catalog stand-in: %v", err)
			}
		}
		dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
			cm.Data[catalog.SourcesKey] = "catalogs:\n" +
				"- id: " + dashboardSourceID + "\n  name: Dashboard team models\n  type: yaml\n  enabled: true\n" +
				"  properties:\n    yamlCatalogPath: " + dashboardSourceID + ".yaml\n" +
				foreignKey + ":\n  small_models:\n    filter: size < 10\n"
			cm.Data[dashboardSourceID+".yaml"] = "source: Dashboard\nmodels:\n- name: dash-model\n"
		})
	})
}

// dashboardWrite changes kind's ConfigMap (model-catalog-sources,
// mcp-catalog-sources) as the dashboard does: a full update with the
// resourceVersion it read.
func dashboardWrite(t *testing.T, kind catalog.Kind, change func(cm *corev1.ConfigMap)) {
	t.Helper()
	client := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns)
	for range 20 {
		cm, err := client.Get(context.Background(), kind.ConfigMap, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		change(cm)
		if _, err = client.Update(context.Background(), cm, metav1.UpdateOptions{}); err == nil {
			return
		}
	}
	t.Fatal("the dashboard's update kept conflicting")
}

// sourcesConfigMap reads kind's ConfigMap and parses its sources.yaml as the provider does.
func sourcesConfigMap(t *testing.T, kind catalog.Kind) (*corev1.ConfigMap, *catalog.SourcesFile) {
	t.Helper()
	cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), kind.ConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	file, err := catalog.ParseSourcesOf(kind, cm.Data[catalog.SourcesKey])
	if err != nil {
		t.Fatalf("sources.yaml does not parse strictly: %v\n%s", err, cm.Data[catalog.SourcesKey])
	}
	return cm, file
}

// checkForeignKept asserts the dashboard's source, its catalog file and the
// foreign top-level key are still in the ConfigMap.
func checkForeignKept(t *testing.T) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := sourcesConfigMap(t, catalog.ModelSources)
		if e, ok := file.Find(dashboardSourceID); !ok || e.Name != "Dashboard team models" {
			return fmt.Errorf("the dashboard's source is gone or changed: %+v\n%s", e, cm.Data[catalog.SourcesKey])
		}
		if cm.Data[dashboardSourceID+".yaml"] == "" {
			return fmt.Errorf("the dashboard source's catalog file is gone")
		}
		if !strings.Contains(cm.Data[catalog.SourcesKey], foreignKey+":") || !strings.Contains(cm.Data[catalog.SourcesKey], "size < 10") {
			return fmt.Errorf("the top-level key %s is gone:\n%s", foreignKey, cm.Data[catalog.SourcesKey])
		}
		return nil
	}
}

// checkEntry asserts the source's entry in model-catalog-sources.
func checkEntry(t *testing.T, id string, want func(e catalog.Entry, data map[string]string) error) func(*terraform.State) error {
	return checkEntryOf(t, catalog.ModelSources, id, want)
}

func checkNoEntry(t *testing.T, id string) func(*terraform.State) error {
	return checkNoEntryOf(t, catalog.ModelSources, id)
}

// checkEntryOf asserts the source's entry in kind's ConfigMap.
func checkEntryOf(t *testing.T, kind catalog.Kind, id string, want func(e catalog.Entry, data map[string]string) error) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := sourcesConfigMap(t, kind)
		e, ok := file.Find(id)
		if !ok {
			return fmt.Errorf("%s has no entry %q:\n%s", kind.ConfigMap, id, cm.Data[catalog.SourcesKey])
		}
		return want(e, cm.Data)
	}
}

// checkNoEntryOf asserts kind's ConfigMap has neither the source's entry nor its catalog file.
func checkNoEntryOf(t *testing.T, kind catalog.Kind, id string) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := sourcesConfigMap(t, kind)
		if _, ok := file.Find(id); ok {
			return fmt.Errorf("%s still has the entry %q:\n%s", kind.ConfigMap, id, cm.Data[catalog.SourcesKey])
		}
		if _, ok := cm.Data[id+".yaml"]; ok {
			return fmt.Errorf("%s still has the data key %s.yaml", kind.ConfigMap, id)
		}
		return nil
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// wrapped matches literal in Terraform's output, which wraps long messages:
// any white space matches a space.
func wrapped(literal string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(regexp.QuoteMeta(literal), " ", `\s+`))
}

// The dashboard-made MCP source, the model list and the key of a later release
// that every MCP test expects to survive in mcp-catalog-sources.
const (
	dashboardMCPSourceID = "dashboard_team_mcp"
	mcpFileModelID       = "models_in_mcp_file"
	mcpForeignKey        = "skill_catalogs"
)

var mcpOnce sync.Once

// mcpReady starts the catalog stand-in and seeds mcp-catalog-sources as the
// dashboard's MCP page and a hand edit leave it.
func mcpReady(t *testing.T) {
	t.Helper()
	catalogReady(t)
	mcpOnce.Do(func() {
		dashboardWrite(t, catalog.MCPSources, func(cm *corev1.ConfigMap) {
			cm.Data[catalog.SourcesKey] = "mcp_catalogs:\n" +
				"- id: " + dashboardMCPSourceID + "\n  name: Dashboard team MCP\n  type: yaml\n  enabled: true\n" +
				"  properties:\n    yamlCatalogPath: " + dashboardMCPSourceID + ".yaml\n" +
				"catalogs:\n- id: " + mcpFileModelID + "\n  name: Models in the MCP file\n  type: yaml\n" +
				mcpForeignKey + ": []\n"
			cm.Data[dashboardMCPSourceID+".yaml"] = "mcp_servers:\n- name: dash-server\n"
		})
	})
}

// checkMCPForeignKept asserts the dashboard's MCP source, its file, the model
// list and the foreign key are still in mcp-catalog-sources.
func checkMCPForeignKept(t *testing.T) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := sourcesConfigMap(t, catalog.MCPSources)
		if e, ok := file.Find(dashboardMCPSourceID); !ok || e.Name != "Dashboard team MCP" {
			return fmt.Errorf("the dashboard's MCP source is gone or changed: %+v\n%s", e, cm.Data[catalog.SourcesKey])
		}
		if cm.Data[dashboardMCPSourceID+".yaml"] == "" {
			return fmt.Errorf("the dashboard MCP source's file is gone")
		}
		models, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
		if err != nil {
			return err
		}
		if _, ok := models.Find(mcpFileModelID); !ok || !strings.Contains(cm.Data[catalog.SourcesKey], mcpForeignKey+":") {
			return fmt.Errorf("the catalogs list or %s is gone:\n%s", mcpForeignKey, cm.Data[catalog.SourcesKey])
		}
		return nil
	}
}

// checkMCPEntry asserts the source's entry in mcp-catalog-sources.
func checkMCPEntry(t *testing.T, id string, want func(e catalog.Entry, data map[string]string) error) func(*terraform.State) error {
	return checkEntryOf(t, catalog.MCPSources, id, want)
}

func checkNoMCPEntry(t *testing.T, id string) func(*terraform.State) error {
	return checkNoEntryOf(t, catalog.MCPSources, id)
}

// hundredInOneApply applies 100 sources of kind at parallelism 10
// (Terraform's default), each with catalogFile (an HCL string that may use
// ${count.index}) and an id starting with idPrefix, and asserts what the user
// sees: every source lands (no update is lost to another), the ConfigMap's
// other entries stay (foreignKept), destroy removes them all, and no update
// carries more changes than Terraform runs at once.
func hundredInOneApply(t *testing.T, kind catalog.Kind, idPrefix, catalogFile string, foreignKept func(t *testing.T) func(*terraform.State) error) {
	t.Helper()
	logPath := t.TempDir() + "/info.log"
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	config := fmt.Sprintf(`
resource "%s" "many" {
  count     = 100
  source_id = "%s${count.index}"
  name      = "Many ${count.index}"
  yaml {
    catalog = "%s"
  }
}
`, kind.SourceResource, idPrefix, catalogFile)
	all := func(*terraform.State) error {
		cm, file := sourcesConfigMap(t, kind)
		for i := range 100 {
			id := fmt.Sprintf("%s%d", idPrefix, i)
			if _, ok := file.Find(id); !ok || cm.Data[id+".yaml"] == "" {
				return fmt.Errorf("source %s is missing after the apply: a lost update", id)
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			_, file := sourcesConfigMap(t, kind)
			for _, id := range file.IDs() {
				if strings.HasPrefix(id, idPrefix) {
					return fmt.Errorf("source %s is left after destroy", id)
				}
			}
			return foreignKept(t)(nil)
		},
		Steps: []resource.TestStep{{Config: config, Check: resource.ComposeTestCheckFunc(all, foreignKept(t))}},
	})
	logs, err := readFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The family logs "model catalog source created", "MCP catalog source created".
	catalogName := strings.Fields(kind.Noun)[0] + " catalog"
	creates := regexp.MustCompile(catalogName+` source created.*`).FindAllString(logs, -1)
	if len(creates) != 100 {
		t.Fatalf("the log has %d creates, want 100", len(creates))
	}
	conflicts, updates := 0, 0.0
	for _, line := range creates {
		c := regexp.MustCompile(`conflicts_retried=(\d+)`).FindStringSubmatch(line)
		b := regexp.MustCompile(`batched_with=(\d+)`).FindStringSubmatch(line)
		if c == nil || b == nil {
			t.Fatalf("a create's log line names no conflicts_retried or batched_with: %s", line)
		}
		n, _ := strconv.Atoi(c[1])
		batched, _ := strconv.Atoi(b[1])
		if batched < 1 || batched > 10 {
			t.Errorf("a create was written in an update of %d changes; Terraform runs at most 10 at once", batched)
		}
		conflicts += n
		updates += 1 / float64(batched)
	}
	t.Logf("100 %s sources created in %.0f updates of the ConfigMap; %d updates found it changed by another writer and were redone", catalogName, updates, conflicts)
}

package catalogsource_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

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
		dashboardWrite(t, func(cm *corev1.ConfigMap) {
			cm.Data[catalog.SourcesKey] = "catalogs:\n" +
				"- id: " + dashboardSourceID + "\n  name: Dashboard team models\n  type: yaml\n  enabled: true\n" +
				"  properties:\n    yamlCatalogPath: " + dashboardSourceID + ".yaml\n" +
				foreignKey + ":\n  small_models:\n    filter: size < 10\n"
			cm.Data[dashboardSourceID+".yaml"] = "source: Dashboard\nmodels:\n- name: dash-model\n"
		})
	})
}

// dashboardWrite changes model-catalog-sources as the dashboard does: a full
// update with the resourceVersion it read.
func dashboardWrite(t *testing.T, change func(cm *corev1.ConfigMap)) {
	t.Helper()
	client := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns)
	for range 20 {
		cm, err := client.Get(context.Background(), catalog.UserSourcesConfigMap, metav1.GetOptions{})
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

func userConfigMap(t *testing.T) (*corev1.ConfigMap, *catalog.SourcesFile) {
	t.Helper()
	cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), catalog.UserSourcesConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	file, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
	if err != nil {
		t.Fatalf("sources.yaml does not parse strictly: %v\n%s", err, cm.Data[catalog.SourcesKey])
	}
	return cm, file
}

// checkForeignKept asserts the dashboard's source, its catalog file and the
// foreign top-level key are still in the ConfigMap.
func checkForeignKept(t *testing.T) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := userConfigMap(t)
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
	return func(*terraform.State) error {
		cm, file := userConfigMap(t)
		e, ok := file.Find(id)
		if !ok {
			return fmt.Errorf("model-catalog-sources has no entry %q:\n%s", id, cm.Data[catalog.SourcesKey])
		}
		return want(e, cm.Data)
	}
}

func checkNoEntry(t *testing.T, id string) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := userConfigMap(t)
		if _, ok := file.Find(id); ok {
			return fmt.Errorf("model-catalog-sources still has the entry %q:\n%s", id, cm.Data[catalog.SourcesKey])
		}
		if _, ok := cm.Data[id+".yaml"]; ok {
			return fmt.Errorf("model-catalog-sources still has the data key %s.yaml", id)
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
		dashboardMCPWrite(t, func(cm *corev1.ConfigMap) {
			cm.Data[catalog.SourcesKey] = "mcp_catalogs:\n" +
				"- id: " + dashboardMCPSourceID + "\n  name: Dashboard team MCP\n  type: yaml\n  enabled: true\n" +
				"  properties:\n    yamlCatalogPath: " + dashboardMCPSourceID + ".yaml\n" +
				"catalogs:\n- id: " + mcpFileModelID + "\n  name: Models in the MCP file\n  type: yaml\n" +
				mcpForeignKey + ": []\n"
			cm.Data[dashboardMCPSourceID+".yaml"] = "mcp_servers:\n- name: dash-server\n"
		})
	})
}

// dashboardMCPWrite changes mcp-catalog-sources as the dashboard does: a full
// update with the resourceVersion it read.
func dashboardMCPWrite(t *testing.T, change func(cm *corev1.ConfigMap)) {
	t.Helper()
	client := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns)
	for range 20 {
		cm, err := client.Get(context.Background(), catalog.MCPSourcesConfigMap, metav1.GetOptions{})
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

func mcpConfigMap(t *testing.T) (*corev1.ConfigMap, *catalog.SourcesFile) {
	t.Helper()
	cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), catalog.MCPSourcesConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	file, err := catalog.ParseSourcesOf(catalog.MCPSources, cm.Data[catalog.SourcesKey])
	if err != nil {
		t.Fatalf("sources.yaml does not parse: %v\n%s", err, cm.Data[catalog.SourcesKey])
	}
	return cm, file
}

// checkMCPForeignKept asserts the dashboard's MCP source, its file, the model
// list and the foreign key are still in mcp-catalog-sources.
func checkMCPForeignKept(t *testing.T) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := mcpConfigMap(t)
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
	return func(*terraform.State) error {
		cm, file := mcpConfigMap(t)
		e, ok := file.Find(id)
		if !ok {
			return fmt.Errorf("mcp-catalog-sources has no entry %q:\n%s", id, cm.Data[catalog.SourcesKey])
		}
		return want(e, cm.Data)
	}
}

func checkNoMCPEntry(t *testing.T, id string) func(*terraform.State) error {
	return func(*terraform.State) error {
		cm, file := mcpConfigMap(t)
		if _, ok := file.Find(id); ok {
			return fmt.Errorf("mcp-catalog-sources still has the entry %q:\n%s", id, cm.Data[catalog.SourcesKey])
		}
		if _, ok := cm.Data[id+".yaml"]; ok {
			return fmt.Errorf("mcp-catalog-sources still has the data key %s.yaml", id)
		}
		return nil
	}
}

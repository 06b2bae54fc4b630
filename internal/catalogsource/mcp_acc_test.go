package catalogsource_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

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

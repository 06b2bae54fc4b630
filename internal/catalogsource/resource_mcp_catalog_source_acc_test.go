package catalogsource_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

const mcpFileV1 = "mcp_servers:\n- name: github\n  provider: GitHub\n  deploymentMode: remote\n  endpoints:\n    http: https://api.example.com/mcp\n"
const mcpFileV2 = mcpFileV1 + "- name: kubernetes\n  artifacts:\n  - uri: oci://quay.io/example/kubernetes-mcp:1.0\n"

const mcpAddress = "openshiftai_mcp_catalog_source.test"

func mcpSourceConfig(id, name, extra, file string) string {
	return fmt.Sprintf(`
resource "openshiftai_mcp_catalog_source" "test" {
  source_id = %q
  name      = %q
%s
  yaml {
    catalog = %q
  }
}
`, id, name, extra, file)
}

// TestAccMCPCatalogSource_lifecycle: an MCP source through create, in-place
// update, a new id (replace), import and destroy; the dashboard's MCP source,
// the model list and the foreign key survive every write.
func TestAccMCPCatalogSource_lifecycle(t *testing.T) {
	mcpReady(t)
	id, id2 := "tf_mcp_lifecycle", "tf_mcp_lifecycle_2"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoMCPEntry(t, id), checkNoMCPEntry(t, id2), checkMCPForeignKept(t)),
		Steps: []resource.TestStep{
			{
				Config: mcpSourceConfig(id, "Lifecycle", "", mcpFileV1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mcpAddress, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+id)),
					statecheck.ExpectKnownValue(mcpAddress, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(checkMCPForeignKept(t), checkMCPEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Name != "Lifecycle" || e.Type != "yaml" || !e.IsEnabled() || e.Properties["yamlCatalogPath"] != id+".yaml" || data[id+".yaml"] != mcpFileV1 {
						return fmt.Errorf("entry %+v, file %q", e, data[id+".yaml"])
					}
					return nil
				})),
			},
			{
				Config: mcpSourceConfig(id, "Lifecycle 2", `  enabled = false
  labels = ["Team A"]
  included_servers = ["git*"]
  excluded_servers = ["kubernetes"]`, mcpFileV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mcpAddress, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(checkMCPForeignKept(t), checkMCPEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Name != "Lifecycle 2" || e.IsEnabled() || !slices.Equal(e.Labels, []string{"Team A"}) ||
						!slices.Equal(e.Included, []string{"git*"}) || !slices.Equal(e.Excluded, []string{"kubernetes"}) || data[id+".yaml"] != mcpFileV2 {
						return fmt.Errorf("entry %+v, file %q", e, data[id+".yaml"])
					}
					cm, _ := sourcesConfigMap(t, catalog.MCPSources)
					if !strings.Contains(cm.Data[catalog.SourcesKey], "includedServers:") || !strings.Contains(cm.Data[catalog.SourcesKey], "excludedServers:") {
						return fmt.Errorf("the filters are not under the dashboard's keys:\n%s", cm.Data[catalog.SourcesKey])
					}
					return nil
				})),
			},
			{
				Config:           mcpSourceConfig(id2, "Lifecycle 2", "", mcpFileV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mcpAddress, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: resource.ComposeTestCheckFunc(checkNoMCPEntry(t, id), checkMCPForeignKept(t), checkMCPEntry(t, id2, func(e catalog.Entry, data map[string]string) error {
					if data[id2+".yaml"] != mcpFileV2 || e.Included != nil {
						return fmt.Errorf("entry %+v", e)
					}
					return nil
				})),
			},
			{Config: mcpSourceConfig(id2, "Lifecycle 2", "", mcpFileV2), ResourceName: mcpAddress, ImportState: true, ImportStateId: id2, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// TestAccMCPCatalogSource_importAndDrift: a source the dashboard's MCP page
// made is adopted with a clean plan; the dashboard's edits and deletion are
// drift the next apply repairs.
func TestAccMCPCatalogSource_importAndDrift(t *testing.T) {
	mcpReady(t)
	id := "dash_mcp_import"
	dashboardWrite(t, catalog.MCPSources, func(cm *corev1.ConfigMap) {
		file, err := catalog.ParseSourcesOf(catalog.MCPSources, cm.Data[catalog.SourcesKey])
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		_ = file.Put(catalog.Entry{ID: id, Name: "Dashboard MCP", Type: "yaml", Enabled: &yes, Labels: []string{"Imported"},
			Properties: map[string]string{"yamlCatalogPath": id + ".yaml"}})
		cm.Data[catalog.SourcesKey] = file.String()
		cm.Data[id+".yaml"] = mcpFileV1
	})
	config := mcpSourceConfig(id, "Dashboard MCP", `  labels = ["Imported"]`, mcpFileV1)
	edit := func(change func(e *catalog.Entry, data map[string]string)) func() {
		return func() {
			dashboardWrite(t, catalog.MCPSources, func(cm *corev1.ConfigMap) {
				file, err := catalog.ParseSourcesOf(catalog.MCPSources, cm.Data[catalog.SourcesKey])
				if err != nil {
					t.Fatal(err)
				}
				e, _ := file.Find(id)
				change(&e, cm.Data)
				_ = file.Put(e)
				cm.Data[catalog.SourcesKey] = file.String()
			})
		}
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mcpAddress, plancheck.ResourceActionUpdate)}}
	create := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mcpAddress, plancheck.ResourceActionCreate)}}
	back := checkMCPEntry(t, id, func(e catalog.Entry, data map[string]string) error {
		if e.Name != "Dashboard MCP" || !e.IsEnabled() || !slices.Equal(e.Labels, []string{"Imported"}) || e.Excluded != nil || data[id+".yaml"] != mcpFileV1 {
			return fmt.Errorf("not repaired: %+v %q", e, data[id+".yaml"])
		}
		return nil
	})
	no := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoMCPEntry(t, id), checkMCPForeignKept(t)),
		Steps: []resource.TestStep{
			{Config: config, ResourceName: mcpAddress, ImportState: true, ImportStateId: ns + "/" + id, ImportStatePersist: true},
			{Config: config, PlanOnly: true},
			{PreConfig: edit(func(e *catalog.Entry, _ map[string]string) { e.Name = "Renamed"; e.Enabled = &no }), Config: config, ConfigPlanChecks: update, Check: back},
			{PreConfig: edit(func(e *catalog.Entry, _ map[string]string) { e.Excluded = []string{"github"} }), Config: config, ConfigPlanChecks: update, Check: back},
			{PreConfig: edit(func(_ *catalog.Entry, data map[string]string) { data[id+".yaml"] = mcpFileV2 }), Config: config, ConfigPlanChecks: update, Check: back},
			{PreConfig: func() {
				dashboardWrite(t, catalog.MCPSources, func(cm *corev1.ConfigMap) {
					if _, err := catalog.RemoveSource(cm, catalog.MCPSources, id); err != nil {
						t.Fatal(err)
					}
				})
			}, Config: config, ConfigPlanChecks: create, Check: resource.ComposeTestCheckFunc(back, checkMCPForeignKept(t))},
		},
	})
}

// TestAccMCPCatalogSource_planErrors: what the catalog server refuses or
// silently drops in the MCP file fails at plan naming the line and the server,
// and never quotes another line of the file; a taken id fails at plan.
func TestAccMCPCatalogSource_planErrors(t *testing.T) {
	mcpReady(t)
	secretLine := "  description: \"token ghp_NeverEchoed123\"\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: mcpSourceConfig("tf_mcp_bad", "Bad", "", "mcp_servers:\n- name: github\n"+secretLine+"  endpoints:\n    http: ftp://api.example.com\n"), PlanOnly: true,
				ExpectError: wrapped(`yaml.catalog: line 5: endpoints.http of server "github" must be a URL with one of the schemes http, https`)},
			{Config: mcpSourceConfig("tf_mcp_bad", "Bad", "", "mcp_servers:\n- name: github\n"+secretLine+"  endpoint: {}\n"), PlanOnly: true,
				ExpectError: wrapped(`line 4: unknown key "endpoint" in server "github"`)},
			{Config: mcpSourceConfig("tf_mcp_bad", "Bad", "", "mcp_servers:\n- name: github\n"+secretLine+"- name: github\n"), PlanOnly: true,
				ExpectError: wrapped(`line 4: two servers are named "github" (the first at line 2)`)},
			{Config: mcpSourceConfig("tf_mcp_bad", "Bad", "", "mcp_servers:\n- name: github\n"+secretLine+"  version: 1.0\n"), PlanOnly: true,
				ExpectError: wrapped(`line 4: version of server "github" must be a string, not float; quote it`)},
			{Config: mcpSourceConfig("tf_mcp_bad", "Bad", "", "mcp_servers:\n- provider: x\n"+secretLine), PlanOnly: true,
				ExpectError: wrapped(`line 2: server 1 has no name`)},
			{Config: mcpSourceConfig(dashboardMCPSourceID, "Taken", "", mcpFileV1), PlanOnly: true,
				ExpectError: wrapped(`terraform import <resource address> ` + ns + `/` + dashboardMCPSourceID)},
			{Config: mcpSourceConfig(mcpFileModelID, "Taken", "", mcpFileV1), PlanOnly: true,
				ExpectError: wrapped(`is already used by a source in catalogs of ConfigMap mcp-catalog-sources`)},
			{Config: mcpSourceConfig("tf_mcp_own", "Own", `  own_config_map { name = "`+strings.Repeat("a", 56)+`" }`, mcpFileV1), PlanOnly: true,
				ExpectError: wrapped(`is 56 characters long; the operator mounts a labelled ConfigMap only when its name has at most 55`)},
		},
	})
	// The file read with file(), as a real configuration does: the error
	// names the failing line and never quotes another line of the file.
	filePath := t.TempDir() + "/mcp-servers.yaml"
	if err := os.WriteFile(filePath, []byte("mcp_servers:\n- name: github\n"+secretLine+"  endpoints:\n    http: ftp://api.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sawError := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		ErrorCheck: func(err error) error {
			switch {
			case err == nil:
				return nil
			case strings.Contains(err.Error(), "ghp_NeverEchoed123"):
				return fmt.Errorf("the error quotes a line of the file that did not fail: %w", err)
			case wrapped(`line 5: endpoints.http of server "github" must be a URL`).MatchString(err.Error()):
				sawError = true
				return nil
			}
			return err
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "openshiftai_mcp_catalog_source" "test" {
  source_id = "tf_mcp_bad"
  name      = "Bad"
  yaml {
    catalog = file(%q)
  }
}
`, filePath), PlanOnly: true,
		}},
	})
	if !sawError {
		t.Error("the plan of the bad file did not fail")
	}
}

// TestAccMCPCatalogSource_hundredInOneApply: 100 MCP sources at parallelism 10
// (Terraform's default) all land; no update is lost to another.
func TestAccMCPCatalogSource_hundredInOneApply(t *testing.T) {
	mcpReady(t)
	hundredInOneApply(t, catalog.MCPSources, "tf_mcp_many_", `mcp_servers:\n- name: server-${count.index}\n`, checkMCPForeignKept)
}

package catalogsource_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

const ownCMName = "tf-team-mcp-servers"

func ownMCPConfig(file string) string {
	return fmt.Sprintf(`
resource "openshiftai_mcp_catalog_source" "test" {
  source_id = "tf_mcp_own"
  name      = "Own ConfigMap"
  own_config_map {
    name = %q
  }
  yaml {
    catalog = %q
  }
}

data "openshiftai_mcp_catalog_sources" "all" {
  depends_on = [openshiftai_mcp_catalog_source.test]
}
`, ownCMName, file)
}

func ownConfigMap(t *testing.T) (*corev1.ConfigMap, error) {
	t.Helper()
	return acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), ownCMName, metav1.GetOptions{})
}

// TestAccMCPCatalogSource_ownConfigMap: a source placed in a labelled
// ConfigMap of its own is written there alone, shows in the data source as
// labelled and last, survives a dashboard write to mcp-catalog-sources and is
// deleted with its ConfigMap. On v0.3.8, which loads no labelled ConfigMaps,
// the plan fails saying so.
func TestAccMCPCatalogSource_ownConfigMap(t *testing.T) {
	mcpReady(t)
	if !acctest.Generation().LabelledCatalogSources() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			Steps: []resource.TestStep{{Config: ownMCPConfig(mcpFileV1), PlanOnly: true,
				ExpectError: wrapped(`does not load labelled ConfigMaps: its shipped sources are in model-catalog-default-sources`)}},
		})
		return
	}
	id := "tf_mcp_own"
	placed := func(file string) func(*terraform.State) error {
		return func(*terraform.State) error {
			cm, err := ownConfigMap(t)
			if err != nil {
				return err
			}
			if cm.Labels[catalog.LabelCatalogSource] != "true" || len(cm.Data) != 2 || cm.Data[id+".yaml"] != file {
				return fmt.Errorf("own ConfigMap %+v", cm)
			}
			f, err := catalog.ParseSourcesOf(catalog.MCPSources, cm.Data[catalog.SourcesKey])
			if err != nil {
				return err
			}
			if ids := f.IDs(); len(ids) != 1 || ids[0] != id {
				return fmt.Errorf("sources.yaml of the own ConfigMap holds %v", ids)
			}
			_, shared := mcpConfigMap(t)
			if _, ok := shared.Find(id); ok {
				return fmt.Errorf("the source is in mcp-catalog-sources too")
			}
			return nil
		}
	}
	lastSource := func(s *terraform.State) error {
		ds := s.RootModule().Resources["data.openshiftai_mcp_catalog_sources.all"]
		if ds == nil {
			return fmt.Errorf("no data source in state")
		}
		n := ds.Primary.Attributes["sources.#"]
		last := "sources." + fmt.Sprint(mustAtoi(n)-1)
		if ds.Primary.Attributes[last+".id"] != id || ds.Primary.Attributes[last+".labelled"] != "true" || ds.Primary.Attributes[last+".config_map"] != ownCMName {
			return fmt.Errorf("the last source of the data source is %s (labelled %s, %s), want %s from %s",
				ds.Primary.Attributes[last+".id"], ds.Primary.Attributes[last+".labelled"], ds.Primary.Attributes[last+".config_map"], id, ownCMName)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := ownConfigMap(t); !apierrors.IsNotFound(err) {
				return fmt.Errorf("the own ConfigMap after destroy: %v", err)
			}
			return checkMCPForeignKept(t)(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: ownMCPConfig(mcpFileV1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_mcp_catalog_source.test", tfjsonpath.New("own_config_map").AtMapKey("name"), knownvalue.StringExact(ownCMName)),
				},
				Check: resource.ComposeTestCheckFunc(placed(mcpFileV1), lastSource, checkMCPForeignKept(t)),
			},
			{
				// The dashboard rewrites mcp-catalog-sources with mcp_catalogs alone: the own ConfigMap is not touched.
				PreConfig: func() {
					dashboardMCPWrite(t, func(cm *corev1.ConfigMap) {
						cm.Data[catalog.SourcesKey] += "\n"
					})
				},
				Config:           ownMCPConfig(mcpFileV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("openshiftai_mcp_catalog_source.test", plancheck.ResourceActionUpdate)}},
				Check:            resource.ComposeTestCheckFunc(placed(mcpFileV2), lastSource),
			},
			{
				// Deleted out of band with its ConfigMap: the next plan creates it again.
				PreConfig: func() {
					if err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Delete(context.Background(), ownCMName, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           ownMCPConfig(mcpFileV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("openshiftai_mcp_catalog_source.test", plancheck.ResourceActionCreate)}},
				Check:            placed(mcpFileV2),
			},
			{Config: ownMCPConfig(mcpFileV2), ResourceName: "openshiftai_mcp_catalog_source.test", ImportState: true, ImportStateId: id,
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

func mustAtoi(s string) int {
	n := 0
	_, _ = fmt.Sscan(s, &n)
	return n
}

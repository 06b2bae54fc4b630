package catalogsource_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
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
			_, shared := sourcesConfigMap(t, catalog.MCPSources)
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
			if err := catalogMounts(t, ownCMName, false); err != nil {
				return err
			}
			return checkMCPForeignKept(t)(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: ownMCPConfig(mcpFileV1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_mcp_catalog_source.test", tfjsonpath.New("own_config_map").AtMapKey("name"), knownvalue.StringExact(ownCMName)),
				},
				Check: resource.ComposeTestCheckFunc(placed(mcpFileV1), lastSource, checkMCPForeignKept(t),
					func(*terraform.State) error { return catalogMounts(t, ownCMName, true) }),
			},
			{
				// The dashboard rewrites mcp-catalog-sources with mcp_catalogs alone: the own ConfigMap is not touched.
				PreConfig: func() {
					dashboardWrite(t, catalog.MCPSources, func(cm *corev1.ConfigMap) {
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

// catalogMounts waits up to 20 s for the catalog's Deployment to mount the
// ConfigMap name (mounted true) or not (false), as the operator does when a
// labelled ConfigMap comes or goes, restarting the catalog's pod.
func catalogMounts(t *testing.T, name string, mounted bool) error {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := acctest.Cluster.Typed.AppsV1().Deployments(ns).Get(context.Background(), standin.CatalogDeployment, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		has := false
		if d != nil {
			for _, v := range d.Spec.Template.Spec.Volumes {
				if v.ConfigMap != nil && v.ConfigMap.Name == name {
					has = true
				}
			}
		}
		if has == mounted {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the catalog's Deployment mounts ConfigMap %s: %v, want %v", name, has, mounted)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func mustAtoi(s string) int {
	n := 0
	_, _ = fmt.Sscan(s, &n)
	return n
}

// TestAccCatalogSource_ownConfigMap: a model source placed in a labelled
// ConfigMap of its own shows in the model data source as the last source,
// is not in model-catalog-sources, and is deleted with its ConfigMap; a
// catalog file over 1 MiB fails at plan with its size and this alternative.
func TestAccCatalogSource_ownConfigMap(t *testing.T) {
	catalogReady(t)
	tooLarge := yamlSourceConfig("tf_too_large", "Too large", "", "models: []\n#"+strings.Repeat("x", catalog.MaxConfigMapBytes))
	tooLargeError := wrapped(`yaml.catalog is 1048588 bytes; a ConfigMap holds at most 1048576 bytes (1 MiB) in all. A ConfigMap of its own (block own_config_map) gives the file a ConfigMap of 1 MiB alone, instead of sharing model-catalog-sources with every other source.`)
	const name = "tf-own-models"
	config := yamlSourceConfig("tf_own_models", "Own models", `  own_config_map { name = "`+name+`" }`, catalogV1) + `
data "openshiftai_model_catalog_sources" "all" {
  depends_on = [openshiftai_model_catalog_source.test]
}
`
	if !acctest.Generation().LabelledCatalogSources() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			Steps: []resource.TestStep{
				{Config: tooLarge, PlanOnly: true, ExpectError: tooLargeError},
				{Config: config, PlanOnly: true, ExpectError: wrapped(`does not load labelled ConfigMaps`)},
			},
		})
		return
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			_, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				return fmt.Errorf("the own ConfigMap after destroy: %v", err)
			}
			return checkForeignKept(t)(nil)
		},
		Steps: []resource.TestStep{
			{Config: tooLarge, PlanOnly: true, ExpectError: tooLargeError},
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(checkNoEntry(t, "tf_own_models"), checkForeignKept(t), func(s *terraform.State) error {
					cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if cm.Labels[catalog.LabelCatalogSource] != "true" || cm.Data["tf_own_models.yaml"] != catalogV1 ||
						!strings.HasPrefix(cm.Data[catalog.SourcesKey], "catalogs:\n  - id: tf_own_models\n") {
						return fmt.Errorf("own ConfigMap %+v", cm)
					}
					ds := s.RootModule().Resources["data.openshiftai_model_catalog_sources.all"].Primary.Attributes
					last := fmt.Sprintf("sources.%d", mustAtoi(ds["sources.#"])-1)
					if ds[last+".id"] != "tf_own_models" || ds[last+".config_map"] != name {
						return fmt.Errorf("the data source's last source is %s from %s", ds[last+".id"], ds[last+".config_map"])
					}
					return nil
				}),
			},
			{Config: config, ResourceName: "openshiftai_model_catalog_source.test", ImportState: true, ImportStateId: "tf_own_models",
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

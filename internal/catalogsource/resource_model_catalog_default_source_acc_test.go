package catalogsource_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

const defaultAddress = "openshiftai_model_catalog_default_source.test"

func defaultSourceConfig(id, extra string) string {
	return fmt.Sprintf(`
resource "openshiftai_model_catalog_default_source" "test" {
  source_id = %q
%s
}
`, id, extra)
}

// TestAccCatalogDefaultSource: a shipped source disabled, then filtered, then
// restored by destroy; the shipped ConfigMap is never written; the data source
// shows the merged view; a dashboard-made override is imported with a clean plan.
func TestAccCatalogDefaultSource(t *testing.T) {
	catalogReady(t)
	id := "redhat_ai_models"
	override := func(want func(e catalog.Entry) error) func(*terraform.State) error {
		return checkEntry(t, id, func(e catalog.Entry, _ map[string]string) error {
			if e.Name != "" || e.Type != "" || e.Labels != nil || len(e.Properties) != 0 {
				return fmt.Errorf("the override is not sparse: %+v", e)
			}
			return want(e)
		})
	}
	shippedUntouched := func(*terraform.State) error {
		cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns).Get(context.Background(), acctest.ShippedSourcesConfigMap(), metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cm.Data[catalog.SourcesKey] != acctest.ShippedSourcesFile() {
			return fmt.Errorf("the shipped ConfigMap changed:\n%s", cm.Data[catalog.SourcesKey])
		}
		return nil
	}
	withData := func(extra string) string {
		return defaultSourceConfig(id, extra) + `
data "openshiftai_model_catalog_sources" "all" {
  depends_on = [openshiftai_model_catalog_default_source.test]
}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoEntry(t, id), shippedUntouched, checkForeignKept(t)),
		Steps: []resource.TestStep{
			{
				Config: withData("  enabled = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(defaultAddress, tfjsonpath.New("name"), knownvalue.StringExact("Red Hat AI models")),
					statecheck.ExpectKnownValue("data.openshiftai_model_catalog_sources.all", tfjsonpath.New("sources").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(id), "name": knownvalue.StringExact("Red Hat AI models"), "type": knownvalue.StringExact("yaml"),
						"enabled": knownvalue.Bool(false), "labels": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Red Hat AI")}),
						"included_models": knownvalue.Null(), "excluded_models": knownvalue.Null(), "shipped": knownvalue.Bool(true),
						"overridden": knownvalue.Bool(true), "config_map": knownvalue.StringExact(acctest.ShippedSourcesConfigMap()),
					})),
				},
				Check: resource.ComposeTestCheckFunc(shippedUntouched, checkForeignKept(t), override(func(e catalog.Entry) error {
					if e.IsEnabled() || e.Included != nil {
						return fmt.Errorf("override %+v", e)
					}
					return nil
				})),
			},
			{
				Config:           withData(`  included_models = ["RedHatAI/granite-*"]` + "\n" + `  excluded_models = ["*-beta"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(defaultAddress, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(shippedUntouched, override(func(e catalog.Entry) error {
					if !e.IsEnabled() || !slices.Equal(e.Included, []string{"RedHatAI/granite-*"}) || !slices.Equal(e.Excluded, []string{"*-beta"}) {
						return fmt.Errorf("override %+v", e)
					}
					return nil
				})),
			},
			{
				// The dashboard re-enables all models: drift that the apply repairs.
				PreConfig: func() {
					dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
						if _, err := catalog.RemoveOverride(cm, catalog.ModelSources, id); err != nil {
							t.Fatal(err)
						}
					})
				},
				Config:           withData(`  included_models = ["RedHatAI/granite-*"]` + "\n" + `  excluded_models = ["*-beta"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(defaultAddress, plancheck.ResourceActionCreate)}},
			},
			{
				Config:       withData(`  included_models = ["RedHatAI/granite-*"]` + "\n" + `  excluded_models = ["*-beta"]`),
				ResourceName: defaultAddress, ImportState: true, ImportStateId: id, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:      defaultSourceConfig("not_shipped", ""),
				PlanOnly:    true,
				ExpectError: wrapped(`"not_shipped" is not a shipped model source of namespace "rhoai-model-registries". The shipped model sources are: redhat_ai_models, redhat_ai_validated_models.`),
			},
		},
	})
}

// TestAccCatalogShippedReverted: the stand-in reverts an edit of the shipped
// ConfigMap, as the operator does, so overrides belong in the user ConfigMap.
func TestAccCatalogShippedReverted(t *testing.T) {
	catalogReady(t)
	if acctest.Cluster.StandIn == nil {
		t.Skip("the real operator runs on this cluster")
	}
	client := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns)
	cm, err := client.Get(context.Background(), acctest.ShippedSourcesConfigMap(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data[catalog.SourcesKey] = "catalogs: []\n"
	if _, err := client.Update(context.Background(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := client.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + acctest.ShippedSourcesConfigMap(), ResourceVersion: cm.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if got, ok := ev.Object.(*corev1.ConfigMap); ok && got.Data[catalog.SourcesKey] == acctest.ShippedSourcesFile() {
			return
		}
	}
	t.Fatal("the watch ended before the shipped ConfigMap was reverted")
}

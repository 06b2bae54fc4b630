package catalogsource_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

// TestAccCatalogSourcesDataSource: every model source in the server's order,
// shipped first, then the user ConfigMap's, then labelled ConfigMaps'; MCP
// sources are not model sources.
func TestAccCatalogSourcesDataSource(t *testing.T) {
	catalogReady(t)
	client := acctest.Cluster.Typed.CoreV1().ConfigMaps(ns)
	labelled := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "team-b-catalog", Namespace: ns, Labels: map[string]string{catalog.LabelCatalogSource: "true"}},
		Data: map[string]string{catalog.SourcesKey: "catalogs:\n- id: team_b\n  name: Team B\n  type: hf\n  enabled: false\n" +
			"  excludedModels: ['*-beta']\n  properties:\n    allowedOrganization: team-b\n"},
	}
	if _, err := client.Create(context.Background(), labelled, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Delete(context.Background(), labelled.Name, metav1.DeleteOptions{}) })

	want := map[string]map[string]string{
		"redhat_ai_models":           {"type": "yaml", "shipped": "true", "enabled": "true", "config_map": acctest.ShippedSourcesConfigMap(), "labels.0": "Red Hat AI"},
		"redhat_ai_validated_models": {"type": "yaml", "shipped": "true", "config_map": acctest.ShippedSourcesConfigMap(), "labels.1": "Validated"},
		dashboardSourceID:            {"type": "yaml", "shipped": "false", "name": "Dashboard team models", "config_map": catalog.UserSourcesConfigMap},
		"team_b":                     {"type": "hf", "enabled": "false", "excluded_models.0": "*-beta", "config_map": "team-b-catalog"},
	}
	check := func(s *terraform.State) error {
		attrs := s.RootModule().Resources["data.openshiftai_model_catalog_sources.all"].Primary.Attributes
		order := map[string]int{}
		for i := 0; attrs[fmt.Sprintf("sources.%d.id", i)] != ""; i++ {
			id := attrs[fmt.Sprintf("sources.%d.id", i)]
			order[id] = i
			// v0.3.14's shipped file also lists its shipped MCP sources: not model sources either.
			if id == "mcp" || attrs[fmt.Sprintf("sources.%d.config_map", i)] == catalog.MCPSourcesConfigMap || slices.Contains(standin.ShippedMCPSources, id) {
				return fmt.Errorf("an MCP source is listed: %s", id)
			}
			for key, value := range want[id] {
				if got := attrs[fmt.Sprintf("sources.%d.%s", i, key)]; got != value {
					return fmt.Errorf("source %s: %s = %q, want %q", id, key, got, value)
				}
			}
		}
		for id := range want {
			if _, ok := order[id]; !ok {
				return fmt.Errorf("source %s is not listed", id)
			}
		}
		if order["redhat_ai_models"] > order[dashboardSourceID] || order[dashboardSourceID] > order["team_b"] {
			return fmt.Errorf("not in the catalog server's order: %v", order)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: `data "openshiftai_model_catalog_sources" "all" {}`, Check: check},
			{Config: `data "openshiftai_model_catalog_sources" "elsewhere" {
  namespace = "default"
}`, ExpectError: wrapped(`the model catalog is not deployed in namespace "default"`)},
		},
	})
}

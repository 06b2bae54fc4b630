package catalogsource_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// terraform query lists the catalog sources the dashboard wrote (yaml and
// Hugging Face) and its override of a shipped source, each with its identity,
// and tells them from a source this provider wrote by the made_by filter.
func TestAccCatalogSources_query(t *testing.T) {
	catalogReady(t)
	yamlID, hfID, mine, shipped := "query_dash_yaml", "query_dash_hf", "query_mine", "redhat_ai_models"
	dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
		file, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
		if err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		_ = file.Put(catalog.Entry{ID: yamlID, Name: "Dashboard yaml", Type: "yaml", Enabled: &yes,
			Properties: map[string]string{"yamlCatalogPath": yamlID + ".yaml"}})
		_ = file.Put(catalog.Entry{ID: hfID, Name: "Dashboard HF", Type: "hf", Enabled: &yes,
			Properties: map[string]string{"allowedOrganization": "ibm-granite"}})
		_ = file.Put(catalog.Entry{ID: shipped, Enabled: &no})
		cm.Data[catalog.SourcesKey] = file.String()
		cm.Data[yamlID+".yaml"] = catalogV1
	})
	t.Cleanup(func() {
		dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
			file, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{yamlID, hfID, shipped} {
				file.Remove(id)
			}
			cm.Data[catalog.SourcesKey] = file.String()
			delete(cm.Data, yamlID+".yaml")
		})
	})
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"namespace": knownvalue.StringExact(ns), "source_id": knownvalue.StringExact(id)}
	}
	list := func(resourceType, label, config string) string {
		return fmt.Sprintf("list %q %q {\n  provider = openshiftai\n  config {\n%s\n  }\n}\n", resourceType, label, config)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_14, "terraform query")},
		Steps: []resource.TestStep{
			{Config: yamlSourceConfig(mine, "Made by Terraform", "", catalogV1)},
			{
				Query: true,
				Config: "provider \"openshiftai\" {}\n" +
					list("openshiftai_model_catalog_source", "dashboard", `    made_by = "dashboard"`) +
					list("openshiftai_model_catalog_source", "mine", `    made_by = "provider"`) +
					list("openshiftai_model_catalog_source", "hf", `    type = "hf"`) +
					list("openshiftai_model_catalog_default_source", "all", ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectIdentity("openshiftai_model_catalog_source.dashboard", identity(yamlID)),
					querycheck.ExpectIdentity("openshiftai_model_catalog_source.dashboard", identity(hfID)),
					querycheck.ExpectNoIdentity("openshiftai_model_catalog_source.dashboard", identity(mine)),
					querycheck.ExpectNoIdentity("openshiftai_model_catalog_source.dashboard", identity(shipped)),
					querycheck.ExpectIdentity("openshiftai_model_catalog_source.mine", identity(mine)),
					querycheck.ExpectLength("openshiftai_model_catalog_source.mine", 1),
					querycheck.ExpectIdentity("openshiftai_model_catalog_source.hf", identity(hfID)),
					querycheck.ExpectNoIdentity("openshiftai_model_catalog_source.hf", identity(yamlID)),
					querycheck.ExpectIdentity("openshiftai_model_catalog_default_source.all", identity(shipped)),
					querycheck.ExpectNoIdentity("openshiftai_model_catalog_default_source.all", identity(yamlID)),
				},
			},
		},
	})
}

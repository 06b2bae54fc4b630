package catalogsource_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// noClusterProvider points at an address nothing listens on: what fails here
// fails at plan, before any request.
const noClusterProvider = `
provider "openshiftai" {
  host                 = "https://127.0.0.1:1"
  token                = "unused"
  registries_namespace = "rhoai-model-registries"
}
`

// TestCatalogSource_planErrors: bad input fails at plan with no cluster, naming
// the attribute and the fix; a misspelled argument inside a block is refused.
func TestCatalogSource_planErrors(t *testing.T) {
	steps := []resource.TestStep{
		{Config: strings.Replace(yamlSourceConfig("tf_typo", "Typo", "", catalogV1), "catalog =", "catalogue =", 1), PlanOnly: true,
			ExpectError: regexp.MustCompile(`Unsupported argument[\s\S]*catalogue`)},
		{Config: yamlSourceConfig("tf_bad_file", "Bad", "", "models:\n- name: m\n  colour: blue\n"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`yaml.catalog: line 3: unknown key "colour" in model "m"`)},
		{Config: yamlSourceConfig("tf_dup", "Dup", "", "models:\n- name: m\n- name: m\n"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`two models are named "m"`)},
		{Config: yamlSourceConfig("Bad-Id", "Bad", "", catalogV1), PlanOnly: true,
			ExpectError: regexp.MustCompile(`may hold only lowercase letters, digits and underscores`)},
		{Config: yamlSourceConfig("tf_empty", "Empty", `  included_models = [""]`, catalogV1), PlanOnly: true,
			ExpectError: regexp.MustCompile(`included_models\[0\]: an empty pattern matches nothing`)},
		{Config: yamlSourceConfig("tf_big", "Big", "", "models: []\n#"+strings.Repeat("x", catalog.MaxConfigMapBytes)), PlanOnly: true,
			ExpectError: regexp.MustCompile(`Catalog file too large`)},
		{Config: hfSourceConfig("tf_hf_typo", "Typo", "    api_key = \"x\""), PlanOnly: true, ExpectError: regexp.MustCompile(`Unsupported argument[\s\S]*api_key`)},
		{Config: hfSourceConfig("tf_hf_nover", "No version", "    api_key_wo = \"x\""), PlanOnly: true, ExpectError: regexp.MustCompile(`api_key_wo_version`)},
		{Config: `resource "openshiftai_model_catalog_default_source" "test" {
  source_id = "redhat_ai_models"
  included_models = []
}`, PlanOnly: true, ExpectError: regexp.MustCompile(`included_models`)},
		{Config: `resource "openshiftai_model_catalog_source" "test" {
  source_id = "tf_none"
  name      = "None"
}`, PlanOnly: true, ExpectError: regexp.MustCompile(`(?i)exactly one of[\s\S]*yaml[\s\S]*hugging_face`)},
	}
	for i := range steps {
		steps[i].Config = noClusterProvider + steps[i].Config
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: steps})
}

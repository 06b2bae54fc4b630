package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The function returns what the registry resource plans as resource_name for
// the same display name, without a cluster.
func TestResourceNameFunction(t *testing.T) {
	for displayName, want := range map[string]string{
		"Fraud models":               "fraud-models",
		"Team A: Fraud/Models (v2)!": "team-a-fraudmodels-v2",
		"Über   models":              "ber-models",
		strings.TrimSpace(strings.Repeat("fraud ", 12)): "fraud-fraud-fraud-fraud-fraud-fraud-frau",
	} {
		t.Run(displayName, func(t *testing.T) {
			t.Setenv("KUBE_CONFIG_PATH", "")
			config := badInputProvider + fmt.Sprintf(`
output "name" {
  value = provider::openshiftai::resource_name(%[1]q)
}
`, displayName) + registryBody{name: fmt.Sprintf("name = %q", displayName)}.String()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:             config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectKnownOutputValue("name", knownvalue.StringExact(want)),
						plancheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("resource_name"), knownvalue.StringExact(want)),
					}},
				}},
			})
		})
	}
}

func TestResourceNameFunctionRejects(t *testing.T) {
	for displayName, want := range map[string]string{
		"!!! ???":     `the Kubernetes name derived from "!!! ???" is "", which must not be empty`,
		"2024 models": `"2024-models", which must start with a lowercase letter`,
	} {
		t.Run(displayName, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
output "name" {
  value = provider::openshiftai::resource_name(%q)
}
`, displayName),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(want), " ", `\s+`) + `(?s).*set\s+resource_name`),
				}},
			})
		})
	}
}

package permission_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// unreachableProvider's block points at an address nothing listens on, so
// any request of a plan-only test would fail.
const unreachableProvider = `
provider "openshiftai" {
  host                 = "https://127.0.0.1:1"
  token                = "unused"
  registries_namespace = "rhoai-model-registries"
}
`

func permissionUnitConfig(body string) string {
	return unreachableProvider + `
resource "openshiftai_model_registry_permission" "p" {
` + body + `
}
`
}

func TestPermissionPlanTimeValidation(t *testing.T) {
	cases := map[string]struct {
		body string
		want string
	}{
		"no subject": {
			`registry = "fraud"`,
			`(?s)Exactly one of these attributes must be configured:\s+\[user,group,project\]`,
		},
		"two subjects": {
			`registry = "fraud"
			 user     = "alice"
			 group    = "data-scientists"`,
			`(?s)Exactly one of these attributes must be configured:\s+\[user,group,project\]`,
		},
		"three subjects": {
			`registry = "fraud"
			 user     = "alice"
			 group    = "data-scientists"
			 project  = "team-a"`,
			`(?s)Exactly one of these attributes must be configured`,
		},
		"empty user": {
			`registry = "fraud"
			 user     = ""`,
			`(?s)user: "" must not be empty`,
		},
		"user with white space": {
			`registry = "fraud"
			 user     = " alice"`,
			`(?s)user: " alice" has white space around it`,
		},
		"group with white space": {
			`registry = "fraud"
			 group    = "data-scientists\n"`,
			`(?s)group: "data-scientists\\n" has white space around it`,
		},
		"project not a namespace name": {
			`registry = "fraud"
			 project  = "Team_A"`,
			`(?s)project: "Team_A" is not a valid namespace name`,
		},
		"registry display name instead of resource name": {
			`registry = "Fraud models"
			 user     = "alice"`,
			`(?s)Invalid registry name.*registry: "Fraud models"`,
		},
		"registry starting with a digit": {
			`registry = "1fraud"
			 user     = "alice"`,
			`(?s)registry: "1fraud" must start with a lowercase letter`,
		},
		"namespace not a namespace name": {
			`registry  = "fraud"
			 namespace = "Models"
			 user      = "alice"`,
			`(?s)namespace: "Models" is not a valid namespace name`,
		},
		"timeout not a duration": {
			`registry = "fraud"
			 user     = "alice"
			 timeouts { create = "soon" }`,
			`(?s)Invalid duration.*timeouts.create:\s+"soon"\s+is\s+not\s+a\s+duration`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config:      permissionUnitConfig(tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A valid permission plans without the cluster, and the plan already names
// the binding it will create.
func TestPermissionPlansWithoutCluster(t *testing.T) {
	subjects := map[string]registry.Permission{
		`user = "kube:admin"`:              {Registry: "fraud", Kind: registry.SubjectUser, Subject: "kube:admin"},
		`group = "system:authenticated"`:   {Registry: "fraud", Kind: registry.SubjectGroup, Subject: "system:authenticated"},
		`project = "team-a"`:               {Registry: "fraud", Kind: registry.SubjectProject, Subject: "team-a"},
		`user = "alice@example.com"`:       {Registry: "fraud", Kind: registry.SubjectUser, Subject: "alice@example.com"},
		`group = "oidc:team/data-science"`: {Registry: "fraud", Kind: registry.SubjectGroup, Subject: "oidc:team/data-science"},
	}
	for subject, perm := range subjects {
		t.Run(subject, func(t *testing.T) {
			bindingName := perm.BindingName()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config:             permissionUnitConfig(`registry = "fraud"` + "\n" + subject),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("openshiftai_model_registry_permission.p", plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue("openshiftai_model_registry_permission.p",
							tfjsonpath.New("binding_name"), knownvalue.StringExact(bindingName)),
						plancheck.ExpectKnownValue("openshiftai_model_registry_permission.p",
							tfjsonpath.New("namespace"), knownvalue.StringExact("rhoai-model-registries")),
						plancheck.ExpectKnownValue("openshiftai_model_registry_permission.p",
							tfjsonpath.New("id"), knownvalue.StringExact("rhoai-model-registries/"+bindingName)),
					}},
				}},
			})
		})
	}
}

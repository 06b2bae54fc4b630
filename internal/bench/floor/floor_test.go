package main

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// The bench's own shape: a registry with a write-only password and a permission on it.
const floorConfig = `
variable "password" {
  type      = string
  ephemeral = true
  default   = "secret"
}

provider "openshiftai" {}

resource "openshiftai_model_registry" "r" {
  name = "Bench 0001"
  database {
    host                = "mysql.bench.svc.cluster.local"
    username            = "model_registry"
    database            = "registry_0001"
    password_wo         = var.password
    password_wo_version = 1
  }
  wait_for_ready = true
}

resource "openshiftai_model_registry_permission" "p" {
  registry = openshiftai_model_registry.r.resource_name
  group    = "team-0001"
}
`

func TestFloorAppliesAndPlansNothingAfter(t *testing.T) {
	attr := tfjsonpath.New[string]
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"openshiftai": providerserver.NewProtocol6WithError(newProvider()),
		},
		Steps: []resource.TestStep{
			{
				Config: floorConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// resource_name is planned from name, as the provider plans it.
					plancheck.ExpectKnownValue("openshiftai_model_registry_permission.p", attr("registry"), knownvalue.StringExact("bench-0001")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// Unknown computed values are filled in; planned ones kept, the defaults the provider's.
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("id"), knownvalue.StringExact(filler)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("resource_name"), knownvalue.StringExact("bench-0001")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("ready"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("status").AtMapKey("reason"), knownvalue.StringExact(filler)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("endpoints"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(filler)})),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("database").AtMapKey("port"), knownvalue.Int64Exact(3306)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("database").AtMapKey("type"), knownvalue.StringExact("mysql")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("database").AtMapKey("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("openshiftai_model_registry_permission.p", attr("registry"), knownvalue.StringExact("bench-0001")),
				},
			},
			{
				// Read returns the state as it is: a refresh finds nothing to change.
				Config:           floorConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A changed display name updates the registry in place and keeps its UID.
				Config: regexp.MustCompile(`"Bench 0001"`).ReplaceAllString(floorConfig, `"Bench 0001 renamed"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openshiftai_model_registry.r", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("openshiftai_model_registry_permission.p", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("name"), knownvalue.StringExact("Bench 0001 renamed")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", attr("resource_name"), knownvalue.StringExact("bench-0001")),
				},
			},
		},
	})
}

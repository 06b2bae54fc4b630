package permission_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// Every resource of the family has an identity from the create on: a single
// permission its RoleBinding's namespace and name, a permission list and group
// members the registry's namespace and name. An import block with that
// identity adopts each with a plan that changes nothing.
func TestAccPermissionFamily_identity(t *testing.T) {
	name, listed := registryName("ident"), registryName("identlist")
	config := registryConfig(name) +
		acctest.Registry{Label: "listed", Name: "Access test " + listed, ResourceName: listed, Database: acctest.Database{
			Host: "mysql.example.com", Username: "mr", Database: "mr", Password: `"s3cret"`, PasswordVersion: 1,
		}}.HCL() +
		acctest.Permission{Label: "alice", Registry: "openshiftai_model_registry.r.resource_name", Subject: `user = "alice"`}.HCL() +
		membersConfig("bob") + `
resource "openshiftai_model_registry_permissions" "all" {
  registry = openshiftai_model_registry.listed.resource_name
  users    = ["carol"]
}
`
	alice := registry.Permission{Registry: name, Namespace: namespace, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()
	importByIdentity := func(address string) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_12, "Resource identity")},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("openshiftai_model_registry_permission.alice", map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "name": knownvalue.StringExact(alice),
					}),
					statecheck.ExpectIdentity(membersAddress, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "registry": knownvalue.StringExact(name),
					}),
					statecheck.ExpectIdentity(listAddress, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "registry": knownvalue.StringExact(listed),
					}),
				},
			},
			importByIdentity("openshiftai_model_registry_permission.alice"),
			importByIdentity(membersAddress),
			importByIdentity(listAddress),
		},
	})
}

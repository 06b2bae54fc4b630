package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// fleetExample is the example that adopts a whole namespace; the test runs it as users do.
const fleetExample = "../../examples/fleet-import/main.tf"

// createDashboardBindingIn makes the RoleBinding the dashboard's permissions
// page makes for one subject of a registry in namespace.
func createDashboardBindingIn(t *testing.T, namespace, registryName string, registryUID types.UID, subject rbacv1.Subject, project bool) string {
	t.Helper()
	name := "dashboard-permissions-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
	labels := registry.CommonLabels(registryName)
	labels[registry.LabelDashboard] = "true"
	if project {
		labels[registry.LabelProjectSubject] = "true"
	}
	createBinding(t, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{registry.OwnerReference(registryName, registryUID)},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(registryName)},
		Subjects: []rbacv1.Subject{subject},
	})
	return name
}

// importedChanges checks that a plan imports exactly want resources of each
// type and plans no other action than importing them (no create, update,
// replace or delete).
func importedChanges(want map[string]int) plancheck.PlanCheck {
	return planCheckFunc(func(p any) error {
		plan, ok := p.(*tfjson.Plan)
		if !ok {
			return fmt.Errorf("plan is a %T", p)
		}
		got := map[string]int{}
		for _, rc := range plan.ResourceChanges {
			if rc.Mode != tfjson.ManagedResourceMode {
				continue
			}
			if rc.Change.Importing == nil {
				return fmt.Errorf("%s is not imported but planned %v", rc.Address, rc.Change.Actions)
			}
			if !rc.Change.Actions.NoOp() {
				return fmt.Errorf("%s is imported with the change %v, want none", rc.Address, rc.Change.Actions)
			}
			got[rc.Type]++
		}
		for resourceType, n := range want {
			if got[resourceType] != n {
				return fmt.Errorf("the plan imports %d %s, want %d (all: %v)", got[resourceType], resourceType, n, got)
			}
		}
		return nil
	})
}

// The fleet example adopts ten registries made in the dashboard and the
// permissions granted on its permissions page in one plan that imports and
// changes nothing: the operator's binding and a binding made by hand with two
// subjects stay out. The registries keep their UID and their dashboard-made
// password Secrets, and the plan after the apply is empty.
func TestAccFleetImport_tenDashboardRegistries(t *testing.T) {
	testAccSetUp(t)
	example, err := os.ReadFile(fleetExample)
	if err != nil {
		t.Fatal(err)
	}
	namespace := createTestNamespace(t, "fleet")
	pem := testCA(t)
	uids := map[string]types.UID{}
	secrets := map[string]string{}
	permissions := 0
	for i := range 10 {
		name := testRegistryName(fmt.Sprintf("fleet%d", i))
		ca := dsDashboardCA{}
		switch i % 3 {
		case 1:
			ca.pem = pem
		case 2:
			ca.configMap = &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleOpenShiftKey}
		}
		made := makeDashboardRegistry(t, namespace, name, fmt.Sprintf("Fleet registry %d", i), "", ca)
		uids[name], secrets[name] = types.UID(made.uid), made.secretName
		createDashboardBindingIn(t, namespace, name, uids[name], rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: fmt.Sprintf("user-%d", i)}, false)
		permissions++
		if i%2 == 0 {
			createDashboardBindingIn(t, namespace, name, uids[name], rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "data-scientists"}, false)
			permissions++
		}
		if i%3 == 0 {
			createDashboardBindingIn(t, namespace, name, uids[name], rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: registry.ProjectGroup("team-" + name)}, true)
			permissions++
		}
		if i == 0 {
			createBinding(t, &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name + "-by-hand", Namespace: namespace},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(name)},
				Subjects: []rbacv1.Subject{
					{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "carol"},
					{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "dave"},
				},
			})
		}
	}
	config := fmt.Sprintf("provider \"openshiftai\" {\n  registries_namespace = %q\n}\n", namespace) + string(example)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{importedChanges(map[string]int{
					"openshiftai_model_registry": 10, "openshiftai_model_registry_permission": permissions,
				})},
			},
			Check: func(s *terraform.State) error {
				for name, uid := range uids {
					obj, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
					if err != nil {
						return err
					}
					if obj.GetUID() != uid {
						return fmt.Errorf("registry %s has UID %s after the import, %s before", name, obj.GetUID(), uid)
					}
					address := fmt.Sprintf("openshiftai_model_registry.fleet[%q]", name)
					if got := s.RootModule().Resources[address].Primary.Attributes["database.existing_password_secret.name"]; got != secrets[name] {
						return fmt.Errorf("%s uses password Secret %q, want the dashboard's %q", address, got, secrets[name])
					}
				}
				var adopted []string
				for address := range s.RootModule().Resources {
					if strings.HasPrefix(address, "openshiftai_model_registry_permission.") {
						adopted = append(adopted, address)
					}
				}
				if len(adopted) != permissions {
					return fmt.Errorf("%d permissions in state, want %d: %v", len(adopted), permissions, adopted)
				}
				return nil
			},
		}},
	})
}

package acceptance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/dashboard"
)

// fleetExample is the example that adopts a whole namespace; the test runs it as users do.
const fleetExample = "../../examples/fleet-import/main.tf"

// createDashboardBindingIn makes the RoleBinding the dashboard's permissions
// page makes for one subject of a registry in namespace.
func createDashboardBindingIn(t *testing.T, namespace, registryName string, registryUID types.UID, subject rbacv1.Subject, project bool) {
	t.Helper()
	acctest.CreateBinding(t, dashboard.Binding(namespace, registryName, registryUID, subject, project))
}

// checkImported checks that a plan imports exactly want resources of each
// type and plans no other action than importing them (no create, update,
// replace or delete).
func checkImported(plan *tfjson.Plan, want map[string]int) error {
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
}

// The fleet example adopts ten registries made in the dashboard and the
// permissions granted on its permissions page in one plan that imports and
// changes nothing: the operator's binding and a binding made by hand with two
// subjects stay out. The registries keep their UID and their dashboard-made
// password Secrets, and the plan after the apply is empty. It runs the real
// terraform binary on the example's file, as a user does (terraform-plugin-testing
// cannot read a state with for_each instances).
func TestAccFleetImport_tenDashboardRegistries(t *testing.T) {
	acctest.PreCheck(t)
	example, err := os.ReadFile(fleetExample)
	if err != nil {
		t.Fatal(err)
	}
	namespace := acctest.CreateNamespace(t, "fleet")
	pem := acctest.CA(t)
	uids := map[string]types.UID{}
	secrets := map[string]string{}
	permissions := 0
	for i := range 10 {
		name := acctest.RegistryName(fmt.Sprintf("fleet%d", i))
		ca := acctest.DashboardCA{}
		switch i % 3 {
		case 1:
			ca.PEM = pem
		case 2:
			ca.ConfigMap = &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleOpenShiftKey}
		}
		made := acctest.MakeDashboardRegistry(t, namespace, name, fmt.Sprintf("Fleet registry %d", i), "", ca)
		uids[name], secrets[name] = types.UID(made.UID), made.SecretName
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
			acctest.CreateBinding(t, &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name + "-by-hand", Namespace: namespace},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(name)},
				Subjects: []rbacv1.Subject{
					{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "carol"},
					{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "dave"},
				},
			})
		}
	}

	tf := newTerraformRun(t, buildProvider(t), "KUBE_CONFIG_PATH="+acctest.Cluster.ControlPlane.KubeconfigPath)
	tf.writeConfig(fmt.Sprintf("provider \"openshiftai\" {\n  registries_namespace = %q\n}\n", namespace) + string(example))
	tf.run("plan", "-no-color", "-out=adopt.tfplan")
	var plan tfjson.Plan
	if err := json.Unmarshal([]byte(tf.run("show", "-json", "adopt.tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	if err := checkImported(&plan, map[string]int{"openshiftai_model_registry": 10, "openshiftai_model_registry_permission": permissions}); err != nil {
		t.Fatal(err)
	}
	tf.run("apply", "-no-color", "adopt.tfplan")
	if out, err := tf.try("plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after the apply is not empty (%v):\n%s", err, out)
	}

	var state tfjson.State
	if err := json.Unmarshal([]byte(tf.run("show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	adopted := map[string]int{}
	for _, r := range state.Values.RootModule.Resources {
		if r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		adopted[r.Type]++
		if r.Type != "openshiftai_model_registry" {
			continue
		}
		name, _ := r.AttributeValues["resource_name"].(string)
		database, _ := r.AttributeValues["database"].(map[string]any)
		secret, _ := database["existing_password_secret"].(map[string]any)
		if secret["name"] != secrets[name] {
			t.Errorf("%s uses password Secret %v, want the dashboard's %q", r.Address, secret["name"], secrets[name])
		}
	}
	if adopted["openshiftai_model_registry"] != 10 || adopted["openshiftai_model_registry_permission"] != permissions {
		t.Errorf("state holds %v, want 10 registries and %d permissions", adopted, permissions)
	}
	for name, uid := range uids {
		obj, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
		if err != nil {
			t.Fatal(err)
		}
		if obj.GetUID() != uid {
			t.Errorf("registry %s has UID %s after the import, %s before", name, obj.GetUID(), uid)
		}
	}
}

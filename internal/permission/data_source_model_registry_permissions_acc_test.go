package permission_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// createDashboardBinding makes the RoleBinding the dashboard's permissions
// page makes for one subject, with its labels and owner reference.
func createDashboardBinding(t *testing.T, registryName string, registryUID types.UID, subject rbacv1.Subject, project bool) string {
	t.Helper()
	name := "dashboard-permissions-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
	labels := registry.CommonLabels(registryName)
	labels[registry.LabelDashboard] = "true"
	if project {
		labels[registry.LabelProjectSubject] = "true"
	}
	acctest.CreateBinding(t, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: acctest.Namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{registry.OwnerReference(registryName, registryUID)},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(registryName)},
		Subjects: []rbacv1.Subject{subject},
	})
	return name
}

// waitForBinding waits for the operator stand-in's binding of its group.
func waitForBinding(t *testing.T, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err := getBinding(name); err == nil {
			return
		}
	}
	t.Fatalf("RoleBinding %s never appeared", name)
}

type expectedPermission struct {
	binding, kind, subject string
	project                *string
	managed, operator      bool
}

func (e expectedPermission) check() knownvalue.Check {
	var project knownvalue.Check = knownvalue.Null()
	if e.project != nil {
		project = knownvalue.StringExact(*e.project)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"binding_name":   knownvalue.StringExact(e.binding),
		"subject_kind":   knownvalue.StringExact(e.kind),
		"subject":        knownvalue.StringExact(e.subject),
		"project":        project,
		"managed":        knownvalue.Bool(e.managed),
		"operator_owned": knownvalue.Bool(e.operator),
	})
}

// The permissions of a registry made by the provider: the provider's binding,
// the dashboard's bindings of a user, a group and a project, a binding with two
// subjects made by hand without labels, and the operator's binding of its group.
func TestAccModelRegistryPermissionsDataSource(t *testing.T) {
	name := acctest.RegistryName("dsperm")
	other := acctest.RegistryName("dsother")
	providerBinding := registry.Permission{Registry: name, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()
	teamA := "team-a"
	base := acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("alice", `user = "alice"`)
	var expected []expectedPermission

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: base},
			{
				PreConfig: func() {
					waitForBinding(t, registry.UsersGroupName(name))
					obj := acctest.GetRegistry(t, name)
					user := createDashboardBinding(t, name, obj.GetUID(), rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "bob"}, false)
					group := createDashboardBinding(t, name, obj.GetUID(), rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "data-scientists"}, false)
					project := createDashboardBinding(t, name, obj.GetUID(), rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: registry.ProjectGroup(teamA)}, true)
					role := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(name)}
					acctest.CreateBinding(t, &rbacv1.RoleBinding{
						ObjectMeta: metav1.ObjectMeta{Name: name + "-by-hand", Namespace: acctest.Namespace},
						RoleRef:    role,
						Subjects: []rbacv1.Subject{
							{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "carol"},
							{Kind: rbacv1.ServiceAccountKind, Name: "pipeline", Namespace: "team-b"},
						},
					})
					// Bindings of another role, even labelled for the registry, are not its permissions.
					acctest.CreateBinding(t, &rbacv1.RoleBinding{
						ObjectMeta: metav1.ObjectMeta{Name: name + "-other-role", Namespace: acctest.Namespace, Labels: registry.CommonLabels(name)},
						RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(other)},
						Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "mallory"}},
					})
					expected = []expectedPermission{
						{binding: providerBinding, kind: "user", subject: "alice", managed: true},
						{binding: user, kind: "user", subject: "bob"},
						{binding: group, kind: "group", subject: "data-scientists"},
						{binding: project, kind: "project", subject: teamA, project: &teamA},
						{binding: name + "-by-hand", kind: "user", subject: "carol"},
						{binding: name + "-by-hand", kind: "service_account", subject: "pipeline", project: &[]string{"team-b"}[0]},
						{binding: registry.UsersGroupName(name), kind: "group", subject: registry.UsersGroupName(name), operator: true},
					}
					sort.SliceStable(expected, func(i, j int) bool {
						a, b := expected[i], expected[j]
						if a.binding != b.binding {
							return a.binding < b.binding
						}
						return a.kind < b.kind
					})
				},
				Config: base + `
data "openshiftai_model_registry_permissions" "test" {
  registry   = openshiftai_model_registry.r.resource_name
  depends_on = [openshiftai_model_registry_permission.alice]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registry_permissions.test", tfjsonpath.New("id"),
						knownvalue.StringExact(acctest.Namespace+"/"+name)),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry_permissions.test", tfjsonpath.New("namespace"),
						knownvalue.StringExact(acctest.Namespace)),
					expectPermissions("data.openshiftai_model_registry_permissions.test", &expected),
				},
			},
		},
	})
}

// expectPermissions checks the permissions list against expected, which is
// filled in by a PreConfig before the check runs.
func expectPermissions(address string, expected *[]expectedPermission) statecheck.StateCheck {
	return lazyStateCheck(func() statecheck.StateCheck {
		checks := make([]knownvalue.Check, 0, len(*expected))
		for _, e := range *expected {
			checks = append(checks, e.check())
		}
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("permissions"), knownvalue.ListExact(checks))
	})
}

type lazyStateCheck func() statecheck.StateCheck

func (l lazyStateCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	l().CheckState(ctx, req, resp)
}

// A registry made entirely in the dashboard, and a registry that does not exist.
func TestAccModelRegistryPermissionsDataSource_dashboardRegistry(t *testing.T) {
	acctest.PreCheck(t)
	dash := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dspermdash"), "Dashboard permissions", "", acctest.DashboardCA{})
	waitForBinding(t, registry.UsersGroupName(dash.Name))
	everyone := createDashboardBinding(t, dash.Name, types.UID(dash.UID),
		rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: registry.AllAuthenticated}, false)
	want := []expectedPermission{
		{binding: registry.UsersGroupName(dash.Name), kind: "group", subject: registry.UsersGroupName(dash.Name), operator: true},
		{binding: everyone, kind: "group", subject: registry.AllAuthenticated},
	}
	if want[1].binding < want[0].binding {
		want[0], want[1] = want[1], want[0]
	}
	empty := acctest.CreateNamespace(t, "dspermmissing")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "openshiftai_model_registry_permissions" "dash" {
  registry  = %q
  namespace = %q
}
`, dash.Name, acctest.Namespace),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPermissions("data.openshiftai_model_registry_permissions.dash", &want),
				},
			},
			{
				Config: fmt.Sprintf(`
data "openshiftai_model_registry_permissions" "missing" {
  registry  = %q
  namespace = %q
}
`, dash.Name, empty),
				ExpectError: acctest.WrappedText(fmt.Sprintf(`There is no model registry %q in namespace %q. Namespace %q has no model registries.`,
					dash.Name, empty, empty)),
			},
		},
	})
}

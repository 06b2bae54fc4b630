package permission

import (
	"fmt"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestPermissionEntries(t *testing.T) {
	const namespace = "rhoai-model-registries"
	binding := func(name, role string, labels map[string]string, subjects ...rbacv1.Subject) rbacv1.RoleBinding {
		return rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role},
			Subjects:   subjects,
		}
	}
	user := func(name string) rbacv1.Subject {
		return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}
	}
	group := func(name string) rbacv1.Subject {
		return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: name}
	}
	dashboardLabels := registry.CommonLabels("fraud")
	dashboardLabels[registry.LabelDashboard] = "true"
	managed := registry.Permission{Registry: "fraud", Namespace: namespace, Kind: registry.SubjectGroup, Subject: "data-scientists"}.
		RoleBinding("uid")

	bindings := []rbacv1.RoleBinding{
		binding("fraud-users", "registry-user-fraud", registry.CommonLabels("fraud"), group("fraud-users")),
		binding("dashboard-permissions-abc123", "registry-user-fraud", dashboardLabels, user("alice")),
		binding("dashboard-permissions-def456", "registry-user-fraud", dashboardLabels, group("system:serviceaccounts:team-a")),
		*managed,
		// By hand, without labels, with several subjects.
		binding("by-hand", "registry-user-fraud", nil, user("bob"),
			rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "pipeline", Namespace: "team-b"}, group("auditors")),
		// Other registries and other roles are left out.
		binding("churn-users", "registry-user-churn", nil, group("churn-users")),
		binding("fraud-editors", "edit", nil, user("carol")),
		{
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-role", Namespace: namespace},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "registry-user-fraud"},
			Subjects:   []rbacv1.Subject{user("mallory")},
		},
	}
	var got []string
	for _, e := range permissionEntries("fraud", bindings) {
		got = append(got, fmt.Sprintf("%s %s %s project=%s managed=%s operator=%s",
			e.BindingName.ValueString(), e.SubjectKind.ValueString(), e.Subject.ValueString(), e.Project, e.Managed, e.OperatorOwned))
	}
	want := []string{
		"by-hand group auditors project=<null> managed=false operator=false",
		`by-hand service_account pipeline project="team-b" managed=false operator=false`,
		"by-hand user bob project=<null> managed=false operator=false",
		`dashboard-permissions-abc123 user alice project=<null> managed=false operator=false`,
		`dashboard-permissions-def456 project team-a project="team-a" managed=false operator=false`,
		managed.Name + " group data-scientists project=<null> managed=true operator=false",
		"fraud-users group fraud-users project=<null> managed=false operator=true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if none := permissionEntries("vision", bindings); none == nil || len(none) != 0 {
		t.Errorf("a registry without bindings gives %v, want an empty list", none)
	}
}

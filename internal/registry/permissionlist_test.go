package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

const listUID = types.UID("5f2b8e1c-0000-4000-8000-000000000002")

// listBinding is a binding of the fraud registry's role with the given subjects.
func listBinding(name string, subjects ...rbacv1.Subject) rbacv1.RoleBinding {
	return rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name), ResourceVersion: "7",
			Labels: CommonLabels("fraud")},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "registry-user-fraud"},
		Subjects: subjects,
	}
}

func user(name string) rbacv1.Subject {
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}
}

func group(name string) rbacv1.Subject {
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: name}
}

func TestRegistryBindingsSkipsTheOperatorsAndOtherRoles(t *testing.T) {
	operator := listBinding("fraud-users", group("fraud-users"))
	other := listBinding("other-role", user("alice"))
	other.RoleRef.Name = "registry-user-fraud2"
	clusterRole := listBinding("cluster-role", user("alice"))
	clusterRole.RoleRef.Kind = "ClusterRole"
	dashboard := listBinding("dashboard-permissions-abc123", user("alice"))
	project := listBinding("dashboard-permissions-def456", group("system:serviceaccounts:team-a"))
	sa := listBinding("by-hand", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "robot", Namespace: "ci"}, user("bob"))

	got := RegistryBindings("fraud", []rbacv1.RoleBinding{operator, other, clusterRole, project, dashboard, sa})
	var names []string
	for _, b := range got {
		names = append(names, b.Name)
	}
	if diff := cmp.Diff([]string{"by-hand", "dashboard-permissions-abc123", "dashboard-permissions-def456"}, names); diff != "" {
		t.Fatalf("RegistryBindings names (-want +got):\n%s", diff)
	}
	if got[0].Regular || !got[1].Regular || !got[2].Regular {
		t.Errorf("Regular = %v, %v, %v; want false for the hand-made binding with two subjects, true for the dashboard's",
			got[0].Regular, got[1].Regular, got[2].Regular)
	}
	want := []Subject{
		{Kind: SubjectProject, Name: "team-a"},
		{Kind: SubjectUser, Name: "alice"},
		{Kind: SubjectUser, Name: "bob"},
		{Kind: SubjectUser, Name: "system:serviceaccount:ci:robot"},
	}
	if diff := cmp.Diff(want, GrantedSubjects(got)); diff != "" {
		t.Errorf("GrantedSubjects (-want +got):\n%s", diff)
	}
}

func TestChangesAddsOnlyMissingAndDeletesOnlyUnlisted(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns", Subjects: []Subject{
		{Kind: SubjectUser, Name: "alice"}, {Kind: SubjectGroup, Name: "data-scientists"},
	}}
	// alice's binding is the list's own already; bob was added in the dashboard.
	alice := list.RoleBinding(Subject{Kind: SubjectUser, Name: "alice"}, "", listUID)
	alice.UID, alice.ResourceVersion = "uid-alice", "3"
	bob := listBinding("dashboard-permissions-bbbbbb", user("bob"))
	observed := RegistryBindings("fraud", []rbacv1.RoleBinding{*alice, bob})

	changes := list.Changes(observed, listUID)
	if len(changes.Write) != 1 || changes.Write[0].Subjects[0] != group("data-scientists") {
		t.Fatalf("Write = %v; want only the new binding of group data-scientists", bindingNames(changes.Write))
	}
	if got := changes.Write[0].Name; got != list.permission(Subject{Kind: SubjectGroup, Name: "data-scientists"}).BindingName() {
		t.Errorf("new binding name = %q; want the derived name", got)
	}
	if got := changes.Write[0].Annotations[AnnotationMadeBy]; got != MadeByPermissionList {
		t.Errorf("new binding %s = %q; want %q", AnnotationMadeBy, got, MadeByPermissionList)
	}
	if len(changes.Delete) != 1 || changes.Delete[0].Name != bob.Name || changes.Delete[0].UID != bob.UID {
		t.Errorf("Delete = %+v; want only %s", changes.Delete, bob.Name)
	}
	if len(changes.Adopted) != 0 {
		t.Errorf("Adopted = %v; want none", changes.Adopted)
	}
}

func TestChangesAdoptsADashboardBindingUnderItsName(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns", Subjects: []Subject{{Kind: SubjectUser, Name: "alice"}}}
	dashboard := listBinding("dashboard-permissions-abc123", user("alice"))
	dashboard.Labels[LabelDashboard] = "true"
	changes := list.Changes(RegistryBindings("fraud", []rbacv1.RoleBinding{dashboard}), listUID)
	if diff := cmp.Diff([]string{"dashboard-permissions-abc123"}, changes.Adopted); diff != "" {
		t.Fatalf("Adopted (-want +got):\n%s", diff)
	}
	if len(changes.Write) != 1 || changes.Write[0].Name != "dashboard-permissions-abc123" {
		t.Fatalf("Write = %v; want the dashboard's binding under its own name", bindingNames(changes.Write))
	}
	written := changes.Write[0]
	if written.Labels[LabelAppManagedBy] != ManagedByProvider || written.OwnerReferences[0].UID != listUID {
		t.Errorf("adopted binding labels %v owners %v; want the provider's label and the registry as owner", written.Labels, written.OwnerReferences)
	}
	if len(changes.Delete) != 0 {
		t.Errorf("Delete = %+v; want none: the subject keeps its binding", changes.Delete)
	}
}

func TestChangesKeepsOneBindingPerSubject(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns", Subjects: []Subject{{Kind: SubjectUser, Name: "alice"}}}
	derived := list.permission(Subject{Kind: SubjectUser, Name: "alice"}).BindingName()
	cases := []struct {
		name     string
		bindings []rbacv1.RoleBinding
		keep     string
	}{
		{"the derived name over a dashboard name", []rbacv1.RoleBinding{
			listBinding("dashboard-permissions-aaaaaa", user("alice")), listBinding(derived, user("alice"))}, derived},
		{"the first by name among dashboard bindings", []rbacv1.RoleBinding{
			listBinding("dashboard-permissions-zzzzzz", user("alice")), listBinding("dashboard-permissions-aaaaaa", user("alice"))},
			"dashboard-permissions-aaaaaa"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes := list.Changes(RegistryBindings("fraud", tc.bindings), listUID)
			if len(changes.Write) != 1 || changes.Write[0].Name != tc.keep {
				t.Errorf("Write = %v; want %s adopted", bindingNames(changes.Write), tc.keep)
			}
			if len(changes.Delete) != 1 || changes.Delete[0].Name == tc.keep {
				t.Errorf("Delete = %+v; want the other binding only", changes.Delete)
			}
		})
	}
}

func TestChangesReplacesABindingWithSeveralSubjects(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns", Subjects: []Subject{{Kind: SubjectUser, Name: "alice"}}}
	both := listBinding("by-hand", user("alice"), user("bob"))
	changes := list.Changes(RegistryBindings("fraud", []rbacv1.RoleBinding{both}), listUID)
	if len(changes.Write) != 1 || changes.Write[0].Subjects[0] != user("alice") || changes.Write[0].Name == "by-hand" {
		t.Errorf("Write = %v; want a new binding of alice alone", bindingNames(changes.Write))
	}
	if len(changes.Delete) != 1 || changes.Delete[0].Name != "by-hand" {
		t.Errorf("Delete = %+v; want the binding with two subjects", changes.Delete)
	}
}

func TestChangesOfAnEmptyListDeleteAllButTheOperators(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns"}
	bindings := []rbacv1.RoleBinding{listBinding("fraud-users", group("fraud-users")), listBinding("dashboard-permissions-aaaaaa", user("alice"))}
	changes := list.Changes(RegistryBindings("fraud", bindings), listUID)
	if len(changes.Write) != 0 || len(changes.Delete) != 1 || changes.Delete[0].Name != "dashboard-permissions-aaaaaa" {
		t.Errorf("Write %v, Delete %+v; want only the dashboard's binding deleted", bindingNames(changes.Write), changes.Delete)
	}
}

func TestChangesOfAHundredSubjectsOnAnEmptyRegistry(t *testing.T) {
	list := PermissionList{Registry: "fraud", Namespace: "ns"}
	for i := range 100 {
		list.Subjects = append(list.Subjects, Subject{Kind: SubjectUser, Name: "user" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i/26))})
	}
	changes := list.Changes(nil, listUID)
	names := map[string]bool{}
	for _, b := range changes.Write {
		names[b.Name] = true
	}
	if len(changes.Write) != 100 || len(names) != 100 {
		t.Errorf("Write has %d bindings with %d names; want 100 distinct", len(changes.Write), len(names))
	}
}

func TestMadeBySingle(t *testing.T) {
	p := Permission{Registry: "fraud", Namespace: "ns", Kind: SubjectUser, Subject: "alice"}
	current := *p.RoleBinding(listUID)
	older := *p.RoleBinding(listUID)
	older.Annotations = nil // written before the annotation existed
	list := *PermissionList{Registry: "fraud", Namespace: "ns"}.RoleBinding(Subject{Kind: SubjectUser, Name: "alice"}, "", listUID)
	dashboard := listBinding("dashboard-permissions-aaaaaa", user("alice"))
	for _, tc := range []struct {
		name    string
		binding rbacv1.RoleBinding
		want    bool
	}{
		{"annotated", current, true},
		{"older, by label and name", older, true},
		{"the list's", list, false},
		{"the dashboard's", dashboard, false},
	} {
		got := RegistryBindings("fraud", []rbacv1.RoleBinding{tc.binding})[0].MadeBySingle("fraud", "ns")
		if got != tc.want {
			t.Errorf("%s: MadeBySingle = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestUsersGroupMembersWritesOnlyUsers(t *testing.T) {
	g := UsersGroupMembers("fraud", []string{"bob", "alice", "bob"})
	want := map[string]any{
		"apiVersion": "user.openshift.io/v1", "kind": "Group",
		"metadata": map[string]any{"name": "fraud-users"},
		"users":    []any{"alice", "bob"},
	}
	if diff := cmp.Diff(want, g.Object); diff != "" {
		t.Errorf("UsersGroupMembers (-want +got):\n%s", diff)
	}
	if got := UsersGroupMembers("fraud", nil).Object["users"]; got == nil {
		t.Errorf("users of an empty list is nil; want an empty list (the Group requires users)")
	}
	if diff := cmp.Diff([]string{"carol"}, UsersWithout([]string{"alice", "carol", "bob"}, []string{"bob", "alice"})); diff != "" {
		t.Errorf("UsersWithout (-want +got):\n%s", diff)
	}
}

func bindingNames(bindings []*rbacv1.RoleBinding) []string {
	var names []string
	for _, b := range bindings {
		names = append(names, b.Name+" "+b.Subjects[0].Name)
	}
	return names
}

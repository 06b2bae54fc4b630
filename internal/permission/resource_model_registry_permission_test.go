package permission

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestParsePermissionImportID(t *testing.T) {
	perm := func(namespace, reg string, kind registry.SubjectKind, subject string) importID {
		p := registry.Permission{Namespace: namespace, Registry: reg, Kind: kind, Subject: subject}
		return importID{Namespace: namespace, BindingName: p.BindingName(), Permission: &p}
	}
	valid := map[string]importID{
		"rhoai-model-registries/fraud/user/alice":                     perm("rhoai-model-registries", "fraud", registry.SubjectUser, "alice"),
		"rhoai-model-registries/fraud/user/kube:admin":                perm("rhoai-model-registries", "fraud", registry.SubjectUser, "kube:admin"),
		"rhoai-model-registries/fraud/group/system:authenticated":     perm("rhoai-model-registries", "fraud", registry.SubjectGroup, "system:authenticated"),
		"rhoai-model-registries/fraud/group/oidc:org/team/sub":        perm("rhoai-model-registries", "fraud", registry.SubjectGroup, "oidc:org/team/sub"),
		"odh-model-registries/fraud/project/team-a":                   perm("odh-model-registries", "fraud", registry.SubjectProject, "team-a"),
		"rhoai-model-registries/dashboard-permissions-abc123":         {Namespace: "rhoai-model-registries", BindingName: "dashboard-permissions-abc123"},
		"rhoai-model-registries/fraud-user-alice-0123456789":          {Namespace: "rhoai-model-registries", BindingName: "fraud-user-alice-0123456789"},
		"rhoai-model-registries/fraud/user/alice@example.com":         perm("rhoai-model-registries", "fraud", registry.SubjectUser, "alice@example.com"),
		"rhoai-model-registries/fraud/user/CN=alice,O=example/extra/": perm("rhoai-model-registries", "fraud", registry.SubjectUser, "CN=alice,O=example/extra/"),
	}
	for id, want := range valid {
		got, err := parseImportID(id)
		if err != nil {
			t.Errorf("parseImportID(%q): %v", id, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parseImportID(%q) mismatch (-want +got):\n%s", id, diff)
		}
	}
	invalid := map[string]string{
		"":                               "has an empty field",
		"fraud":                          "has 1 fields",
		"ns/fraud/user":                  "has 3 fields",
		"ns//user/alice":                 "has an empty field",
		"ns/fraud/user/":                 "has an empty field",
		"ns/fraud/serviceaccount/pipe":   `the third field is "serviceaccount"; it must be user, group or project`,
		"NS/fraud/user/alice":            `"NS" is not a namespace name`,
		"ns/Fraud models/user/alice":     `"Fraud models" is not a registry name`,
		"ns/Dashboard_Permissions":       `"Dashboard_Permissions" is not a RoleBinding name`,
		"rhoai-model-registries/fraud/x": "has 3 fields",
	}
	for id, want := range invalid {
		_, err := parseImportID(id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseImportID(%q) error = %v; want it to say %q", id, err, want)
		}
		if err != nil && !strings.Contains(err.Error(), "<namespace>/") && !strings.Contains(err.Error(), "is not a") && !strings.Contains(err.Error(), "third field") {
			t.Errorf("parseImportID(%q) error = %q; want it to show the accepted forms", id, err)
		}
	}
}

func TestObserveBindingDescribesDrift(t *testing.T) {
	p := registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectUser, Subject: "alice"}
	edit := func(change func(*rbacv1.RoleBinding)) *rbacv1.RoleBinding {
		b := p.RoleBinding("uid")
		change(b)
		return b
	}
	cases := map[string]struct {
		binding     *rbacv1.RoleBinding
		want        registry.Permission
		wantProblem bool
	}{
		"unchanged": {edit(func(*rbacv1.RoleBinding) {}), p, false},
		"subject renamed": {
			edit(func(b *rbacv1.RoleBinding) { b.Subjects[0].Name = "mallory" }),
			registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectUser, Subject: "mallory"}, false,
		},
		"subject became a group": {
			edit(func(b *rbacv1.RoleBinding) { b.Subjects[0].Kind = "Group" }),
			registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectGroup, Subject: "alice"}, false,
		},
		"another registry's role": {
			edit(func(b *rbacv1.RoleBinding) { b.RoleRef.Name = "registry-user-other" }),
			registry.Permission{Registry: "other", Namespace: "ns", Kind: registry.SubjectUser, Subject: "alice"}, false,
		},
		"a cluster role": {
			edit(func(b *rbacv1.RoleBinding) { b.RoleRef = rbacv1.RoleRef{Kind: "ClusterRole", Name: "admin"} }),
			registry.Permission{Registry: "ClusterRole/admin", Namespace: "ns", Kind: registry.SubjectUser, Subject: "alice"}, true,
		},
		"a second subject": {
			edit(func(b *rbacv1.RoleBinding) {
				b.Subjects = append(b.Subjects, rbacv1.Subject{Kind: "Group", Name: "everyone"})
			}),
			registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectUser, Subject: "User alice, Group everyone"}, true,
		},
		"no subject": {
			edit(func(b *rbacv1.RoleBinding) { b.Subjects = nil }),
			registry.Permission{Registry: "fraud", Namespace: "ns"}, true,
		},
		"a service account": {
			edit(func(b *rbacv1.RoleBinding) {
				b.Subjects = []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "team-a", Name: "pipeline"}}
			}),
			registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectUser, Subject: "ServiceAccount team-a/pipeline"}, true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, problem := observeBinding(tc.binding)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("observeBinding mismatch (-want +got):\n%s", diff)
			}
			if (problem != "") != tc.wantProblem {
				t.Errorf("observeBinding problem = %q; want a problem: %v", problem, tc.wantProblem)
			}
		})
	}
}

// The model round-trips through the domain permission for every subject kind.
func TestPermissionModelRoundTrip(t *testing.T) {
	for _, p := range []registry.Permission{
		{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectUser, Subject: "alice"},
		{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectGroup, Subject: "system:authenticated"},
		{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectProject, Subject: "team-a"},
	} {
		var m modelRegistryPermissionModel
		m.setPermission(p)
		m.setBindingName(p.Namespace, p.BindingName())
		if got := m.permission(); got != p {
			t.Errorf("permission() = %+v; want %+v", got, p)
		}
		if want := fmt.Sprintf("%s/%s", p.Namespace, p.BindingName()); m.ID.ValueString() != want {
			t.Errorf("id = %q; want %q", m.ID.ValueString(), want)
		}
	}
}

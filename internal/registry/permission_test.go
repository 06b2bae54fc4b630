package registry

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
)

func TestBindingNameIsDeterministicAndAValidName(t *testing.T) {
	longSubject := strings.Repeat("very-long-user-name.", 20) + "@example.com"
	longRegistry := strings.Repeat("r", MaxResourceNameLength)
	cases := []struct {
		perm       Permission
		wantPrefix string
	}{
		{Permission{Registry: "fraud", Kind: SubjectUser, Subject: "kube:admin"}, "fraud-user-kube-admin-"},
		{Permission{Registry: "fraud", Kind: SubjectUser, Subject: "alice@example.com"}, "fraud-user-alice-example-com-"},
		{Permission{Registry: "fraud", Kind: SubjectGroup, Subject: AllAuthenticated}, "fraud-group-system-authenticated-"},
		{Permission{Registry: "fraud", Kind: SubjectProject, Subject: "team-a"}, "fraud-project-team-a-"},
		{Permission{Registry: "fraud", Kind: SubjectUser, Subject: "ÄÖÜ"}, "fraud-user-"},
		{Permission{Registry: "fraud", Kind: SubjectUser, Subject: longSubject}, "fraud-user-very-long-user-name-"},
		{Permission{Registry: longRegistry, Kind: SubjectGroup, Subject: AllAuthenticated}, longRegistry[:52]},
	}
	for _, tc := range cases {
		t.Run(tc.perm.Subject, func(t *testing.T) {
			name := tc.perm.BindingName()
			if again := tc.perm.BindingName(); again != name {
				t.Fatalf("BindingName() = %q, then %q; want the same name every time", name, again)
			}
			if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
				t.Errorf("BindingName() = %q is not a valid RoleBinding name: %v", name, msgs)
			}
			if len(name) > validation.DNS1123LabelMaxLength {
				t.Errorf("BindingName() = %q is %d characters; want at most 63", name, len(name))
			}
			if !strings.HasPrefix(name, tc.wantPrefix) {
				t.Errorf("BindingName() = %q; want prefix %q", name, tc.wantPrefix)
			}
			if strings.Contains(name, "--") {
				t.Errorf("BindingName() = %q has a doubled dash", name)
			}
		})
	}
}

func TestBindingNameKeepsSubjectsApart(t *testing.T) {
	// Each pair would read the same once made a name; the hash must tell them apart.
	pairs := [][2]Permission{
		{{Registry: "fraud", Kind: SubjectUser, Subject: "alice@example.com"}, {Registry: "fraud", Kind: SubjectUser, Subject: "alice.example.com"}},
		{{Registry: "fraud", Kind: SubjectUser, Subject: "team-a"}, {Registry: "fraud", Kind: SubjectGroup, Subject: "team-a"}},
		{{Registry: "fraud", Kind: SubjectGroup, Subject: "team-a"}, {Registry: "fraud", Kind: SubjectProject, Subject: "team-a"}},
		{{Registry: "fraud", Kind: SubjectUser, Subject: "Alice"}, {Registry: "fraud", Kind: SubjectUser, Subject: "alice"}},
		{{Registry: "fraud", Kind: SubjectUser, Subject: "a"}, {Registry: "fraud-user", Kind: SubjectUser, Subject: "a"}},
		{
			{Registry: "fraud", Kind: SubjectUser, Subject: strings.Repeat("x", 100) + "1"},
			{Registry: "fraud", Kind: SubjectUser, Subject: strings.Repeat("x", 100) + "2"},
		},
	}
	for _, pair := range pairs {
		if a, b := pair[0].BindingName(), pair[1].BindingName(); a == b {
			t.Errorf("%s %q and %s %q both get binding name %q", pair[0].Kind, pair[0].Subject, pair[1].Kind, pair[1].Subject, a)
		}
	}
	// The namespace does not change the name: a binding name is unique within its namespace anyway.
	a := Permission{Registry: "fraud", Namespace: "a", Kind: SubjectUser, Subject: "alice"}
	b := Permission{Registry: "fraud", Namespace: "b", Kind: SubjectUser, Subject: "alice"}
	if a.BindingName() != b.BindingName() {
		t.Errorf("binding name depends on the namespace: %q vs %q", a.BindingName(), b.BindingName())
	}
}

func TestRoleBindingPerSubjectKind(t *testing.T) {
	const uid = types.UID("5f2b8e1c-0000-4000-8000-000000000001")
	owner := []metav1.OwnerReference{{
		APIVersion: "modelregistry.opendatahub.io/v1beta1", Kind: "ModelRegistry", Name: "fraud", UID: uid,
	}}
	roleRef := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "registry-user-fraud"}
	baseLabels := func(extra map[string]string) map[string]string {
		l := map[string]string{
			"opendatahub.io/dashboard":     "true",
			"app":                          "fraud",
			"component":                    "model-registry",
			"app.kubernetes.io/name":       "fraud",
			"app.kubernetes.io/component":  "model-registry",
			"app.kubernetes.io/part-of":    "model-registry",
			"app.kubernetes.io/managed-by": "terraform-provider-openshiftai",
		}
		for k, v := range extra {
			l[k] = v
		}
		return l
	}
	cases := []struct {
		perm        Permission
		wantSubject rbacv1.Subject
		wantLabels  map[string]string
	}{
		{
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectUser, Subject: "alice@example.com"},
			rbacv1.Subject{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "alice@example.com"},
			baseLabels(nil),
		},
		{
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectGroup, Subject: "data-scientists"},
			rbacv1.Subject{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: "data-scientists"},
			baseLabels(nil),
		},
		{
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectGroup, Subject: "system:authenticated"},
			rbacv1.Subject{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: "system:authenticated"},
			baseLabels(nil),
		},
		{
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectProject, Subject: "team-a"},
			rbacv1.Subject{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: "system:serviceaccounts:team-a"},
			baseLabels(map[string]string{"opendatahub.io/rb-project-subject": "true"}),
		},
	}
	for _, tc := range cases {
		t.Run(string(tc.perm.Kind)+"/"+tc.perm.Subject, func(t *testing.T) {
			want := &rbacv1.RoleBinding{
				TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
				ObjectMeta: metav1.ObjectMeta{
					Name:            tc.perm.BindingName(),
					Namespace:       "rhoai-model-registries",
					Labels:          tc.wantLabels,
					Annotations:     map[string]string{"openshiftai.terraform.io/made-by": "openshiftai_model_registry_permission"},
					OwnerReferences: owner,
				},
				RoleRef:  roleRef,
				Subjects: []rbacv1.Subject{tc.wantSubject},
			}
			if diff := cmp.Diff(want, tc.perm.RoleBinding(uid)); diff != "" {
				t.Errorf("RoleBinding() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRoleBindingRoundTrips(t *testing.T) {
	for _, p := range []Permission{
		{Registry: "fraud", Namespace: "ns", Kind: SubjectUser, Subject: "kube:admin"},
		{Registry: "fraud", Namespace: "ns", Kind: SubjectGroup, Subject: AllAuthenticated},
		{Registry: "fraud", Namespace: "ns", Kind: SubjectProject, Subject: "team-a"},
	} {
		observed, err := ParseRoleBinding(p.RoleBinding("uid"))
		if err != nil {
			t.Fatalf("ParseRoleBinding(RoleBinding(%+v)): %v", p, err)
		}
		want := ObservedBinding{Permission: p, Name: p.BindingName(), Managed: true}
		if diff := cmp.Diff(want, observed); diff != "" {
			t.Errorf("ParseRoleBinding mismatch (-want +got):\n%s", diff)
		}
	}
}

// dashboardBinding is a binding as the dashboard's permissions page makes it.
func dashboardBinding(subject rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: "dashboard-permissions-abc123", Namespace: "rhoai-model-registries",
			Labels: map[string]string{"opendatahub.io/dashboard": "true", "app": "fraud", "component": "model-registry"},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "registry-user-fraud"},
		Subjects: []rbacv1.Subject{subject},
	}
}

func TestParseRoleBindingReadsDashboardBindings(t *testing.T) {
	cases := []struct {
		subject rbacv1.Subject
		want    Permission
	}{
		{rbacv1.Subject{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "alice"},
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectUser, Subject: "alice"}},
		{rbacv1.Subject{Kind: "Group", Name: "data-scientists"},
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectGroup, Subject: "data-scientists"}},
		{rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts:team-a"},
			Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: SubjectProject, Subject: "team-a"}},
	}
	for _, tc := range cases {
		observed, err := ParseRoleBinding(dashboardBinding(tc.subject))
		if err != nil {
			t.Fatalf("ParseRoleBinding(%v): %v", tc.subject, err)
		}
		want := ObservedBinding{Permission: tc.want, Name: "dashboard-permissions-abc123"}
		if diff := cmp.Diff(want, observed); diff != "" {
			t.Errorf("ParseRoleBinding(%v) mismatch (-want +got):\n%s", tc.subject, diff)
		}
	}
}

func TestParseRoleBindingRecognisesTheOperatorsBinding(t *testing.T) {
	binding := dashboardBinding(rbacv1.Subject{Kind: "Group", Name: "fraud-users"})
	binding.Name = "fraud-users"
	observed, err := ParseRoleBinding(binding)
	if err != nil {
		t.Fatal(err)
	}
	if !observed.OperatorOwned {
		t.Errorf("ParseRoleBinding(fraud-users).OperatorOwned = false; want true")
	}
}

func TestParseRoleBindingRejectsOtherBindings(t *testing.T) {
	clusterRole := dashboardBinding(rbacv1.Subject{Kind: "User", Name: "alice"})
	clusterRole.RoleRef = rbacv1.RoleRef{Kind: "ClusterRole", Name: "admin"}
	noSubject := dashboardBinding(rbacv1.Subject{})
	noSubject.Subjects = nil
	twoSubjects := dashboardBinding(rbacv1.Subject{Kind: "User", Name: "alice"})
	twoSubjects.Subjects = append(twoSubjects.Subjects, rbacv1.Subject{Kind: "User", Name: "bob"})
	serviceAccount := dashboardBinding(rbacv1.Subject{Kind: "ServiceAccount", Namespace: "team-a", Name: "pipeline"})
	cases := map[string]struct {
		binding *rbacv1.RoleBinding
		want    string
	}{
		"another role":    {clusterRole, `binds ClusterRole "admin", not the user role of a model registry`},
		"no subject":      {noSubject, "has 0 subjects; a registry permission has exactly one"},
		"two subjects":    {twoSubjects, "has 2 subjects"},
		"service account": {serviceAccount, "binds a ServiceAccount"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseRoleBinding(tc.binding)
			var notAPermission *ErrNotAPermission
			if !errors.As(err, &notAPermission) {
				t.Fatalf("ParseRoleBinding() error = %v; want *ErrNotAPermission", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "dashboard-permissions-abc123") {
				t.Errorf("ParseRoleBinding() error = %q; want it to name the binding and say %q", err, tc.want)
			}
		})
	}
}

package lifecycle

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const permissionNamespace = "rhoai-model-registries"

var (
	alice    = registry.Permission{Registry: "fraud", Namespace: permissionNamespace, Kind: registry.SubjectUser, Subject: "alice"}
	bindings = schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}
)

const registryUID = types.UID("registry-uid")

// putBinding stores binding on the cluster as another writer made it.
func putBinding(t *testing.T, f *kubefake.Cluster, binding *rbacv1.RoleBinding) *rbacv1.RoleBinding {
	t.Helper()
	u, err := kube.ToUnstructured(binding)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := RoleBindingFrom(f.Put(kube.RoleBindings, u))
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

func storedBinding(t *testing.T, f *kubefake.Cluster, name string) *rbacv1.RoleBinding {
	t.Helper()
	obj := f.Object(kube.RoleBindings, permissionNamespace, name)
	if obj == nil {
		return nil
	}
	b, err := RoleBindingFrom(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writes are the calls that change the cluster, in order.
func writes(calls []string) []string {
	var out []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "get ") && !strings.HasPrefix(c, "list ") {
			out = append(out, c)
		}
	}
	return out
}

// refuseApplies fails every apply that is not a dry run with err.
func refuseApplies(err error) kubefake.Funcs {
	return kubefake.Funcs{Apply: func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		if opts.DryRun {
			return fake.Apply(ctx, obj, opts)
		}
		return nil, err
	}}
}

func bindingKey(name string) string { return "rolebindings/" + permissionNamespace + "/" + name }

func TestGrantPermissionWritesTheCreateMarkFirst(t *testing.T) {
	f := kubefake.New()
	// What the cluster holds when the confirming write comes is the first write.
	markedFirst, applies := false, 0
	f.Interceptors.Apply = func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		if !opts.DryRun {
			if applies++; applies == 2 {
				first := storedBinding(t, f, alice.BindingName())
				markedFirst = first != nil && first.Annotations[registry.AnnotationCreatePending] != ""
			}
		}
		return fake.Apply(ctx, obj, opts)
	}
	p := &Protocol{Client: f}
	binding, err := p.GrantPermission(context.Background(), alice, registryUID, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apply " + bindingKey(alice.BindingName()), "apply " + bindingKey(alice.BindingName())}
	if got := writes(f.Calls); !slices.Equal(got, want) {
		t.Errorf("writes = %v; want the marked binding, then the confirmed one: %v", got, want)
	}
	if !markedFirst {
		t.Error("the first write did not carry the create mark")
	}
	stored := storedBinding(t, f, binding.Name)
	if _, marked := stored.Annotations[registry.AnnotationCreatePending]; marked {
		t.Errorf("the granted binding still carries the create mark: %v", stored.Annotations)
	}
	if stored.Annotations[registry.AnnotationMadeBy] != registry.MadeBySinglePermission {
		t.Errorf("made-by = %q; want %q", stored.Annotations[registry.AnnotationMadeBy], registry.MadeBySinglePermission)
	}
	if len(stored.OwnerReferences) != 1 || stored.OwnerReferences[0].UID != registryUID {
		t.Errorf("owner references = %v; want the registry %s", stored.OwnerReferences, registryUID)
	}
}

func TestGrantPermissionInterruptedCreateIsAdopted(t *testing.T) {
	f := kubefake.New()
	applies := 0
	f.Interceptors.Apply = func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		if !opts.DryRun {
			if applies++; applies == 2 {
				return nil, errors.New("connection reset")
			}
		}
		return fake.Apply(ctx, obj, opts)
	}
	p := &Protocol{Client: f}
	if _, err := p.GrantPermission(context.Background(), alice, registryUID, false); err == nil {
		t.Fatal("the interrupted create succeeded")
	}
	left := storedBinding(t, f, alice.BindingName())
	if left == nil || left.Annotations[registry.AnnotationCreatePending] == "" {
		t.Fatalf("the interrupted create left %v; want its binding with the create mark", left)
	}

	// The next apply's create finds its own binding and finishes it.
	f.Interceptors = kubefake.Funcs{}
	if _, err := p.GrantPermission(context.Background(), alice, registryUID, false); err != nil {
		t.Fatalf("the create after an interrupted one: %v; want it to adopt the binding", err)
	}
	adopted := storedBinding(t, f, alice.BindingName())
	if adopted.UID != left.UID {
		t.Errorf("the binding was recreated (UID %s, was %s); want it adopted", adopted.UID, left.UID)
	}
	if _, marked := adopted.Annotations[registry.AnnotationCreatePending]; marked {
		t.Errorf("the adopted binding keeps the create mark")
	}
}

func TestGrantPermissionRefusesToShareABinding(t *testing.T) {
	f := kubefake.New()
	putBinding(t, f, alice.RoleBinding(registryUID)) // another configuration's permission
	p := &Protocol{Client: f}
	_, err := p.GrantPermission(context.Background(), alice, registryUID, false)
	problems := Problems(err, "")
	if len(problems) != 1 || problems[0].Summary != SummaryBindingExists || problems[0].Attribute != "user" {
		t.Fatalf("problems = %+v; want %q on user", problems, SummaryBindingExists)
	}
	for _, want := range []string{alice.BindingName(), "terraform import openshiftai_model_registry_permission.<name> " + permissionNamespace + "/" + alice.BindingName()} {
		if !strings.Contains(problems[0].Detail, want) {
			t.Errorf("detail does not say %q:\n%s", want, problems[0].Detail)
		}
	}
	if w := writes(f.Calls); len(w) != 0 {
		t.Errorf("writes = %v; want none", w)
	}
}

func TestGrantPermissionRefusedOnARegistryTheListManages(t *testing.T) {
	f := kubefake.New()
	list := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: []registry.Subject{{Kind: registry.SubjectUser, Name: "bob"}}}
	putBinding(t, f, list.RoleBinding(list.Subjects[0], "", registryUID))
	p := &Protocol{Client: f}
	_, err := p.GrantPermission(context.Background(), alice, registryUID, false)
	problems := Problems(err, "")
	if len(problems) != 1 || problems[0].Summary != SummaryListManages || problems[0].Attribute != "user" {
		t.Fatalf("problems = %+v; want %q on user", problems, SummaryListManages)
	}
	if !strings.Contains(problems[0].Detail, "its users") {
		t.Errorf("detail does not name the list's users argument:\n%s", problems[0].Detail)
	}
	if w := writes(f.Calls); len(w) != 0 {
		t.Errorf("writes = %v; want none", w)
	}
}

func TestGrantPermissionOnARegistryCreatedNowChecksNothing(t *testing.T) {
	f := kubefake.New()
	p := &Protocol{Client: f}
	if _, err := p.GrantPermission(context.Background(), alice, registryUID, true); err != nil {
		t.Fatal(err)
	}
	want := []string{"apply " + bindingKey(alice.BindingName()), "apply " + bindingKey(alice.BindingName())}
	if !slices.Equal(f.Calls, want) {
		t.Errorf("calls = %v; want only the two writes %v", f.Calls, want)
	}
}

func TestGrantPermissionReadFailures(t *testing.T) {
	forbidden := apierrors.NewForbidden(bindings, "", errors.New(`User "ci" cannot list resource "rolebindings"`))
	failList := func(err error) kubefake.Funcs {
		return kubefake.Funcs{List: func(context.Context, kube.Interface, schema.GroupVersionResource, string, string) ([]unstructured.Unstructured, error) {
			return nil, err
		}}
	}
	cases := map[string]struct {
		intercept   kubefake.Funcs
		wantSummary string // empty: the grant succeeds
	}{
		"list forbidden: the own binding is still checked": {
			intercept: failList(forbidden),
		},
		"list fails": {
			intercept:   failList(errors.New("etcd timeout")),
			wantSummary: SummaryListBindings,
		},
		"get forbidden": {
			intercept: kubefake.Funcs{Get: func(context.Context, kube.Interface, schema.GroupVersionResource, string, string) (*unstructured.Unstructured, error) {
				return nil, forbidden
			}},
			wantSummary: "Not allowed to write the permission's RoleBinding",
		},
		"apply refused by the escalation check": {
			intercept:   refuseApplies(apierrors.NewForbidden(bindings, alice.BindingName(), errors.New("attempting to grant RBAC permissions not currently held"))),
			wantSummary: "Not allowed to grant access to the model registry",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			f.Interceptors = tc.intercept
			_, err := (&Protocol{Client: f}).GrantPermission(context.Background(), alice, registryUID, false)
			if tc.wantSummary == "" {
				if err != nil {
					t.Fatalf("grant: %v; want it granted", err)
				}
				if storedBinding(t, f, alice.BindingName()) == nil {
					t.Error("no binding written")
				}
				return
			}
			if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != tc.wantSummary {
				t.Fatalf("problems = %+v; want %q", problems, tc.wantSummary)
			}
		})
	}
}

func TestRevokePermission(t *testing.T) {
	ctx := context.Background()
	// ours is the resource's check: the binding still grants alice.
	ours := func(b *rbacv1.RoleBinding) bool {
		parsed, err := registry.ParseRoleBinding(b)
		return err == nil && parsed.Permission == alice
	}
	revoke := func(f *kubefake.Cluster, read *rbacv1.RoleBinding) (Revoked, error) {
		revoked, _, err := (&Protocol{Client: f}).RevokePermission(ctx, read, ours)
		return revoked, err
	}
	t.Run("deleted as read", func(t *testing.T) {
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		revoked, err := revoke(f, read)
		if err != nil || revoked != Deleted || storedBinding(t, f, read.Name) != nil {
			t.Errorf("revoked=%v err=%v; want the binding deleted", revoked, err)
		}
	})
	t.Run("taken over by the list", func(t *testing.T) {
		f := kubefake.New()
		taken := alice.RoleBinding(registryUID)
		taken.Annotations[registry.AnnotationMadeBy] = registry.MadeByPermissionList
		read := putBinding(t, f, taken)
		revoked, err := revoke(f, read)
		if err != nil || revoked != TakenByList || storedBinding(t, f, read.Name) == nil {
			t.Errorf("revoked=%v err=%v; want the list's binding left", revoked, err)
		}
	})
	t.Run("taken over by the list since it was read", func(t *testing.T) {
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		taken := alice.RoleBinding(registryUID)
		taken.Annotations[registry.AnnotationMadeBy] = registry.MadeByPermissionList
		putBinding(t, f, taken)
		revoked, err := revoke(f, read)
		if err != nil || revoked != TakenByList || storedBinding(t, f, read.Name) == nil {
			t.Errorf("revoked=%v err=%v; want the binding the list took over left", revoked, err)
		}
	})
	t.Run("changed since it was read", func(t *testing.T) {
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		putBinding(t, f, alice.RoleBinding(registryUID)) // a label edit: a new resourceVersion
		revoked, err := revoke(f, read)
		if err != nil || revoked != Deleted || storedBinding(t, f, read.Name) != nil {
			t.Errorf("revoked=%v err=%v; want the changed binding read again and deleted", revoked, err)
		}
	})
	t.Run("granting something else since it was read", func(t *testing.T) {
		// A list read before a create_before_destroy replacement wrote the name again.
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		replacement := alice.RoleBinding(registryUID)
		replacement.Subjects[0].Name = "alice-admin"
		putBinding(t, f, replacement)
		revoked, last, err := (&Protocol{Client: f}).RevokePermission(ctx, read, ours)
		if err != nil || revoked != NotOurs || storedBinding(t, f, read.Name) == nil {
			t.Errorf("revoked=%v err=%v; want the replacement's binding left", revoked, err)
		}
		if last == nil || last.Subjects[0].Name != "alice-admin" {
			t.Errorf("last seen %+v; want the replacement's binding", last)
		}
	})
	t.Run("changing on every read", func(t *testing.T) {
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		f.Interceptors.DeleteUnchanged = func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
			putBinding(t, f, alice.RoleBinding(registryUID))
			return fake.DeleteUnchanged(ctx, gvr, namespace, name, uid, resourceVersion)
		}
		revoked, err := revoke(f, read)
		if err != nil || revoked != Deleted || storedBinding(t, f, read.Name) != nil {
			t.Errorf("revoked=%v err=%v; want it deleted by UID after two tries", revoked, err)
		}
		if !slices.Contains(f.Calls, "delete "+bindingKey(read.Name)) {
			t.Errorf("calls = %v; want a delete by UID", f.Calls)
		}
	})
	t.Run("gone since it was read", func(t *testing.T) {
		f := kubefake.New()
		read := putBinding(t, f, alice.RoleBinding(registryUID))
		delete(f.Objects, bindingKey(read.Name))
		if revoked, err := revoke(f, read); err != nil || revoked != Deleted {
			t.Errorf("revoked=%v err=%v; want nothing to do", revoked, err)
		}
	})
}

func subjects(names ...string) []registry.Subject {
	out := make([]registry.Subject, len(names))
	for i, n := range names {
		out[i] = registry.Subject{Kind: registry.SubjectUser, Name: n}
	}
	return out
}

func TestApplyPermissionsWritesBeforeItDeletes(t *testing.T) {
	f := kubefake.New()
	before := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("alice", "bob")}
	for _, s := range before.Subjects {
		putBinding(t, f, before.RoleBinding(s, "", registryUID))
	}
	after := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("alice", "carol")}
	changes, err := (&Protocol{Client: f}).ApplyPermissions(context.Background(), after, registryUID, false)
	if err != nil {
		t.Fatal(err)
	}
	carol := after.RoleBinding(after.Subjects[1], "", registryUID).Name
	bob := before.RoleBinding(before.Subjects[1], "", registryUID).Name
	want := []string{"apply " + bindingKey(carol), "deleteunchanged " + bindingKey(bob)}
	if got := writes(f.Calls); !slices.Equal(got, want) {
		t.Errorf("writes = %v; want carol's binding written before bob's is deleted, alice's untouched: %v", got, want)
	}
	if len(changes.Write) != 1 || len(changes.Delete) != 1 {
		t.Errorf("changes = %+v", changes)
	}
}

func TestApplyPermissionsWriteFailureDeletesNothing(t *testing.T) {
	f := kubefake.New()
	before := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("bob")}
	bob := putBinding(t, f, before.RoleBinding(before.Subjects[0], "", registryUID))
	f.Interceptors = refuseApplies(apierrors.NewForbidden(bindings, "", errors.New("attempting to grant RBAC permissions not currently held")))
	after := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("carol")}
	_, err := (&Protocol{Client: f}).ApplyPermissions(context.Background(), after, registryUID, false)
	if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != "Not allowed to grant access to the model registry" {
		t.Fatalf("problems = %+v; want the escalation explained", problems)
	}
	if storedBinding(t, f, bob.Name) == nil {
		t.Error("bob's binding was deleted although carol's could not be written")
	}
}

func TestApplyPermissionsFailures(t *testing.T) {
	list := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("alice")}
	etcdTimeout := errors.New("etcd timeout")
	for name, tc := range map[string]struct {
		failing     kubefake.Funcs
		wantSummary string
	}{
		"list": {kubefake.Funcs{List: func(context.Context, kube.Interface, schema.GroupVersionResource, string, string) ([]unstructured.Unstructured, error) {
			return nil, etcdTimeout
		}}, SummaryListBindings},
		"delete": {kubefake.Funcs{DeleteUnchanged: func(context.Context, kube.Interface, schema.GroupVersionResource, string, string, types.UID, string) (bool, error) {
			return false, etcdTimeout
		}}, SummaryDeleteBinding},
	} {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			stale := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("bob")}
			putBinding(t, f, stale.RoleBinding(stale.Subjects[0], "", registryUID))
			f.Interceptors = tc.failing
			_, err := (&Protocol{Client: f}).ApplyPermissions(context.Background(), list, registryUID, true)
			if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != tc.wantSummary {
				t.Fatalf("problems = %+v; want %q", problems, tc.wantSummary)
			}
		})
	}
}

func TestDeleteListedBindingChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	list := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("bob")}
	listed := func(f *kubefake.Cluster) registry.ListedBinding {
		items, _ := f.List(ctx, kube.RoleBindings, permissionNamespace, "")
		observed, err := ListedBindings("fraud", items)
		if err != nil || len(observed) != 1 {
			t.Fatalf("listed %v, %v", observed, err)
		}
		return observed[0]
	}
	t.Run("still the registry's: deleted", func(t *testing.T) {
		f := kubefake.New()
		putBinding(t, f, list.RoleBinding(list.Subjects[0], "", registryUID))
		b := listed(f)
		putBinding(t, f, list.RoleBinding(list.Subjects[0], "", registryUID))
		if err := (&Protocol{Client: f}).DeleteListedBinding(ctx, permissionNamespace, b); err != nil || storedBinding(t, f, b.Name) != nil {
			t.Errorf("err=%v; want the binding deleted", err)
		}
	})
	t.Run("now binds another role: left", func(t *testing.T) {
		f := kubefake.New()
		putBinding(t, f, list.RoleBinding(list.Subjects[0], "", registryUID))
		b := listed(f)
		other := list.RoleBinding(list.Subjects[0], "", registryUID)
		other.RoleRef.Name = "view"
		putBinding(t, f, other)
		if err := (&Protocol{Client: f}).DeleteListedBinding(ctx, permissionNamespace, b); err != nil || storedBinding(t, f, b.Name) == nil {
			t.Errorf("err=%v; want the binding of another role left", err)
		}
	})
}

func TestRevokePermissionsLeavesWhatIsNotTheLists(t *testing.T) {
	f := kubefake.New()
	list := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("alice", "bob")}
	aliceBinding := putBinding(t, f, list.RoleBinding(list.Subjects[0], "", registryUID))
	bobSingle := registry.Permission{Registry: "fraud", Namespace: permissionNamespace, Kind: registry.SubjectUser, Subject: "bob"}
	bobBinding := putBinding(t, f, bobSingle.RoleBinding(registryUID))
	later := registry.PermissionList{Registry: "fraud", Namespace: permissionNamespace, Subjects: subjects("carol")}
	carolBinding := putBinding(t, f, later.RoleBinding(later.Subjects[0], "", registryUID))

	if err := (&Protocol{Client: f}).RevokePermissions(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	if storedBinding(t, f, aliceBinding.Name) != nil {
		t.Error("alice's binding is left; want it deleted")
	}
	if storedBinding(t, f, bobBinding.Name) == nil {
		t.Error("bob's single permission was deleted; want it left")
	}
	if storedBinding(t, f, carolBinding.Name) == nil {
		t.Error("carol, granted since the last refresh, lost her binding")
	}
}

func TestFindPermissionBinding(t *testing.T) {
	ctx := context.Background()
	dashboard := func(name string) *rbacv1.RoleBinding {
		b := alice.RoleBinding(registryUID)
		b.Name, b.Annotations = name, nil
		return b
	}
	f := kubefake.New()
	if _, err := FindPermissionBinding(ctx, f, alice); err == nil || !strings.Contains(err.Error(), "no RoleBinding") {
		t.Errorf("none: %v; want it to say no binding grants it", err)
	}
	putBinding(t, f, dashboard("dashboard-permissions-b"))
	if found, err := FindPermissionBinding(ctx, f, alice); err != nil || found.Name != "dashboard-permissions-b" {
		t.Errorf("one: %v, %v", found, err)
	}
	putBinding(t, f, dashboard("dashboard-permissions-a"))
	if _, err := FindPermissionBinding(ctx, f, alice); err == nil ||
		!strings.Contains(err.Error(), permissionNamespace+"/dashboard-permissions-a, "+permissionNamespace+"/dashboard-permissions-b") {
		t.Errorf("two: %v; want both named, sorted", err)
	}
}

func TestBindingProblemGivesTheMissingRule(t *testing.T) {
	p := registry.Permission{Registry: "fraud", Namespace: "rhoai-model-registries", Kind: registry.SubjectUser, Subject: "alice"}
	gr := schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}
	escalation := apierrors.NewForbidden(gr, p.BindingName(), errors.New(`user "ci" (groups=["system:authenticated"]) is `+
		`attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["services"], Verbs:["get"]}`))
	explained := kube.Explain(escalation, kube.RoleBindings, p.Namespace, p.BindingName())

	explainedProblem := BindingProblem(explained, p, p.BindingName())
	summary, detail := explainedProblem.Summary, explainedProblem.Detail
	if summary != "Not allowed to grant access to the model registry" {
		t.Errorf("summary = %q", summary)
	}
	for _, want := range []string{
		`the Role "registry-user-fraud"`,
		`in namespace "rhoai-model-registries"`,
		"- apiGroups: [\"rbac.authorization.k8s.io\"]\n  resources: [\"roles\"]\n  verbs: [\"bind\"]\n  resourceNames: [\"registry-user-fraud\"]",
		"attempting to grant RBAC permissions not currently held",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail does not contain %q:\n%s", want, detail)
		}
	}

	plain := kube.Explain(apierrors.NewForbidden(gr, p.BindingName(), errors.New(`User "ci" cannot patch resource "rolebindings"`)),
		kube.RoleBindings, p.Namespace, p.BindingName())
	plainProblem := BindingProblem(plain, p, p.BindingName())
	summary, detail = plainProblem.Summary, plainProblem.Detail
	if summary != "Not allowed to write the permission's RoleBinding" || !strings.Contains(detail, `resources: ["rolebindings"]`) ||
		!strings.Contains(detail, `resourceNames: ["registry-user-fraud"]`) {
		t.Errorf("plain forbidden explained as %q:\n%s", summary, detail)
	}
}

func TestListManagesRegistry(t *testing.T) {
	p := registry.Permission{Registry: "fraud", Namespace: "ns", Kind: registry.SubjectProject, Subject: "team-a"}
	listed := registry.ListedBinding{Name: "fraud-user-alice-0123456789", MadeBy: registry.MadeByPermissionList}
	single := registry.ListedBinding{Name: "fraud-user-bob-0123456789", MadeBy: registry.MadeBySinglePermission}
	if problem := ListManagesRegistry(p, []registry.ListedBinding{single}); problem != nil {
		t.Errorf("a registry with single permissions only: %v; want no problem", problem)
	}
	problem := ListManagesRegistry(p, []registry.ListedBinding{single, listed})
	if problem == nil || !strings.Contains(problem.Detail, listed.Name) || !strings.Contains(problem.Detail, "its projects") || problem.Attribute != "project" {
		t.Errorf("a registry the list manages: %v; want a problem on project naming its binding and the projects attribute", problem)
	}
}

package lifecycle

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const ns = registry.DefaultNamespace

var (
	secretKey   = kubefake.Key(kube.Secrets, ns, "fraud-db-password")
	configKey   = kubefake.Key(kube.ConfigMaps, ns, "fraud-db-credential")
	registryKey = kubefake.Key(registry.GroupVersionResource, ns, "fraud")
)

// desired is a registry with its own password Secret and an uploaded CA when pem is set.
func desired(pem bool) registry.Registry {
	r := registry.Registry{
		Name: "fraud", Namespace: ns, DisplayName: "Fraud",
		Database: registry.Database{Host: "db", Port: 3306, Database: "d", Username: "u",
			PasswordSecret: registry.KeyRef{Name: registry.PasswordSecretName("fraud"), Key: registry.PasswordSecretKeyPassword}},
	}
	if pem {
		r.CA = registry.CASource{Kind: registry.CAPEM, PEM: "-----BEGIN CERTIFICATE-----"}
	}
	return r
}

var password = &registry.Password{Value: "s3cret", Version: "1"}

// readyOnWait plays the operator: the registry becomes available at the first read of a wait.
func readyOnWait(f *kubefake.Cluster) {
	setAvailable(f, ns, "fraud", "True", registry.ReasonDeploymentAvailable, "")
}

// injected is the error the interceptors return for the request at key.
func injected(verb, key string) error {
	return errors.New("injected failure of " + verb + " " + key)
}

// failApply fails the applies (dry runs when dryRun) of the objects whose key starts with key.
func failApply(key string, dryRun bool) kubefake.Funcs {
	return kubefake.Funcs{Apply: func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		if k := kubefake.KeyOf(obj); strings.HasPrefix(k, key) && opts.DryRun == dryRun {
			return nil, injected("apply", k)
		}
		return fake.Apply(ctx, obj, opts)
	}}
}

// failGet fails the reads of the objects whose key starts with key ("" for every read).
func failGet(key string) kubefake.Funcs {
	return kubefake.Funcs{Get: func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
		if k := kubefake.Key(gvr, namespace, name); strings.HasPrefix(k, key) {
			return nil, injected("get", k)
		}
		return fake.Get(ctx, gvr, namespace, name)
	}}
}

// failDelete fails the deletes of the objects whose key starts with key.
func failDelete(key string) kubefake.Funcs {
	return kubefake.Funcs{Delete: func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
		if k := kubefake.Key(gvr, namespace, name); strings.HasPrefix(k, key) {
			return injected("delete", k)
		}
		return fake.Delete(ctx, gvr, namespace, name, uid)
	}}
}

func pending(obj *unstructured.Unstructured) bool {
	return obj.GetAnnotations()[registry.AnnotationCreatePending] != ""
}

func TestCreateWritesInOrderAndOwnsTheObjects(t *testing.T) {
	f := kubefake.New()
	f.OnWait = readyOnWait
	p := &Protocol{Client: f}
	created, err := p.Create(context.Background(), desired(true), password, true)
	if err != nil || created.WaitErr != nil {
		t.Fatalf("create: %v, wait: %v", err, created.WaitErr)
	}
	var writes []string
	for _, c := range f.Calls {
		if strings.HasPrefix(c, "dryrun") || strings.HasPrefix(c, "apply") {
			writes = append(writes, c)
		}
	}
	want := []string{
		// The Secret, written first, needs no dry run.
		"dryrun " + registryKey, "dryrun " + configKey,
		"apply " + secretKey, "apply " + configKey, "apply " + registryKey,
		"apply " + secretKey, "apply " + configKey,
	}
	if !reflect.DeepEqual(writes, want) {
		t.Errorf("writes:\n%s\nwant:\n%s", strings.Join(writes, "\n"), strings.Join(want, "\n"))
	}
	reg := f.Objects[registryKey]
	if !created.Observed.Ready() || created.Observed.UID != reg.GetUID() {
		t.Errorf("observed %+v, want the ready registry %s", created.Observed, reg.GetUID())
	}
	for _, k := range []string{secretKey, configKey} {
		obj := f.Objects[k]
		owners := obj.GetOwnerReferences()
		if len(owners) != 1 || owners[0].UID != reg.GetUID() || owners[0].Kind != registry.Kind || owners[0].Name != "fraud" {
			t.Errorf("%s owners %+v, want the registry", k, owners)
		}
		if pending(obj) {
			t.Errorf("%s keeps the create mark", k)
		}
	}
	if pending(reg) {
		t.Error("the registry carries the create mark, which belongs on the first object only")
	}
}

func TestCreateAloneMarksTheRegistryUntilDone(t *testing.T) {
	f := kubefake.New()
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	var markedWhileWaiting bool
	f.OnWait = func(f *kubefake.Cluster) {
		markedWhileWaiting = pending(f.Objects[registryKey])
		readyOnWait(f)
	}
	if _, err := (&Protocol{Client: f}).Create(context.Background(), d, nil, true); err != nil {
		t.Fatal(err)
	}
	if !markedWhileWaiting {
		t.Error("a registry written alone must carry the create mark until the create is done")
	}
	if pending(f.Objects[registryKey]) {
		t.Error("the create mark stays on the registry after the create")
	}
	if len(f.Objects) != 1 {
		t.Errorf("objects %v, want the registry alone", len(f.Objects))
	}
}

func TestCreateRollsBackAfterEachFailedStep(t *testing.T) {
	cases := map[string]struct {
		failing string // the object whose apply fails
		nth     int    // at its nth apply
		removed string
	}{
		"CA ConfigMap":           {configKey, 1, "Secret fraud-db-password"},
		"registry":               {registryKey, 1, "Secret fraud-db-password, ConfigMap fraud-db-credential"},
		"owner of the Secret":    {secretKey, 2, "Secret fraud-db-password, ConfigMap fraud-db-credential, ModelRegistry fraud"},
		"owner of the ConfigMap": {configKey, 2, "Secret fraud-db-password, ConfigMap fraud-db-credential, ModelRegistry fraud"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			f.OnWait = readyOnWait
			applies := 0
			f.Interceptors.Apply = func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
				if !opts.DryRun && kubefake.KeyOf(obj) == tc.failing {
					if applies++; applies == tc.nth {
						return nil, errors.New("injected failure")
					}
				}
				return fake.Apply(ctx, obj, opts)
			}
			_, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, true)
			var p *Problem
			if !errors.As(err, &p) || p.Summary != SummaryCreate {
				t.Fatalf("want a create problem, got %v", err)
			}
			if !strings.Contains(p.Detail, "injected failure") ||
				!strings.Contains(p.Detail, "Everything this apply had created ("+tc.removed+") was removed again") {
				t.Errorf("detail %q, want the cause and %q removed", p.Detail, tc.removed)
			}
			if len(f.Objects) != 0 {
				t.Errorf("left behind: %v", f.Objects)
			}
		})
	}
}

func TestCreateRejectedByDryRunWritesNothing(t *testing.T) {
	for _, failing := range []string{registryKey, configKey} {
		f := kubefake.New()
		f.Interceptors = failApply(failing, true)
		_, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
		var p *Problem
		if !errors.As(err, &p) || p.Summary != SummaryRejected || !strings.HasPrefix(p.Detail, "Nothing was created. ") {
			t.Fatalf("%s fails: want the rejection, got %v", failing, err)
		}
		for _, c := range f.Calls {
			if strings.HasPrefix(c, "apply") {
				t.Errorf("%s fails: wrote %s after a failed dry run", failing, c)
			}
		}
	}
}

func TestCreateWhoseFirstWriteFailsWritesNothing(t *testing.T) {
	f := kubefake.New()
	f.Interceptors = failApply(secretKey, false)
	_, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryRejected || !strings.HasPrefix(p.Detail, "Nothing was created. ") {
		t.Fatalf("want the rejection, got %v", err)
	}
	for _, c := range f.Calls {
		if c != "apply "+secretKey && (strings.HasPrefix(c, "apply") || strings.HasPrefix(c, "delete")) {
			t.Errorf("%s after the Secret, the first write, failed", c)
		}
	}
	if len(f.Objects) != 0 {
		t.Errorf("objects left: %v", f.Objects)
	}
}

// existing stores a registry of the name in ns as another create left it.
func existing(f *kubefake.Cluster, byProvider, marked bool) {
	obj := desired(false).ModelRegistry()
	if !byProvider {
		obj.SetLabels(nil)
	}
	if marked {
		obj.SetAnnotations(map[string]string{registry.AnnotationCreatePending: "true"})
	}
	f.Put(registry.GroupVersionResource, obj)
}

func TestCreateAdoptsAnInterruptedCreateOnly(t *testing.T) {
	markedSecret := func(f *kubefake.Cluster) {
		existing(f, true, false)
		s := desired(false).PasswordSecret("x", "")
		s.Annotations = map[string]string{registry.AnnotationCreatePending: "true"}
		u, _ := kube.ToUnstructured(s)
		f.Put(kube.Secrets, u)
	}
	deleting := func(f *kubefake.Cluster) {
		existing(f, true, true)
		now := metav1.Now()
		f.Objects[registryKey].SetDeletionTimestamp(&now)
	}
	cases := map[string]struct {
		setup func(f *kubefake.Cluster)
		adopt bool
	}{
		"marked registry":                  {func(f *kubefake.Cluster) { existing(f, true, true) }, true},
		"marked password Secret":           {markedSecret, true},
		"provider's registry without mark": {func(f *kubefake.Cluster) { existing(f, true, false) }, false},
		"someone else's registry":          {func(f *kubefake.Cluster) { existing(f, false, true) }, false},
		"registry being deleted":           {deleting, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			tc.setup(f)
			uid := f.Objects[registryKey].GetUID()
			p := &Protocol{Client: f}
			if got := p.InterruptedCreate(context.Background(), *f.Objects[registryKey], ns); got != tc.adopt {
				t.Errorf("InterruptedCreate = %v, want %v", got, tc.adopt)
			}
			created, err := p.Create(context.Background(), desired(false), password, false)
			if !tc.adopt {
				var pr *Problem
				if !errors.As(err, &pr) || !pr.NameTaken || !strings.Contains(pr.Detail, "terraform import <address> "+ns+"/fraud") {
					t.Fatalf("want the name taken with the import command, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if created.Observed.UID != uid || pending(f.Objects[registryKey]) || pending(f.Objects[secretKey]) {
				t.Errorf("adopted registry %s (want %s) or its Secret keeps the mark", created.Observed.UID, uid)
			}
		})
	}
}

type knownList struct {
	byName map[string][]unstructured.Unstructured
	err    error
}

func (k knownList) RegistriesByName(context.Context) (map[string][]unstructured.Unstructured, error) {
	return k.byName, k.err
}

func TestCheckNameElsewhere(t *testing.T) {
	other := desired(false)
	other.Namespace = "elsewhere"
	listed := other.ModelRegistry()

	f := kubefake.New()
	f.Put(registry.GroupVersionResource, listed)
	// Answered from the process's list, confirmed with a read.
	err := (&Protocol{Client: f, Known: knownList{byName: map[string][]unstructured.Unstructured{"fraud": {*listed}}}}).CheckNameElsewhere(context.Background(), desired(false))
	problems := Problems(err, "")
	if len(problems) != 1 || !problems[0].NameTaken || !strings.Contains(problems[0].Detail, `namespace "elsewhere"`) {
		t.Fatalf("want the name taken in elsewhere, got %v", err)
	}
	// A failed list is made up for with a fresh one.
	err = (&Protocol{Client: f, Known: knownList{err: errors.New("forbidden")}}).CheckNameElsewhere(context.Background(), desired(false))
	if problems := Problems(err, ""); len(problems) != 1 || !problems[0].NameTaken {
		t.Errorf("want the name taken from a fresh list, got %v", err)
	}
	// The registry the plan moved away is gone by now.
	delete(f.Objects, kubefake.Key(registry.GroupVersionResource, "elsewhere", "fraud"))
	err = (&Protocol{Client: f, Known: knownList{byName: map[string][]unstructured.Unstructured{"fraud": {*listed}}}}).CheckNameElsewhere(context.Background(), desired(false))
	if err != nil {
		t.Errorf("a registry deleted since the list must not count: %v", err)
	}
	// Its own namespace is the dry run's to check.
	f.Put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).CheckNameElsewhere(context.Background(), desired(false)); err != nil {
		t.Errorf("the registry's own namespace counted: %v", err)
	}
	f.Interceptors.ListByName = func(context.Context, kube.Interface, schema.GroupVersionResource, string) ([]unstructured.Unstructured, error) {
		return nil, errors.New("injected failure of listbyname")
	}
	err = (&Protocol{Client: f}).CheckNameElsewhere(context.Background(), desired(false))
	if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != SummaryCreate {
		t.Errorf("want a failed list reported, got %v", err)
	}
}

func TestCreateKeepsTheRegistryWhenTheWaitFails(t *testing.T) {
	cases := map[string]struct {
		onWait  func(f *kubefake.Cluster)
		summary string
		detail  string
	}{
		"configuration error": {
			func(f *kubefake.Cluster) {
				setAvailable(f, ns, "fraud", "False", registry.ReasonConfigurationError, "database configuration error: bad password")
			},
			"Model registry configuration error", "database configuration error: bad password",
		},
		"timeout": {
			func(f *kubefake.Cluster) {
				setAvailable(f, ns, "fraud", "False", registry.ReasonDeploymentUnavailable, "no pods")
			},
			"Timed out waiting for the model registry", "Last seen: Available=False (DeploymentUnavailable: no pods)",
		},
		"deleted while waiting": {
			func(f *kubefake.Cluster) { delete(f.Objects, registryKey) },
			SummaryRead, "was deleted while waiting",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := kubefake.New()
			f.OnWait = tc.onWait
			created, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, true)
			if err != nil {
				t.Fatalf("a failed wait must not fail the create: %v", err)
			}
			var p *Problem
			if !errors.As(created.WaitErr, &p) || p.Summary != tc.summary || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("wait problem %v, want %q with %q", created.WaitErr, tc.summary, tc.detail)
			}
			if f.Objects[secretKey] == nil || len(f.Objects[secretKey].GetOwnerReferences()) != 1 {
				t.Error("the Secret must stay, owned by the registry")
			}
		})
	}
}

func TestUpdateAddsTheAuthProxyInOnePatch(t *testing.T) {
	f := kubefake.New()
	old := desired(false).ModelRegistry()
	unstructured.RemoveNestedField(old.Object, "spec", "kubeRBACProxy")
	stored := f.Put(registry.GroupVersionResource, old)
	f.SetForeign(registry.GroupVersionResource, ns, "fraud", map[string]any{"spec": map[string]any{"oauthProxy": map[string]any{"port": int64(8443)}}})

	updated, err := (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Calls[0] != "patch "+registryKey+` {"spec":{"kubeRBACProxy":{},"oauthProxy":null}}` {
		t.Errorf("first request %q, want the auth proxy patch", f.Calls[0])
	}
	if !updated.Observed.KubeRBACProxy || updated.Observed.OAuthProxy {
		t.Errorf("after the update kubeRBACProxy=%v oauthProxy=%v", updated.Observed.KubeRBACProxy, updated.Observed.OAuthProxy)
	}

	// A registry that has the proxy gets no patch.
	f.Calls = nil
	if _, err := (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID(), KubeRBACProxy: true}, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Calls {
		if strings.HasPrefix(c, "patch") {
			t.Errorf("unexpected %s", c)
		}
	}

	f.Interceptors.Patch = func(context.Context, kube.Interface, schema.GroupVersionResource, string, string, []byte) (*unstructured.Unstructured, error) {
		return nil, errors.New("injected failure of patch")
	}
	_, err = (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID()}, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryUpdate || !strings.HasPrefix(p.Detail, "Adding the auth proxy (spec.kubeRBACProxy): ") {
		t.Errorf("want the failed patch named, got %v", err)
	}
}

func TestUpdateClearsForeignFields(t *testing.T) {
	f := kubefake.New()
	d := desired(false)
	d.CA = registry.CASource{Kind: registry.CAConfigMap, Ref: registry.KeyRef{Name: "corp-ca", Key: "ca.crt"}}
	stored := f.Put(registry.GroupVersionResource, d.ModelRegistry())
	// The dashboard's edit adds a Secret reference and a description.
	f.SetForeign(registry.GroupVersionResource, ns, "fraud", map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{registry.AnnotationDescription: "from the dashboard"}},
		"spec":     map[string]any{"mysql": map[string]any{"sslRootCertificateSecret": map[string]any{"name": "x", "key": "y"}}},
	})
	updated, err := (&Protocol{Client: f}).Update(context.Background(), d, password, Current{UID: stored.GetUID(), KubeRBACProxy: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Observed.Description != "" || updated.Observed.CA != d.CA {
		t.Errorf("read back description %q CA %+v, want none and %+v", updated.Observed.Description, updated.Observed.CA, d.CA)
	}
	obj := f.Objects[registryKey]
	if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "mysql", "sslRootCertificateSecret"); found {
		t.Error("the foreign Secret reference stays")
	}
	if ref, _, _ := unstructured.NestedStringMap(obj.Object, "spec", "mysql", "sslRootCertificateConfigMap"); ref["name"] != "corp-ca" {
		t.Errorf("the desired ConfigMap reference is gone: %v", ref)
	}

	// Nothing foreign, no patch.
	f.Calls = nil
	if _, err := (&Protocol{Client: f}).Update(context.Background(), d, password, Current{UID: stored.GetUID(), KubeRBACProxy: true}, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Calls {
		if strings.HasPrefix(c, "patch") {
			t.Errorf("unexpected %s", c)
		}
	}
}

func TestUpdateOwnsAndRemovesTheProvidersObjects(t *testing.T) {
	f := kubefake.New()
	f.OnWait = readyOnWait
	created, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
	if err != nil {
		t.Fatal(err)
	}
	current := Current{UID: created.Observed.UID, KubeRBACProxy: true, PasswordSecret: "fraud-db-password", CAConfigMap: "fraud-db-credential"}

	// A new password is written with the owner reference kept.
	newPassword := &registry.Password{Value: "new", Version: "2"}
	updated, err := (&Protocol{Client: f}).Update(context.Background(), desired(true), newPassword, current, true)
	if err != nil || updated.WaitErr != nil || !updated.Observed.Ready() {
		t.Fatalf("update: %v, wait %v, ready %v", err, updated.WaitErr, updated.Observed.Ready())
	}
	secret := f.Objects[secretKey]
	if len(secret.GetOwnerReferences()) != 1 || secret.GetOwnerReferences()[0].UID != created.Observed.UID {
		t.Errorf("Secret owners %+v", secret.GetOwnerReferences())
	}
	if v := secret.GetAnnotations()[registry.AnnotationPasswordVersion]; v != "2" {
		t.Errorf("password version %q, want 2", v)
	}

	// Switching to the user's Secret and a cluster bundle removes the provider's two objects.
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	d.CA = registry.CASource{Kind: registry.CAClusterBundle}
	f.Interceptors = failDelete(secretKey)
	updated, err = (&Protocol{Client: f}).Update(context.Background(), d, nil, current, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Objects[configKey] != nil {
		t.Error("the CA ConfigMap the plan no longer needs stays")
	}
	if len(updated.Warnings) != 1 || updated.Warnings[0].Summary != "Password Secret not removed" {
		t.Errorf("warnings %+v, want the Secret not removed", updated.Warnings)
	}

	f.Interceptors = failApply(registryKey, false)
	if _, err := (&Protocol{Client: f}).Update(context.Background(), d, nil, current, false); len(Problems(err, "")) != 1 || Problems(err, "")[0].Summary != SummaryUpdate {
		t.Errorf("want a failed apply reported, got %v", err)
	}
}

func TestDeleteWaitsForTheOperatorThenRemovesOwnObjects(t *testing.T) {
	f := kubefake.New()
	created, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
	if err != nil {
		t.Fatal(err)
	}
	f.Objects[registryKey].SetFinalizers([]string{registry.Finalizer})
	current := Current{UID: created.Observed.UID, PasswordSecret: "fraud-db-password", CAConfigMap: "fraud-db-credential"}

	// The operator is down: the finalizer stays.
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, 5*time.Minute)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != "Timed out deleting the model registry" ||
		!strings.Contains(p.Detail, "still there after 5m0s; its finalizers: "+registry.Finalizer) ||
		!strings.Contains(p.Detail, "oc patch modelregistry.modelregistry.opendatahub.io fraud -n "+ns) {
		t.Fatalf("want the finalizer named with the fix, got %v", err)
	}
	if f.Objects[secretKey] == nil {
		t.Error("the Secret went before the registry")
	}

	// The registry cannot be read while waiting (an expired token): the error
	// says so, not a timeout, and nothing of the provider's goes yet.
	f.Interceptors = failGet(registryKey)
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, 5*time.Minute)
	if !errors.As(err, &p) || p.Summary != SummaryDelete || !strings.Contains(p.Detail, "injected failure") {
		t.Fatalf("want the failed read reported, got %v", err)
	}
	if f.Objects[secretKey] == nil {
		t.Error("the Secret went before the registry")
	}
	f.Interceptors = kubefake.Funcs{}

	// The operator removes its finalizer; the provider's objects go after the registry.
	f.OnWait = func(f *kubefake.Cluster) { delete(f.Objects, registryKey) }
	f.Interceptors = failDelete(configKey)
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, time.Minute)
	if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != "Cannot delete an object of the model registry" {
		t.Errorf("want the ConfigMap's failure alone, got %v", err)
	}
	if f.Objects[secretKey] != nil || f.Objects[registryKey] != nil {
		t.Error("the registry or its Secret stays")
	}

	f.Interceptors = failDelete(registryKey)
	f.Put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", Current{}, time.Minute); len(Problems(err, "")) != 1 || Problems(err, "")[0].Summary != SummaryDelete {
		t.Errorf("want a failed delete reported, got %v", err)
	}
}

func TestDeleteSparesAnotherIncarnation(t *testing.T) {
	f := kubefake.New()
	stored := f.Put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", Current{UID: "an-older-uid"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if obj := f.Objects[registryKey]; obj == nil || obj.GetUID() != stored.GetUID() {
		t.Error("a registry of the same name but another UID was deleted")
	}
}

func TestGatherReadsOnlyWhatTheReadNeeds(t *testing.T) {
	f := kubefake.New()
	if _, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false); err != nil {
		t.Fatal(err)
	}
	obj := f.Objects[registryKey].DeepCopy()

	o := Gather(context.Background(), f, obj, GatherOptions{PasswordSecret: true, CAConfigMap: true})
	if o.PasswordSecretErr != nil || o.PasswordSecret.Data[registry.PasswordSecretKeyPassword] == nil {
		t.Errorf("password Secret not read: %v", o.PasswordSecretErr)
	}
	if o.CAConfigMapErr != nil || o.CAConfigMap.Data[registry.CAConfigMapKey] != "-----BEGIN CERTIFICATE-----" {
		t.Errorf("CA ConfigMap not read: %v", o.CAConfigMapErr)
	}

	f.Calls = nil
	o = Gather(context.Background(), f, obj, GatherOptions{})
	if len(f.Calls) != 0 || !errors.Is(o.PasswordSecretErr, ErrNotRead) || !errors.Is(o.CAConfigMapErr, ErrNotRead) {
		t.Errorf("read %v though told not to", f.Calls)
	}

	delete(f.Objects, configKey)
	o = Gather(context.Background(), f, obj, GatherOptions{CAConfigMap: true})
	if !apierrors.IsNotFound(o.CAConfigMapErr) || o.CAConfigMap != nil {
		t.Errorf("a missing ConfigMap reads as %v", o.CAConfigMapErr)
	}

	// A registry using the user's Secret and a ConfigMap of theirs has nothing of its own to read.
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	d.CA = registry.CASource{Kind: registry.CAConfigMap, Ref: registry.KeyRef{Name: "corp-ca", Key: "ca.crt"}}
	f.Calls = nil
	o = Gather(context.Background(), f, d.ModelRegistry(), GatherOptions{PasswordSecret: true, CAConfigMap: true})
	if len(f.Calls) != 0 || !errors.Is(o.PasswordSecretErr, ErrNotRead) || !errors.Is(o.CAConfigMapErr, ErrNotRead) {
		t.Errorf("read %v for a registry with no objects of its own", f.Calls)
	}
}

func TestProblemsFlattensJoinedErrors(t *testing.T) {
	a, b := &Problem{Summary: "a"}, errors.New("b")
	got := Problems(errors.Join(a, b), "fallback")
	if len(got) != 2 || got[0] != a || got[1].Summary != "fallback" || got[1].Detail != "b" {
		t.Errorf("Problems = %+v", got)
	}
	if Problems(nil, "x") != nil {
		t.Error("no error, no problems")
	}
}

func TestCreateOfARegistryAloneRollsBackWhenTheMarkStays(t *testing.T) {
	f := kubefake.New()
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	seen := 0
	f.Interceptors.Apply = func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		if !opts.DryRun && kubefake.KeyOf(obj) == registryKey {
			if seen++; seen == 2 {
				return nil, errors.New("injected failure")
			}
		}
		return fake.Apply(ctx, obj, opts)
	}
	_, err := (&Protocol{Client: f}).Create(context.Background(), d, nil, false)
	var p *Problem
	if !errors.As(err, &p) || !strings.Contains(p.Detail, "removing the create mark "+registry.AnnotationCreatePending) ||
		!strings.Contains(p.Detail, "(ModelRegistry fraud) was removed again") {
		t.Fatalf("want the failed unmarking and the rollback named, got %v", err)
	}
	if len(f.Objects) != 0 {
		t.Errorf("left behind: %v", f.Objects)
	}
}

func TestCreateWhenTheExistingRegistryCannotBeRead(t *testing.T) {
	f := kubefake.New()
	existing(f, true, true)
	f.Interceptors = failGet(registryKey)
	_, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryCreate || p.NameTaken || !strings.Contains(p.Detail, "injected failure") {
		t.Fatalf("want the failed read reported, got %v", err)
	}
	for _, c := range f.Calls {
		if strings.HasPrefix(c, "apply") {
			t.Errorf("wrote %s without knowing whose registry is there", c)
		}
	}
}

func TestCreateWhenTheExistingRegistryWentAwaySinceTheDryRun(t *testing.T) {
	f := kubefake.New()
	existing(f, false, false)
	f.Interceptors.Get = func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
		if kubefake.Key(gvr, namespace, name) == registryKey {
			delete(f.Objects, registryKey)
		}
		return fake.Get(ctx, gvr, namespace, name)
	}
	if _, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, false); err != nil {
		t.Fatalf("a registry gone since the dry run leaves the name free: %v", err)
	}
	if obj := f.Objects[registryKey]; obj == nil || obj.GetLabels()[registry.LabelAppManagedBy] != registry.ManagedByProvider {
		t.Error("the registry was not created")
	}
}

func TestProtocolLogsAdoption(t *testing.T) {
	f := kubefake.New()
	existing(f, true, true)
	var logged []string
	p := &Protocol{Client: f, Log: func(_ context.Context, msg string, _ map[string]any) { logged = append(logged, msg) }}
	if _, err := p.Create(context.Background(), desired(false), password, false); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 2 || logged[0] != "adopting a model registry whose create was interrupted" || logged[1] != "created model registry" {
		t.Errorf("logged %q", logged)
	}
}

func TestProblemText(t *testing.T) {
	cause := errors.New("cause")
	p := problem("Summary", cause)
	if p.Error() != "Summary: cause" || !errors.Is(p, cause) {
		t.Errorf("Error() = %q, unwraps to the cause: %v", p.Error(), errors.Is(p, cause))
	}
}

func TestFind(t *testing.T) {
	f := kubefake.New()
	if _, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false); err != nil {
		t.Fatal(err)
	}
	o, err := Find(context.Background(), f, ns, "fraud", GatherOptions{CAConfigMap: true})
	if err != nil || o.Registry.Name != "fraud" || o.CAConfigMap == nil || !errors.Is(o.PasswordSecretErr, ErrNotRead) {
		t.Fatalf("Find = %+v, %v", o, err)
	}
	_, err = Find(context.Background(), f, ns, "Fraud", GatherOptions{})
	var p *Problem
	if !errors.As(err, &p) || p.Summary != "Model registry not found" || !strings.Contains(p.Detail, `The registries in namespace "`+ns+`" are: "fraud".`) {
		t.Errorf("want the missing registry with the ones there, got %v", err)
	}
	f.Interceptors = failGet("")
	if _, err := Find(context.Background(), f, ns, "fraud", GatherOptions{}); !errors.As(err, &p) || p.Summary != SummaryRead {
		t.Errorf("want a failed read reported, got %v", err)
	}
}

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

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const ns = registry.DefaultNamespace

var (
	secretKey   = key(kube.Secrets, ns, "fraud-db-password")
	configKey   = key(kube.ConfigMaps, ns, "fraud-db-credential")
	registryKey = key(registry.GroupVersionResource, ns, "fraud")
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
func readyOnWait(f *fakeCluster) {
	f.setAvailable(ns, "fraud", "True", registry.ReasonDeploymentAvailable, "")
}

func failOn(prefix string) func(string) error {
	return func(call string) error {
		if strings.HasPrefix(call, prefix) {
			return errors.New("injected failure of " + call)
		}
		return nil
	}
}

func pending(obj *unstructured.Unstructured) bool {
	return obj.GetAnnotations()[registry.AnnotationCreatePending] != ""
}

func TestCreateWritesInOrderAndOwnsTheObjects(t *testing.T) {
	f := newFakeCluster()
	f.onWait = readyOnWait
	p := &Protocol{Client: f}
	created, err := p.Create(context.Background(), desired(true), password, true)
	if err != nil || created.WaitErr != nil {
		t.Fatalf("create: %v, wait: %v", err, created.WaitErr)
	}
	var writes []string
	for _, c := range f.calls {
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
	reg := f.objects[registryKey]
	if !created.Observed.Ready() || created.Observed.UID != reg.GetUID() {
		t.Errorf("observed %+v, want the ready registry %s", created.Observed, reg.GetUID())
	}
	for _, k := range []string{secretKey, configKey} {
		obj := f.objects[k]
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
	f := newFakeCluster()
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	var markedWhileWaiting bool
	f.onWait = func(f *fakeCluster) {
		markedWhileWaiting = pending(f.objects[registryKey])
		readyOnWait(f)
	}
	if _, err := (&Protocol{Client: f}).Create(context.Background(), d, nil, true); err != nil {
		t.Fatal(err)
	}
	if !markedWhileWaiting {
		t.Error("a registry written alone must carry the create mark until the create is done")
	}
	if pending(f.objects[registryKey]) {
		t.Error("the create mark stays on the registry after the create")
	}
	if len(f.objects) != 1 {
		t.Errorf("objects %v, want the registry alone", len(f.objects))
	}
}

func TestCreateRollsBackAfterEachFailedStep(t *testing.T) {
	cases := map[string]struct {
		fail    string
		removed string
	}{
		"CA ConfigMap":           {"apply " + configKey, "Secret fraud-db-password"},
		"registry":               {"apply " + registryKey, "Secret fraud-db-password, ConfigMap fraud-db-credential"},
		"owner of the Secret":    {"apply " + secretKey + "#2", "Secret fraud-db-password, ConfigMap fraud-db-credential, ModelRegistry fraud"},
		"owner of the ConfigMap": {"apply " + configKey + "#2", "Secret fraud-db-password, ConfigMap fraud-db-credential, ModelRegistry fraud"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeCluster()
			f.onWait = readyOnWait
			seen := map[string]int{}
			f.fail = func(call string) error {
				seen[call]++
				if call == tc.fail || (seen[call] == 2 && call+"#2" == tc.fail) {
					return errors.New("injected failure")
				}
				return nil
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
			if len(f.objects) != 0 {
				t.Errorf("left behind: %v", f.objects)
			}
		})
	}
}

func TestCreateRejectedByDryRunWritesNothing(t *testing.T) {
	for _, failing := range []string{"dryrun " + registryKey, "dryrun " + configKey} {
		f := newFakeCluster()
		f.fail = failOn(failing)
		_, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
		var p *Problem
		if !errors.As(err, &p) || p.Summary != SummaryRejected || !strings.HasPrefix(p.Detail, "Nothing was created. ") {
			t.Fatalf("%s fails: want the rejection, got %v", failing, err)
		}
		for _, c := range f.calls {
			if strings.HasPrefix(c, "apply") {
				t.Errorf("%s fails: wrote %s after a failed dry run", failing, c)
			}
		}
	}
}

func TestCreateWhoseFirstWriteFailsWritesNothing(t *testing.T) {
	f := newFakeCluster()
	f.fail = failOn("apply " + secretKey)
	_, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryRejected || !strings.HasPrefix(p.Detail, "Nothing was created. ") {
		t.Fatalf("want the rejection, got %v", err)
	}
	for _, c := range f.calls {
		if c != "apply "+secretKey && (strings.HasPrefix(c, "apply") || strings.HasPrefix(c, "delete")) {
			t.Errorf("%s after the Secret, the first write, failed", c)
		}
	}
	if len(f.objects) != 0 {
		t.Errorf("objects left: %v", f.objects)
	}
}

// existing stores a registry of the name in ns as another create left it.
func existing(f *fakeCluster, byProvider, marked bool) {
	obj := desired(false).ModelRegistry()
	if !byProvider {
		obj.SetLabels(nil)
	}
	if marked {
		obj.SetAnnotations(map[string]string{registry.AnnotationCreatePending: "true"})
	}
	f.put(registry.GroupVersionResource, obj)
}

func TestCreateAdoptsAnInterruptedCreateOnly(t *testing.T) {
	markedSecret := func(f *fakeCluster) {
		existing(f, true, false)
		s := desired(false).PasswordSecret("x", "")
		s.Annotations = map[string]string{registry.AnnotationCreatePending: "true"}
		u, _ := kube.ToUnstructured(s)
		f.put(kube.Secrets, u)
	}
	deleting := func(f *fakeCluster) {
		existing(f, true, true)
		now := metav1.Now()
		f.objects[registryKey].SetDeletionTimestamp(&now)
	}
	cases := map[string]struct {
		setup func(f *fakeCluster)
		adopt bool
	}{
		"marked registry":                  {func(f *fakeCluster) { existing(f, true, true) }, true},
		"marked password Secret":           {markedSecret, true},
		"provider's registry without mark": {func(f *fakeCluster) { existing(f, true, false) }, false},
		"someone else's registry":          {func(f *fakeCluster) { existing(f, false, true) }, false},
		"registry being deleted":           {deleting, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeCluster()
			tc.setup(f)
			uid := f.objects[registryKey].GetUID()
			p := &Protocol{Client: f}
			if got := p.InterruptedCreate(context.Background(), *f.objects[registryKey], ns); got != tc.adopt {
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
			if created.Observed.UID != uid || pending(f.objects[registryKey]) || pending(f.objects[secretKey]) {
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

	f := newFakeCluster()
	f.put(registry.GroupVersionResource, listed)
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
	delete(f.objects, key(registry.GroupVersionResource, "elsewhere", "fraud"))
	err = (&Protocol{Client: f, Known: knownList{byName: map[string][]unstructured.Unstructured{"fraud": {*listed}}}}).CheckNameElsewhere(context.Background(), desired(false))
	if err != nil {
		t.Errorf("a registry deleted since the list must not count: %v", err)
	}
	// Its own namespace is the dry run's to check.
	f.put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).CheckNameElsewhere(context.Background(), desired(false)); err != nil {
		t.Errorf("the registry's own namespace counted: %v", err)
	}
	f.fail = failOn("listbyname")
	err = (&Protocol{Client: f}).CheckNameElsewhere(context.Background(), desired(false))
	if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != SummaryCreate {
		t.Errorf("want a failed list reported, got %v", err)
	}
}

func TestCreateKeepsTheRegistryWhenTheWaitFails(t *testing.T) {
	cases := map[string]struct {
		onWait  func(f *fakeCluster)
		summary string
		detail  string
	}{
		"configuration error": {
			func(f *fakeCluster) {
				f.setAvailable(ns, "fraud", "False", registry.ReasonConfigurationError, "database configuration error: bad password")
			},
			"Model registry configuration error", "database configuration error: bad password",
		},
		"timeout": {
			func(f *fakeCluster) {
				f.setAvailable(ns, "fraud", "False", registry.ReasonDeploymentUnavailable, "no pods")
			},
			"Timed out waiting for the model registry", "Last seen: Available=False (DeploymentUnavailable: no pods)",
		},
		"deleted while waiting": {
			func(f *fakeCluster) { delete(f.objects, registryKey) },
			SummaryRead, "was deleted while waiting",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeCluster()
			f.onWait = tc.onWait
			created, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, true)
			if err != nil {
				t.Fatalf("a failed wait must not fail the create: %v", err)
			}
			var p *Problem
			if !errors.As(created.WaitErr, &p) || p.Summary != tc.summary || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("wait problem %v, want %q with %q", created.WaitErr, tc.summary, tc.detail)
			}
			if f.objects[secretKey] == nil || len(f.objects[secretKey].GetOwnerReferences()) != 1 {
				t.Error("the Secret must stay, owned by the registry")
			}
		})
	}
}

func TestUpdateAddsTheAuthProxyInOnePatch(t *testing.T) {
	f := newFakeCluster()
	old := desired(false).ModelRegistry()
	unstructured.RemoveNestedField(old.Object, "spec", "kubeRBACProxy")
	stored := f.put(registry.GroupVersionResource, old)
	f.setForeign(registry.GroupVersionResource, ns, "fraud", map[string]any{"spec": map[string]any{"oauthProxy": map[string]any{"port": int64(8443)}}})

	updated, err := (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.calls[0] != "patch "+registryKey+` {"spec":{"kubeRBACProxy":{},"oauthProxy":null}}` {
		t.Errorf("first request %q, want the auth proxy patch", f.calls[0])
	}
	if !updated.Observed.KubeRBACProxy || updated.Observed.OAuthProxy {
		t.Errorf("after the update kubeRBACProxy=%v oauthProxy=%v", updated.Observed.KubeRBACProxy, updated.Observed.OAuthProxy)
	}

	// A registry that has the proxy gets no patch.
	f.calls = nil
	if _, err := (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID(), KubeRBACProxy: true}, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.calls {
		if strings.HasPrefix(c, "patch") {
			t.Errorf("unexpected %s", c)
		}
	}

	f.fail = failOn("patch")
	_, err = (&Protocol{Client: f}).Update(context.Background(), desired(false), password, Current{UID: stored.GetUID()}, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryUpdate || !strings.HasPrefix(p.Detail, "Adding the auth proxy (spec.kubeRBACProxy): ") {
		t.Errorf("want the failed patch named, got %v", err)
	}
}

func TestUpdateClearsForeignFields(t *testing.T) {
	f := newFakeCluster()
	d := desired(false)
	d.CA = registry.CASource{Kind: registry.CAConfigMap, Ref: registry.KeyRef{Name: "corp-ca", Key: "ca.crt"}}
	stored := f.put(registry.GroupVersionResource, d.ModelRegistry())
	// The dashboard's edit adds a Secret reference and a description.
	f.setForeign(registry.GroupVersionResource, ns, "fraud", map[string]any{
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
	obj := f.objects[registryKey]
	if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "mysql", "sslRootCertificateSecret"); found {
		t.Error("the foreign Secret reference stays")
	}
	if ref, _, _ := unstructured.NestedStringMap(obj.Object, "spec", "mysql", "sslRootCertificateConfigMap"); ref["name"] != "corp-ca" {
		t.Errorf("the desired ConfigMap reference is gone: %v", ref)
	}

	// Nothing foreign, no patch.
	f.calls = nil
	if _, err := (&Protocol{Client: f}).Update(context.Background(), d, password, Current{UID: stored.GetUID(), KubeRBACProxy: true}, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.calls {
		if strings.HasPrefix(c, "patch") {
			t.Errorf("unexpected %s", c)
		}
	}
}

func TestUpdateOwnsAndRemovesTheProvidersObjects(t *testing.T) {
	f := newFakeCluster()
	f.onWait = readyOnWait
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
	secret := f.objects[secretKey]
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
	f.fail = failOn("delete " + secretKey)
	updated, err = (&Protocol{Client: f}).Update(context.Background(), d, nil, current, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.objects[configKey] != nil {
		t.Error("the CA ConfigMap the plan no longer needs stays")
	}
	if len(updated.Warnings) != 1 || updated.Warnings[0].Summary != "Password Secret not removed" {
		t.Errorf("warnings %+v, want the Secret not removed", updated.Warnings)
	}

	f.fail = failOn("apply " + registryKey)
	if _, err := (&Protocol{Client: f}).Update(context.Background(), d, nil, current, false); len(Problems(err, "")) != 1 || Problems(err, "")[0].Summary != SummaryUpdate {
		t.Errorf("want a failed apply reported, got %v", err)
	}
}

func TestDeleteWaitsForTheOperatorThenRemovesOwnObjects(t *testing.T) {
	f := newFakeCluster()
	created, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false)
	if err != nil {
		t.Fatal(err)
	}
	f.objects[registryKey].SetFinalizers([]string{registry.Finalizer})
	current := Current{UID: created.Observed.UID, PasswordSecret: "fraud-db-password", CAConfigMap: "fraud-db-credential"}

	// The operator is down: the finalizer stays.
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, 5*time.Minute)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != "Timed out deleting the model registry" ||
		!strings.Contains(p.Detail, "still there after 5m0s; its finalizers: "+registry.Finalizer) ||
		!strings.Contains(p.Detail, "oc patch modelregistry.modelregistry.opendatahub.io fraud -n "+ns) {
		t.Fatalf("want the finalizer named with the fix, got %v", err)
	}
	if f.objects[secretKey] == nil {
		t.Error("the Secret went before the registry")
	}

	// The registry cannot be read while waiting (an expired token): the error
	// says so, not a timeout, and nothing of the provider's goes yet.
	f.fail = failOn("get " + registryKey)
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, 5*time.Minute)
	if !errors.As(err, &p) || p.Summary != SummaryDelete || !strings.Contains(p.Detail, "injected failure") {
		t.Fatalf("want the failed read reported, got %v", err)
	}
	if f.objects[secretKey] == nil {
		t.Error("the Secret went before the registry")
	}
	f.fail = nil

	// The operator removes its finalizer; the provider's objects go after the registry.
	f.onWait = func(f *fakeCluster) { delete(f.objects, registryKey) }
	f.fail = failOn("delete " + configKey)
	err = (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", current, time.Minute)
	if problems := Problems(err, ""); len(problems) != 1 || problems[0].Summary != "Cannot delete an object of the model registry" {
		t.Errorf("want the ConfigMap's failure alone, got %v", err)
	}
	if f.objects[secretKey] != nil || f.objects[registryKey] != nil {
		t.Error("the registry or its Secret stays")
	}

	f.fail = failOn("delete " + registryKey)
	f.put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", Current{}, time.Minute); len(Problems(err, "")) != 1 || Problems(err, "")[0].Summary != SummaryDelete {
		t.Errorf("want a failed delete reported, got %v", err)
	}
}

func TestDeleteSparesAnotherIncarnation(t *testing.T) {
	f := newFakeCluster()
	stored := f.put(registry.GroupVersionResource, desired(false).ModelRegistry())
	if err := (&Protocol{Client: f}).Delete(context.Background(), ns, "fraud", Current{UID: "an-older-uid"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if obj := f.objects[registryKey]; obj == nil || obj.GetUID() != stored.GetUID() {
		t.Error("a registry of the same name but another UID was deleted")
	}
}

func TestGatherReadsOnlyWhatTheReadNeeds(t *testing.T) {
	f := newFakeCluster()
	if _, err := (&Protocol{Client: f}).Create(context.Background(), desired(true), password, false); err != nil {
		t.Fatal(err)
	}
	obj := f.objects[registryKey].DeepCopy()

	o := Gather(context.Background(), f, obj, GatherOptions{PasswordSecret: true, CAConfigMap: true})
	if o.PasswordSecretErr != nil || o.PasswordSecret.Data[registry.PasswordSecretKeyPassword] == nil {
		t.Errorf("password Secret not read: %v", o.PasswordSecretErr)
	}
	if o.CAConfigMapErr != nil || o.CAConfigMap.Data[registry.CAConfigMapKey] != "-----BEGIN CERTIFICATE-----" {
		t.Errorf("CA ConfigMap not read: %v", o.CAConfigMapErr)
	}

	f.calls = nil
	o = Gather(context.Background(), f, obj, GatherOptions{})
	if len(f.calls) != 0 || !errors.Is(o.PasswordSecretErr, ErrNotRead) || !errors.Is(o.CAConfigMapErr, ErrNotRead) {
		t.Errorf("read %v though told not to", f.calls)
	}

	delete(f.objects, configKey)
	o = Gather(context.Background(), f, obj, GatherOptions{CAConfigMap: true})
	if !apierrors.IsNotFound(o.CAConfigMapErr) || o.CAConfigMap != nil {
		t.Errorf("a missing ConfigMap reads as %v", o.CAConfigMapErr)
	}

	// A registry using the user's Secret and a ConfigMap of theirs has nothing of its own to read.
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	d.CA = registry.CASource{Kind: registry.CAConfigMap, Ref: registry.KeyRef{Name: "corp-ca", Key: "ca.crt"}}
	f.calls = nil
	o = Gather(context.Background(), f, d.ModelRegistry(), GatherOptions{PasswordSecret: true, CAConfigMap: true})
	if len(f.calls) != 0 || !errors.Is(o.PasswordSecretErr, ErrNotRead) || !errors.Is(o.CAConfigMapErr, ErrNotRead) {
		t.Errorf("read %v for a registry with no objects of its own", f.calls)
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
	f := newFakeCluster()
	d := desired(false)
	d.Database.PasswordSecret = registry.KeyRef{Name: "their-secret", Key: "pw"}
	seen := 0
	f.fail = func(call string) error {
		if call == "apply "+registryKey {
			if seen++; seen == 2 {
				return errors.New("injected failure")
			}
		}
		return nil
	}
	_, err := (&Protocol{Client: f}).Create(context.Background(), d, nil, false)
	var p *Problem
	if !errors.As(err, &p) || !strings.Contains(p.Detail, "removing the create mark "+registry.AnnotationCreatePending) ||
		!strings.Contains(p.Detail, "(ModelRegistry fraud) was removed again") {
		t.Fatalf("want the failed unmarking and the rollback named, got %v", err)
	}
	if len(f.objects) != 0 {
		t.Errorf("left behind: %v", f.objects)
	}
}

func TestCreateWhenTheExistingRegistryCannotBeRead(t *testing.T) {
	f := newFakeCluster()
	existing(f, true, true)
	f.fail = failOn("get " + registryKey)
	_, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, false)
	var p *Problem
	if !errors.As(err, &p) || p.Summary != SummaryCreate || p.NameTaken || !strings.Contains(p.Detail, "injected failure") {
		t.Fatalf("want the failed read reported, got %v", err)
	}
	for _, c := range f.calls {
		if strings.HasPrefix(c, "apply") {
			t.Errorf("wrote %s without knowing whose registry is there", c)
		}
	}
}

func TestCreateWhenTheExistingRegistryWentAwaySinceTheDryRun(t *testing.T) {
	f := newFakeCluster()
	existing(f, false, false)
	f.fail = func(call string) error {
		if call == "get "+registryKey {
			delete(f.objects, registryKey)
		}
		return nil
	}
	if _, err := (&Protocol{Client: f}).Create(context.Background(), desired(false), password, false); err != nil {
		t.Fatalf("a registry gone since the dry run leaves the name free: %v", err)
	}
	if obj := f.objects[registryKey]; obj == nil || obj.GetLabels()[registry.LabelAppManagedBy] != registry.ManagedByProvider {
		t.Error("the registry was not created")
	}
}

func TestProtocolLogsAdoption(t *testing.T) {
	f := newFakeCluster()
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
	f := newFakeCluster()
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
	f.fail = failOn("get")
	if _, err := Find(context.Background(), f, ns, "fraud", GatherOptions{}); !errors.As(err, &p) || p.Summary != SummaryRead {
		t.Errorf("want a failed read reported, got %v", err)
	}
}

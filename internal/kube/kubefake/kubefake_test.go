package kubefake

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

func configMap(resourceVersion string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"k": "v"}}}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetNamespace("ns")
	u.SetName("cm")
	u.SetResourceVersion(resourceVersion)
	return u
}

// Update answers as the API server does: 409 on a stale resourceVersion, 404
// on a missing object, and a new resourceVersion on success.
func TestUpdateChecksResourceVersion(t *testing.T) {
	c := New(configMap(""))
	got, err := c.Get(t.Context(), kube.ConfigMaps, "ns", "cm")
	if err != nil {
		t.Fatal(err)
	}
	c.Touch(kube.ConfigMaps, "ns", "cm")
	if _, err := c.Update(t.Context(), got); !apierrors.IsConflict(err) {
		t.Errorf("update after someone else's write: %v, want a conflict", err)
	}
	fresh, _ := c.Get(t.Context(), kube.ConfigMaps, "ns", "cm")
	updated, err := c.Update(t.Context(), fresh)
	if err != nil || updated.GetResourceVersion() == fresh.GetResourceVersion() {
		t.Errorf("update with the current version: %v, resourceVersion %q", err, updated.GetResourceVersion())
	}
	if _, err := New().Update(t.Context(), configMap("1")); !apierrors.IsNotFound(err) {
		t.Errorf("update of a missing object: %v, want not found", err)
	}
}

// An interceptor answers its verb alone: the other verbs reach the fake, and
// every request is recorded once, intercepted or not.
func TestInterceptorFailsItsVerbAlone(t *testing.T) {
	c := New(configMap(""))
	refused := errors.New("refused")
	c.Interceptors.Delete = func(context.Context, kube.Interface, schema.GroupVersionResource, string, string, types.UID) error {
		return refused
	}
	if _, err := c.Get(t.Context(), kube.ConfigMaps, "ns", "cm"); err != nil {
		t.Errorf("get: %v", err)
	}
	if err := c.Delete(t.Context(), kube.ConfigMaps, "ns", "cm", ""); !errors.Is(err, refused) {
		t.Errorf("delete: %v, want the injected error", err)
	}
	if c.Object(kube.ConfigMaps, "ns", "cm") == nil {
		t.Error("a failed delete deleted the object")
	}
	if want := []string{"get configmaps/ns/cm", "delete configmaps/ns/cm"}; !slices.Equal(c.Calls, want) {
		t.Errorf("calls = %v, want %v", c.Calls, want)
	}
}

// An interceptor that passes the request on reaches the fake without meeting
// itself again, and what it changes is what the fake stores.
func TestInterceptorChangesAndPassesOn(t *testing.T) {
	c := New()
	applies := 0
	c.Interceptors.Apply = func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		applies++
		u, err := kube.ToUnstructured(obj.DeepCopyObject())
		if err != nil {
			return nil, err
		}
		u.SetLabels(map[string]string{"admitted": "yes"})
		return fake.Apply(ctx, u, opts)
	}
	if _, err := c.Apply(t.Context(), configMap(""), kube.ApplyOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if c.Object(kube.ConfigMaps, "ns", "cm") != nil {
		t.Error("a dry run passed on stored the object")
	}
	out, err := c.Apply(t.Context(), configMap(""), kube.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stored := c.Object(kube.ConfigMaps, "ns", "cm"); stored == nil || stored.GetLabels()["admitted"] != "yes" || out.GetLabels()["admitted"] != "yes" {
		t.Errorf("stored %v, returned %v; want the interceptor's label on both", stored, out)
	}
	if want := []string{"dryrun configmaps/ns/cm", "apply configmaps/ns/cm"}; applies != 2 || !slices.Equal(c.Calls, want) {
		t.Errorf("interceptor ran %d times, calls %v; want 2 and %v", applies, c.Calls, want)
	}
}

// An interceptor may change the cluster before the fake answers, as a
// concurrent writer would: here the object goes between a list and a get.
func TestInterceptorChangesTheClusterFirst(t *testing.T) {
	c := New(configMap(""))
	c.Interceptors.Get = func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
		if err := fake.Delete(ctx, gvr, namespace, name, ""); err != nil {
			return nil, err
		}
		return fake.Get(ctx, gvr, namespace, name)
	}
	if items, _ := c.List(t.Context(), kube.ConfigMaps, "ns", ""); len(items) != 1 {
		t.Fatalf("listed %d objects, want the one stored", len(items))
	}
	if _, err := c.Get(t.Context(), kube.ConfigMaps, "ns", "cm"); !apierrors.IsNotFound(err) {
		t.Errorf("get: %v, want not found", err)
	}
}

// A delaying interceptor holds the request until its context ends.
func TestInterceptorDelaysUntilTheDeadline(t *testing.T) {
	c := New(configMap(""))
	c.Interceptors.Update = func(ctx context.Context, _ kube.Interface, _ *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	stored, _ := c.Get(t.Context(), kube.ConfigMaps, "ns", "cm")
	if _, err := c.Update(ctx, stored); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("update: %v, want the deadline", err)
	}
	if got := c.Object(kube.ConfigMaps, "ns", "cm").GetResourceVersion(); got != stored.GetResourceVersion() {
		t.Errorf("resourceVersion %s, want %s unchanged", got, stored.GetResourceVersion())
	}
}

// A wait reads through the Get interceptor, so a failing read ends the wait.
func TestWaitReadsThroughTheGetInterceptor(t *testing.T) {
	c := New(configMap(""))
	unreachable := errors.New("connection refused")
	c.Interceptors.Get = func(context.Context, kube.Interface, schema.GroupVersionResource, string, string) (*unstructured.Unstructured, error) {
		return nil, unreachable
	}
	_, err := c.WaitFrom(t.Context(), kube.ConfigMaps, "ns", "cm", nil, func(*unstructured.Unstructured) (bool, error) { return false, nil })
	if !errors.Is(err, unreachable) {
		t.Errorf("wait: %v, want the failed read", err)
	}
	c.Interceptors = Funcs{}
	if _, err := c.WaitFrom(t.Context(), kube.ConfigMaps, "ns", "cm", nil, func(obj *unstructured.Unstructured) (bool, error) { return obj != nil, nil }); err != nil {
		t.Errorf("wait without interceptors: %v", err)
	}
}

// Discovery serves every resource but the unserved ones, and can be intercepted.
func TestServes(t *testing.T) {
	c := New()
	c.Unserved = map[schema.GroupVersionResource]bool{kube.RoleBindings: true}
	if served, _ := c.Serves(kube.ConfigMaps); !served {
		t.Error("configmaps not served")
	}
	if served, _ := c.Serves(kube.RoleBindings); served {
		t.Error("an unserved resource served")
	}
	failed := errors.New("discovery failed")
	c.Interceptors.Serves = func(kube.Discovery, schema.GroupVersionResource) (bool, error) { return false, failed }
	if _, err := c.Serves(kube.ConfigMaps); !errors.Is(err, failed) {
		t.Errorf("serves: %v, want the injected error", err)
	}
}

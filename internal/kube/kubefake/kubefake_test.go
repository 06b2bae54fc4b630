package kubefake

import (
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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

// Fail sees every request as recorded and fails the one it returns an error for.
func TestFailInterceptsOneVerb(t *testing.T) {
	c := New(configMap(""))
	refused := errors.New("refused")
	c.Fail = func(call string) error {
		if call == "delete configmaps/ns/cm" {
			return refused
		}
		return nil
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
	if want := []string{"get configmaps/ns/cm", "delete configmaps/ns/cm"}; len(c.Calls) != 2 || c.Calls[0] != want[0] || c.Calls[1] != want[1] {
		t.Errorf("calls = %v, want %v", c.Calls, want)
	}
}

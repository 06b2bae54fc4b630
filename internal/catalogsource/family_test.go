package catalogsource

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// fakeData is the provider's data over a fake cluster.
func fakeData(f *kubefake.Cluster) *providerdata.Data {
	return providerdata.New(kube.Config{}, "", func(kube.Config) (kube.Cluster, error) { return f, nil })
}

// userSources is the dashboard's ConfigMap of the user's model sources, with one source.
func userSources(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	u, err := kube.ToUnstructured(&corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: catalog.UserSourcesConfigMap, Namespace: "ns"},
		Data:       map[string]string{catalog.SourcesKey: "catalogs:\n- name: Team\n  id: team\n  type: yaml\n  enabled: true\n  properties:\n    yamlCatalogPath: team.yaml\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var yamlSource = catalog.UserSource{Kind: catalog.ModelSources, ID: "fraud", Name: "Fraud", Type: catalog.TypeYAML, Enabled: true, CatalogFile: "source: fraud\nmodels: []\n"}

// A dashboard that writes the shared ConfigMap before each of the provider's
// updates makes every update conflict: the create ends at its timeout and the
// user reads that the ConfigMap kept changing, how often, and that it timed out.
func TestWriteThatKeepsConflictingSaysSo(t *testing.T) {
	f := kubefake.New(userSources(t))
	f.Interceptors.Update = func(ctx context.Context, fake kube.Interface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		f.Touch(kube.ConfigMaps, obj.GetNamespace(), obj.GetName())
		return fake.Update(ctx, obj)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	undone := false
	var diags diag.Diagnostics
	if modelFamily.write(ctx, fakeData(f), f, "ns", "", yamlSource, true, func() { undone = true }, &diags) {
		t.Fatal("the write succeeded though every update conflicted")
	}
	if !undone {
		t.Error("the undo did not run")
	}
	if len(diags) != 1 || diags[0].Summary() != "Cannot add the model catalog source" {
		t.Fatalf("diagnostics %v, want one %q", diags, "Cannot add the model catalog source")
	}
	for _, want := range []string{"ConfigMap ns/" + catalog.UserSourcesConfigMap + " kept changing", "updates found it modified by another request before the timeout"} {
		if !strings.Contains(diags[0].Detail(), want) {
			t.Errorf("detail %q does not say %q", diags[0].Detail(), want)
		}
	}
	sources, _, _ := unstructured.NestedString(f.Object(kube.ConfigMaps, "ns", catalog.UserSourcesConfigMap).Object, "data", catalog.SourcesKey)
	if !strings.Contains(sources, "id: team") || strings.Contains(sources, "fraud") {
		t.Errorf("sources.yaml %q; want the dashboard's source alone, the failed write's not landed", sources)
	}
}

// A source in its own ConfigMap whose delete the cluster refuses stays in
// state with the refusal; a catalog that is not deployed leaves only a warning.
func TestRemoveFailures(t *testing.T) {
	f := kubefake.New()
	f.Interceptors.Delete = func(context.Context, kube.Interface, schema.GroupVersionResource, string, string, types.UID) error {
		return apierrors.NewForbidden(kube.ConfigMaps.GroupResource(), "fraud-source", nil)
	}
	var diags diag.Diagnostics
	if modelFamily.remove(t.Context(), fakeData(f), f, "ns", "fraud-source", "fraud", &diags) {
		t.Error("a refused delete reported the source removed")
	}
	if len(diags) != 1 || diags[0].Summary() != "Cannot delete the model catalog source" || !strings.Contains(diags[0].Detail(), "forbidden") {
		t.Errorf("diagnostics %v, want the refused delete", diags)
	}

	diags = nil
	if !modelFamily.remove(t.Context(), fakeData(f), f, "ns", "", "fraud", &diags) {
		t.Error("removing from a catalog that is not deployed failed")
	}
	if len(diags) != 1 || diags.HasError() || diags[0].Summary() != "Model catalog not deployed" ||
		!strings.Contains(diags[0].Detail(), "There is nothing to remove; the resource leaves the state.") {
		t.Errorf("diagnostics %v, want the not-deployed warning", diags)
	}
}

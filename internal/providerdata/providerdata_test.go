package providerdata

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	tftypes "github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
)

// ListObjectsWhere answers from the process's one LIST and hands out copies
// of the kept objects only.
func TestListObjectsWhere(t *testing.T) {
	var lists atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		lists.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBindingList","metadata":{"resourceVersion":"9"},"items":[` +
			`{"metadata":{"name":"a","namespace":"ns"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"registry-user-fraud"}},` +
			`{"metadata":{"name":"b","namespace":"ns"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"registry-user-other"}},` +
			`{"metadata":{"name":"c","namespace":"ns"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"registry-user-fraud"}}]}`))
	}))
	defer srv.Close()
	client, err := kube.NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	d := &Data{}
	fraud := func(obj *unstructured.Unstructured) bool {
		name, _, _ := unstructured.NestedString(obj.Object, "roleRef", "name")
		return name == "registry-user-fraud"
	}
	got, err := d.ListObjectsWhere(t.Context(), client, kube.RoleBindings, "ns", fraud)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for i := range got {
		names[got[i].GetName()] = true
		got[i].SetName("changed by the caller")
	}
	if len(got) != 2 || !names["a"] || !names["c"] {
		t.Errorf("kept %v, want a and c", names)
	}
	all, err := d.ListObjects(t.Context(), client, kube.RoleBindings, "ns")
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range all {
		if obj.GetName() == "changed by the caller" {
			t.Error("a caller's change of its copy reached the list")
		}
	}
	if len(all) != 3 || lists.Load() != 1 {
		t.Errorf("%d objects from %d LISTs, want 3 from 1", len(all), lists.Load())
	}
}

// The last step: a cluster that names no registries namespace anywhere gets
// the default, asked once per process.
func TestRegistriesNamespaceDefault(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`))
	}))
	defer srv.Close()
	d := New(kube.Config{}, "", func(kube.Config) (kube.Cluster, error) { return kube.NewForConfig(&rest.Config{Host: srv.URL}) })
	for range 2 {
		namespace, diags := d.RegistriesNamespace(t.Context())
		if namespace != "rhoai-model-registries" || diags.HasError() || len(diags) != 0 {
			t.Errorf("namespace %q, diagnostics %v; want rhoai-model-registries and none", namespace, diags)
		}
	}
	if requests.Load() != 2 {
		t.Errorf("%d requests, want 2 (the DataScienceClusters, the AIHub) for the process", requests.Load())
	}
}

func TestResolveNamespace(t *testing.T) {
	data := New(kube.Config{}, "team-registries", nil)
	for name, tc := range map[string]struct {
		planned tftypes.String
		want    string
	}{
		"unknown": {tftypes.StringUnknown(), "team-registries"},
		"null":    {tftypes.StringNull(), "team-registries"},
		"set":     {tftypes.StringValue("other"), "other"},
	} {
		namespace := tc.planned
		if diags := data.ResolveNamespace(context.Background(), &namespace); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		if namespace.ValueString() != tc.want {
			t.Errorf("%s: namespace = %s; want %s", name, namespace, tc.want)
		}
	}
}

// Listed answers a Read's Gets from one LIST per kind and namespace, and falls
// back to a GET per object where the identity may not list (the least-privilege
// role grants get on Secrets, not list).
func TestListedReadsFromOneList(t *testing.T) {
	secret := func(name string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": name, "namespace": "ns"}}}
	}
	for _, tc := range []struct {
		name      string
		forbidden bool
		want      []string
	}{
		{"may list", false, []string{"list secrets/ns"}},
		{"may only get", true, []string{"list secrets/ns", "get secrets/ns/a", "get secrets/ns/b", "get secrets/ns/gone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cluster := kubefake.New(secret("a"), secret("b"))
			if tc.forbidden {
				cluster.Interceptors.List = func(_ context.Context, _ kube.Interface, gvr schema.GroupVersionResource, _, _ string) ([]unstructured.Unstructured, error) {
					return nil, apierrors.NewForbidden(gvr.GroupResource(), "", errors.New("may not list"))
				}
			}
			listed := (&Data{}).Listed(cluster)
			for _, name := range []string{"a", "b"} {
				obj, err := listed.Get(t.Context(), kube.Secrets, "ns", name)
				if err != nil || obj.GetName() != name {
					t.Fatalf("Get %s: %v, %v", name, obj, err)
				}
			}
			if _, err := listed.Get(t.Context(), kube.Secrets, "ns", "gone"); !apierrors.IsNotFound(err) {
				t.Errorf("Get of a missing Secret: %v, want not found", err)
			}
			if !slices.Equal(cluster.Calls, tc.want) {
				t.Errorf("requests %q, want %q", cluster.Calls, tc.want)
			}
		})
	}
}

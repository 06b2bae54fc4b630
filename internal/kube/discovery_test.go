package kube

import (
	"net/http"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Serves answers from discovery, once per client: a group the server lacks
// costs no request for its kind, and a served group is listed once.
func TestServesAsksDiscoveryOnce(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/apis":
			_, _ = w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"gateway.networking.k8s.io",` +
				`"versions":[{"groupVersion":"gateway.networking.k8s.io/v1beta1","version":"v1beta1"}],` +
				`"preferredVersion":{"groupVersion":"gateway.networking.k8s.io/v1beta1","version":"v1beta1"}}]}`))
		case "/apis/gateway.networking.k8s.io/v1beta1":
			_, _ = w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"gateway.networking.k8s.io/v1beta1",` +
				`"resources":[{"name":"referencegrants","singularName":"referencegrant","namespaced":true,"kind":"ReferenceGrant","verbs":["get"]}]}`))
		default:
			writeStatus(w, http.StatusNotFound, "NotFound", "not found", "")
		}
	})
	grants := schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1beta1", Resource: "referencegrants"}
	routes := schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1beta1", Resource: "httproutes"}
	hubs := schema.GroupVersionResource{Group: "components.platform.opendatahub.io", Version: "v1alpha1", Resource: "aihubs"}
	for _, tc := range []struct {
		gvr  schema.GroupVersionResource
		want bool
	}{{grants, true}, {routes, false}, {hubs, false}, {grants, true}} {
		if got, err := client.Serves(tc.gvr); got != tc.want || err != nil {
			t.Errorf("Serves(%s) = %v, %v; want %v", tc.gvr, got, err, tc.want)
		}
	}
	before := count.Load()
	_, _ = client.Serves(grants)
	_, _ = client.Serves(hubs)
	if count.Load() != before {
		t.Errorf("asking again cost %d requests, want none", count.Load()-before)
	}
}

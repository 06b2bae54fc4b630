package modelregistry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// operatorAPI is an API server whose operator webhook adds kubeRBACProxy to a
// registry without a proxy when forcesProxy (v0.3.14), and that serves the
// gateway ReferenceGrant when gateway. It counts the requests.
func operatorAPI(t *testing.T, forcesProxy, gateway bool) (*providerdata.Data, *atomic.Int32) {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/modelregistries/"):
			if r.URL.Query().Get("dryRun") != "All" {
				t.Errorf("the probe was not a dry run: %s", r.URL)
			}
			body, _ := io.ReadAll(r.Body)
			var obj map[string]any
			_ = json.Unmarshal(body, &obj)
			spec, _ := obj["spec"].(map[string]any)
			if forcesProxy && spec != nil {
				spec["kubeRBACProxy"] = map[string]any{"port": 8443}
			}
			_ = json.NewEncoder(w).Encode(obj)
		case r.URL.Path == "/apis" && gateway:
			_, _ = w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"gateway.networking.k8s.io",` +
				`"versions":[{"groupVersion":"gateway.networking.k8s.io/v1beta1","version":"v1beta1"}],` +
				`"preferredVersion":{"groupVersion":"gateway.networking.k8s.io/v1beta1","version":"v1beta1"}}]}`))
		case r.URL.Path == "/apis":
			_, _ = w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`))
		case r.URL.Path == "/apis/gateway.networking.k8s.io/v1beta1":
			_, _ = w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"gateway.networking.k8s.io/v1beta1",` +
				`"resources":[{"name":"referencegrants","singularName":"referencegrant","namespaced":true,"kind":"ReferenceGrant","verbs":["get"]}]}`))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/referencegrants/"+registry.GatewayReferenceGrantName) && gateway:
			_, _ = w.Write([]byte(`{"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"` +
				registry.GatewayReferenceGrantName + `","namespace":"rhoai-model-registries"}}`))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/modelregistries"):
			_, _ = w.Write([]byte(`{"apiVersion":"modelregistry.opendatahub.io/v1beta1","kind":"ModelRegistryList","metadata":{},"items":[]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"details":{"name":"x"}}`))
		}
	}))
	t.Cleanup(srv.Close)
	data := providerdata.New(kube.Config{}, "", func(kube.Config) (kube.Cluster, error) {
		return kube.NewForConfig(&rest.Config{Host: srv.URL})
	})
	return data, &requests
}

func TestNamesAgainstTheOperatorGeneration(t *testing.T) {
	name45 := "a" + strings.Repeat("b", 44)
	for _, tc := range []struct {
		generation           string
		forcesProxy, gateway bool
		name                 string
		wantError            string
	}{
		{"v0.3.8", false, false, name45, "ConfigMap \"" + name45 + "-kube-rbac-proxy-config\""},
		{"v0.3.8", false, false, strings.Repeat("a", 40), ""},
		{"v0.3.14", true, false, name45, ""},
		{"v0.3.14", true, false, strings.Repeat("a", 58), ""},
		{"v0.3.14 gateway", true, true, strings.Repeat("a", 49), "HTTPRoute \"model-registry-" + strings.Repeat("a", 49) + "\""},
		{"v0.3.14 gateway", true, true, strings.Repeat("a", 48), ""},
	} {
		t.Run(fmt.Sprintf("%s %d characters", tc.generation, len(tc.name)), func(t *testing.T) {
			data, requests := operatorAPI(t, tc.forcesProxy, tc.gateway)
			r := &modelRegistryResource{data: data}
			var afterFirst int32
			for i, atApply := range []bool{false, true} {
				if i == 1 {
					afterFirst = requests.Load()
				}
				var diags diag.Diagnostics
				r.checkNameAgainstOperator(t.Context(), registry.DefaultNamespace, tc.name, atApply, &diags)
				switch {
				case tc.wantError == "" && len(diags) > 0:
					t.Errorf("apply %v: want no diagnostic, got %v", atApply, diags)
				case tc.wantError != "" && (!diags.HasError() || !strings.Contains(diags[0].Detail(), tc.wantError)):
					t.Errorf("apply %v: want an error naming %s, got %v", atApply, tc.wantError, diags)
				}
			}
			if len(tc.name) <= 40 && requests.Load() != 0 {
				t.Errorf("a %d-character name cost %d requests, want none", len(tc.name), requests.Load())
			}
			if len(tc.name) > 40 && (afterFirst == 0 || requests.Load() != afterFirst) {
				t.Errorf("the first check cost %d requests, the second %d; want the second answered from the first", afterFirst, requests.Load()-afterFirst)
			}
		})
	}
}

// With no cluster to ask, the plan warns under the strictest rule and the
// apply refuses.
func TestNamesWithoutACluster(t *testing.T) {
	name := strings.Repeat("n", 45)
	for what, data := range map[string]*providerdata.Data{
		"unknown provider configuration": providerdata.NewUnknown(),
		"unreachable cluster": providerdata.New(kube.Config{}, "", func(kube.Config) (kube.Cluster, error) {
			return nil, errors.New("dial tcp 10.0.0.1:6443: connect: connection refused")
		}),
	} {
		r := &modelRegistryResource{data: data}
		var diags diag.Diagnostics
		r.checkNameAgainstOperator(t.Context(), registry.DefaultNamespace, name, false, &diags)
		if len(diags) != 1 || diags.HasError() || !strings.Contains(diags[0].Detail(), "at most 40") ||
			!strings.Contains(diags[0].Detail(), name+"-kube-rbac-proxy-config") {
			t.Errorf("%s: plan diagnostics %v, want one warning naming the 40-character rule", what, diags)
		}
		diags = nil
		r.checkNameAgainstOperator(t.Context(), registry.DefaultNamespace, name, true, &diags)
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), "strictest rule") {
			t.Errorf("%s: apply diagnostics %v, want an error under the strictest rule", what, diags)
		}
	}
}

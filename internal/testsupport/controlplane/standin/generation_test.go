package standin

import (
	"errors"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestParseGeneration(t *testing.T) {
	for in, want := range map[string]Generation{"": V0_3_14, "v0.3.8": V0_3_8, "v0.3.14": V0_3_14} {
		if got, err := ParseGeneration(in); err != nil || got != want {
			t.Errorf("ParseGeneration(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseGeneration("0.3.14")
	if err == nil || !strings.Contains(err.Error(), `"0.3.14" is not one the stand-in plays: use v0.3.8 or v0.3.14`) {
		t.Errorf("ParseGeneration(0.3.14): %v, want an error naming the generations", err)
	}
	if err := V0_3_8.CheckGatewayDomain("gw.example.com"); err == nil || !strings.Contains(err.Error(), "gateway mode exists from v0.3.10 on") {
		t.Errorf("v0.3.8 with a gateway domain: %v, want an error", err)
	}
	if err := V0_3_14.CheckGatewayDomain("gw.example.com"); err != nil {
		t.Errorf("v0.3.14 with a gateway domain: %v", err)
	}
	t.Setenv(GenerationEnv, "v0.3.9")
	if _, _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), GenerationEnv) {
		t.Errorf("FromEnv with %s=v0.3.9: %v, want an error naming the variable", GenerationEnv, err)
	}
}

// v0.3.14 on OpenShift: the webhook adds kubeRBACProxy {} (then defaulted) unless a proxy is set.
func TestDefaultSpecForcesProxy(t *testing.T) {
	noProxy := map[string]any{"rest": map[string]any{}, "mysql": map[string]any{"host": "h"}}
	forced := defaultSpec(noProxy, true)
	proxy, ok := forced["kubeRBACProxy"].(map[string]any)
	if !ok || proxy["port"] != int64(8443) || proxy["serviceRoute"] != "enabled" {
		t.Errorf("v0.3.14 defaulting %v, want kubeRBACProxy with its defaults", forced)
	}
	if _, ok := defaultSpec(noProxy, false)["kubeRBACProxy"]; ok {
		t.Error("v0.3.8 defaulting added kubeRBACProxy")
	}
	oauth := map[string]any{"rest": map[string]any{}, "oauthProxy": map[string]any{}, "mysql": map[string]any{"host": "h"}}
	if _, ok := defaultSpec(oauth, true)["kubeRBACProxy"]; ok {
		t.Error("v0.3.14 defaulting added kubeRBACProxy beside oauthProxy")
	}
}

func objectNamed(t *testing.T, objs []object, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.obj.GetKind() == kind && o.obj.GetName() == name {
			return o.obj
		}
	}
	t.Fatalf("no %s %s among the desired objects", kind, name)
	return nil
}

func fromUnstructured[T any](t *testing.T, u *unstructured.Unstructured) *T {
	t.Helper()
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The proxy ConfigMap's instance label, the NetworkPolicy's selector and the default database's
// strategy, each as its generation makes it.
func TestObjectsByGeneration(t *testing.T) {
	pg := proxySpec()
	delete(pg, "mysql")
	pg["postgres"] = map[string]any{"generateDeployment": true}
	sp := readSpec(testRegistry(pg))
	for _, tc := range []struct {
		generation         Generation
		instance           string
		generatedNamespace bool
		strategy           appsv1.DeploymentStrategyType
	}{
		{V0_3_8, "fraud-kube-rbac-proxy-config", false, ""},
		{V0_3_14, "fraud", true, appsv1.RecreateDeploymentStrategyType},
	} {
		objs, _ := desiredObjects(sp, features{generation: tc.generation})
		cm := objectNamed(t, objs, "ConfigMap", "fraud-kube-rbac-proxy-config")
		if got := cm.GetLabels()[LabelInstance]; got != tc.instance {
			t.Errorf("%s: proxy ConfigMap label %s=%q, want %q", tc.generation, LabelInstance, got, tc.instance)
		}
		policy := fromUnstructured[networkingv1.NetworkPolicy](t, objectNamed(t, objs, "NetworkPolicy", "fraud-https-route"))
		admits := slices.ContainsFunc(policy.Spec.Ingress, func(r networkingv1.NetworkPolicyIngressRule) bool {
			return slices.ContainsFunc(r.From, func(p networkingv1.NetworkPolicyPeer) bool {
				return p.NamespaceSelector != nil && p.NamespaceSelector.MatchLabels[GeneratedNamespaceLabel] == "true"
			})
		})
		if admits != tc.generatedNamespace {
			t.Errorf("%s: NetworkPolicy admits generated namespaces: %v, want %v (%+v)", tc.generation, admits, tc.generatedNamespace, policy.Spec.Ingress)
		}
		db := fromUnstructured[appsv1.Deployment](t, objectNamed(t, objs, "Deployment", "fraud-postgres"))
		if db.Spec.Strategy.Type != tc.strategy {
			t.Errorf("%s: default database strategy %q, want %q", tc.generation, db.Spec.Strategy.Type, tc.strategy)
		}
	}
}

// Gateway mode: HTTPRoute and ReferenceGrant, the gateway host first, the Route kept.
func TestGatewayMode(t *testing.T) {
	sp := readSpec(testRegistry(proxySpec()))
	f := features{routes: true, appsDomain: "apps.example.com", generation: V0_3_14, gatewayDomain: "gw.example.com"}
	objs, _ := desiredObjects(sp, f)
	route := objectNamed(t, objs, "HTTPRoute", "model-registry-fraud")
	path, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
	if !strings.Contains(jsonString(map[string]any{"rules": path}), `"value":"/model-registry/fraud/"`) {
		t.Errorf("HTTPRoute rules %v, want the path /model-registry/fraud/", path)
	}
	grant := objectNamed(t, objs, "ReferenceGrant", ReferenceGrantName)
	if len(grant.GetOwnerReferences()) != 0 {
		t.Error("the namespace's ReferenceGrant is owned by one registry")
	}
	objectNamed(t, objs, "Route", "fraud-https")
	hosts := hostsOf(sp, f)
	if want := []string{"gw.example.com/model-registry/fraud", "fraud-rest.apps.example.com"}; !slices.Equal(hosts[:2], want) {
		t.Errorf("hosts %v, want %v first", hosts, want)
	}
	f.gatewayDomain = ""
	objs, _ = desiredObjects(sp, f)
	for _, o := range objs {
		if o.resource == HTTPRouteResource || o.resource == ReferenceGrantResource {
			t.Errorf("gateway mode off made %s %s", o.obj.GetKind(), o.obj.GetName())
		}
	}
	if hosts := hostsOf(sp, f); hosts[0] != "fraud-rest.apps.example.com" {
		t.Errorf("hosts without gateway mode %v, want the Route host first", hosts)
	}
}

// A failed write keeps the registry unavailable with the API server's answer.
func TestComputeStatusApplyError(t *testing.T) {
	mr := testRegistry(proxySpec())
	o := observed{deployment: availableDeployment(1), pods: []*corev1.Pod{readyPod(ContainerREST, ContainerKubeRBACProxy)}}
	err := errors.New(`apply ConfigMap x-kube-rbac-proxy-config: ConfigMap "x-kube-rbac-proxy-config" is invalid: metadata.labels: Invalid value`)
	v := computeStatus(mr, readSpec(mr), o, features{}, controls{applyErr: err}, 0, metav1.Now().Time)
	a := available(v)
	if a.Status != "False" || a.Reason != registry.ReasonDeploymentUnavailable || a.Message != "unexpected reconcile error: "+err.Error() {
		t.Errorf("Available %+v, want False DeploymentUnavailable with the error", a)
	}
}

// v0.3.14's shipped file: the model sources and the keys that generation added.
func TestShippedSourcesFiles(t *testing.T) {
	if V0_3_8.ShippedSourcesConfigMap() != catalog.DefaultSourcesConfigMap || V0_3_14.ShippedSourcesConfigMap() != catalog.LaterDefaultSourcesConfigMap {
		t.Error("shipped ConfigMap names do not follow the rename of v0.3.9")
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(V0_3_14.ShippedSourcesFile()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"catalogs", "mcp_catalogs", "agent_catalogs", "labels", "namedQueries"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("v0.3.14's shipped file has no %s", key)
		}
	}
	if _, err := catalog.ParseSources(V0_3_8.ShippedSourcesFile()); err != nil {
		t.Errorf("v0.3.8's shipped file: %v", err)
	}
	data := shippedData(V0_3_14)
	for _, id := range ShippedMCPSources {
		if !strings.Contains(data[catalog.SourcesKey], "id: "+id) || data[id+".yaml"] == "" {
			t.Errorf("shipped MCP source %s or its file is missing", id)
		}
	}
}

func TestWithoutDefaultCatalog(t *testing.T) {
	file := "# mine\ncatalogs:\n- id: mine\n  name: Mine\n- id: default_catalog\n  name: D\nmcp_catalogs:\n- id: default_catalog\nzeta: 1\nalpha: 2\n"
	got, changed := withoutDefaultCatalog(file)
	if !changed || strings.Contains(got, "default_catalog") || strings.Contains(got, "# mine") || !strings.Contains(got, "id: mine") {
		t.Errorf("re-marshalled file:\n%s", got)
	}
	if strings.Index(got, "alpha") > strings.Index(got, "zeta") {
		t.Errorf("keys were not re-ordered:\n%s", got)
	}
	if same, changed := withoutDefaultCatalog("catalogs:\n- id: mine # default_catalog in a comment\n"); changed || !strings.Contains(same, "#") {
		t.Errorf("a file without the id was rewritten:\n%s", same)
	}
}

func TestLabelledConfigMapMounted(t *testing.T) {
	cm := func(name string, data map[string]string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{catalog.LabelCatalogSource: "true"}}, Data: data}
	}
	sources := map[string]string{catalog.SourcesKey: "catalogs: []\n"}
	for _, tc := range []struct {
		cm   *corev1.ConfigMap
		want bool
	}{
		{cm("team-models", sources), true},
		{cm(strings.Repeat("a", 55), sources), true},
		{cm(strings.Repeat("a", 56), sources), false},
		{cm("team.models", sources), false},
		{cm("team-models", map[string]string{"other.yaml": ""}), false},
	} {
		if got := LabelledConfigMapMounted(tc.cm); got != tc.want {
			t.Errorf("%s with keys %v: mounted %v, want %v", tc.cm.Name, tc.cm.Data, got, tc.want)
		}
	}
}

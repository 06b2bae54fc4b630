package standin

import (
	"slices"
	"testing"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func testRegistry(spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "modelregistry.opendatahub.io/v1beta1", "kind": "ModelRegistry",
		"metadata": map[string]any{"name": "fraud", "namespace": "rhoai-model-registries", "uid": "u-1"},
		"spec":     defaultSpec(spec, false),
	}}
}

func proxySpec() map[string]any {
	return map[string]any{"rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
		"mysql": map[string]any{"host": "mysql.example.com", "database": "db", "username": "u"}}
}

func availableDeployment(generation int64) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "fraud", Generation: generation},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr(int32(1))},
		Status: appsv1.DeploymentStatus{ObservedGeneration: generation, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1, ReadyReplicas: 1,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}},
	}
}

// availableSince is a Deployment that became available at t.
func availableSince(t time.Time) *appsv1.Deployment {
	d := availableDeployment(1)
	d.Status.Conditions[0].LastTransitionTime = metav1.NewTime(t)
	return d
}

func readyPod(containers ...string) *corev1.Pod {
	p := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	return p
}

func readySlice(ready bool) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"},
		Conditions: discoveryv1.EndpointConditions{Ready: &ready}}}}
}

func available(v verdict) condition {
	if c := findCondition(v.conditions, registry.ConditionAvailable); c != nil {
		return *c
	}
	return condition{}
}

func TestComputeStatus(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	f := features{routes: true, groups: true, appsDomain: "apps.example.com"}
	ctl := controls{neverReadySuffix: ".stall.test"}
	mr := testRegistry(proxySpec())
	s := readSpec(mr)
	both := []string{ContainerREST, ContainerKubeRBACProxy}
	for _, tc := range []struct {
		name       string
		o          observed
		spec       *spec
		wantStatus string
		wantReason string
		wantMsg    string
		wantTypes  []string
		wantAfter  time.Duration
	}{
		{name: "no deployment", o: observed{},
			wantStatus: "False", wantReason: ReasonResourcesUnavailable, wantMsg: "No Pods found for Deployment fraud",
			wantTypes: []string{"Available", "KubeRBACProxyAvailable", "Progressing"}},
		{name: "deployment without pods", o: observed{deployment: availableDeployment(1)},
			wantStatus: "False", wantReason: ReasonResourcesUnavailable, wantMsg: "No Pods found for Deployment fraud",
			wantTypes: []string{"Available", "KubeRBACProxyAvailable"}},
		{name: "pods without the proxy container", o: observed{deployment: availableDeployment(1), pods: []*corev1.Pod{readyPod(ContainerREST)}, slices: []*discoveryv1.EndpointSlice{readySlice(true)}},
			wantStatus: "False", wantReason: registry.ReasonDeploymentUnavailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable"}},
		{name: "no ready endpoint", o: observed{deployment: availableDeployment(1), pods: []*corev1.Pod{readyPod(both...)}, slices: []*discoveryv1.EndpointSlice{readySlice(false)}},
			wantStatus: "False", wantReason: registry.ReasonDeploymentUnavailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable"}},
		// The Deployment's time has one-second resolution: the cooldown counts from the end of that second.
		{name: "cooldown", o: observed{deployment: availableSince(now.Add(-2 * time.Second)), pods: []*corev1.Pod{readyPod(both...)}, slices: []*discoveryv1.EndpointSlice{readySlice(true)}},
			wantStatus: "False", wantReason: ReasonDeploymentCooldown, wantTypes: []string{"Available", "KubeRBACProxyAvailable"}, wantAfter: 4 * time.Second},
		{name: "available", o: observed{deployment: availableSince(now.Add(-6 * time.Second)), pods: []*corev1.Pod{readyPod(both...)}, slices: []*discoveryv1.EndpointSlice{readySlice(true)}},
			wantStatus: "True", wantReason: registry.ReasonDeploymentAvailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable"}},
		{name: "never ready control", spec: &spec{name: "fraud", namespace: "ns", kubeRBACProxy: true, dbHost: "db.stall.test"},
			o:          observed{deployment: availableSince(now.Add(-time.Minute)), pods: []*corev1.Pod{readyPod(both...)}, slices: []*discoveryv1.EndpointSlice{readySlice(true)}},
			wantStatus: "False", wantReason: registry.ReasonDeploymentUnavailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable"}},
		{name: "configuration error control", spec: &spec{name: "fraud", namespace: "ns", dbHost: "db.invalid"}, o: observed{},
			wantStatus: "False", wantReason: registry.ReasonConfigurationError, wantMsg: "database configuration error: dial tcp: lookup db.invalid: no such host",
			wantTypes: []string{"Available"}},
		{name: "rolling out an update", o: func() observed {
			d := availableDeployment(2)
			d.Status.ObservedGeneration = 1
			return observed{deployment: d, pods: []*corev1.Pod{readyPod(ContainerREST)}, everAvailable: true}
		}(), wantStatus: "False", wantReason: registry.ReasonDeploymentUnavailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable", "Progressing"}},
		// A rollout that keeps the containers keeps the Deployment, and so the registry, available.
		{name: "rolling out the same containers", o: func() observed {
			d := availableSince(now.Add(-time.Minute))
			d.Generation, d.Status.UpdatedReplicas = 2, 0
			return observed{deployment: d, pods: []*corev1.Pod{readyPod(both...)}, slices: []*discoveryv1.EndpointSlice{readySlice(true)}, everAvailable: true}
		}(), wantStatus: "True", wantReason: registry.ReasonDeploymentAvailable, wantTypes: []string{"Available", "KubeRBACProxyAvailable", "Progressing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := s
			if tc.spec != nil {
				sp = *tc.spec
			}
			v := computeStatus(mr, sp, tc.o, f, ctl, 5*time.Second, now)
			a := available(v)
			if a.Status != tc.wantStatus || a.Reason != tc.wantReason || (tc.wantMsg != "" && a.Message != tc.wantMsg) {
				t.Errorf("Available = %s %s %q, want %s %s %q", a.Status, a.Reason, a.Message, tc.wantStatus, tc.wantReason, tc.wantMsg)
			}
			var types []string
			for _, c := range v.conditions {
				types = append(types, c.Type)
			}
			slices.Sort(types)
			if !slices.Equal(types, tc.wantTypes) {
				t.Errorf("condition types %v, want %v", types, tc.wantTypes)
			}
			if v.recheckAfter != tc.wantAfter {
				t.Errorf("recheck after %s, want %s", v.recheckAfter, tc.wantAfter)
			}
		})
	}
}

func TestProgressingReason(t *testing.T) {
	mr := testRegistry(proxySpec())
	d := availableDeployment(2)
	d.Status.ObservedGeneration = 1
	for everAvailable, want := range map[bool]string{false: ReasonCreatingDeployment, true: ReasonUpdatingDeployment} {
		v := computeStatus(mr, readSpec(mr), observed{deployment: d, everAvailable: everAvailable}, features{}, controls{}, time.Second, time.Now())
		if c := findCondition(v.conditions, registry.ConditionProgressing); c == nil || c.Status != "True" || c.Reason != want {
			t.Errorf("ever available %v: Progressing %+v, want True %s", everAvailable, c, want)
		}
	}
}

func TestHostsOrder(t *testing.T) {
	routes := features{routes: true, appsDomain: "apps.example.com"}
	inCluster := []string{"fraud.rhoai-model-registries.svc.cluster.local", "fraud.rhoai-model-registries", "fraud"}
	for _, tc := range []struct {
		name string
		spec map[string]any
		f    features
		want []string
	}{
		{"proxy with route", proxySpec(), routes, append([]string{"fraud-rest.apps.example.com"}, inCluster...)},
		{"proxy, no Route API", proxySpec(), features{}, inCluster},
		{"proxy route disabled", func() map[string]any {
			s := proxySpec()
			s["kubeRBACProxy"] = map[string]any{"serviceRoute": "disabled"}
			return s
		}(), routes, inCluster},
		{"no proxy", func() map[string]any { s := proxySpec(); delete(s, "kubeRBACProxy"); return s }(), routes, inCluster},
	} {
		if got := hostsOf(readSpec(testRegistry(tc.spec)), tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: hosts %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTransitionTimeKeptWhileStatusHolds(t *testing.T) {
	mr := testRegistry(proxySpec())
	_ = unstructured.SetNestedSlice(mr.Object, []any{map[string]any{
		"type": "Available", "status": "False", "reason": ReasonResourcesUnavailable, "message": "x", "lastTransitionTime": "2020-01-01T00:00:00Z",
	}}, "status", "conditions")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v := computeStatus(mr, readSpec(mr), observed{deployment: availableDeployment(1)}, features{}, controls{}, time.Second, now)
	if got := available(v).LastTransitionTime; got != "2020-01-01T00:00:00Z" {
		t.Errorf("unchanged status: transition time %s, want the old one", got)
	}
	v = computeStatus(mr, readSpec(mr), observed{deployment: availableSince(now.Add(-time.Hour)), pods: []*corev1.Pod{readyPod(ContainerREST, ContainerKubeRBACProxy)},
		slices: []*discoveryv1.EndpointSlice{readySlice(true)}}, features{}, controls{}, time.Second, now)
	if got := available(v).LastTransitionTime; got != "2026-01-01T00:00:00Z" {
		t.Errorf("status turned True: transition time %s, want now (%+v)", got, available(v))
	}
}

func TestDefaultSpec(t *testing.T) {
	got := defaultSpec(map[string]any{
		"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
		"mysql":    map[string]any{"host": "h", "port": int64(3307)},
		"postgres": map[string]any{"port": int64(5432), "generateDeployment": false},
	}, false)
	want := map[string]any{
		"grpc":          map[string]any{"port": int64(9090)},
		"rest":          map[string]any{"port": int64(8080), "serviceRoute": "disabled"},
		"kubeRBACProxy": map[string]any{"port": int64(8443), "routePort": int64(443), "serviceRoute": "enabled"},
		"mysql":         map[string]any{"host": "h", "port": int64(3307), "skipDBCreation": false},
	}
	if !equalJSON(got, want) {
		t.Errorf("defaulted spec %v, want %v", got, want)
	}
	got = defaultSpec(map[string]any{"rest": map[string]any{}, "mysql": map[string]any{"database": "d"},
		"postgres": map[string]any{"generateDeployment": true}}, false)
	if _, ok := got["mysql"]; ok {
		t.Errorf("a mysql block without host was kept: %v", got)
	}
	if _, ok := got["postgres"]; !ok {
		t.Errorf("a postgres block with generateDeployment was dropped: %v", got)
	}
	if got := defaultSpec(map[string]any{"postgres": map[string]any{"hostAddress": "10.0.0.1"}}, false); got["postgres"] == nil {
		t.Errorf("a postgres block with hostAddress was dropped: %v", got)
	}
}

func equalJSON(a, b map[string]any) bool {
	return jsonString(a) == jsonString(b)
}

func jsonString(m map[string]any) string {
	b, err := (&unstructured.Unstructured{Object: m}).MarshalJSON()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestDesiredObjects(t *testing.T) {
	f := features{routes: true, groups: true, appsDomain: "apps.example.com"}
	names := func(objs []object) []string {
		var out []string
		for _, o := range objs {
			out = append(out, o.obj.GetKind()+"/"+o.obj.GetName())
		}
		slices.Sort(out)
		return out
	}
	withProxy, gone := desiredObjects(readSpec(testRegistry(proxySpec())), f)
	want := []string{"ClusterRoleBinding/fraud-auth-delegator", "ConfigMap/fraud-kube-rbac-proxy-config", "Deployment/fraud", "Group/fraud-users",
		"NetworkPolicy/fraud-https-route", "Role/registry-user-fraud", "RoleBinding/fraud-users", "Route/fraud-https", "Service/fraud", "ServiceAccount/fraud"}
	if got := names(withProxy); !slices.Equal(got, want) {
		t.Errorf("objects with the proxy %v, want %v", got, want)
	}
	if len(gone) != 0 {
		t.Errorf("with the proxy, unwanted %v", gone)
	}
	noProxy := proxySpec()
	delete(noProxy, "kubeRBACProxy")
	objs, gone := desiredObjects(readSpec(testRegistry(noProxy)), features{})
	want = []string{"ClusterRoleBinding/fraud-auth-delegator", "Deployment/fraud", "Role/registry-user-fraud", "RoleBinding/fraud-users", "Service/fraud", "ServiceAccount/fraud"}
	if got := names(objs); !slices.Equal(got, want) {
		t.Errorf("objects without the proxy or OpenShift APIs %v, want %v", got, want)
	}
	if len(gone) != 2 {
		t.Errorf("without the proxy (and no Route API), unwanted %v, want its NetworkPolicy and ConfigMap", gone)
	}
	pg := map[string]any{"rest": map[string]any{}, "postgres": map[string]any{"generateDeployment": true}}
	objs, _ = desiredObjects(readSpec(testRegistry(pg)), features{})
	got := names(objs)
	for _, w := range []string{"Secret/fraud-postgres-credentials", "PersistentVolumeClaim/fraud-postgres-storage", "Deployment/fraud-postgres",
		"Service/fraud-postgres", "NetworkPolicy/fraud-postgres"} {
		if !slices.Contains(got, w) {
			t.Errorf("default database: %s missing from %v", w, got)
		}
	}
	for _, o := range objs {
		if o.obj.GetNamespace() != "" && (len(o.obj.GetOwnerReferences()) != 1 || o.obj.GetOwnerReferences()[0].UID != "u-1") {
			t.Errorf("%s/%s is not owned by the registry: %v", o.obj.GetKind(), o.obj.GetName(), o.obj.GetOwnerReferences())
		}
	}
}

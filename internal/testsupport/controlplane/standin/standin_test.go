package standin_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	provkube "github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// elsewhere is a second namespace, outside the registries namespace.
const elsewhere = "standin-test-elsewhere"

// testCooldown is shorter than the operator's, so the cooldown is seen without slowing the tests.
const testCooldown = time.Second

var (
	cluster  *controlplane.ControlPlane
	operator *standin.StandIn
	dyn      dynamic.Interface
	kube     kubernetes.Interface
	seq      atomic.Int32
)

func enabled() bool {
	return os.Getenv("TF_ACC") != "" || os.Getenv("OPENSHIFTAI_CONTROLPLANE_TEST") != ""
}

func TestMain(m *testing.M) {
	if !enabled() {
		os.Exit(m.Run())
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	var err error
	if cluster, err = controlplane.Start(ctx, controlplane.Options{Logf: log.Printf}); err != nil {
		log.Printf("start control plane: %v", err)
		return 1
	}
	defer func() {
		if err := cluster.Stop(); err != nil {
			log.Printf("stop control plane: %v", err)
		}
	}()
	dyn = dynamic.NewForConfigOrDie(cluster.RESTConfig)
	kube = kubernetes.NewForConfigOrDie(cluster.RESTConfig)
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: elsewhere}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		log.Printf("create namespace: %v", err)
		return 1
	}
	if operator, err = standin.Start(ctx, cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf}); err != nil {
		log.Printf("start stand-in: %v", err)
		return 1
	}
	defer operator.Stop()
	return m.Run()
}

func precheck(t *testing.T) {
	t.Helper()
	if !enabled() {
		t.Skip("starts kube-apiserver: set TF_ACC=1 or OPENSHIFTAI_CONTROLPLANE_TEST=1")
	}
}

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, seq.Add(1))
}

// mysqlSpec is the spec the dashboard writes for an external MySQL database.
func mysqlSpec(name string) map[string]any {
	return map[string]any{
		"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
		"mysql": map[string]any{
			"host": "mysql.example.com", "database": "model_registry", "username": "mruser",
			"passwordSecret": map[string]any{"name": name + "-db-x7k2p", "key": "database-password"},
		},
	}
}

func newRegistry(namespace, name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "modelregistry.opendatahub.io/v1beta1", "kind": "ModelRegistry",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     spec,
	}}
}

func registries(namespace string) dynamic.ResourceInterface {
	return dyn.Resource(registry.GroupVersionResource).Namespace(namespace)
}

func create(t *testing.T, namespace, name string, spec map[string]any) (*unstructured.Unstructured, error) {
	t.Helper()
	mr, err := registries(namespace).Create(context.Background(), newRegistry(namespace, name, spec), metav1.CreateOptions{})
	if err == nil {
		t.Cleanup(func() { _ = registries(namespace).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	}
	return mr, err
}

func mustCreate(t *testing.T, namespace, name string, spec map[string]any) *unstructured.Unstructured {
	t.Helper()
	mr, err := create(t, namespace, name, spec)
	if err != nil {
		t.Fatalf("create registry %s/%s: %v", namespace, name, err)
	}
	return mr
}

// eventually polls check until it returns nil or the deadline passes, then fails with its last error.
func eventually(t *testing.T, what string, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getRegistry(t *testing.T, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	mr, err := registries(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return mr
}

func conditionOf(mr *unstructured.Unstructured, conditionType string) (status, reason, message string) {
	conditions, _, _ := unstructured.NestedSlice(mr.Object, "status", "conditions")
	for _, raw := range conditions {
		c, _ := raw.(map[string]any)
		if c["type"] == conditionType {
			s, _ := c["status"].(string)
			r, _ := c["reason"].(string)
			m, _ := c["message"].(string)
			return s, r, m
		}
	}
	return "", "", ""
}

func conditionTypes(mr *unstructured.Unstructured) []string {
	conditions, _, _ := unstructured.NestedSlice(mr.Object, "status", "conditions")
	var types []string
	for _, raw := range conditions {
		c, _ := raw.(map[string]any)
		s, _ := c["type"].(string)
		types = append(types, s)
	}
	slices.Sort(types)
	return types
}

func waitAvailable(t *testing.T, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	var mr *unstructured.Unstructured
	eventually(t, "registry "+name+" available", 60*time.Second, func() error {
		var err error
		if mr, err = registries(namespace).Get(context.Background(), name, metav1.GetOptions{}); err != nil {
			return err
		}
		if s, r, m := conditionOf(mr, registry.ConditionAvailable); s != "True" {
			return fmt.Errorf("Available=%s %s: %s", s, r, m)
		}
		return nil
	})
	return mr
}

func getObject(gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	return dyn.Resource(gvr).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
}

// admissionError creates a registry the webhook must reject and returns the API server's error.
func admissionError(t *testing.T, namespace, name string, spec map[string]any) string {
	t.Helper()
	_, err := create(t, namespace, name, spec)
	if err == nil {
		t.Fatalf("registry %s/%s was admitted", namespace, name)
	}
	return err.Error()
}

func TestWebhookDefaults(t *testing.T) {
	precheck(t)
	name := uniqueName("defaults")
	mr := mustCreate(t, controlplane.RegistriesNamespace, name, mysqlSpec(name))
	for path, want := range map[string]any{
		"spec.rest.port": int64(8080), "spec.grpc.port": int64(9090),
		"spec.mysql.port": int64(3306), "spec.mysql.skipDBCreation": false,
		"spec.kubeRBACProxy.port": int64(8443), "spec.kubeRBACProxy.routePort": int64(443),
		"spec.kubeRBACProxy.serviceRoute": "enabled",
	} {
		got, found, err := unstructured.NestedFieldNoCopy(mr.Object, strings.Split(path, ".")...)
		if err != nil || !found || got != want {
			t.Errorf("%s = %v (found %v), want %v", path, got, found, want)
		}
	}
	// The fixture CRD does not declare rest.serviceRoute and prunes it; the operator's keeps it.
	if got, found, _ := unstructured.NestedString(mr.Object, "spec", "rest", "serviceRoute"); found && got != "disabled" {
		t.Errorf("spec.rest.serviceRoute = %q, want disabled", got)
	}
	// An update that removes a default gets it back.
	patch := []byte(`{"spec":{"kubeRBACProxy":{"port":null}}}`)
	mr, err := registries(controlplane.RegistriesNamespace).Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if port, _, _ := unstructured.NestedInt64(mr.Object, "spec", "kubeRBACProxy", "port"); port != 8443 {
		t.Errorf("after an update without it, spec.kubeRBACProxy.port = %d, want 8443", port)
	}
}

func TestWebhookNamespace(t *testing.T) {
	precheck(t)
	name := uniqueName("wrong-ns")
	msg := admissionError(t, elsewhere, name, mysqlSpec(name))
	if want := "namespace must be " + controlplane.RegistriesNamespace; !strings.Contains(msg, want) || !strings.Contains(msg, "vmodelregistry.opendatahub.io") {
		t.Errorf("error %q, want the validating webhook's %q", msg, want)
	}
}

func TestWebhookDuplicateName(t *testing.T) {
	precheck(t)
	name := uniqueName("duplicate")
	operator.AllowElsewhere(elsewhere, name)
	mustCreate(t, elsewhere, name, mysqlSpec(name))
	want := fmt.Sprintf(`metadata.name: Duplicate value: "registry named %s already exists in namespace %s"`, name, elsewhere)
	// The webhook reads registries from the stand-in's cache, which sees the first one shortly.
	eventually(t, "duplicate name rejected", 10*time.Second, func() error {
		_, err := create(t, controlplane.RegistriesNamespace, name, mysqlSpec(name))
		if err == nil {
			return fmt.Errorf("a second registry named %s was admitted", name)
		}
		if !strings.Contains(err.Error(), want) {
			return fmt.Errorf("error %q, want %q", err, want)
		}
		return nil
	})
	// No name length or format check: a long name is admitted.
	long := strings.Repeat("x", 60) + fmt.Sprint(seq.Add(1))
	if _, err := create(t, controlplane.RegistriesNamespace, long, mysqlSpec(long)); err != nil {
		t.Errorf("a %d-character name was rejected: %v", len(long), err)
	}
}

func TestWebhookDropsEmptyDatabaseBlocks(t *testing.T) {
	precheck(t)
	name := uniqueName("drop")
	spec := mysqlSpec(name)
	spec["postgres"] = map[string]any{"port": int64(5432)}
	mr := mustCreate(t, controlplane.RegistriesNamespace, name, spec)
	if _, found, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "postgres"); found {
		t.Errorf("a postgres block without host, hostAddress or generateDeployment was kept: %v", mr.Object["spec"])
	}

	// A mysql block without host is dropped before validation: the error is the webhook's
	// "no database", not the schema's "host required".
	noHost := uniqueName("drop")
	msg := admissionError(t, controlplane.RegistriesNamespace, noHost, map[string]any{
		"rest": map[string]any{}, "mysql": map[string]any{"database": "db", "username": "u"},
	})
	if !strings.Contains(msg, "one of mysql or postgres must be set") {
		t.Errorf("error %q, want the webhook's missing-database message", msg)
	}
}

func TestWebhookRejectsBothProxies(t *testing.T) {
	precheck(t)
	name := uniqueName("proxies")
	spec := mysqlSpec(name)
	spec["oauthProxy"] = map[string]any{}
	msg := admissionError(t, controlplane.RegistriesNamespace, name, spec)
	// The operator's own CRD has a rule that rejects both before the webhook is called;
	// the fixture CRD leaves it to the webhook.
	if !strings.Contains(msg, "oauthProxy and kubeRBACProxy cannot both be set") && !strings.Contains(msg, "Cannot use both oauthProxy and kubeRBACProxy") {
		t.Errorf("error %q, want the both-proxies rejection", msg)
	}
}

func checkOwned(t *testing.T, obj *unstructured.Unstructured, mr *unstructured.Unstructured) {
	t.Helper()
	for k, v := range registry.CommonLabels(mr.GetName()) {
		if obj.GetLabels()[k] != v {
			t.Errorf("%s %s: label %s = %q, want %q", obj.GetKind(), obj.GetName(), k, obj.GetLabels()[k], v)
		}
	}
	if obj.GetNamespace() == "" {
		return
	}
	owners := obj.GetOwnerReferences()
	if len(owners) != 1 || owners[0].UID != mr.GetUID() || owners[0].Controller == nil || !*owners[0].Controller {
		t.Errorf("%s %s: owner references %+v, want the registry as controller", obj.GetKind(), obj.GetName(), owners)
	}
}

func containerNames(t *testing.T, namespace, name string) []string {
	t.Helper()
	d, err := kube.AppsV1().Deployments(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range d.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
	}
	return names
}

func servicePort(t *testing.T, namespace, name string) string {
	t.Helper()
	svc, err := kube.CoreV1().Services(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ports []string
	for _, p := range svc.Spec.Ports {
		ports = append(ports, fmt.Sprintf("%s/%d", p.Name, p.Port))
	}
	return strings.Join(ports, ",")
}

type named struct {
	gvr  schema.GroupVersionResource
	kind string
	name string
}

// operatorObjects are the namespaced objects the operator makes for a registry
// with the auth proxy; the last proxyObjectCount exist only with the proxy.
func operatorObjects(name string) []named {
	return []named{
		{standin.ServiceAccountResource, "ServiceAccount", name},
		{standin.DeploymentResource, "Deployment", name},
		{standin.ServiceResource, "Service", name},
		{standin.RoleResource, "Role", registry.UserRoleName(name)},
		{standin.RoleBindingResource, "RoleBinding", registry.UsersGroupName(name)},
		{standin.RouteResource, "Route", name + "-https"},
		{standin.NetworkPolicyResource, "NetworkPolicy", name + "-https-route"},
		{standin.ConfigMapResource, "ConfigMap", name + "-kube-rbac-proxy-config"},
	}
}

const proxyObjectCount = 3

func proxyObjects(name string) []named {
	all := operatorObjects(name)
	return all[len(all)-proxyObjectCount:]
}

// v0.3.8: the proxy can be switched off and on again. (v0.3.14 adds it back: TestV0314ForcesProxy.)
func TestObjectsWithAndWithoutProxy(t *testing.T) {
	precheck(t)
	playing(t, standin.V0_3_8, "")
	ns := controlplane.RegistriesNamespace
	name := uniqueName("objects")
	mustCreate(t, ns, name, mysqlSpec(name))
	mr := waitAvailable(t, ns, name)

	for _, o := range operatorObjects(name) {
		obj, err := getObject(o.gvr, ns, o.name)
		if err != nil {
			t.Errorf("%s %s: %v", o.kind, o.name, err)
			continue
		}
		checkOwned(t, obj, mr)
	}
	if got := containerNames(t, ns, name); !slices.Equal(got, []string{"rest-container", "kube-rbac-proxy"}) {
		t.Errorf("containers %v, want rest-container and kube-rbac-proxy", got)
	}
	if got := servicePort(t, ns, name); got != "https-api/8443" {
		t.Errorf("Service ports %s, want https-api/8443", got)
	}
	route, err := getObject(standin.RouteResource, ns, name+"-https")
	if err != nil {
		t.Fatal(err)
	}
	routeHost := name + "-rest." + controlplane.AppsDomain
	if host, _, _ := unstructured.NestedString(route.Object, "spec", "host"); host != routeHost {
		t.Errorf("Route host %q, want %q", host, routeHost)
	}
	group, err := getObject(registry.OpenShiftGroupResource, "", registry.UsersGroupName(name))
	if err != nil {
		t.Fatal(err)
	}
	if users, _, _ := unstructured.NestedStringSlice(group.Object, "users"); len(users) != 0 {
		t.Errorf("Group users %v, want none", users)
	}
	checkOwned(t, group, mr)
	if _, err := getObject(standin.ClusterRoleBindingResource, "", name+"-auth-delegator"); err != nil {
		t.Errorf("ClusterRoleBinding: %v", err)
	}
	role, err := kube.RbacV1().Roles(ns).Get(context.Background(), registry.UserRoleName(name), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := role.Rules; len(r) != 1 || !slices.Equal(r[0].ResourceNames, []string{name}) || !slices.Equal(r[0].Verbs, []string{"get"}) ||
		!slices.Equal(r[0].Resources, []string{"services", "endpoints"}) {
		t.Errorf("Role rules %+v, want get on services and endpoints named %s", r, name)
	}
	wantHosts := []string{routeHost, name + "." + ns + ".svc.cluster.local", name + "." + ns, name}
	if hosts, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts"); !slices.Equal(hosts, wantHosts) {
		t.Errorf("status.hosts %v, want %v", hosts, wantHosts)
	}
	if s, _, _ := conditionOf(mr, standin.ConditionKubeRBACProxyAvailable); s != "True" {
		t.Errorf("KubeRBACProxyAvailable = %q, want True", s)
	}

	// Switching the proxy off: one container, plain HTTP, no Route, NetworkPolicy or ConfigMap.
	if _, err := registries(ns).Patch(context.Background(), name, types.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "proxy objects gone", 30*time.Second, func() error {
		for _, o := range proxyObjects(name) {
			if _, err := getObject(o.gvr, ns, o.name); !apierrors.IsNotFound(err) {
				return fmt.Errorf("%s %s still there (%v)", o.kind, o.name, err)
			}
		}
		return nil
	})
	if got := containerNames(t, ns, name); !slices.Equal(got, []string{"rest-container"}) {
		t.Errorf("containers without the proxy %v, want rest-container alone", got)
	}
	if got := servicePort(t, ns, name); got != "http-api/8080" {
		t.Errorf("Service ports without the proxy %s, want http-api/8080", got)
	}
	eventually(t, "status without the proxy", 60*time.Second, func() error {
		mr := getRegistry(t, ns, name)
		hosts, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts")
		if !slices.Equal(hosts, wantHosts[1:]) {
			return fmt.Errorf("status.hosts %v, want %v", hosts, wantHosts[1:])
		}
		if got := conditionTypes(mr); !slices.Equal(got, []string{registry.ConditionAvailable}) {
			return fmt.Errorf("conditions %v, want Available alone", got)
		}
		if s, r, _ := conditionOf(mr, registry.ConditionAvailable); s != "True" {
			return fmt.Errorf("Available=%s %s", s, r)
		}
		return nil
	})

	// And on again.
	if _, err := registries(ns).Patch(context.Background(), name, types.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":{}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "proxy objects back", 30*time.Second, func() error {
		for _, o := range operatorObjects(name) {
			if _, err := getObject(o.gvr, ns, o.name); err != nil {
				return fmt.Errorf("%s %s: %v", o.kind, o.name, err)
			}
		}
		if got := servicePort(t, ns, name); got != "https-api/8443" {
			return fmt.Errorf("Service ports %s", got)
		}
		return nil
	})
}

func TestDefaultDatabase(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	name := uniqueName("pg")
	mustCreate(t, ns, name, map[string]any{
		"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
		"postgres": map[string]any{"generateDeployment": true},
	})
	mr := waitAvailable(t, ns, name)
	for _, o := range []named{
		{standin.SecretResource, "Secret", name + "-postgres-credentials"},
		{standin.PVCResource, "PersistentVolumeClaim", name + "-postgres-storage"},
		{standin.DeploymentResource, "Deployment", name + "-postgres"},
		{standin.ServiceResource, "Service", name + "-postgres"},
		{standin.NetworkPolicyResource, "NetworkPolicy", name + "-postgres"},
	} {
		obj, err := getObject(o.gvr, ns, o.name)
		if err != nil {
			t.Errorf("%s %s: %v", o.kind, o.name, err)
			continue
		}
		checkOwned(t, obj, mr)
	}
	secret, err := kube.CoreV1().Secrets(ns).Get(context.Background(), name+"-postgres-credentials", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if user := string(secret.Data["database-user"]); user != "modelregistry" {
		t.Errorf("database user %q, want modelregistry", user)
	}
	if len(secret.Data["database-password"]) < 16 {
		t.Errorf("database password %q is not a random password", secret.Data["database-password"])
	}
	pvc, err := kube.CoreV1().PersistentVolumeClaims(ns).Get(context.Background(), name+"-postgres-storage", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; got.Cmp(resource.MustParse("5Gi")) != 0 {
		t.Errorf("PVC size %s, want 5Gi", got.String())
	}
	if got := servicePort(t, ns, name+"-postgres"); !strings.HasSuffix(got, "/5432") {
		t.Errorf("database Service ports %s, want 5432", got)
	}
	// The registry's Service selects the registry's Pods only, not the database's.
	svc, err := kube.CoreV1().Services(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods, err := kube.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector})})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if !strings.HasPrefix(p.Name, name+"-") || strings.HasPrefix(p.Name, name+"-postgres-") {
			t.Errorf("registry Service selects Pod %s", p.Name)
		}
	}
}

// watchConditions records every Available reason and Degraded reason a registry goes through.
type conditionLog struct {
	mu      sync.Mutex
	reasons []string
}

func (l *conditionLog) add(r string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reasons) == 0 || l.reasons[len(l.reasons)-1] != r {
		l.reasons = append(l.reasons, r)
	}
}

func (l *conditionLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reasons)
}

func watchReasons(t *testing.T, namespace, name string) *conditionLog {
	t.Helper()
	w, err := registries(namespace).Watch(context.Background(), metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	l := &conditionLog{}
	go func() {
		for ev := range w.ResultChan() {
			mr, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			for _, c := range []string{registry.ConditionProgressing, registry.ConditionAvailable, registry.ConditionDegraded} {
				if s, r, _ := conditionOf(mr, c); s != "" {
					l.add(c + "=" + s + "/" + r)
				}
			}
		}
	}()
	return l
}

// inOrder reports whether want appears in got in this order, other entries between.
func inOrder(got []string, want ...string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestStatusTransitionsAndDeletion(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	name := uniqueName("status")
	log := watchReasons(t, ns, name)
	mustCreate(t, ns, name, mysqlSpec(name))
	mr := waitAvailable(t, ns, name)
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		t.Errorf("finalizers %v, want %s", mr.GetFinalizers(), registry.Finalizer)
	}
	_, _, msg := conditionOf(mr, registry.ConditionAvailable)
	if msg == "" {
		t.Error("Available has no message")
	}
	eventually(t, "transitions seen", 5*time.Second, func() error {
		got := log.get()
		if !inOrder(got, "Available=False/ResourcesUnavailable", "Available=False/DeploymentCooldown", "Available=True/DeploymentAvailable") ||
			!slices.Contains(got, "Progressing=True/CreatingDeployment") {
			return fmt.Errorf("transitions %v", got)
		}
		return nil
	})

	// Deletion: Degraded Finalizing, the finalizer removed, the owned objects collected, the
	// ClusterRoleBinding left behind.
	if err := registries(ns).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "registry deleted", 30*time.Second, func() error {
		if _, err := registries(ns).Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (%v)", err)
		}
		return nil
	})
	eventually(t, "Finalizing seen", 5*time.Second, func() error {
		if got := log.get(); !slices.Contains(got, "Degraded=True/Finalizing") {
			return fmt.Errorf("transitions %v", got)
		}
		return nil
	})
	eventually(t, "owned objects collected", 60*time.Second, func() error {
		for _, o := range operatorObjects(name) {
			if _, err := getObject(o.gvr, ns, o.name); !apierrors.IsNotFound(err) {
				return fmt.Errorf("%s %s still there (%v)", o.kind, o.name, err)
			}
		}
		pods, err := kube.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + name})
		if err != nil || len(pods.Items) != 0 {
			return fmt.Errorf("%d Pods left (%v)", len(pods.Items), err)
		}
		return nil
	})
	if _, err := getObject(standin.ClusterRoleBindingResource, "", name+"-auth-delegator"); err != nil {
		t.Errorf("the ClusterRoleBinding should stay behind: %v", err)
	}
	if _, err := getObject(registry.OpenShiftGroupResource, "", registry.UsersGroupName(name)); !apierrors.IsNotFound(err) {
		t.Errorf("Group %s: %v, want it deleted", registry.UsersGroupName(name), err)
	}
}

// A registry whose Deployment never gets Pods stays unavailable: here a LimitRange rejects
// its Pods, which set no CPU limit.
func TestNoPodsStaysUnavailable(t *testing.T) {
	precheck(t)
	ns := fmt.Sprintf("standin-test-nopods-%d", seq.Add(1))
	ctx := context.Background()
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kube.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	limits := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "no-pods"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypePod,
			Max: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}}}
	if _, err := kube.CoreV1().LimitRanges(ns).Create(ctx, limits, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	name := uniqueName("nopods")
	operator.AllowElsewhere(ns, name)
	mustCreate(t, ns, name, mysqlSpec(name))
	eventually(t, "the ReplicaSet fails to make Pods", 60*time.Second, func() error {
		d, err := kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, c := range d.Status.Conditions {
			if c.Type == "ReplicaFailure" && c.Status == corev1.ConditionTrue {
				return nil
			}
		}
		return fmt.Errorf("conditions %+v", d.Status.Conditions)
	})
	// Time for the stand-in to see the failure and, were it wrong, the cooldown to pass.
	time.Sleep(2 * testCooldown)
	mr := getRegistry(t, ns, name)
	s, r, m := conditionOf(mr, registry.ConditionAvailable)
	if s != "False" || r != "ResourcesUnavailable" || m != "No Pods found for Deployment "+name {
		t.Errorf("Available=%s %s %q, want False ResourcesUnavailable \"No Pods found for Deployment %s\"", s, r, m, name)
	}
}

// On a cluster where the operator's webhook handles registries the stand-in does not start.
func TestRefusesToStartBesideTheOperator(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	found, err := standin.OperatorPresent(ctx, cluster.RESTConfig)
	if err != nil || found != "" {
		t.Fatalf("OperatorPresent = %q, %v: the stand-in's own webhook must not count", found, err)
	}
	fail := admissionregistrationv1.Ignore
	none := admissionregistrationv1.SideEffectClassNone
	operatorWebhook := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "model-registry-operator-mutating-webhook-configuration"},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:         "mmodelregistry.opendatahub.io",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: ptr("https://127.0.0.1:1/mutate")},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{registry.Group}, APIVersions: []string{"v1beta1"}, Resources: []string{registry.Resource}},
			}},
			// Never called: it selects no namespace, so it cannot disturb the other tests.
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"standin-test": "never"}},
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	mwc := kube.AdmissionregistrationV1().MutatingWebhookConfigurations()
	if _, err := mwc.Create(ctx, operatorWebhook, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mwc.Delete(context.Background(), operatorWebhook.Name, metav1.DeleteOptions{}) }()
	second, err := standin.Start(ctx, cluster.RESTConfig, standin.Options{})
	if err == nil {
		second.Stop()
		t.Fatal("a stand-in started beside the operator's webhook")
	}
	if !errors.Is(err, standin.ErrOperatorPresent) || !strings.Contains(err.Error(), operatorWebhook.Name) {
		t.Errorf("error %v, want ErrOperatorPresent naming %s", err, operatorWebhook.Name)
	}
}

func ptr[T any](v T) *T { return &v }

// Stop unregisters the webhooks, so registries can still be written; runs last, and starts
// the shared stand-in again for any test after it.
func TestStopUnregistersWebhooks(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	operator.Stop()
	defer func() {
		var err error
		if operator, err = standin.Start(ctx, cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf}); err != nil {
			t.Fatal(err)
		}
	}()
	if _, err := kube.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, standin.MutatingWebhookConfiguration, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("mutating webhook configuration after Stop: %v, want not found", err)
	}
	if _, err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, standin.ValidatingWebhookConfiguration, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("validating webhook configuration after Stop: %v, want not found", err)
	}
	name := uniqueName("stopped")
	// Without kubeRBACProxy: the stand-in's webhook (v0.3.14, the default) would add it, and
	// no CRD default can (the operator's CRD defaults every field inside it, not the object).
	spec := mysqlSpec(name)
	delete(spec, "kubeRBACProxy")
	mr := mustCreate(t, controlplane.RegistriesNamespace, name, spec)
	if _, found, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "kubeRBACProxy"); found {
		t.Error("a registry created after Stop was defaulted by a webhook")
	}
	// The registry has no finalizer, so its cleanup does not hang.
}

// The CRD's rules and defaults for spec.postgres (DOMAIN.md, "PostgreSQL and the
// default database"), as the fixture CRD and the operator's own CRD have them.
func TestCRDPostgres(t *testing.T) {
	precheck(t)
	name := uniqueName("pgaddr")
	mr := mustCreate(t, controlplane.RegistriesNamespace, name, map[string]any{
		"rest": map[string]any{}, "postgres": map[string]any{"hostAddress": "10.0.0.9", "database": "db", "username": "u"},
	})
	pg, _, _ := unstructured.NestedMap(mr.Object, "spec", "postgres")
	if pg["port"] != int64(5432) || pg["sslMode"] != "disable" || pg["skipDBCreation"] != false {
		t.Errorf("the CRD's defaults are missing: %v", pg)
	}
	msg := admissionError(t, controlplane.RegistriesNamespace, uniqueName("pgboth"), map[string]any{
		"rest": map[string]any{}, "postgres": map[string]any{"generateDeployment": true, "host": "pg.example.com"},
	})
	if !strings.Contains(msg, "host and hostAddress must not be set when generateDeployment is true") {
		t.Errorf("error %q, want the CRD's generateDeployment rule", msg)
	}
	msg = admissionError(t, controlplane.RegistriesNamespace, uniqueName("pgnouser"), map[string]any{
		"rest": map[string]any{}, "postgres": map[string]any{"host": "pg.example.com", "database": "db"},
	})
	if !strings.Contains(msg, "Username must be set if database is specified") {
		t.Errorf("error %q, want the CRD's username rule", msg)
	}
}

// playing replaces the shared stand-in with one that plays generation g (with gatewayDomain)
// until the test ends; then the default one is back. Tests that call it must not be parallel.
func playing(t *testing.T, g standin.Generation, gatewayDomain string) {
	t.Helper()
	ctx := context.Background()
	operator.Stop()
	var err error
	if operator, err = standin.Start(ctx, cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf,
		Generation: g, GatewayDomain: gatewayDomain}); err != nil {
		t.Fatalf("start the %s stand-in: %v", g, err)
	}
	t.Cleanup(func() {
		operator.Stop()
		var err error
		if operator, err = standin.Start(ctx, cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf}); err != nil {
			t.Fatalf("start the default stand-in again: %v", err)
		}
	})
}

// proxyPort is the defaulted spec.kubeRBACProxy.port, and whether the proxy is there.
func proxyPort(mr *unstructured.Unstructured) (int64, bool) {
	port, found, _ := unstructured.NestedInt64(mr.Object, "spec", "kubeRBACProxy", "port")
	return port, found
}

// noProxySpec is a registry written without the auth proxy, as old dashboards and tools did.
func noProxySpec() map[string]any {
	spec := mysqlSpec("x")
	delete(spec, "kubeRBACProxy")
	return spec
}

// v0.3.14 on OpenShift (DOMAIN.md "the proxy is forced"): the webhook adds kubeRBACProxy to a new
// registry and to an update that drops it; v0.3.8 leaves a registry without it.
func TestV0314ForcesProxy(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	if operator.Generation() != standin.V0_3_14 {
		t.Fatalf("the shared stand-in plays %s, want the default %s", operator.Generation(), standin.V0_3_14)
	}
	name := uniqueName("forced")
	mr := mustCreate(t, ns, name, noProxySpec())
	if port, ok := proxyPort(mr); !ok || port != 8443 {
		t.Fatalf("v0.3.14 created a registry without kubeRBACProxy (port %d, %v): %v", port, ok, mr.Object["spec"])
	}
	mr, err := registries(ns).Patch(context.Background(), name, types.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":null}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := proxyPort(mr); !ok {
		t.Error("v0.3.14 let an update drop kubeRBACProxy")
	}
	oauth := uniqueName("oauth")
	spec := noProxySpec()
	spec["oauthProxy"] = map[string]any{}
	if _, ok := proxyPort(mustCreate(t, ns, oauth, spec)); ok {
		t.Error("v0.3.14 added kubeRBACProxy beside oauthProxy")
	}

	playing(t, standin.V0_3_8, "")
	old := uniqueName("unforced")
	if _, ok := proxyPort(mustCreate(t, ns, old, noProxySpec())); ok {
		t.Error("v0.3.8 added kubeRBACProxy")
	}
}

// v0.3.14's reconciler patches a registry that lacks kubeRBACProxy, under its own field
// manager; the registry made by v0.3.8 without it gets the proxy and its Route after the upgrade.
func TestV0314ReconcilerAddsProxyAfterUpgrade(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	name := uniqueName("upgraded")
	playing(t, standin.V0_3_8, "")
	mustCreate(t, ns, name, noProxySpec())
	mr := waitAvailable(t, ns, name)
	if _, ok := proxyPort(mr); ok {
		t.Fatal("v0.3.8 added kubeRBACProxy")
	}
	if _, err := getObject(standin.RouteResource, ns, name+"-https"); !apierrors.IsNotFound(err) {
		t.Fatalf("v0.3.8 made a Route for a registry without the proxy: %v", err)
	}
	// The upgrade: the default stand-in plays v0.3.14.
	operator.Stop()
	var err error
	if operator, err = standin.Start(context.Background(), cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "v0.3.14 adds kubeRBACProxy and its Route", 30*time.Second, func() error {
		mr := getRegistry(t, ns, name)
		if _, ok := proxyPort(mr); !ok {
			return errors.New("no kubeRBACProxy yet")
		}
		managed := false
		for _, f := range mr.GetManagedFields() {
			if f.Manager == standin.FieldManager && f.FieldsV1 != nil && strings.Contains(f.FieldsV1.GetRawString(), `"f:kubeRBACProxy"`) {
				managed = true
			}
		}
		if !managed {
			return fmt.Errorf("spec.kubeRBACProxy is not managed by %s: %v", standin.FieldManager, mr.GetManagedFields())
		}
		_, err := getObject(standin.RouteResource, ns, name+"-https")
		return err
	})
}

// v0.3.8 (DOMAIN.md "Names over 40 characters break v0.3.2 to v0.3.10"): the API server refuses
// the proxy ConfigMap's label and the registry stays unavailable with that error; v0.3.14 labels it
// with the registry's name, and the same name becomes available.
func TestLongNameByGeneration(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	long := func() string {
		n := uniqueName("long")
		return n + "-" + strings.Repeat("x", 41-len(n)-1)
	}
	fine := long()
	mustCreate(t, ns, fine, mysqlSpec(fine))
	mr := waitAvailable(t, ns, fine)
	cm, err := kube.CoreV1().ConfigMaps(ns).Get(context.Background(), fine+"-kube-rbac-proxy-config", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("v0.3.14, a %d-character name: %v", len(fine), err)
	}
	if got := cm.Labels[standin.LabelInstance]; got != fine {
		t.Errorf("v0.3.14 proxy ConfigMap label %s=%q, want the registry's name", standin.LabelInstance, got)
	}
	checkOwned(t, mustGet(t, standin.ConfigMapResource, ns, cm.Name), mr)

	playing(t, standin.V0_3_8, "")
	broken := long()
	mustCreate(t, ns, broken, mysqlSpec(broken))
	eventually(t, "v0.3.8 reports the refused ConfigMap", 30*time.Second, func() error {
		s, r, m := conditionOf(getRegistry(t, ns, broken), registry.ConditionAvailable)
		if s != "False" || r != registry.ReasonDeploymentUnavailable || !strings.Contains(m, broken+"-kube-rbac-proxy-config") ||
			!strings.Contains(m, "must be no more than 63") {
			return fmt.Errorf("Available=%s %s: %s", s, r, m)
		}
		return nil
	})
	time.Sleep(3 * time.Second) // Pods run and the cooldown passes meanwhile; the registry stays unavailable
	if s, r, m := conditionOf(getRegistry(t, ns, broken), registry.ConditionAvailable); s != "False" {
		t.Errorf("v0.3.8 made a %d-character registry available: %s %s", len(broken), r, m)
	}
}

func mustGet(t *testing.T, gvr schema.GroupVersionResource, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := getObject(gvr, namespace, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// v0.3.14's finalizer (DOMAIN.md) fails forever where the Gateway API is not served, with
// Degraded Finalizing; v0.3.8 deletes the same registry. Once the kinds are served, it goes.
func TestV0314FinalizerNeedsGatewayAPI(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	ns := controlplane.RegistriesNamespace
	crds := dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	if err := crds.Delete(ctx, controlplane.HTTPRouteCRD, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.InstallGatewayAPI(context.Background()); err != nil {
			t.Errorf("reinstall the Gateway API: %v", err)
		}
	})
	eventually(t, "HTTPRoute no longer served", 30*time.Second, func() error {
		if _, err := kube.Discovery().ServerResourcesForGroupVersion("gateway.networking.k8s.io/v1"); err == nil {
			return errors.New("gateway.networking.k8s.io/v1 is still served")
		}
		return nil
	})

	stuck := uniqueName("stuck")
	mustCreate(t, ns, stuck, mysqlSpec(stuck))
	waitAvailable(t, ns, stuck)
	if err := registries(ns).Delete(ctx, stuck, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "v0.3.14 reports the failed finalizer", 30*time.Second, func() error {
		mr := getRegistry(t, ns, stuck)
		if s, r, _ := conditionOf(mr, registry.ConditionDegraded); s != "True" || r != standin.ReasonFinalizing {
			return fmt.Errorf("Degraded=%s %s", s, r)
		}
		if _, _, m := conditionOf(mr, registry.ConditionAvailable); !strings.Contains(m, `failed to delete gateway resources: no matches for kind "HTTPRoute"`) {
			return fmt.Errorf("Available message %q", m)
		}
		return nil
	})
	time.Sleep(2 * time.Second)
	if _, err := registries(ns).Get(ctx, stuck, metav1.GetOptions{}); err != nil {
		t.Fatalf("v0.3.14 finalized a registry without the Gateway API: %v", err)
	}

	playing(t, standin.V0_3_8, "")
	gone := uniqueName("gone")
	mustCreate(t, ns, gone, mysqlSpec(gone))
	eventually(t, "v0.3.8 finalizer", 30*time.Second, func() error {
		if !slices.Contains(getRegistry(t, ns, gone).GetFinalizers(), registry.Finalizer) {
			return errors.New("no finalizer yet")
		}
		return nil
	})
	if err := registries(ns).Delete(ctx, gone, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "v0.3.8 deletes the registry without the Gateway API", 30*time.Second, func() error {
		if _, err := registries(ns).Get(ctx, gone, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})

	// The stuck registry goes once the kinds are served again (the v0.3.8 stand-in would remove the
	// finalizer anyway: restore v0.3.14 first).
	operator.Stop()
	var err error
	if operator, err = standin.Start(ctx, cluster.RESTConfig, standin.Options{Cooldown: testCooldown, Logf: log.Printf}); err != nil {
		t.Fatal(err)
	}
	if err := cluster.InstallGatewayAPI(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "v0.3.14 finalizes once the Gateway API is served", 30*time.Second, func() error {
		if _, err := registries(ns).Get(ctx, stuck, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
}

// Gateway mode (v0.3.10 and later): HTTPRoute model-registry-<name> with the path, the shared
// ReferenceGrant, the gateway host first, the Route kept; the finalizer deletes the HTTPRoute.
func TestGatewayModeObjects(t *testing.T) {
	precheck(t)
	ctx := context.Background()
	ns := controlplane.RegistriesNamespace
	if _, err := standin.Start(ctx, cluster.RESTConfig, standin.Options{Generation: standin.V0_3_8, GatewayDomain: "gw.example.com"}); err == nil ||
		!strings.Contains(err.Error(), "gateway mode exists from v0.3.10 on") {
		t.Errorf("a v0.3.8 stand-in with a gateway domain: %v, want an error", err)
	}
	playing(t, standin.V0_3_14, "gw.example.com")
	name := uniqueName("gateway")
	mustCreate(t, ns, name, mysqlSpec(name))
	mr := waitAvailable(t, ns, name)
	hosts, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts")
	if want := []string{"gw.example.com/model-registry/" + name, name + "-rest." + controlplane.AppsDomain}; len(hosts) < 2 || !slices.Equal(hosts[:2], want) {
		t.Errorf("status.hosts %v, want %v first", hosts, want)
	}
	route := mustGet(t, standin.HTTPRouteResource, ns, standin.HTTPRouteName(name))
	if rules, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules"); !strings.Contains(fmt.Sprint(rules), "/model-registry/"+name+"/") {
		t.Errorf("HTTPRoute rules %v, want the path /model-registry/%s/", rules, name)
	}
	mustGet(t, standin.ReferenceGrantResource, ns, standin.ReferenceGrantName)
	mustGet(t, standin.RouteResource, ns, name+"-https")
	if err := registries(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "registry and HTTPRoute deleted", 30*time.Second, func() error {
		if _, err := getObject(standin.HTTPRouteResource, ns, standin.HTTPRouteName(name)); !apierrors.IsNotFound(err) {
			return fmt.Errorf("HTTPRoute: %v", err)
		}
		if _, err := registries(ns).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("registry: %v", err)
		}
		return nil
	})
	mustGet(t, standin.ReferenceGrantResource, ns, standin.ReferenceGrantName)
}

// RestartWebhook: writes of registries fail with "connection refused" while the webhook is
// down (DOMAIN.md, v0.3.10 restarts with the TLS profile), and succeed again after. As with
// a real restart, the API server's first call on a connection it kept open to the webhook
// may fail with a broken pipe or a reset instead; the next one is refused.
func TestRestartWebhook(t *testing.T) {
	precheck(t)
	ns := controlplane.RegistriesNamespace
	if err := operator.RestartWebhook(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	name := uniqueName("restart")
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		_, err = create(t, ns, name, mysqlSpec(name))
		if err == nil || !provkube.IsWebhookUnreachable(err) || strings.Contains(err.Error(), "connection refused") {
			break
		}
		t.Logf("create on a connection the restart broke: %v", err)
	}
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("create while the webhook restarts: %v, want connection refused", err)
	}
	eventually(t, "the webhook serves again", 30*time.Second, func() error {
		_, err := create(t, ns, name, mysqlSpec(name))
		return err
	})
	if took := time.Since(started); took < 2*time.Second {
		t.Errorf("the webhook was back after %s, want about 3s", took)
	}
}

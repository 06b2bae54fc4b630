package controlplane_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// The suite starts kube-apiserver, which takes seconds; it runs only when asked to.
var enabled = controlplane.TestsEnabled

var (
	sharedOnce     sync.Once
	sharedCluster  *controlplane.ControlPlane
	sharedOperator *standin.StandIn
	sharedErr      error
	nameSeq        atomic.Int32
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedOperator != nil {
		sharedOperator.Stop()
	}
	if sharedCluster != nil {
		if err := sharedCluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop control plane:", err)
			code = 1
		}
	}
	os.Exit(code)
}

type env struct {
	cp      *controlplane.ControlPlane
	op      *standin.StandIn
	dynamic dynamic.Interface
	kube    kubernetes.Interface
}

// shared starts one control plane and stand-in for the whole package.
func shared(t *testing.T) env {
	t.Helper()
	if !enabled() {
		t.Skip("starts kube-apiserver: set TF_ACC=1 or OPENSHIFTAI_CONTROLPLANE_TEST=1")
	}
	sharedOnce.Do(func() {
		start := time.Now()
		// Not t.Logf: the stand-in outlives the test that happens to start it.
		sharedCluster, sharedErr = controlplane.Start(context.Background(), controlplane.Options{Logf: log.Printf})
		if sharedErr != nil {
			return
		}
		t.Logf("control plane with fixtures started in %s", time.Since(start).Round(10*time.Millisecond))
		sharedOperator, sharedErr = standin.Start(context.Background(), sharedCluster.RESTConfig, standin.Options{Logf: log.Printf})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return env{
		cp: sharedCluster, op: sharedOperator,
		dynamic: dynamic.NewForConfigOrDie(sharedCluster.RESTConfig),
		kube:    kubernetes.NewForConfigOrDie(sharedCluster.RESTConfig),
	}
}

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%100000, nameSeq.Add(1))
}

// newRegistry is a registry shaped as DOMAIN.md shows it.
func newRegistry(name, host string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "modelregistry.opendatahub.io/v1beta1",
		"kind":       "ModelRegistry",
		"metadata": map[string]any{
			"name": name, "namespace": controlplane.RegistriesNamespace,
			"annotations": map[string]any{
				registry.AnnotationDisplayName: "Test " + name,
				registry.AnnotationDescription: "created by controlplane_test",
			},
		},
		"spec": map[string]any{
			"grpc":          map[string]any{},
			"rest":          map[string]any{},
			"kubeRBACProxy": map[string]any{},
			"mysql": map[string]any{
				"host":                        host,
				"port":                        int64(3306),
				"database":                    "model_registry",
				"username":                    "mruser",
				"skipDBCreation":              false,
				"passwordSecret":              map[string]any{"name": name + "-db-x7k2p", "key": "database-password"},
				"sslRootCertificateConfigMap": map[string]any{"name": controlplane.TrustedCABundleConfigMap, "key": "ca-bundle.crt"},
			},
		},
	}}
}

func (e env) registries() dynamic.ResourceInterface {
	return e.dynamic.Resource(registry.GroupVersionResource).Namespace(controlplane.RegistriesNamespace)
}

func (e env) create(t *testing.T, name, host string) {
	t.Helper()
	if _, err := e.registries().Create(context.Background(), newRegistry(name, host), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create registry %s: %v", name, err)
	}
}

// delete deletes registry name at the end of a test, failing the test if that fails.
func (e env) delete(t *testing.T, name string) {
	t.Helper()
	if err := e.registries().Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Errorf("delete registry %s: %v", name, err)
	}
}

// eventually polls check until it returns nil, failing with its last error after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func availableCondition(e env, name string) (map[string]any, error) {
	mr, err := e.registries().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	conditions, _, _ := unstructured.NestedSlice(mr.Object, "status", "conditions")
	for _, c := range conditions {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("condition %v is a %T, not an object", c, c)
		}
		if m["type"] == registry.ConditionAvailable {
			return m, nil
		}
	}
	return nil, fmt.Errorf("no Available condition yet (conditions %v)", conditions)
}

func waitAvailable(t *testing.T, e env, name, status, reason string) map[string]any {
	t.Helper()
	var condition map[string]any
	eventually(t, 20*time.Second, "registry "+name+" Available="+status+"/"+reason, func() error {
		c, err := availableCondition(e, name)
		if err != nil {
			return err
		}
		if c["status"] != status || c["reason"] != reason {
			return fmt.Errorf("Available=%v reason %v", c["status"], c["reason"])
		}
		condition = c
		return nil
	})
	return condition
}

func waitGone(t *testing.T, what string, get func() error) {
	t.Helper()
	eventually(t, 20*time.Second, what+" deleted", func() error {
		err := get()
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("still there")
	})
}

func TestFixtures(t *testing.T) {
	e := shared(t)
	ctx := context.Background()
	crds := e.dynamic.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	// The Gateway API kinds are there unless Options.NoGatewayAPI: operator v0.3.14 needs them.
	names := []string{controlplane.ModelRegistryCRD, controlplane.GroupCRD, controlplane.DataScienceClusterCRD,
		controlplane.HTTPRouteCRD, controlplane.ReferenceGrantCRD}
	if !e.cp.External {
		names = append(names, controlplane.RouteCRD)
	}
	for _, name := range names {
		crd, err := crds.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("CRD %s: %v", name, err)
		}
		conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		if !slices.ContainsFunc(conditions, func(c any) bool {
			m, ok := c.(map[string]any)
			return ok && m["type"] == "Established" && m["status"] == "True"
		}) {
			t.Errorf("CRD %s not Established: %v", name, conditions)
		}
	}

	dsc, err := e.dynamic.Resource(registry.DataScienceClusterResource).Get(ctx, controlplane.DataScienceClusterName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ns, _, _ := unstructured.NestedString(dsc.Object, "status", "components", "modelregistry", "registriesNamespace"); ns != registry.DefaultNamespace {
		t.Errorf("DSC status registriesNamespace = %q, want %q", ns, registry.DefaultNamespace)
	}
	if state, _, _ := unstructured.NestedString(dsc.Object, "status", "components", "modelregistry", "managementState"); state != "Managed" {
		t.Errorf("DSC status managementState = %q, want Managed", state)
	}

	if _, err := e.kube.CoreV1().Namespaces().Get(ctx, registry.DefaultNamespace, metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	bundle, err := e.kube.CoreV1().ConfigMaps(registry.DefaultNamespace).Get(ctx, registry.TrustedCABundleConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]string{}
	for key, ca := range map[string]*controlplane.KeyPair{
		registry.TrustedCABundleClusterKey:   e.cp.ClusterBundleCA,
		registry.TrustedCABundleOpenShiftKey: e.cp.OpenShiftBundleCA,
	} {
		block, _ := pem.Decode([]byte(bundle.Data[key]))
		if block == nil {
			t.Fatalf("%s key %s: no PEM block", registry.TrustedCABundleConfigMap, key)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s key %s: %v", registry.TrustedCABundleConfigMap, key, err)
		}
		if !cert.IsCA || !cert.Equal(ca.Certificate()) {
			t.Errorf("%s key %s: not the CA exposed by the control plane", registry.TrustedCABundleConfigMap, key)
		}
		subjects[cert.Subject.CommonName] = key
	}
	if len(subjects) != 2 {
		t.Errorf("want two different CAs in the bundle, got %v", subjects)
	}
}

func TestMetrics(t *testing.T) {
	e := shared(t)
	body, err := e.kube.Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "apiserver_request_total") {
		t.Error("/metrics has no apiserver_request_total")
	}
}

func TestRegistryLifecycle(t *testing.T) {
	t.Parallel()
	e := shared(t)
	ctx := context.Background()
	name := uniqueName("life")
	e.create(t, name, "mysql.example.com")
	available := waitAvailable(t, e, name, "True", registry.ReasonDeploymentAvailable)
	if want := "Deployment for model registry " + name + " is available"; available["message"] != want {
		t.Errorf("message = %q, want %q", available["message"], want)
	}

	mr, err := e.registries().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		t.Errorf("finalizers = %v, want %s", mr.GetFinalizers(), registry.Finalizer)
	}
	if port, _, _ := unstructured.NestedInt64(mr.Object, "spec", "mysql", "port"); port != 3306 {
		t.Errorf("spec.mysql.port = %d", port)
	}
	hosts, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts")
	// With the auth proxy the operator lists its Route host first.
	wantHosts := []string{name + "-rest." + controlplane.AppsDomain, name + "." + controlplane.RegistriesNamespace + ".svc.cluster.local", name + "." + controlplane.RegistriesNamespace, name}
	if !slices.Equal(hosts, wantHosts) {
		t.Errorf("status.hosts = %v, want %v", hosts, wantHosts)
	}

	role, err := e.kube.RbacV1().Roles(controlplane.RegistriesNamespace).Get(ctx, registry.UserRoleName(name), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(role.Rules) != 1 || !slices.Equal(role.Rules[0].ResourceNames, []string{name}) || !slices.Equal(role.Rules[0].Verbs, []string{"get"}) {
		t.Errorf("Role rules = %+v", role.Rules)
	}
	if len(role.OwnerReferences) != 1 || role.OwnerReferences[0].UID != mr.GetUID() || !*role.OwnerReferences[0].Controller {
		t.Errorf("Role owner references = %+v", role.OwnerReferences)
	}
	if role.Labels[registry.LabelAppName] != name || role.Labels[registry.LabelComponent] != registry.ComponentModelRegistry {
		t.Errorf("Role labels = %v", role.Labels)
	}
	binding, err := e.kube.RbacV1().RoleBindings(controlplane.RegistriesNamespace).Get(ctx, registry.UsersGroupName(name), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if binding.RoleRef.Name != registry.UserRoleName(name) || len(binding.Subjects) != 1 || binding.Subjects[0].Kind != "Group" || binding.Subjects[0].Name != registry.UsersGroupName(name) {
		t.Errorf("RoleBinding = %+v %+v", binding.RoleRef, binding.Subjects)
	}
	groups := e.dynamic.Resource(registry.OpenShiftGroupResource)
	if _, err := groups.Get(ctx, registry.UsersGroupName(name), metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}

	// A spec change rolls out again and ends available.
	watcher, err := e.registries().Watch(ctx, metav1.ListOptions{
		FieldSelector: "metadata.name=" + name, ResourceVersion: mr.GetResourceVersion(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Stop()
	patch := []byte(`{"spec":{"mysql":{"database":"other_db"}}}`)
	if _, err := e.registries().Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	var sawProgressing bool
	timeout := time.After(20 * time.Second)
watch:
	for {
		select {
		case event := <-watcher.ResultChan():
			updated, ok := event.Object.(*unstructured.Unstructured)
			if !ok {
				t.Fatalf("watch event %v: %v", event.Type, event.Object)
			}
			conditions, _, _ := unstructured.NestedSlice(updated.Object, "status", "conditions")
			progressing, available := false, false
			for _, c := range conditions {
				m, ok := c.(map[string]any)
				if !ok {
					t.Fatalf("condition %v is a %T, not an object", c, c)
				}
				if m["type"] == registry.ConditionProgressing && m["status"] == "True" {
					progressing = true
					if m["reason"] == "UpdatingDeployment" {
						sawProgressing = true
					}
				}
				if m["type"] == registry.ConditionAvailable && m["status"] == "True" {
					available = true
				}
			}
			if sawProgressing && available && !progressing {
				break watch
			}
		case <-timeout:
			t.Fatalf("after a spec change: saw Progressing=%v, never Available=True without Progressing=True again", sawProgressing)
		}
	}

	if err := e.registries().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "registry "+name, func() error { _, err := e.registries().Get(ctx, name, metav1.GetOptions{}); return err })
	waitGone(t, "Group", func() error {
		_, err := groups.Get(ctx, registry.UsersGroupName(name), metav1.GetOptions{})
		return err
	})
	waitGone(t, "Role", func() error {
		_, err := e.kube.RbacV1().Roles(controlplane.RegistriesNamespace).Get(ctx, registry.UserRoleName(name), metav1.GetOptions{})
		return err
	})
}

func TestRejectsInvalidPort(t *testing.T) {
	t.Parallel()
	e := shared(t)
	mr := newRegistry(uniqueName("badport"), "mysql.example.com")
	if err := unstructured.SetNestedField(mr.Object, int64(70000), "spec", "mysql", "port"); err != nil {
		t.Fatal(err)
	}
	_, err := e.registries().Create(context.Background(), mr, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("create with port 70000: err = %v, want Invalid", err)
	}
}

func TestConfigurationError(t *testing.T) {
	t.Parallel()
	e := shared(t)
	name := uniqueName("badhost")
	e.create(t, name, "db.example.invalid")
	condition := waitAvailable(t, e, name, "False", registry.ReasonConfigurationError)
	if want := "database configuration error: dial tcp: lookup db.example.invalid: no such host"; condition["message"] != want {
		t.Errorf("message = %q, want %q", condition["message"], want)
	}
	// Fixing the host makes it available.
	patch := []byte(`{"spec":{"mysql":{"host":"mysql.example.com"}}}`)
	if _, err := e.registries().Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitAvailable(t, e, name, "True", registry.ReasonDeploymentAvailable)
	e.delete(t, name)
}

func TestNeverReady(t *testing.T) {
	t.Parallel()
	e := shared(t)
	name := uniqueName("stall")
	e.create(t, name, "db"+standin.DefaultNeverReadyHostSuffix)
	waitAvailable(t, e, name, "False", registry.ReasonDeploymentUnavailable)
	time.Sleep(time.Second)
	if c, err := availableCondition(e, name); err != nil || c["status"] != "False" {
		t.Errorf("after a second: %v %v", c, err)
	}
	e.delete(t, name)
}

func TestIgnore(t *testing.T) {
	t.Parallel()
	e := shared(t)
	ctx := context.Background()

	// An ignored registry deleted while the "operator is down" hangs on its finalizer
	// until the stand-in comes back.
	name := uniqueName("ignored")
	e.create(t, name, "mysql.example.com")
	waitAvailable(t, e, name, "True", registry.ReasonDeploymentAvailable)
	e.op.Ignore(controlplane.RegistriesNamespace, name)
	if err := e.registries().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	mr, err := e.registries().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ignored registry should still be there, finalizer pending: %v", err)
	}
	if mr.GetDeletionTimestamp() == nil || !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		t.Errorf("want a deletion pending on the finalizer, got %v %v", mr.GetDeletionTimestamp(), mr.GetFinalizers())
	}
	e.op.Unignore(controlplane.RegistriesNamespace, name)
	waitGone(t, "registry "+name, func() error { _, err := e.registries().Get(ctx, name, metav1.GetOptions{}); return err })

	// A registry ignored from the start gets neither finalizer nor status.
	fresh := uniqueName("ignored")
	e.op.Ignore(controlplane.RegistriesNamespace, fresh)
	e.create(t, fresh, "mysql.example.com")
	time.Sleep(time.Second)
	mr, err = e.registries().Get(ctx, fresh, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(mr.GetFinalizers()) != 0 || mr.Object["status"] != nil {
		t.Errorf("ignored registry was touched: finalizers %v status %v", mr.GetFinalizers(), mr.Object["status"])
	}
	e.delete(t, fresh)
}

func TestUserKubeconfig(t *testing.T) {
	t.Parallel()
	e := shared(t)
	ctx := context.Background()
	path, err := e.cp.UserKubeconfig("alice", "data-scientists")
	if err != nil {
		t.Fatal(err)
	}
	config, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	alice := kubernetes.NewForConfigOrDie(config)
	review, err := alice.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if user := review.Status.UserInfo; user.Username != "alice" || !slices.Contains(user.Groups, "data-scientists") {
		t.Errorf("authenticated as %+v", user)
	}
	_, err = dynamic.NewForConfigOrDie(config).Resource(registry.GroupVersionResource).Namespace(controlplane.RegistriesNamespace).List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("alice listing registries: err = %v, want Forbidden (RBAC is on)", err)
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	if !enabled() {
		t.Skip("starts kube-apiserver: set TF_ACC=1 or OPENSHIFTAI_CONTROLPLANE_TEST=1")
	}
	if os.Getenv(controlplane.EnvKubeconfig) != "" {
		t.Skip("no local processes with " + controlplane.EnvKubeconfig)
	}
	start := time.Now()
	cp, err := controlplane.Start(context.Background(), controlplane.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second control plane started in %s", time.Since(start).Round(10*time.Millisecond))
	pids := cp.PIDs()
	if len(pids) != 3 {
		t.Fatalf("PIDs = %v, want etcd, kube-apiserver and kube-controller-manager", pids)
	}
	for _, pid := range pids {
		if !controlplane.ProcessAlive(pid) {
			t.Fatalf("pid %d not running before Stop", pid)
		}
	}
	stopStart := time.Now()
	if err := cp.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped in %s", time.Since(stopStart).Round(10*time.Millisecond))
	for _, pid := range pids {
		if controlplane.ProcessAlive(pid) {
			t.Errorf("pid %d still running after Stop", pid)
		}
	}
	if _, err := os.Stat(cp.Dir); !os.IsNotExist(err) {
		t.Errorf("Dir %s not removed: %v", cp.Dir, err)
	}
}

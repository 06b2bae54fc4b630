package acctest

// Objects and checks the acceptance tests of every family share.

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/dashboard"
)

// PlanCheck runs f on the plan Terraform made.
type PlanCheck func(plan *tfjson.Plan) error

func (f PlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// StateCheck runs f on the state after a step.
type StateCheck func(state *tfjson.State) error

func (f StateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

const Namespace = registry.DefaultNamespace

// RegistryName is a unique registry name for one test.
func RegistryName(prefix string) string {
	return prefix + "-" + tfacctest.RandStringFromCharSet(6, tfacctest.CharSetAlphaNum)
}

// CA is a CA certificate PEM that is valid now.
func CA(t *testing.T) string {
	t.Helper()
	ca, err := controlplane.NewCA("test database CA")
	if err != nil {
		t.Fatal(err)
	}
	return string(ca.CertPEM)
}

func GetRegistry(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := Cluster.Client.Get(context.Background(), registry.GroupVersionResource, Namespace, name)
	if err != nil {
		t.Fatalf("reading registry %s: %v", name, err)
	}
	return obj
}

func Nested(t *testing.T, obj *unstructured.Unstructured, fields ...string) any {
	t.Helper()
	v, _, err := unstructured.NestedFieldCopy(obj.Object, fields...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(fields, "."), err)
	}
	return v
}

// RegistryDatabase is the database of the tests' registries; nothing listens there,
// the operator stand-in does not connect.
var RegistryDatabase = Database{
	Host: "mysql.db.svc.cluster.local", Username: "mruser", Database: "model_registry",
	Password: `"correct horse battery staple"`, PasswordVersion: 1,
}

// RegistryConfig is openshiftai_model_registry.test named name, with extra arguments.
func RegistryConfig(name, displayName, extra string) string {
	return Registry{Name: displayName, ResourceName: name, Description: "Models of the test", Database: RegistryDatabase, Extra: extra}.HCL()
}

func CreateConfigMap(t *testing.T, name string, data map[string]string) {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: Namespace}, Data: data}
	if _, err := Cluster.Typed.CoreV1().ConfigMaps(Namespace).Create(context.Background(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = Cluster.Typed.CoreV1().ConfigMaps(Namespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

func CreateSecret(t *testing.T, name string, secretType corev1.SecretType, data map[string]string) {
	t.Helper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: Namespace}, Type: secretType, StringData: data}
	if _, err := Cluster.Typed.CoreV1().Secrets(Namespace).Create(context.Background(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = Cluster.Typed.CoreV1().Secrets(Namespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

// DashboardPatch edits a registry as the dashboard does: a merge patch under its own field manager.
func DashboardPatch(t *testing.T, name, patch string) {
	t.Helper()
	_, err := Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(Namespace).
		Patch(context.Background(), name, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "odh-dashboard"})
	if err != nil {
		t.Fatalf("patching registry %s: %v", name, err)
	}
}

// DashboardCA is the CA choice of a registry made as the dashboard makes it.
type DashboardCA struct {
	// PEM is uploaded into the ConfigMap <name>-db-credential.
	PEM string
	// ConfigMap or Secret is referenced as it is.
	ConfigMap, Secret *registry.KeyRef
}

// DashboardRegistry is what MakeDashboardRegistry made.
type DashboardRegistry struct {
	Name, Namespace, SecretName string
	UID                         string
}

// MakeDashboardRegistry makes a registry with plain API calls in the order
// and shape the dashboard uses: a password Secret with generateName, an
// uploaded CA ConfigMap, then a ModelRegistry without the provider's labels.
// It waits until the operator stand-in reports the registry available.
func MakeDashboardRegistry(t *testing.T, namespace, name, displayName, description string, ca DashboardCA) DashboardRegistry {
	t.Helper()
	ctx := context.Background()
	core := Cluster.Typed.CoreV1()
	secret, err := core.Secrets(namespace).Create(ctx, dashboard.PasswordSecret(namespace, name, "models", "mruser", "s3cret"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the dashboard's password Secret: %v", err)
	}
	t.Cleanup(func() { _ = core.Secrets(namespace).Delete(context.Background(), secret.Name, metav1.DeleteOptions{}) })

	mysql := dashboard.MySQL("mysql.dashboard.svc.cluster.local", 3307, "models", "mruser", secret.Name)
	switch {
	case ca.PEM != "":
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: registry.CAConfigMapName(name), Namespace: namespace},
			Data:       map[string]string{registry.CAConfigMapKey: ca.PEM},
		}
		if _, err := core.ConfigMaps(namespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating the dashboard's CA ConfigMap: %v", err)
		}
		t.Cleanup(func() { _ = core.ConfigMaps(namespace).Delete(context.Background(), cm.Name, metav1.DeleteOptions{}) })
		mysql["sslRootCertificateConfigMap"] = map[string]any{"name": cm.Name, "key": registry.CAConfigMapKey}
	case ca.ConfigMap != nil:
		mysql["sslRootCertificateConfigMap"] = map[string]any{"name": ca.ConfigMap.Name, "key": ca.ConfigMap.Key}
	case ca.Secret != nil:
		mysql["sslRootCertificateSecret"] = map[string]any{"name": ca.Secret.Name, "key": ca.Secret.Key}
	}
	obj := dashboard.Registry(namespace, name, displayName, description, mysql)
	if namespace != Namespace && Cluster.StandIn != nil {
		// The operator's webhook admits registries in the registries namespace only; one elsewhere
		// is a registry from before the webhook existed.
		Cluster.StandIn.AllowElsewhere(namespace, name)
	}
	registries := Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace)
	created, err := registries.Create(ctx, obj, metav1.CreateOptions{FieldManager: dashboard.FieldManager})
	if err != nil {
		t.Fatalf("creating the dashboard's registry %s/%s: %v", namespace, name, err)
	}
	t.Cleanup(func() { _ = registries.Delete(context.Background(), name, metav1.DeleteOptions{}) })
	WaitRegistryReady(t, namespace, name)
	return DashboardRegistry{Name: name, Namespace: namespace, SecretName: secret.Name, UID: string(created.GetUID())}
}

func WaitRegistryReady(t *testing.T, namespace, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		obj, err := Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
		if err == nil && registry.ParseModelRegistry(obj).Ready() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("registry %s/%s did not become ready", namespace, name)
}

// WaitRegistryGone waits until the registry is deleted: a deleted registry goes
// once the operator has removed its finalizer.
func WaitRegistryGone(t *testing.T, namespace, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
		if apierrors.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry %s/%s still there after 30s (err=%v)", namespace, name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WrappedText matches text in an error message that Terraform may have wrapped at any space.
func WrappedText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// CreateNamespace makes a namespace of its own for a test that counts registries.
func CreateNamespace(t *testing.T, prefix string) string {
	t.Helper()
	name := prefix + "-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
	namespaces := Cluster.Typed.CoreV1().Namespaces()
	if _, err := namespaces.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	// Without a namespace controller the namespace stays Terminating; its objects are deleted one by one.
	t.Cleanup(func() { _ = namespaces.Delete(context.Background(), name, metav1.DeleteOptions{}) })
	return name
}

// CreateBinding makes binding as the dashboard does and deletes it when the test ends.
func CreateBinding(t *testing.T, binding *rbacv1.RoleBinding) {
	t.Helper()
	bindings := Cluster.Typed.RbacV1().RoleBindings(binding.Namespace)
	if _, err := bindings.Create(context.Background(), binding, metav1.CreateOptions{FieldManager: "odh-dashboard"}); err != nil {
		t.Fatalf("creating RoleBinding %s: %v", binding.Name, err)
	}
	t.Cleanup(func() { _ = bindings.Delete(context.Background(), binding.Name, metav1.DeleteOptions{}) })
}

// PermissionRegistryConfig declares registry name as openshiftai_model_registry.r.
func PermissionRegistryConfig(name string) string {
	return Registry{Label: "r", Name: "Permission test " + name, ResourceName: name, Database: Database{
		Host: "mysql.example.com", Username: "mr", Database: "mr", Password: `"s3cret"`, PasswordVersion: 1,
	}}.HCL()
}

// PermissionConfig declares one permission on openshiftai_model_registry.r.
func PermissionConfig(label, subject string) string {
	return Permission{Label: label, Registry: "openshiftai_model_registry.r.resource_name", Subject: subject}.HCL()
}

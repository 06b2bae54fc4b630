package controlplane_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// localOnly skips a test of what the local control plane runs: an external cluster has its own.
func localOnly(t *testing.T) env {
	t.Helper()
	e := shared(t)
	if e.cp.External {
		t.Skip("tests the local control plane's controllers; " + controlplane.EnvKubeconfig + " is set")
	}
	return e
}

func (e env) newNamespace(t *testing.T, prefix string) string {
	t.Helper()
	name := uniqueName(prefix)
	if _, err := e.kube.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		err := e.kube.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("delete namespace %s: %v", name, err)
		}
	})
	return name
}

func ownedBy(owner metav1.Object, kind, apiVersion string, blockOwnerDeletion bool) []metav1.OwnerReference {
	return []metav1.OwnerReference{{
		APIVersion: apiVersion, Kind: kind, Name: owner.GetName(), UID: owner.GetUID(),
		BlockOwnerDeletion: &blockOwnerDeletion,
	}}
}

func TestGarbageCollectorBackground(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "gc-bg")
	configMaps := e.kube.CoreV1().ConfigMaps(namespace)
	owner, err := configMaps.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dependent := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dependent", OwnerReferences: ownedBy(owner, "ConfigMap", "v1", false)}}
	if _, err := e.kube.CoreV1().Secrets(namespace).Create(ctx, dependent, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	unowned := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "unowned"}}
	if _, err := e.kube.CoreV1().Secrets(namespace).Create(ctx, unowned, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	if err := configMaps.Delete(ctx, owner.Name, metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationBackground)}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "Secret owned by a deleted ConfigMap", func() error {
		_, err := e.kube.CoreV1().Secrets(namespace).Get(ctx, dependent.Name, metav1.GetOptions{})
		return err
	})
	if _, err := e.kube.CoreV1().Secrets(namespace).Get(ctx, unowned.Name, metav1.GetOptions{}); err != nil {
		t.Errorf("a Secret without owner is collected too: %v", err)
	}
}

func TestGarbageCollectorForeground(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "gc-fg")
	configMaps := e.kube.CoreV1().ConfigMaps(namespace)
	owner, err := configMaps.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The dependent's own finalizer holds it, and with blockOwnerDeletion its owner too.
	const holdFinalizer = "openshiftai.test/hold"
	dependent := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Name: "dependent", OwnerReferences: ownedBy(owner, "ConfigMap", "v1", true), Finalizers: []string{holdFinalizer},
	}}
	if _, err := configMaps.Create(ctx, dependent, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	if err := configMaps.Delete(ctx, owner.Name, metav1.DeleteOptions{PropagationPolicy: new(metav1.DeletePropagationForeground)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the garbage collector deletes the dependent first", func() error {
		got, err := configMaps.Get(ctx, dependent.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got.DeletionTimestamp == nil {
			return errors.New("dependent has no deletionTimestamp yet")
		}
		return nil
	})
	got, err := configMaps.Get(ctx, owner.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("owner gone while its blocking dependent is still there: %v", err)
	}
	if !slices.Contains(got.Finalizers, metav1.FinalizerDeleteDependents) {
		t.Errorf("owner finalizers = %v, want %s while the dependent is deleted", got.Finalizers, metav1.FinalizerDeleteDependents)
	}

	release := []byte(`{"metadata":{"finalizers":null}}`)
	if _, err := configMaps.Patch(ctx, dependent.Name, types.MergePatchType, release, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "foreground-deleted owner", func() error {
		_, err := configMaps.Get(ctx, owner.Name, metav1.GetOptions{})
		return err
	})
}

// A Secret owned by a ModelRegistry, as the provider makes the password Secret, goes with it.
func TestGarbageCollectorCustomResourceOwner(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	name := uniqueName("gc-mr")
	e.create(t, name, "mysql.example.com")
	mr, err := e.registries().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := e.kube.CoreV1().Secrets(controlplane.RegistriesNamespace)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{
		Name: name + "-db-x7k2p", OwnerReferences: ownedBy(mr, mr.GetKind(), mr.GetAPIVersion(), false),
	}}
	if _, err := secrets.Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.delete(t, name)
	waitGone(t, "Secret owned by a deleted ModelRegistry", func() error {
		_, err := secrets.Get(ctx, secret.Name, metav1.GetOptions{})
		return err
	})
}

func TestNamespaceDeletionCompletes(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "ns-del")
	if _, err := e.kube.CoreV1().ConfigMaps(namespace).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.kube.CoreV1().Secrets(namespace).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "password"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Its Pods must go too: the node stand-in deletes them once they are terminating.
	e.createDeployment(t, namespace, "web", 2)
	e.waitDeploymentAvailable(t, namespace, "web", 2)

	if err := e.kube.CoreV1().Namespaces().Delete(ctx, namespace, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "namespace "+namespace+" deleted", func() error {
		ns, err := e.kube.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("phase %s, conditions %v", ns.Status.Phase, ns.Status.Conditions)
	})
}

func TestServiceAccountControllers(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "sa")
	eventually(t, 20*time.Second, "ServiceAccount default and ConfigMap kube-root-ca.crt in a new namespace", func() error {
		if _, err := e.kube.CoreV1().ServiceAccounts(namespace).Get(ctx, "default", metav1.GetOptions{}); err != nil {
			return err
		}
		_, err := e.kube.CoreV1().ConfigMaps(namespace).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		return err
	})
	token := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "default-token", Annotations: map[string]string{corev1.ServiceAccountNameKey: "default"}},
		Type:       corev1.SecretTypeServiceAccountToken,
	}
	if _, err := e.kube.CoreV1().Secrets(namespace).Create(ctx, token, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the token controller fills a service-account-token Secret", func() error {
		got, err := e.kube.CoreV1().Secrets(namespace).Get(ctx, token.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if len(got.Data[corev1.ServiceAccountTokenKey]) == 0 || len(got.Data[corev1.ServiceAccountRootCAKey]) == 0 {
			return fmt.Errorf("data keys %v", mapsKeys(got.Data))
		}
		return nil
	})
}

func mapsKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

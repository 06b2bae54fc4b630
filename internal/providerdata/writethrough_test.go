package providerdata

import (
	"context"
	"slices"
	"sync"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
)

func binding(name, role string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role},
	}
}

func fakeData(t *testing.T, objects ...*unstructured.Unstructured) (*Data, *kubefake.Cluster, kube.Cluster) {
	t.Helper()
	cluster := kubefake.New(objects...)
	d := New(kube.Config{}, "ns", func(kube.Config) (kube.Cluster, error) { return cluster, nil })
	client, err := d.Client()
	if err != nil {
		t.Fatal(err)
	}
	return d, cluster, client
}

func unstructuredBinding(t *testing.T, name, role string) *unstructured.Unstructured {
	t.Helper()
	u, err := kube.ToUnstructured(binding(name, role))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func roleOf(obj *unstructured.Unstructured) string {
	name, _, _ := unstructured.NestedString(obj.Object, "roleRef", "name")
	return name
}

// A write of this process reaches its read list: a read after it sees what was
// written, a deleted object is gone, and still one LIST was made.
func TestWritesReachTheReadList(t *testing.T) {
	ctx := t.Context()
	d, cluster, client := fakeData(t, unstructuredBinding(t, "old", "registry-user-fraud"), unstructuredBinding(t, "edited", "registry-user-fraud"))
	if _, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "old"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Apply(ctx, binding("new", "registry-user-fraud"), kube.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Apply(ctx, binding("dry", "registry-user-fraud"), kube.ApplyOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Patch(ctx, kube.RoleBindings, "ns", "edited", []byte(`{"roleRef":{"name":"registry-user-other"}}`)); err != nil {
		t.Fatal(err)
	}
	old, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Delete(ctx, kube.RoleBindings, "ns", "old", old.GetUID()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "new"); err != nil {
		t.Errorf("the binding this process applied: %v", err)
	}
	if _, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "old"); !apierrors.IsNotFound(err) {
		t.Errorf("the binding this process deleted: %v, want not found", err)
	}
	if _, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "dry"); !apierrors.IsNotFound(err) {
		t.Errorf("a dry run reached the list: %v", err)
	}
	edited, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "edited")
	if err != nil || roleOf(edited) != "registry-user-other" {
		t.Errorf("the patched binding reads %v (%v), want its new role", edited, err)
	}
	if len(edited.GetManagedFields()) != 0 {
		t.Error("a written object kept its managedFields in the list")
	}
	all, err := d.ListObjects(ctx, client, kube.RoleBindings, "ns")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, obj := range all {
		names = append(names, obj.GetName())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"edited", "new"}) {
		t.Errorf("listed %v, want edited and new", names)
	}
	lists := 0
	for _, call := range cluster.Calls {
		if call == "list rolebindings/ns" {
			lists++
		}
	}
	if lists != 1 {
		t.Errorf("%d LISTs (%v), want 1", lists, cluster.Calls)
	}
}

// A write to a kind this process never listed makes no LIST: a list made later reads it.
func TestWriteOfAnUnlistedKindListsNothing(t *testing.T) {
	_, cluster, client := fakeData(t)
	if _, err := client.Apply(t.Context(), binding("new", "registry-user-fraud"), kube.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, call := range cluster.Calls {
		if call == "list rolebindings/ns" {
			t.Errorf("a write listed its kind: %v", cluster.Calls)
		}
	}
}

// A write made while the list is being read waits for it and is applied after,
// so the list cannot bring back what the write deleted.
func TestWriteDuringTheListIsKept(t *testing.T) {
	ctx := t.Context()
	d, cluster, client := fakeData(t, unstructuredBinding(t, "old", "registry-user-fraud"))
	listing, release := make(chan struct{}), make(chan struct{})
	cluster.Interceptors.List = func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, selector string) ([]unstructured.Unstructured, error) {
		items, err := fake.List(ctx, gvr, namespace, selector) // read before the delete
		close(listing)
		<-release
		return items, err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		// Concurrent with the delete, this read may see the binding or not.
		_, _ = d.ReadObject(ctx, client, kube.RoleBindings, "ns", "old")
	})
	<-listing
	onCluster := make(chan struct{})
	cluster.Interceptors.Delete = func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
		err := fake.Delete(ctx, gvr, namespace, name, uid)
		close(onCluster)
		return err
	}
	deleted := make(chan error)
	go func() {
		deleted <- client.Delete(ctx, kube.RoleBindings, "ns", "old", "")
	}()
	<-onCluster // deleted on the cluster; the list, read before, is not done yet
	close(release)
	if err := <-deleted; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if _, err := d.ReadObject(ctx, client, kube.RoleBindings, "ns", "old"); !apierrors.IsNotFound(err) {
		t.Errorf("after the delete: %v, want not found", err)
	}
}

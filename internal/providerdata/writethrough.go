package providerdata

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

// writeThrough is the client the resources and data sources get: each write
// it makes also goes into the process's read lists (ReadObject, ListObjects),
// the written object in place of the listed one and a deleted one out, so a
// read after this process's own write sees it. An apply that creates a
// registry and then reads it in a data source, or lists a namespace's
// bindings after writing one, reads what it wrote; the lists stay one LIST
// per kind and namespace however many objects the process writes.
type writeThrough struct {
	kube.Cluster
	data *Data
}

func (c writeThrough) Apply(ctx context.Context, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
	out, err := c.Cluster.Apply(ctx, obj, opts)
	if err == nil && !opts.DryRun {
		c.written(ctx, out)
	}
	return out, err
}

func (c writeThrough) Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	out, err := c.Cluster.Update(ctx, obj)
	if err == nil {
		c.written(ctx, out)
	}
	return out, err
}

func (c writeThrough) Patch(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	out, err := c.Cluster.Patch(ctx, gvr, namespace, name, patch)
	if err == nil {
		c.data.noteWrite(ctx, c.Cluster, gvr, namespace, name, out)
	}
	return out, err
}

func (c writeThrough) ApplyExisting(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured,
	set func(current *unstructured.Unstructured, desired *unstructured.Unstructured),
) (*unstructured.Unstructured, error) {
	out, err := c.Cluster.ApplyExisting(ctx, gvr, obj, set)
	if err == nil {
		c.data.noteWrite(ctx, c.Cluster, gvr, obj.GetNamespace(), obj.GetName(), out)
	}
	return out, err
}

func (c writeThrough) Delete(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	err := c.Cluster.Delete(ctx, gvr, namespace, name, uid)
	if err == nil {
		c.data.noteWrite(ctx, c.Cluster, gvr, namespace, name, nil)
	}
	return err
}

func (c writeThrough) DeleteUnchanged(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
	deleted, err := c.Cluster.DeleteUnchanged(ctx, gvr, namespace, name, uid, resourceVersion)
	if err == nil && deleted {
		c.data.noteWrite(ctx, c.Cluster, gvr, namespace, name, nil)
	}
	return deleted, err
}

// written notes an object the API server returned from a write.
func (c writeThrough) written(ctx context.Context, out *unstructured.Unstructured) {
	if out == nil {
		return
	}
	gvr, err := kube.ResourceFor(out.GroupVersionKind())
	if err != nil {
		return
	}
	c.data.noteWrite(ctx, c.Cluster, gvr, out.GetNamespace(), out.GetName(), out)
}

// noteWrite puts obj (nil: deleted) into the read list of its kind and
// namespace, if this process has one. A list still being read is waited for,
// so it cannot overwrite the write with what it read before.
func (d *Data) noteWrite(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, namespace, name string, obj *unstructured.Unstructured) {
	if _, listed := d.readLists.Load(readListKey{gvr: gvr, namespace: namespace}); !listed {
		return // a list made later reads the write
	}
	list := d.readList(ctx, client, gvr, namespace)
	list.mu.Lock()
	defer list.mu.Unlock()
	if list.items == nil {
		return // the list failed: reads GET
	}
	if obj == nil {
		delete(list.items, name)
		return
	}
	stored := obj.DeepCopy()
	stored.SetManagedFields(nil)
	list.items[name] = stored
}

package lifecycle

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/json"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// fakeCluster is an in-memory kube.Interface. Apply replaces the stored object
// with what it sends, as server-side apply does for the fields of its one field
// manager; fields another manager set (setForeign) stay, as they do on a
// cluster. Merge patches change the stored object, and fail lets a test make
// any one request fail.
type fakeCluster struct {
	objects map[string]*unstructured.Unstructured // "<resource>/<namespace>/<name>"
	nextUID int
	// calls records each request as "<verb> <resource>/<namespace>/<name>", dry runs as "dryrun".
	calls []string
	// fail, when it returns an error for a call as recorded, fails that request.
	fail func(call string) error
	// onWait changes the cluster before each read of a wait, as the operator would.
	onWait func(f *fakeCluster)
	// foreign holds, per object, the fields another field manager set.
	foreign map[string]map[string]any
	// admit changes what is applied, dry runs included, as the operator's mutating webhook would.
	admit func(u *unstructured.Unstructured)
}

var _ kube.Interface = (*fakeCluster)(nil)

var resourceOf = map[string]schema.GroupVersionResource{
	"Secret": kube.Secrets, "ConfigMap": kube.ConfigMaps, registry.Kind: registry.GroupVersionResource, "RoleBinding": kube.RoleBindings,
}

func newFakeCluster() *fakeCluster {
	return &fakeCluster{objects: map[string]*unstructured.Unstructured{}}
}

func key(gvr schema.GroupVersionResource, namespace, name string) string {
	return gvr.Resource + "/" + namespace + "/" + name
}

func (f *fakeCluster) record(call string) error {
	f.calls = append(f.calls, call)
	if f.fail != nil {
		return f.fail(call)
	}
	return nil
}

func (f *fakeCluster) put(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) *unstructured.Unstructured {
	k := key(gvr, obj.GetNamespace(), obj.GetName())
	stored := obj.DeepCopy()
	if old, ok := f.objects[k]; ok {
		stored.SetUID(old.GetUID())
		rv, _ := strconv.Atoi(old.GetResourceVersion())
		stored.SetResourceVersion(strconv.Itoa(rv + 1))
		if status, ok := old.Object["status"]; ok {
			stored.Object["status"] = status
		}
		stored.SetFinalizers(old.GetFinalizers())
	} else {
		f.nextUID++
		stored.SetUID(types.UID(fmt.Sprintf("uid-%d", f.nextUID)))
		stored.SetResourceVersion("1")
	}
	if fields, ok := f.foreign[k]; ok {
		mergePatch(stored.Object, runtime.DeepCopyJSON(fields))
	}
	f.objects[k] = stored
	return stored.DeepCopy()
}

// setForeign sets fields on a stored object as another field manager would.
func (f *fakeCluster) setForeign(gvr schema.GroupVersionResource, namespace, name string, fields map[string]any) {
	if f.foreign == nil {
		f.foreign = map[string]map[string]any{}
	}
	k := key(gvr, namespace, name)
	f.foreign[k] = fields
	mergePatch(f.objects[k].Object, runtime.DeepCopyJSON(fields))
}

func (f *fakeCluster) Apply(_ context.Context, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
	u, err := kube.ToUnstructured(obj.DeepCopyObject())
	if err != nil {
		return nil, err
	}
	gvr := resourceOf[u.GetKind()]
	verb := "apply"
	if opts.DryRun {
		verb = "dryrun"
	}
	if err := f.record(verb + " " + key(gvr, u.GetNamespace(), u.GetName())); err != nil {
		return nil, err
	}
	if f.admit != nil {
		f.admit(u)
	}
	if opts.DryRun {
		out := u.DeepCopy()
		if old, ok := f.objects[key(gvr, u.GetNamespace(), u.GetName())]; ok {
			out.SetResourceVersion(old.GetResourceVersion())
		}
		return out, nil
	}
	return f.put(gvr, u), nil
}

func (f *fakeCluster) Get(_ context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	if err := f.record("get " + key(gvr, namespace, name)); err != nil {
		return nil, err
	}
	obj, ok := f.objects[key(gvr, namespace, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return obj.DeepCopy(), nil
}

func (f *fakeCluster) List(_ context.Context, gvr schema.GroupVersionResource, namespace, _ string) ([]unstructured.Unstructured, error) {
	if err := f.record("list " + gvr.Resource + "/" + namespace); err != nil {
		return nil, err
	}
	var out []unstructured.Unstructured
	for _, k := range slices.Sorted(maps.Keys(f.objects)) {
		if strings.HasPrefix(k, gvr.Resource+"/"+namespace) {
			out = append(out, *f.objects[k].DeepCopy())
		}
	}
	return out, nil
}

func (f *fakeCluster) ListByName(_ context.Context, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
	if err := f.record("listbyname " + gvr.Resource + "/" + name); err != nil {
		return nil, err
	}
	var out []unstructured.Unstructured
	for _, k := range slices.Sorted(maps.Keys(f.objects)) {
		if obj := f.objects[k]; strings.HasPrefix(k, gvr.Resource+"/") && obj.GetName() == name {
			out = append(out, *obj.DeepCopy())
		}
	}
	return out, nil
}

func (f *fakeCluster) Delete(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	if err := f.record("delete " + key(gvr, namespace, name)); err != nil {
		return err
	}
	k := key(gvr, namespace, name)
	if obj, ok := f.objects[k]; ok && (uid == "" || obj.GetUID() == uid) {
		if len(obj.GetFinalizers()) > 0 {
			now := metav1.Now()
			obj.SetDeletionTimestamp(&now)
			return nil
		}
		delete(f.objects, k)
	}
	return nil
}

// DeleteUnchanged deletes the object only at uid and resourceVersion, as the
// API server's preconditions do; a changed or missing one is not deleted.
func (f *fakeCluster) DeleteUnchanged(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
	if err := f.record("deleteunchanged " + key(gvr, namespace, name)); err != nil {
		return false, err
	}
	k := key(gvr, namespace, name)
	obj, ok := f.objects[k]
	if !ok || obj.GetUID() != uid || obj.GetResourceVersion() != resourceVersion {
		return false, nil
	}
	delete(f.objects, k)
	return true, nil
}

func (f *fakeCluster) Patch(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	if err := f.record("patch " + key(gvr, namespace, name) + " " + string(patch)); err != nil {
		return nil, err
	}
	obj, ok := f.objects[key(gvr, namespace, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	var body map[string]any
	if err := json.Unmarshal(patch, &body); err != nil {
		return nil, err
	}
	mergePatch(obj.Object, body)
	if fields, ok := f.foreign[key(gvr, namespace, name)]; ok {
		// The patch takes the fields it removes away from their manager too.
		mergePatch(fields, runtime.DeepCopyJSON(body))
	}
	return obj.DeepCopy(), nil
}

// mergePatch applies a JSON merge patch (RFC 7386) to doc.
func mergePatch(doc, patch map[string]any) {
	for k, v := range patch {
		switch v := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			sub, ok := doc[k].(map[string]any)
			if !ok || len(v) == 0 {
				sub = map[string]any{}
				doc[k] = sub
			}
			mergePatch(sub, v)
		default:
			doc[k] = v
		}
	}
}

// WaitFrom judges observed, then reads the object up to maxWaitReads times,
// running onWait before each read; then it reports the deadline as passed.
func (f *fakeCluster) WaitFrom(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
	observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	last := observed
	if observed != nil {
		if finished, err := done(observed); err != nil || finished {
			return observed, err
		}
	}
	for range maxWaitReads {
		if f.onWait != nil {
			f.onWait(f)
		}
		obj, err := f.Get(ctx, gvr, namespace, name)
		switch {
		case apierrors.IsNotFound(err):
			last = nil
		case err != nil:
			return last, err
		default:
			last = obj
		}
		if finished, err := done(last); err != nil || finished {
			return last, err
		}
	}
	return last, context.DeadlineExceeded
}

const maxWaitReads = 3

// object returns the stored object, nil when there is none.
func (f *fakeCluster) object(gvr schema.GroupVersionResource, namespace, name string) *unstructured.Unstructured {
	return f.objects[key(gvr, namespace, name)]
}

// setAvailable makes the operator report the registry's Available condition.
func (f *fakeCluster) setAvailable(namespace, name, status, reason, message string) {
	obj := f.object(registry.GroupVersionResource, namespace, name)
	if obj == nil {
		return
	}
	obj.Object["status"] = map[string]any{"conditions": []any{map[string]any{
		"type": registry.ConditionAvailable, "status": status, "reason": reason, "message": message,
	}}}
}

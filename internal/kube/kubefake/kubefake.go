// Package kubefake is the one in-memory cluster the tests of every package
// use (kube.Interface), after controller-runtime's client/fake and
// client/interceptor: the objects a test starts from, and one interceptor per
// verb that fails, delays or changes a request. Production code never imports it.
package kubefake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// Cluster is an in-memory kube.Interface. Apply replaces the stored object
// with what it sends, as server-side apply does for the fields of its one
// field manager; fields another manager set (SetForeign) stay, as they do on a
// cluster. Update fails with 409 Conflict on a stale resourceVersion, merge
// patches change the stored object, and Interceptors let a test fail, delay or
// change any request. It is safe for concurrent use; the hooks run without its
// lock, so they may call its methods.
type Cluster struct {
	mu sync.Mutex
	// Objects holds the stored objects by Key.
	Objects map[string]*unstructured.Unstructured
	nextUID int
	// Calls records each request as "<verb> <resource>/<namespace>/<name>",
	// verbs apply, dryrun, get, list, listbyname, update, patch, delete, deleteunchanged.
	Calls []string
	// Interceptors answer the requests of the verbs they set instead of the
	// fake; a request is recorded in Calls before its interceptor runs.
	Interceptors Funcs
	// OnWait changes the cluster before each read of a wait, as the operator would.
	OnWait func(c *Cluster)
	// Unserved are the resources discovery says the cluster does not serve.
	Unserved map[schema.GroupVersionResource]bool
	// foreign holds, per object, the fields another field manager set.
	foreign map[string]map[string]any
}

var _ kube.Cluster = (*Cluster)(nil)

// resourceOf is the resource of each kind the provider writes.
var resourceOf = map[string]schema.GroupVersionResource{
	"Secret": kube.Secrets, "ConfigMap": kube.ConfigMaps, registry.Kind: registry.GroupVersionResource, "RoleBinding": kube.RoleBindings,
	"Group": registry.OpenShiftGroupResource,
}

// New is a cluster holding objects.
func New(objects ...*unstructured.Unstructured) *Cluster {
	c := &Cluster{Objects: map[string]*unstructured.Unstructured{}}
	for _, obj := range objects {
		c.Put(resourceOf[obj.GetKind()], obj)
	}
	return c
}

// Funcs are a Cluster's interceptors, one per verb of kube.Interface, after
// controller-runtime's client/interceptor.Funcs. A nil one leaves the verb to
// the fake; a set one answers the request instead and receives fake, the
// cluster without interceptors, to pass the request on after failing,
// delaying or changing it, or to change the cluster first. A dry run is an
// Apply with opts.DryRun.
type Funcs struct {
	Get             func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)
	List            func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, labelSelector string) ([]unstructured.Unstructured, error)
	ListByName      func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error)
	Apply           func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error)
	Update          func(ctx context.Context, fake kube.Interface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
	Patch           func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error)
	Delete          func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error
	DeleteUnchanged func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error)
	// WaitFrom intercepts a whole wait; the fake's own wait reads through Get, interceptor included.
	WaitFrom func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string,
		observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error)) (*unstructured.Unstructured, error)
	// Serves intercepts discovery (kube.Discovery).
	Serves func(fake kube.Discovery, gvr schema.GroupVersionResource) (bool, error)
}

// Fake is the cluster without its interceptors and without recording calls:
// what an interceptor passes a request on to.
func (c *Cluster) Fake() interface {
	kube.Interface
	kube.Discovery
} {
	return bare{c}
}

// bare answers every request from the stored objects.
type bare struct{ c *Cluster }

type getFunc = func(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)

func (b bare) Get(_ context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	return b.c.get(gvr, namespace, name)
}

func (b bare) List(_ context.Context, gvr schema.GroupVersionResource, namespace, _ string) ([]unstructured.Unstructured, error) {
	return b.c.list(gvr, namespace)
}

func (b bare) ListByName(_ context.Context, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
	return b.c.listByName(gvr, name)
}

func (b bare) Apply(_ context.Context, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
	return b.c.apply(obj, opts)
}

func (b bare) Update(_ context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	return b.c.update(obj)
}

func (b bare) Patch(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	return b.c.patch(gvr, namespace, name, patch)
}

func (b bare) Delete(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	return b.c.delete(gvr, namespace, name, uid)
}

func (b bare) DeleteUnchanged(_ context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
	return b.c.deleteUnchanged(gvr, namespace, name, uid, resourceVersion)
}

func (b bare) WaitFrom(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
	observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	return b.c.waitFrom(ctx, b.Get, gvr, namespace, name, observed, done)
}

func (b bare) Serves(gvr schema.GroupVersionResource) (bool, error) { return b.c.serves(gvr) }

// KeyOf is where Objects holds obj, by its kind, namespace and name.
func KeyOf(obj runtime.Object) string {
	u, err := kube.ToUnstructured(obj.DeepCopyObject())
	if err != nil {
		return ""
	}
	return Key(resourceOf[u.GetKind()], u.GetNamespace(), u.GetName())
}

// Key is where Objects holds an object.
func Key(gvr schema.GroupVersionResource, namespace, name string) string {
	return gvr.Resource + "/" + namespace + "/" + name
}

// record notes a request in Calls and returns the interceptors it meets.
func (c *Cluster) record(call string) Funcs {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Calls = append(c.Calls, call)
	return c.Interceptors
}

// Put stores obj as a write would: a new UID for a new object, the next
// resourceVersion and the kept status and finalizers for an existing one.
func (c *Cluster) Put(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) *unstructured.Unstructured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.put(gvr, obj)
}

func (c *Cluster) put(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) *unstructured.Unstructured {
	k := Key(gvr, obj.GetNamespace(), obj.GetName())
	stored := obj.DeepCopy()
	if old, ok := c.Objects[k]; ok {
		stored.SetUID(old.GetUID())
		rv, _ := strconv.Atoi(old.GetResourceVersion())
		stored.SetResourceVersion(strconv.Itoa(rv + 1))
		if status, ok := old.Object["status"]; ok {
			stored.Object["status"] = status
		}
		stored.SetFinalizers(old.GetFinalizers())
	} else {
		c.nextUID++
		stored.SetUID(types.UID(fmt.Sprintf("uid-%d", c.nextUID)))
		stored.SetResourceVersion("1")
	}
	if fields, ok := c.foreign[k]; ok {
		MergePatch(stored.Object, runtime.DeepCopyJSON(fields))
	}
	c.Objects[k] = stored
	return stored.DeepCopy()
}

// Object is the stored object, nil when there is none; changing it changes the cluster.
func (c *Cluster) Object(gvr schema.GroupVersionResource, namespace, name string) *unstructured.Unstructured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Objects[Key(gvr, namespace, name)]
}

// Touch changes a stored object's resourceVersion, as a write of someone else would.
func (c *Cluster) Touch(gvr schema.GroupVersionResource, namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if obj, ok := c.Objects[Key(gvr, namespace, name)]; ok {
		rv, _ := strconv.Atoi(obj.GetResourceVersion())
		obj.SetResourceVersion(strconv.Itoa(rv + 1))
	}
}

// SetForeign sets fields on a stored object as another field manager would.
func (c *Cluster) SetForeign(gvr schema.GroupVersionResource, namespace, name string, fields map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.foreign == nil {
		c.foreign = map[string]map[string]any{}
	}
	k := Key(gvr, namespace, name)
	c.foreign[k] = fields
	MergePatch(c.Objects[k].Object, runtime.DeepCopyJSON(fields))
}

// Apply stores obj, or with DryRun returns what would be stored.
func (c *Cluster) Apply(ctx context.Context, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
	verb := "apply"
	if opts.DryRun {
		verb = "dryrun"
	}
	if f := c.record(verb + " " + KeyOf(obj)); f.Apply != nil {
		return f.Apply(ctx, c.Fake(), obj, opts)
	}
	return c.apply(obj, opts)
}

func (c *Cluster) apply(obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
	u, err := kube.ToUnstructured(obj.DeepCopyObject())
	if err != nil {
		return nil, err
	}
	gvr := resourceOf[u.GetKind()]
	c.mu.Lock()
	defer c.mu.Unlock()
	if opts.DryRun {
		out := u.DeepCopy()
		if old, ok := c.Objects[Key(gvr, u.GetNamespace(), u.GetName())]; ok {
			out.SetResourceVersion(old.GetResourceVersion())
		}
		return out, nil
	}
	return c.put(gvr, u), nil
}

// Update stores obj if its resourceVersion is the stored one's: 404 for a
// missing object, 409 Conflict for a stale version, as the API server answers.
func (c *Cluster) Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if f := c.record("update " + KeyOf(obj)); f.Update != nil {
		return f.Update(ctx, c.Fake(), obj)
	}
	return c.update(obj)
}

func (c *Cluster) update(obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvr := resourceOf[obj.GetKind()]
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.Objects[Key(gvr, obj.GetNamespace(), obj.GetName())]
	switch {
	case !ok:
		return nil, apierrors.NewNotFound(gvr.GroupResource(), obj.GetName())
	case obj.GetResourceVersion() != old.GetResourceVersion():
		return nil, apierrors.NewConflict(gvr.GroupResource(), obj.GetName(), errors.New("the object has been modified; please apply your changes to the latest version and try again"))
	}
	return c.put(gvr, obj), nil
}

// Get returns a copy of the stored object, or 404.
func (c *Cluster) Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	if f := c.record("get " + Key(gvr, namespace, name)); f.Get != nil {
		return f.Get(ctx, c.Fake(), gvr, namespace, name)
	}
	return c.get(gvr, namespace, name)
}

func (c *Cluster) get(gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	obj, ok := c.Objects[Key(gvr, namespace, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return obj.DeepCopy(), nil
}

// List returns the objects of gvr in namespace (every namespace for ""), in
// key order; the label selector is not applied.
func (c *Cluster) List(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string) ([]unstructured.Unstructured, error) {
	if f := c.record("list " + gvr.Resource + "/" + namespace); f.List != nil {
		return f.List(ctx, c.Fake(), gvr, namespace, labelSelector)
	}
	return c.list(gvr, namespace)
}

func (c *Cluster) list(gvr schema.GroupVersionResource, namespace string) ([]unstructured.Unstructured, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []unstructured.Unstructured
	for _, k := range slices.Sorted(maps.Keys(c.Objects)) {
		if strings.HasPrefix(k, gvr.Resource+"/"+namespace) {
			out = append(out, *c.Objects[k].DeepCopy())
		}
	}
	return out, nil
}

// ListByName returns the objects of gvr named name in every namespace.
func (c *Cluster) ListByName(ctx context.Context, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
	if f := c.record("listbyname " + gvr.Resource + "/" + name); f.ListByName != nil {
		return f.ListByName(ctx, c.Fake(), gvr, name)
	}
	return c.listByName(gvr, name)
}

func (c *Cluster) listByName(gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []unstructured.Unstructured
	for _, k := range slices.Sorted(maps.Keys(c.Objects)) {
		if obj := c.Objects[k]; strings.HasPrefix(k, gvr.Resource+"/") && obj.GetName() == name {
			out = append(out, *obj.DeepCopy())
		}
	}
	return out, nil
}

// Delete deletes the object (at uid unless ""); one with finalizers only gets
// its deletion timestamp, as on a cluster.
func (c *Cluster) Delete(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	if f := c.record("delete " + Key(gvr, namespace, name)); f.Delete != nil {
		return f.Delete(ctx, c.Fake(), gvr, namespace, name, uid)
	}
	return c.delete(gvr, namespace, name, uid)
}

func (c *Cluster) delete(gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := Key(gvr, namespace, name)
	if obj, ok := c.Objects[k]; ok && (uid == "" || obj.GetUID() == uid) {
		if len(obj.GetFinalizers()) > 0 {
			now := metav1.Now()
			obj.SetDeletionTimestamp(&now)
			return nil
		}
		delete(c.Objects, k)
	}
	return nil
}

// DeleteUnchanged deletes the object only at uid and resourceVersion, as the
// API server's preconditions do; a changed or missing one is not deleted.
func (c *Cluster) DeleteUnchanged(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
	if f := c.record("deleteunchanged " + Key(gvr, namespace, name)); f.DeleteUnchanged != nil {
		return f.DeleteUnchanged(ctx, c.Fake(), gvr, namespace, name, uid, resourceVersion)
	}
	return c.deleteUnchanged(gvr, namespace, name, uid, resourceVersion)
}

func (c *Cluster) deleteUnchanged(gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := Key(gvr, namespace, name)
	obj, ok := c.Objects[k]
	if !ok || obj.GetUID() != uid || obj.GetResourceVersion() != resourceVersion {
		return false, nil
	}
	delete(c.Objects, k)
	return true, nil
}

// Patch applies a JSON merge patch to the stored object.
func (c *Cluster) Patch(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	if f := c.record("patch " + Key(gvr, namespace, name) + " " + string(patch)); f.Patch != nil {
		return f.Patch(ctx, c.Fake(), gvr, namespace, name, patch)
	}
	return c.patch(gvr, namespace, name, patch)
}

func (c *Cluster) patch(gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	obj, ok := c.Objects[Key(gvr, namespace, name)]
	if !ok {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	var body map[string]any
	if err := json.Unmarshal(patch, &body); err != nil {
		return nil, err
	}
	MergePatch(obj.Object, body)
	if fields, ok := c.foreign[Key(gvr, namespace, name)]; ok {
		// The patch takes the fields it removes away from their manager too.
		MergePatch(fields, runtime.DeepCopyJSON(body))
	}
	return obj.DeepCopy(), nil
}

// ListPaged lists through List (and its interceptor) and hands every object over as one page.
func (c *Cluster) ListPaged(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string, _ int64,
	each func(items []unstructured.Unstructured),
) error {
	items, err := c.List(ctx, gvr, namespace, labelSelector)
	if err != nil {
		return err
	}
	each(items)
	return nil
}

// ApplyExisting reads the object through Get and applies set's copy of obj
// through Apply (with their interceptors); a missing object is 404.
func (c *Cluster) ApplyExisting(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured,
	set func(current *unstructured.Unstructured, desired *unstructured.Unstructured),
) (*unstructured.Unstructured, error) {
	current, err := c.Get(ctx, gvr, obj.GetNamespace(), obj.GetName())
	if err != nil {
		return nil, err
	}
	desired := obj.DeepCopy()
	if set != nil {
		set(current, desired)
	}
	return c.Apply(ctx, desired, kube.ApplyOptions{})
}

// Serves tells whether the cluster serves gvr: every resource but Unserved.
func (c *Cluster) Serves(gvr schema.GroupVersionResource) (bool, error) {
	c.mu.Lock()
	f := c.Interceptors
	c.mu.Unlock()
	if f.Serves != nil {
		return f.Serves(c.Fake(), gvr)
	}
	return c.serves(gvr)
}

func (c *Cluster) serves(gvr schema.GroupVersionResource) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.Unserved[gvr], nil
}

// MergePatch applies a JSON merge patch (RFC 7386) to doc.
func MergePatch(doc, patch map[string]any) {
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
			MergePatch(sub, v)
		default:
			doc[k] = v
		}
	}
}

// MaxWaitReads is how often WaitFrom reads before it reports the deadline as passed.
const MaxWaitReads = 3

// WaitFrom judges observed, then reads the object up to MaxWaitReads times
// with Get (so the Get interceptor sees each read), running OnWait before each
// read; then it reports the deadline as passed.
func (c *Cluster) WaitFrom(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
	observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	c.mu.Lock()
	f := c.Interceptors
	c.mu.Unlock()
	if f.WaitFrom != nil {
		return f.WaitFrom(ctx, c.Fake(), gvr, namespace, name, observed, done)
	}
	return c.waitFrom(ctx, c.Get, gvr, namespace, name, observed, done)
}

func (c *Cluster) waitFrom(ctx context.Context, get getFunc, gvr schema.GroupVersionResource, namespace, name string,
	observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	last := observed
	if observed != nil {
		if finished, err := done(observed); err != nil || finished {
			return observed, err
		}
	}
	for range MaxWaitReads {
		if c.OnWait != nil {
			c.OnWait(c)
		}
		obj, err := get(ctx, gvr, namespace, name)
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

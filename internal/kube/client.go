package kube

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// FieldManager is the one field manager every write of the provider uses, so
// server-side apply keeps the provider's fields apart from the operator's.
const FieldManager = "terraform-provider-openshiftai"

// Resources the provider reads and writes.
var (
	Secrets      = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	ConfigMaps   = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	Namespaces   = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	RoleBindings = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
)

// resources maps each kind the provider applies to its resource, so Apply needs
// no discovery request and no registration before first use.
var resources = map[schema.GroupVersionKind]schema.GroupVersionResource{
	{Version: "v1", Kind: "Secret"}:                                          Secrets,
	{Version: "v1", Kind: "ConfigMap"}:                                       ConfigMaps,
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"}: RoleBindings,
	registry.GroupVersionKind:                                                registry.GroupVersionResource,
	{Group: "user.openshift.io", Version: "v1", Kind: "Group"}:               registry.OpenShiftGroupResource,
}

// Reader is what the domain packages read from a cluster.
type Reader interface {
	Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)
	List(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string) ([]unstructured.Unstructured, error)
	ListByName(ctx context.Context, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error)
}

// Writer is what the domain packages write to a cluster.
type Writer interface {
	Apply(ctx context.Context, obj runtime.Object, opts ApplyOptions) (*unstructured.Unstructured, error)
	// Update writes the object with its resourceVersion; a stale one fails with a 409 Conflict.
	Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
	Patch(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error)
	Delete(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error
	DeleteUnchanged(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (deleted bool, err error)
}

// Interface is what the lifecycle protocol asks of a cluster: *Client is the real one,
// kubefake.Cluster the one every package's tests use.
type Interface interface {
	Reader
	Writer
	WaitFrom(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
		observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error)) (*unstructured.Unstructured, error)
}

// Discovery tells whether the API server serves a resource, so an optional
// kind is not asked for (a request for a kind it does not serve can wait for
// the request's deadline).
type Discovery interface {
	Serves(gvr schema.GroupVersionResource) (bool, error)
}

// PagedLister reads a namespace's objects in pages, for the list resources.
type PagedLister interface {
	ListPaged(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string, pageSize int64,
		each func(items []unstructured.Unstructured)) error
}

// ExistingApplier applies onto an object that exists, never creating it (an
// OpenShift Group the operator owns).
type ExistingApplier interface {
	ApplyExisting(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured,
		set func(current *unstructured.Unstructured, desired *unstructured.Unstructured)) (*unstructured.Unstructured, error)
}

// Cluster is every way of the provider to a cluster, what providerdata hands
// the families; each function takes the smallest of the interfaces above it needs.
type Cluster interface {
	Interface
	Discovery
	PagedLister
	ExistingApplier
}

var _ Cluster = (*Client)(nil)

// Client is the provider's connection to one cluster.
type Client struct {
	dynamic    dynamic.Interface
	restConfig *rest.Config
	// credential is Config.Credential, named when the API server rejects it.
	credential string
	// noWatch holds the resources this client may not watch (a
	// schema.GroupVersionResource each): waits on them poll.
	noWatch sync.Map
	// served is what the API server serves, for reads of optional kinds.
	served served
	// retryBackoff bounds the pauses between attempts of a request.
	retryBackoff Backoff
}

// New connects to the cluster Config describes. It makes no request.
func New(cfg Config) (*Client, error) {
	restConfig, err := cfg.RESTConfig()
	if err != nil {
		return nil, err
	}
	client, err := NewForConfig(restConfig)
	if err != nil {
		return nil, err
	}
	client.credential = cfg.Credential
	return client, nil
}

// NewForConfig builds a client for a ready REST configuration. It makes no request.
func NewForConfig(restConfig *rest.Config) (*Client, error) {
	dyn, err := dynamic.NewForConfig(restConfig)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	return &Client{dynamic: dyn, restConfig: restConfig, retryBackoff: DefaultRetryBackoff()}, nil
}

// RESTConfig is the configuration the client was built from.
func (c *Client) RESTConfig() *rest.Config { return rest.CopyConfig(c.restConfig) }

// ResourceFor is the resource of a kind the provider writes.
func ResourceFor(gvk schema.GroupVersionKind) (schema.GroupVersionResource, error) {
	if gvr, ok := resources[gvk]; ok {
		return gvr, nil
	}
	return schema.GroupVersionResource{}, fmt.Errorf("no resource is known for kind %s", gvk)
}

// ToUnstructured converts a typed object into the form the dynamic client sends.
func ToUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	// A typed object always carries a null creationTimestamp; apply needs none.
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// FromUnstructured converts an object read through the dynamic client into a typed one.
func FromUnstructured(u *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into)
}

// ApplyOptions tune one server-side apply.
type ApplyOptions struct {
	// DryRun asks the server to validate and admit the object without storing it.
	DryRun bool
}

// Apply writes obj with server-side apply under FieldManager, taking back
// fields someone else changed. Transient failures are retried until ctx ends.
func (c *Client) Apply(ctx context.Context, obj runtime.Object, opts ApplyOptions) (*unstructured.Unstructured, error) {
	u, err := ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	gvr, err := ResourceFor(u.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	applyOpts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	if opts.DryRun {
		applyOpts.DryRun = []string{metav1.DryRunAll}
	}
	var out *unstructured.Unstructured
	err = c.retryIf(ctx, isApplyRetryable, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).Namespace(u.GetNamespace()).Apply(ctx, u.GetName(), u, applyOpts)
		return err
	})
	if err != nil {
		return nil, c.explain(err, gvr, u.GetNamespace(), u.GetName())
	}
	return out, nil
}

// Get reads one object; a missing object is reported with apierrors.IsNotFound.
func (c *Client) Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	var out *unstructured.Unstructured
	err := c.retry(ctx, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
		return err
	})
	if err != nil {
		return nil, c.explain(err, gvr, namespace, name)
	}
	return out, nil
}

// List reads the objects of a namespace ("" for all) matching a label selector.
func (c *Client) List(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string) ([]unstructured.Unstructured, error) {
	var out *unstructured.UnstructuredList
	err := c.retry(ctx, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: labelSelector})
		return err
	})
	if err != nil {
		return nil, c.explain(err, gvr, namespace, "")
	}
	return out.Items, nil
}

// ListPaged reads the objects of a namespace matching a label selector in
// pages of pageSize (LIST with limit and continue), so that a namespace with
// thousands of objects never comes back in one response; each page goes to
// each as it arrives.
func (c *Client) ListPaged(ctx context.Context, gvr schema.GroupVersionResource, namespace, labelSelector string, pageSize int64,
	each func(items []unstructured.Unstructured)) error {
	opts := metav1.ListOptions{LabelSelector: labelSelector, Limit: pageSize}
	for {
		var page *unstructured.UnstructuredList
		err := c.retry(ctx, func() error {
			var err error
			page, err = c.dynamic.Resource(gvr).Namespace(namespace).List(ctx, opts)
			return err
		})
		if err != nil {
			return c.explain(err, gvr, namespace, "")
		}
		each(page.Items)
		if page.GetContinue() == "" {
			return nil
		}
		opts.Continue = page.GetContinue()
	}
}

// WrittenByProvider tells whether the provider's field manager owns a field
// of an object, by the field's key in managedFields ("f:users", "f:my.yaml").
func WrittenByProvider(managedFields []metav1.ManagedFieldsEntry, fieldKey string) bool {
	for _, entry := range managedFields {
		if entry.Manager == FieldManager && entry.FieldsV1 != nil && strings.Contains(entry.FieldsV1.GetRawString(), strconv.Quote(fieldKey)) {
			return true
		}
	}
	return false
}

// Delete removes one object; it succeeds when the object is already gone. A
// non-empty uid makes sure only that incarnation of the object is deleted.
func (c *Client) Delete(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID) error {
	opts := metav1.DeleteOptions{}
	if uid != "" {
		opts.Preconditions = &metav1.Preconditions{UID: &uid}
	}
	err := c.retry(ctx, func() error {
		return c.dynamic.Resource(gvr).Namespace(namespace).Delete(ctx, name, opts)
	})
	if err == nil || apierrors.IsNotFound(err) || (uid != "" && apierrors.IsConflict(err)) {
		return nil
	}
	return c.explain(err, gvr, namespace, name)
}

// DeleteUnchanged removes one object only if it is still the incarnation uid
// at resourceVersion. deleted is false, without error, when the object changed
// or is gone meanwhile: the caller reads it again to decide.
func (c *Client) DeleteUnchanged(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, uid types.UID, resourceVersion string) (deleted bool, err error) {
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &resourceVersion}}
	err = c.retry(ctx, func() error {
		return c.dynamic.Resource(gvr).Namespace(namespace).Delete(ctx, name, opts)
	})
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return false, nil
	}
	return false, Explain(err, gvr, namespace, name)
}

// ApplyExisting writes obj with server-side apply under FieldManager onto the
// object of that name that exists now, never creating it: the apply carries
// the UID just read, which the API server refuses to create an object with,
// and its resourceVersion, so a concurrent change is read again and retried.
// A missing object is reported with apierrors.IsNotFound. set, when not nil,
// puts the fields to write on a copy of obj given the current object.
func (c *Client) ApplyExisting(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured,
	set func(current *unstructured.Unstructured, desired *unstructured.Unstructured),
) (*unstructured.Unstructured, error) {
	for attempt := 1; ; attempt++ {
		current, err := c.Get(ctx, gvr, obj.GetNamespace(), obj.GetName())
		if err != nil {
			return nil, err
		}
		desired := obj.DeepCopy()
		if set != nil {
			set(current, desired)
		}
		desired.SetUID(current.GetUID())
		desired.SetResourceVersion(current.GetResourceVersion())
		var out *unstructured.Unstructured
		err = c.retry(ctx, func() error {
			var err error
			out, err = c.dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Apply(ctx, obj.GetName(), desired,
				metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
			return err
		})
		switch {
		case err == nil:
			return out, nil
		case apierrors.IsConflict(err) && attempt < MaxAttempts && ctx.Err() == nil:
			continue
		}
		return nil, Explain(err, gvr, obj.GetNamespace(), obj.GetName())
	}
}

// Patch sends a JSON merge patch: it can remove fields another manager set, which apply cannot.
func (c *Client) Patch(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, patch []byte) (*unstructured.Unstructured, error) {
	var out *unstructured.Unstructured
	err := c.retry(ctx, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).Namespace(namespace).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
		return err
	})
	if err != nil {
		return nil, c.explain(err, gvr, namespace, name)
	}
	return out, nil
}

// PollIntervalMin and PollIntervalMax bound how often Wait reads an object when it cannot watch it.
// The interval starts short, because an operator that is up often answers
// within milliseconds (a deleted registry's finalizer), and doubles up to Max,
// so a long wait costs about as many reads as with a longer start.
const (
	PollIntervalMin = 50 * time.Millisecond
	PollIntervalMax = 2 * time.Second
)

// Wait reads an object until done says so, done fails, or ctx ends. It returns
// the last object read (nil when it is gone) so a timeout can say what it saw.
func (c *Client) Wait(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
	done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	return c.WaitFrom(ctx, gvr, namespace, name, nil, done)
}

// WaitFrom is Wait starting from an object the caller just wrote or read: it
// is judged first, and saves the first read.
//
// The wait watches the one object (a WATCH with a name field selector, from
// the resourceVersion last seen), so it sees each change as it happens for one
// request instead of a read per poll interval. When the watch cannot be opened
// or breaks, one read takes its place and the watch is opened again from that
// read; an identity that may not watch the resource (403) or a server that
// does not serve watches for it (405) makes every later wait of this client on
// that resource poll instead, without asking again.
func (c *Client) WaitFrom(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string,
	observed *unstructured.Unstructured, done func(obj *unstructured.Unstructured) (bool, error),
) (*unstructured.Unstructured, error) {
	w := &waiter{c: c, gvr: gvr, namespace: namespace, name: name, done: done, last: observed, interval: PollIntervalMin}
	if observed != nil {
		if finished, err := done(observed); err != nil || finished {
			return observed, err
		}
	} else if finished, err := w.read(ctx); err != nil || finished {
		return w.last, err
	}
	for {
		if c.pollOnly(gvr) {
			if finished, err := w.pollOnce(ctx); err != nil || finished {
				return w.last, err
			}
			continue
		}
		finished, err := w.watch(ctx)
		switch {
		case err == nil && finished:
			return w.last, nil
		case err == nil:
			// The watch ended (the server closes watches after a while, or the
			// resourceVersion was too old): read once and watch again from there.
		case errors.Is(err, errDone):
			return w.last, w.doneErr
		case ctx.Err() != nil:
			return w.last, ctx.Err()
		case apierrors.IsForbidden(err) || apierrors.IsMethodNotSupported(err):
			c.noWatch.Store(gvr, true)
		}
		// A watch that failed to open or broke: one read after a pause, which
		// keeps a server that fails every watch from being asked in a tight loop.
		if finished, err := w.pollOnce(ctx); err != nil || finished {
			return w.last, err
		}
	}
}

func (c *Client) pollOnly(gvr schema.GroupVersionResource) bool {
	_, ok := c.noWatch.Load(gvr)
	return ok
}

// errDone says done returned an error, kept in waiter.doneErr.
var errDone = errors.New("the wait's condition failed")

// waiter is the state of one WaitFrom.
type waiter struct {
	c               *Client
	gvr             schema.GroupVersionResource
	namespace, name string
	done            func(obj *unstructured.Unstructured) (bool, error)
	// last is the object as last seen, nil when it is gone.
	last *unstructured.Unstructured
	// resourceVersion is where the next watch starts: the last object's, or the
	// collection's when the object was not found.
	resourceVersion string
	interval        time.Duration
	doneErr         error
}

// pollOnce waits one interval, which doubles up to PollIntervalMax, and reads.
func (w *waiter) pollOnce(ctx context.Context) (bool, error) {
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-time.After(w.interval):
	}
	w.interval = min(w.interval*2, PollIntervalMax)
	return w.read(ctx)
}

// read gets the object and judges it.
func (w *waiter) read(ctx context.Context) (bool, error) {
	obj, err := w.c.Get(ctx, w.gvr, w.namespace, w.name)
	switch {
	case apierrors.IsNotFound(err):
		w.last, w.resourceVersion = nil, ""
	case err != nil:
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, err
	default:
		w.last = obj
	}
	return w.done(w.last)
}

// watch follows the object until done says so (true, nil), done fails
// (errDone), or the watch ends (false, nil) or cannot be opened (its error).
func (w *waiter) watch(ctx context.Context) (bool, error) {
	rv := w.resourceVersion
	if w.last != nil {
		rv = w.last.GetResourceVersion()
	}
	watcher, err := w.c.dynamic.Resource(w.gvr).Namespace(w.namespace).Watch(ctx, metav1.ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", w.name).String(),
		ResourceVersion: rv,
	})
	if err != nil {
		return false, err
	}
	defer watcher.Stop()
	for {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case event, open := <-watcher.ResultChan():
			if !open {
				return false, nil
			}
			switch event.Type {
			case watch.Added, watch.Modified, watch.Deleted:
				obj, ok := event.Object.(*unstructured.Unstructured)
				if !ok || obj.GetName() != w.name {
					continue
				}
				w.interval = PollIntervalMin
				if event.Type == watch.Deleted {
					w.last, w.resourceVersion = nil, obj.GetResourceVersion()
				} else {
					w.last = obj
				}
				finished, err := w.done(w.last)
				if err != nil {
					w.doneErr = err
					return false, errDone
				}
				if finished {
					return true, nil
				}
			case watch.Error:
				// 410 Gone (the resourceVersion is too old) and anything else
				// the server reports on the stream: read afresh and watch again.
				return false, nil
			}
		}
	}
}

// MaxAttempts bounds how often retry runs a request: with the backoff below
// a request that keeps failing gives up after about half a minute.
const MaxAttempts = 10

// retry runs fn until it succeeds, fails with a lasting error, has been tried
// MaxAttempts times, or ctx ends. Throttling, server errors, timeouts and
// dropped connections are transient.
func (c *Client) retry(ctx context.Context, fn func() error) error {
	return c.retryIf(ctx, IsTransient, fn)
}

// isApplyRetryable adds 409 Conflict to the transient errors of a server-side
// apply. A forced apply never conflicts on fields, so a 409 means the object
// changed between the server's read and write, or a create raced another one;
// an apply carries no resourceVersion, so sending it again applies it to the
// fresh object. Other requests keep 409 lasting: a delete with a UID
// precondition reports a different object with it.
func isApplyRetryable(err error) bool {
	return IsTransient(err) || apierrors.IsConflict(err)
}

// Backoff bounds the pause between two attempts of a request: it starts at Min
// and doubles up to Max.
type Backoff struct{ Min, Max time.Duration }

// DefaultRetryBackoff is the Backoff of a client built by New or NewForConfig.
func DefaultRetryBackoff() Backoff {
	return Backoff{Min: 100 * time.Millisecond, Max: 5 * time.Second}
}

func (c *Client) retryIf(ctx context.Context, retryable func(error) bool, fn func() error) error {
	delay := c.retryBackoff.Min
	_, hasDeadline := ctx.Deadline()
	var previous error
	for attempt := 1; ; attempt++ {
		err := fn()
		if err != nil && !retryable(err) && previous != nil && (ctx.Err() != nil || !isAPIStatus(err)) {
			// The deadline cut the last attempt short on the client (the rate
			// limiter refuses a wait past it): what kept failing says more.
			return previous
		}
		if err == nil || !retryable(err) {
			return err
		}
		previous = err
		// The operator restarts its webhook (v0.3.10 and later, when the cluster's
		// TLS profile changes): wait for it until the operation's timeout.
		waitsForWebhook := hasDeadline && IsWebhookUnreachable(err)
		if attempt >= MaxAttempts && !waitsForWebhook {
			return err
		}
		wait := delay
		if seconds, ok := apierrors.SuggestsClientDelay(err); ok && seconds > 0 {
			wait = time.Duration(seconds) * time.Second
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		delay = min(delay*2, c.retryBackoff.Max)
	}
}

// isAPIStatus tells an answer of the API server from an error of the client.
func isAPIStatus(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status)
}

// IsTransient reports whether repeating the request may succeed.
func IsTransient(err error) bool {
	if apierrors.IsNotFound(err) {
		// Also the plain "404 page not found" of a kind the server does not serve,
		// which client-go reports as an unexpected server response.
		return false
	}
	if apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
		apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err) || apierrors.IsUnexpectedServerError(err) {
		return true
	}
	if status, ok := err.(apierrors.APIStatus); ok {
		code := status.Status().Code
		return code == 502 || code == 503 || code == 504
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	return utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err)
}

// ListByName finds the objects of that name in every namespace.
func (c *Client) ListByName(ctx context.Context, gvr schema.GroupVersionResource, name string) ([]unstructured.Unstructured, error) {
	var out *unstructured.UnstructuredList
	err := c.retry(ctx, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		return err
	})
	if err != nil {
		return nil, c.explain(err, gvr, "", "")
	}
	return out.Items, nil
}

// Package router stands in for OpenShift's default router (the ingress controller "default") on
// the local control plane, where route.openshift.io/v1 Routes are a CRD and nothing serves them.
//
// What it models:
//   - Host allocation: a Route created without spec.host and without spec.subdomain gets
//     spec.host <name>-<namespace>.<domain>, as OpenShift's API server gives it at creation (here it
//     is written just after the create, so a watcher may see the Route without a host first).
//     With spec.subdomain the host is <subdomain>.<domain> and spec.host stays empty.
//   - Admission: the router reports each Route in status.ingress as
//     {host, routerName: "default", routerCanonicalHostname: router-default.<domain>,
//     wildcardPolicy, conditions: [{type: Admitted, status: "True", lastTransitionTime}]},
//     and reports it again when the host or the wildcard policy changes. Entries of other routers
//     are kept.
//
// What it does not model: no traffic is routed and no certificate is checked; a host claimed by an
// older Route in another namespace is admitted anyway (the real router answers HostAlreadyClaimed);
// route sharding by labels and wildcard admission policies are not looked at.
package router

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// RouteResource is route.openshift.io/v1 routes.
var RouteResource = schema.GroupVersionResource{Group: "route.openshift.io", Version: "v1", Resource: "routes"}

// Name is the router's name in status.ingress[].routerName: the default ingress controller's.
const Name = "default"

// Options configure Start.
type Options struct {
	// Domain is the apps domain hosts are made in; required.
	Domain string
	// Logf reports what the stand-in cannot do; silent when nil.
	Logf func(format string, args ...any)
}

// Router is a running router stand-in.
type Router struct {
	opts   Options
	client dynamic.Interface
	routes cache.GenericLister
	queue  workqueue.TypedRateLimitingInterface[types.NamespacedName]
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Start watches Routes and admits them; the Route CRD must be established. Call Stop.
func Start(ctx context.Context, config *rest.Config, opts Options) (*Router, error) {
	if opts.Domain == "" {
		return nil, fmt.Errorf("router stand-in: Options.Domain is required")
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	client, err := dynamic.NewForConfig(rest.CopyConfig(config))
	if err != nil {
		return nil, err
	}
	r := &Router{
		opts: opts, client: client,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[types.NamespacedName](),
			workqueue.TypedRateLimitingQueueConfig[types.NamespacedName]{Name: "router-standin"}),
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	factory := dynamicinformer.NewDynamicSharedInformerFactory(client, 0)
	informer := factory.ForResource(RouteResource)
	r.routes = informer.Lister()
	if _, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    r.enqueue,
		UpdateFunc: func(_, obj any) { r.enqueue(obj) },
	}); err != nil {
		cancel()
		return nil, err
	}
	factory.Start(runCtx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced) {
		cancel()
		factory.Shutdown()
		return nil, fmt.Errorf("router stand-in: Route informer not synced: %w", ctx.Err())
	}
	for range 2 {
		r.done.Go(func() {
			for r.processNext(runCtx) {
			}
		})
	}
	r.done.Go(func() {
		<-runCtx.Done()
		r.queue.ShutDown()
		factory.Shutdown()
	})
	return r, nil
}

// Stop stops admitting Routes and waits for the workers.
func (r *Router) Stop() {
	r.cancel()
	r.done.Wait()
}

// Host is the host the router admits a Route without spec.host under.
func Host(name, namespace, domain string) string {
	return name + "-" + namespace + "." + domain
}

func (r *Router) enqueue(obj any) {
	if route, ok := obj.(*unstructured.Unstructured); ok {
		r.queue.Add(types.NamespacedName{Namespace: route.GetNamespace(), Name: route.GetName()})
	}
}

func (r *Router) processNext(ctx context.Context) bool {
	key, shutdown := r.queue.Get()
	if shutdown {
		return false
	}
	defer r.queue.Done(key)
	if err := r.sync(ctx, key); err != nil {
		if ctx.Err() != nil {
			return true
		}
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			r.opts.Logf("router stand-in: Route %s: %v", key, err)
		}
		r.queue.AddRateLimited(key)
		return true
	}
	r.queue.Forget(key)
	return true
}

func (r *Router) sync(ctx context.Context, key types.NamespacedName) error {
	obj, err := r.routes.ByNamespace(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	cached, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("informer holds a %T, not a Route", obj)
	}
	if cached.GetDeletionTimestamp() != nil {
		return nil
	}
	route := cached.DeepCopy()
	routes := r.client.Resource(RouteResource).Namespace(key.Namespace)

	host, _, _ := unstructured.NestedString(route.Object, "spec", "host")
	subdomain, _, _ := unstructured.NestedString(route.Object, "spec", "subdomain")
	switch {
	case host != "":
	case subdomain != "":
		host = subdomain + "." + r.opts.Domain
	default:
		host = Host(route.GetName(), route.GetNamespace(), r.opts.Domain)
		if err := unstructured.SetNestedField(route.Object, host, "spec", "host"); err != nil {
			return err
		}
		// The update's event brings the Route back with its host, to be admitted then.
		_, err := routes.Update(ctx, route, metav1.UpdateOptions{})
		return err
	}
	wildcardPolicy, _, _ := unstructured.NestedString(route.Object, "spec", "wildcardPolicy")
	if wildcardPolicy == "" {
		wildcardPolicy = "None"
	}

	ingress, _, _ := unstructured.NestedSlice(route.Object, "status", "ingress")
	kept := make([]any, 0, len(ingress)+1)
	for _, entry := range ingress {
		fields, ok := entry.(map[string]any)
		if !ok || fields["routerName"] != Name {
			kept = append(kept, entry)
			continue
		}
		if fields["host"] == host && fields["wildcardPolicy"] == wildcardPolicy && admitted(fields) {
			return nil
		}
	}
	kept = append(kept, map[string]any{
		"host":                    host,
		"routerName":              Name,
		"routerCanonicalHostname": "router-" + Name + "." + r.opts.Domain,
		"wildcardPolicy":          wildcardPolicy,
		"conditions": []any{map[string]any{
			"type": "Admitted", "status": "True",
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
		}},
	})
	if err := unstructured.SetNestedSlice(route.Object, kept, "status", "ingress"); err != nil {
		return err
	}
	_, err = routes.UpdateStatus(ctx, route, metav1.UpdateOptions{})
	return err
}

func admitted(ingress map[string]any) bool {
	conditions, _ := ingress["conditions"].([]any)
	for _, c := range conditions {
		if condition, ok := c.(map[string]any); ok && condition["type"] == "Admitted" && condition["status"] == "True" {
			return true
		}
	}
	return false
}

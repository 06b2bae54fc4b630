package catalog

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

// ConfigMaps is the core ConfigMap resource.
var ConfigMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// Cluster is what the catalog reads and writes: the kube interfaces.
type Cluster interface {
	kube.Reader
	kube.Writer
}

// NotDeployedError means the namespace has no ConfigMap of the user's sources
// (model-catalog-sources or mcp-catalog-sources).
type NotDeployedError struct {
	Namespace string
	// ConfigMap is the missing ConfigMap; "" reads as model-catalog-sources.
	ConfigMap string
}

func (e *NotDeployedError) Error() string {
	name := e.ConfigMap
	if name == "" {
		name = UserSourcesConfigMap
	}
	return fmt.Sprintf("the model catalog is not deployed in namespace %q: ConfigMap %s does not exist. "+
		"The model registry operator creates it when the model registry component is enabled: set "+
		"spec.components.modelregistry.managementState to Managed in the DataScienceCluster (for example "+
		"`oc patch datasciencecluster default-dsc --type merge -p '{\"spec\":{\"components\":{\"modelregistry\":{\"managementState\":\"Managed\"}}}}'`) "+
		"and wait for the operator, or set namespace to the registries namespace. The provider never creates the operator's ConfigMaps",
		e.Namespace, name)
}

// IsNotDeployed tells whether err is a NotDeployedError.
func IsNotDeployed(err error) bool {
	var nd *NotDeployedError
	return errors.As(err, &nd)
}

// GetConfigMap reads a ConfigMap; a missing one is reported with apierrors.IsNotFound.
func GetConfigMap(ctx context.Context, c kube.Reader, namespace, name string) (*corev1.ConfigMap, error) {
	u, err := c.Get(ctx, ConfigMaps, namespace, name)
	if err != nil {
		return nil, err
	}
	return FromObject(u)
}

// FromObject converts a ConfigMap read through the dynamic client.
func FromObject(u *unstructured.Unstructured) (*corev1.ConfigMap, error) {
	var cm corev1.ConfigMap
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &cm); err != nil {
		return nil, fmt.Errorf("reading ConfigMap %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	return &cm, nil
}

// UserSources reads a ConfigMap of the user's sources (model-catalog-sources,
// mcp-catalog-sources); a missing one is a NotDeployedError.
func UserSources(ctx context.Context, c kube.Reader, namespace, name string) (*corev1.ConfigMap, error) {
	cm, err := GetConfigMap(ctx, c, namespace, name)
	if apierrors.IsNotFound(err) {
		return nil, &NotDeployedError{Namespace: namespace, ConfigMap: name}
	}
	return cm, err
}

// ShippedSources reads the operator's ConfigMap of shipped sources under
// either of its names; nil when the namespace has neither.
func ShippedSources(ctx context.Context, c kube.Reader, namespace string) (*corev1.ConfigMap, error) {
	for _, name := range ShippedConfigMaps {
		cm, err := GetConfigMap(ctx, c, namespace, name)
		if apierrors.IsNotFound(err) {
			continue
		}
		return cm, err
	}
	return nil, nil
}

// ModifyResult says what Modify did.
type ModifyResult struct {
	// Conflicts counts the updates that found the ConfigMap changed since it was read, and were redone.
	Conflicts int
	// Written is false when the change left the ConfigMap as it was.
	Written bool
	// Batched is how many changes, this one included, the write that landed it carried.
	Batched int
}

// Batches is where the Modify calls of one provider process wait for their
// ConfigMap's write; its zero value is ready. The provider keeps one per
// configured provider (providerdata.Data), so no state outlives it.
type Batches struct {
	mu     sync.Mutex
	groups map[groupKey]*group
}

// Modify applies change to a fresh read of the ConfigMap name (the user's
// sources: model-catalog-sources or mcp-catalog-sources) and updates it
// with the resourceVersion it read. When someone else wrote in between (409
// Conflict) it reads and changes again, until ctx ends: parallel writers all
// land and none undoes another's change. An error from change writes nothing
// of that change.
//
// Every source of a kind lives in this one ConfigMap, so the resources of
// one apply that Terraform runs in parallel all write it. Calls of one process
// (calls on the same Batches) for the same cluster, namespace and ConfigMap therefore commit together: while one
// read-change-update is in flight the others queue, and the next update
// carries every queued change, applied one after the other to one read. A
// change that fails is left out and its caller alone gets the error. A caller
// whose ctx ends before its change is written is left out too; once an update
// carrying it is sent, the caller waits for the answer, so a change is never
// reported failed when it landed.
func (b *Batches) Modify(ctx context.Context, c Cluster, namespace, name string, change func(cm *corev1.ConfigMap) error) (ModifyResult, error) {
	p := &pending{ctx: ctx, change: change, done: make(chan struct{})}
	b.enqueue(groupKey{c: c, namespace: namespace, name: name}, p)
	<-p.done
	return p.result, p.err
}

// pending is one Modify call waiting for its change to be committed.
type pending struct {
	ctx    context.Context
	change func(cm *corev1.ConfigMap) error
	done   chan struct{}
	result ModifyResult
	err    error
	// changed is whether the change altered the ConfigMap in the current attempt.
	changed bool
}

func (p *pending) finish(err error) {
	p.err = err
	close(p.done)
}

type groupKey struct {
	c         Cluster
	namespace string
	name      string
}

// group is the queue of one ConfigMap of one cluster; running
// says a committer goroutine is draining it.
type group struct {
	queue   []*pending
	running bool
}

func (b *Batches) enqueue(key groupKey, p *pending) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.groups == nil {
		b.groups = map[groupKey]*group{}
	}
	g := b.groups[key]
	if g == nil {
		g = &group{}
		b.groups[key] = g
	}
	g.queue = append(g.queue, p)
	if !g.running {
		g.running = true
		go b.commitAll(key, g)
	}
}

// commitAll commits the queue batch after batch until it is empty.
func (b *Batches) commitAll(key groupKey, g *group) {
	for {
		b.mu.Lock()
		batch := g.queue
		g.queue = nil
		if len(batch) == 0 {
			g.running = false
			delete(b.groups, key)
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		commit(key, batch)
	}
}

// commit writes one batch: read, apply each change in order, update; on a
// conflict, again from a fresh read.
func commit(key groupKey, batch []*pending) {
	conflicts := 0
	backoff := 10 * time.Millisecond
	for {
		live := batch[:0]
		for _, p := range batch {
			switch {
			case p.ctx.Err() != nil && conflicts > 0:
				p.result.Conflicts = conflicts
				p.finish(fmt.Errorf("ConfigMap %s/%s kept changing: %d updates found it modified by another request before the timeout (%w)",
					key.namespace, key.name, conflicts, p.ctx.Err()))
			case p.ctx.Err() != nil:
				p.finish(p.ctx.Err())
			default:
				live = append(live, p)
			}
		}
		batch = live
		if len(batch) == 0 {
			return
		}
		ctx, cancel := whileAnyWaits(batch)
		err := attempt(ctx, key, &batch)
		cancel()
		switch {
		case err == nil:
			for _, p := range batch {
				p.result = ModifyResult{Conflicts: conflicts, Written: p.changed, Batched: len(batch)}
				p.finish(nil)
			}
			return
		case !apierrors.IsConflict(err):
			for _, p := range batch {
				p.result.Conflicts = conflicts
				p.finish(err)
			}
			return
		}
		conflicts++
		// A random wait spreads the writers that lost the same race.
		ctx, cancel = whileAnyWaits(batch)
		select {
		case <-ctx.Done():
		case <-time.After(backoff/2 + rand.N(backoff)):
		}
		cancel()
		backoff = min(backoff*2, 500*time.Millisecond)
	}
}

// attempt reads the ConfigMap, applies the batch's changes and updates it.
// Changes that fail are finished with their error and taken out of the batch.
func attempt(ctx context.Context, key groupKey, batch *[]*pending) error {
	cm, err := UserSources(ctx, key.c, key.namespace, key.name)
	if err != nil {
		return err
	}
	original := cm.DeepCopy()
	kept := (*batch)[:0]
	for _, p := range *batch {
		trial := cm.DeepCopy()
		if err := p.change(trial); err != nil {
			p.finish(err)
			continue
		}
		p.changed = !sameData(cm, trial)
		cm = trial
		kept = append(kept, p)
	}
	*batch = kept
	if len(kept) == 0 || sameData(original, cm) {
		return nil
	}
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(cm)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	_, err = key.c.Update(ctx, u)
	if apierrors.IsNotFound(err) {
		return &NotDeployedError{Namespace: key.namespace, ConfigMap: key.name}
	}
	return err
}

func sameData(a, b *corev1.ConfigMap) bool {
	return reflect.DeepEqual(a.Data, b.Data) && reflect.DeepEqual(a.BinaryData, b.BinaryData)
}

// whileAnyWaits is a context that ends when every caller's has ended. It keeps
// the first caller's values (its logger).
func whileAnyWaits(batch []*pending) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(batch[0].ctx))
	callers := make([]context.Context, len(batch))
	for i, p := range batch {
		callers[i] = p.ctx
	}
	go func() {
		for _, caller := range callers {
			select {
			case <-caller.Done():
			case <-ctx.Done():
				return
			}
		}
		cancel()
	}()
	return ctx, cancel
}

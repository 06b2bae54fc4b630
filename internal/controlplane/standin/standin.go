// Package standin is an operator stand-in for tests: a small controller that plays the
// model-registry operator's part on a local control plane. It is NOT the operator. It adds
// the finalizer, creates the user Role, Group and RoleBinding, reports status conditions and
// cleans up on deletion, so the provider can be exercised end to end without a cluster.
//
// There is no garbage collector on the local control plane (no kube-controller-manager), so
// owner references do not cascade: objects owned by a deleted registry stay unless someone
// deletes them. The stand-in deletes the Role and RoleBinding it made itself.
package standin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Host rules of the stand-in, matched against spec.mysql.host.
const (
	// InvalidHostSuffix makes a registry fail with Available=False, reason ConfigurationError,
	// as the operator does when the database host does not resolve.
	InvalidHostSuffix = ".invalid"
	// DefaultNeverReadyHostSuffix makes a registry stay Available=False, reason DeploymentUnavailable.
	DefaultNeverReadyHostSuffix = ".stall.test"
	// DefaultReadyDelay is how long a registry takes to become available.
	DefaultReadyDelay = 300 * time.Millisecond

	// FieldManager names the stand-in's writes.
	FieldManager = "model-registry-operator-standin"

	reasonFinalizing         = "Finalizing"
	reasonUpdatingDeployment = "UpdatingDeployment"
)

// Options configure the stand-in. The zero value is ready to use.
type Options struct {
	// ReadyDelay is the time from a registry's creation or spec change to its final status;
	// DefaultReadyDelay when zero.
	ReadyDelay time.Duration
	// NeverReadyHostSuffix: registries whose database host ends with it never become available;
	// DefaultNeverReadyHostSuffix when empty.
	NeverReadyHostSuffix string
	// Workers process registries concurrently; 4 when zero.
	Workers int
	// Logf reports errors the stand-in retries; silent when nil. It is called until Stop, so
	// pass t.Logf only when Stop runs before that test ends (t.Cleanup), else log.Printf.
	Logf func(format string, args ...any)
}

// StandIn is a running operator stand-in.
type StandIn struct {
	opts     Options
	dynamic  dynamic.Interface
	kube     kubernetes.Interface
	informer cache.SharedIndexInformer
	queue    workqueue.TypedRateLimitingInterface[string]
	cancel   context.CancelFunc
	done     sync.WaitGroup
	stopOnce sync.Once

	mu      sync.Mutex
	ignored map[string]bool
	seen    map[string]*registryState
}

// registryState is what the stand-in remembers of a registry between reconciles.
type registryState struct {
	uid        types.UID
	generation int64
	readyAt    time.Time
}

// Start watches ModelRegistries (v1beta1) in all namespaces until Stop or ctx is done.
// It returns once its cache is synced.
func Start(ctx context.Context, config *rest.Config, opts Options) (*StandIn, error) {
	if opts.ReadyDelay == 0 {
		opts.ReadyDelay = DefaultReadyDelay
	}
	if opts.NeverReadyHostSuffix == "" {
		opts.NeverReadyHostSuffix = DefaultNeverReadyHostSuffix
	}
	if opts.Workers == 0 {
		opts.Workers = 4
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	config = rest.CopyConfig(config)
	config.QPS, config.Burst = 1000, 2000
	config.UserAgent = FieldManager
	dynamicClient, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	kubeClient, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &StandIn{
		opts:    opts,
		dynamic: dynamicClient,
		kube:    kubeClient,
		cancel:  cancel,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "model-registry-standin"}),
		ignored: map[string]bool{},
		seen:    map[string]*registryState{},
	}
	factory := dynamicinformer.NewDynamicSharedInformerFactory(dynamicClient, 0)
	s.informer = factory.ForResource(registry.GroupVersionResource).Informer()
	if _, err := s.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: s.enqueue,
		UpdateFunc: func(oldObj, newObj any) {
			// Resyncs deliver unchanged objects; skip those. Anything that is not an object
			// (never expected from this informer) is enqueued, and enqueue reports it.
			oldMeta, oldOK := oldObj.(metav1.Object)
			newMeta, newOK := newObj.(metav1.Object)
			if !oldOK || !newOK || oldMeta.GetResourceVersion() != newMeta.GetResourceVersion() {
				s.enqueue(newObj)
			}
		},
		DeleteFunc: s.enqueue,
	}); err != nil {
		cancel()
		return nil, err
	}
	factory.Start(ctx.Done())
	syncCtx, syncCancel := context.WithTimeout(ctx, 30*time.Second)
	defer syncCancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), s.informer.HasSynced) {
		cancel()
		factory.Shutdown()
		return nil, fmt.Errorf("operator stand-in: ModelRegistry informer did not sync in 30s; is the %s CRD installed?", registry.Resource)
	}
	for range opts.Workers {
		s.done.Add(1)
		go func() {
			defer s.done.Done()
			for s.processNext(ctx) {
			}
		}()
	}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		<-ctx.Done()
		s.queue.ShutDown()
		factory.Shutdown()
	}()
	return s, nil
}

// Stop stops the stand-in and waits for its workers. Registries keep their finalizer:
// deleting one afterwards hangs, as it does when the real operator is gone.
func (s *StandIn) Stop() {
	s.stopOnce.Do(func() {
		s.cancel()
		s.done.Wait()
	})
}

// Ignore makes the stand-in leave registry namespace/name alone (no finalizer handling, no
// status), simulating an operator that is down for that registry only.
func (s *StandIn) Ignore(namespace, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignored[namespace+"/"+name] = true
}

// Unignore undoes Ignore and reconciles the registry right away.
func (s *StandIn) Unignore(namespace, name string) {
	key := namespace + "/" + name
	s.mu.Lock()
	delete(s.ignored, key)
	s.mu.Unlock()
	s.queue.Add(key)
}

func (s *StandIn) isIgnored(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ignored[key]
}

func (s *StandIn) enqueue(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		s.opts.Logf("operator stand-in: %v", err)
		return
	}
	s.queue.Add(key)
}

func (s *StandIn) processNext(ctx context.Context) bool {
	key, shutdown := s.queue.Get()
	if shutdown {
		return false
	}
	defer s.queue.Done(key)
	if err := s.reconcile(ctx, key); err != nil {
		if ctx.Err() == nil && !apierrors.IsConflict(err) {
			s.opts.Logf("operator stand-in: registry %s: %v (retrying)", key, err)
		}
		s.queue.AddRateLimited(key)
		return true
	}
	s.queue.Forget(key)
	return true
}

func (s *StandIn) reconcile(ctx context.Context, key string) error {
	obj, exists, err := s.informer.GetIndexer().GetByKey(key)
	if err != nil {
		return err
	}
	if !exists {
		s.forget(key)
		return nil
	}
	if s.isIgnored(key) {
		return nil
	}
	mr, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("informer cache holds a %T for %s, want *unstructured.Unstructured", obj, key)
	}
	if mr.GetDeletionTimestamp() != nil {
		return s.finalize(ctx, key, mr)
	}
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		if mr, err = s.setFinalizers(ctx, mr, append(slices.Clone(mr.GetFinalizers()), registry.Finalizer)); err != nil {
			return fmt.Errorf("add finalizer: %w", err)
		}
	}

	s.mu.Lock()
	state := s.seen[key]
	if state == nil || state.uid != mr.GetUID() {
		state = &registryState{uid: mr.GetUID()}
		s.seen[key] = state
	}
	createObjects := state.generation == 0
	s.mu.Unlock()
	if createObjects {
		if err := s.createUserAccess(ctx, mr); err != nil {
			return err
		}
	}

	s.mu.Lock()
	specChanged := state.generation != mr.GetGeneration()
	isUpdate := state.generation != 0
	if specChanged {
		state.generation = mr.GetGeneration()
		state.readyAt = time.Now().Add(s.opts.ReadyDelay)
	}
	wait := time.Until(state.readyAt)
	s.mu.Unlock()

	if specChanged && isUpdate {
		if err := s.patchStatus(ctx, mr, s.updatingStatus(mr)); err != nil {
			return err
		}
	}
	if wait > 0 {
		s.queue.AddAfter(key, wait)
		return nil
	}
	desired := s.settledStatus(mr)
	if statusMatches(mr, desired) {
		return nil
	}
	return s.patchStatus(ctx, mr, desired)
}

func (s *StandIn) forget(key string) {
	s.mu.Lock()
	delete(s.seen, key)
	s.mu.Unlock()
}

// createUserAccess creates the Role, Group and RoleBinding the operator makes for a registry.
// It creates rather than applies so that it never undoes what a test changed afterwards.
func (s *StandIn) createUserAccess(ctx context.Context, mr *unstructured.Unstructured) error {
	name, namespace := mr.GetName(), mr.GetNamespace()
	owner := []metav1.OwnerReference{*metav1.NewControllerRef(mr, registry.GroupVersionKind)}
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{
			Name: registry.UserRoleName(name), Namespace: namespace,
			Labels: registry.CommonLabels(name), OwnerReferences: owner,
		},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"services", "endpoints"},
			ResourceNames: []string{name}, Verbs: []string{"get"},
		}},
	}
	if _, err := s.kube.RbacV1().Roles(namespace).Create(ctx, role, metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create Role %s: %w", role.Name, err)
	}
	group := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "user.openshift.io/v1", "kind": "Group",
		"metadata": map[string]any{"name": registry.UsersGroupName(name), "labels": toAny(registry.CommonLabels(name))},
		"users":    []any{},
	}}
	if _, err := s.dynamic.Resource(registry.OpenShiftGroupResource).Create(ctx, group, metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create Group %s: %w", group.GetName(), err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: registry.UsersGroupName(name), Namespace: namespace,
			Labels: registry.CommonLabels(name), OwnerReferences: owner,
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(name)},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: registry.UsersGroupName(name)}},
	}
	if _, err := s.kube.RbacV1().RoleBindings(namespace).Create(ctx, binding, metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create RoleBinding %s: %w", binding.Name, err)
	}
	return nil
}

// finalize does what the operator does when a registry is deleted, then lets it go.
func (s *StandIn) finalize(ctx context.Context, key string, mr *unstructured.Unstructured) error {
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		s.forget(key)
		return nil
	}
	name, namespace := mr.GetName(), mr.GetNamespace()
	finalizing := withCondition(currentConditions(mr), condition{
		Type: registry.ConditionDegraded, Status: "True", Reason: reasonFinalizing,
		Message: fmt.Sprintf("Model registry %s is being deleted", name),
	})
	if err := s.patchStatus(ctx, mr, status{Conditions: finalizing, Hosts: currentHosts(mr)}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	ignoreNotFound := func(err error) error {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if err := ignoreNotFound(s.dynamic.Resource(registry.OpenShiftGroupResource).Delete(ctx, registry.UsersGroupName(name), metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("delete Group %s: %w", registry.UsersGroupName(name), err)
	}
	// No garbage collector runs here, so the owned objects are deleted by hand.
	if err := ignoreNotFound(s.kube.RbacV1().RoleBindings(namespace).Delete(ctx, registry.UsersGroupName(name), metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("delete RoleBinding %s: %w", registry.UsersGroupName(name), err)
	}
	if err := ignoreNotFound(s.kube.RbacV1().Roles(namespace).Delete(ctx, registry.UserRoleName(name), metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("delete Role %s: %w", registry.UserRoleName(name), err)
	}
	// The status patch moved the resourceVersion on; read the object again for the finalizer patch.
	fresh, err := s.dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		s.forget(key)
		return nil
	}
	if err != nil {
		return err
	}
	remaining := slices.DeleteFunc(slices.Clone(fresh.GetFinalizers()), func(f string) bool { return f == registry.Finalizer })
	if _, err := s.setFinalizers(ctx, fresh, remaining); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("remove finalizer: %w", err)
	}
	s.forget(key)
	return nil
}

// setFinalizers replaces the finalizer list, guarded by the resourceVersion it was computed from.
func (s *StandIn) setFinalizers(ctx context.Context, mr *unstructured.Unstructured, finalizers []string) (*unstructured.Unstructured, error) {
	if finalizers == nil {
		finalizers = []string{}
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"finalizers": finalizers, "resourceVersion": mr.GetResourceVersion(),
	}})
	if err != nil {
		return nil, err
	}
	return s.dynamic.Resource(registry.GroupVersionResource).Namespace(mr.GetNamespace()).
		Patch(ctx, mr.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
}

type condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason"`
	Message            string `json:"message"`
	LastTransitionTime string `json:"lastTransitionTime"`
}

type status struct {
	Conditions []condition `json:"conditions"`
	Hosts      []string    `json:"hosts"`
	HostsStr   string      `json:"hostsStr"`
}

func hosts(mr *unstructured.Unstructured) []string {
	name, namespace := mr.GetName(), mr.GetNamespace()
	return []string{name + "." + namespace + ".svc.cluster.local", name + "." + namespace, name}
}

// settledStatus is the status once the deployment has had ReadyDelay to roll out.
func (s *StandIn) settledStatus(mr *unstructured.Unstructured) status {
	name := mr.GetName()
	host, _, _ := unstructured.NestedString(mr.Object, "spec", "mysql", "host")
	available := condition{
		Type: registry.ConditionAvailable, Status: "True", Reason: registry.ReasonDeploymentAvailable,
		Message: fmt.Sprintf("Deployment for model registry %s is available", name),
	}
	switch {
	case strings.HasSuffix(host, InvalidHostSuffix):
		available = condition{
			Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonConfigurationError,
			Message: fmt.Sprintf("database configuration error: dial tcp: lookup %s: no such host", host),
		}
	case strings.HasSuffix(host, s.opts.NeverReadyHostSuffix):
		available = condition{
			Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonDeploymentUnavailable,
			Message: fmt.Sprintf("Deployment for model registry %s is not available", name),
		}
	}
	if old := findCondition(currentConditions(mr), available.Type); old != nil && old.Status == available.Status {
		available.LastTransitionTime = old.LastTransitionTime
	}
	// Progressing is dropped: the rollout is over.
	conditions := withCondition(nil, available)
	all := hosts(mr)
	return status{Conditions: conditions, Hosts: all, HostsStr: strings.Join(all, ",")}
}

// updatingStatus is the status while a spec change rolls out. A registry that was failing is
// reported unavailable rather than still failing, so nobody mistakes the old error for the
// verdict on the new spec.
func (s *StandIn) updatingStatus(mr *unstructured.Unstructured) status {
	conditions := withCondition(currentConditions(mr), condition{
		Type: registry.ConditionProgressing, Status: "True", Reason: reasonUpdatingDeployment,
		Message: fmt.Sprintf("Updating deployment for model registry %s", mr.GetName()),
	})
	if available := findCondition(conditions, registry.ConditionAvailable); available != nil && available.Status != "True" {
		conditions = withCondition(conditions, condition{
			Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonDeploymentUnavailable,
			Message: fmt.Sprintf("Deployment for model registry %s is not available", mr.GetName()),
		})
	}
	all := hosts(mr)
	return status{Conditions: conditions, Hosts: all, HostsStr: strings.Join(all, ",")}
}

func (s *StandIn) patchStatus(ctx context.Context, mr *unstructured.Unstructured, desired status) error {
	if desired.HostsStr == "" {
		desired.HostsStr = strings.Join(desired.Hosts, ",")
	}
	patch, err := json.Marshal(map[string]any{"status": desired})
	if err != nil {
		return err
	}
	_, err = s.dynamic.Resource(registry.GroupVersionResource).Namespace(mr.GetNamespace()).
		Patch(ctx, mr.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager}, "status")
	if err != nil {
		return fmt.Errorf("patch status: %w", err)
	}
	return nil
}

// withCondition sets c in conditions by type, keeping the transition time when the status
// did not change, and returns the new list.
func withCondition(conditions []condition, c condition) []condition {
	out := slices.Clone(conditions)
	if old := findCondition(out, c.Type); old != nil {
		if old.Status == c.Status && old.LastTransitionTime != "" {
			c.LastTransitionTime = old.LastTransitionTime
		}
		if c.LastTransitionTime == "" {
			c.LastTransitionTime = now()
		}
		*old = c
		return out
	}
	if c.LastTransitionTime == "" {
		c.LastTransitionTime = now()
	}
	return append(out, c)
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

func findCondition(conditions []condition, conditionType string) *condition {
	for i := range conditions {
		if conditions[i].Type == conditionType {
			return &conditions[i]
		}
	}
	return nil
}

func currentConditions(mr *unstructured.Unstructured) []condition {
	raw, _, _ := unstructured.NestedSlice(mr.Object, "status", "conditions")
	var conditions []condition
	for _, item := range raw {
		m, _ := item.(map[string]any)
		str := func(k string) string { v, _ := m[k].(string); return v }
		conditions = append(conditions, condition{
			Type: str("type"), Status: str("status"), Reason: str("reason"),
			Message: str("message"), LastTransitionTime: str("lastTransitionTime"),
		})
	}
	return conditions
}

func currentHosts(mr *unstructured.Unstructured) []string {
	h, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts")
	return h
}

// statusMatches ignores transition times: only a change of meaning is worth a write.
func statusMatches(mr *unstructured.Unstructured, desired status) bool {
	current := currentConditions(mr)
	if len(current) != len(desired.Conditions) || !slices.Equal(currentHosts(mr), desired.Hosts) {
		return false
	}
	for i, c := range desired.Conditions {
		o := current[i]
		if o.Type != c.Type || o.Status != c.Status || o.Reason != c.Reason || o.Message != c.Message {
			return false
		}
	}
	hostsStr, _, _ := unstructured.NestedString(mr.Object, "status", "hostsStr")
	return hostsStr == desired.HostsStr
}

func toAny(labels map[string]string) map[string]any {
	out := make(map[string]any, len(labels))
	for k, v := range labels {
		out[k] = v
	}
	return out
}

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// Summaries of the failures, as Terraform shows them.
const (
	SummaryCreate    = "Cannot create the model registry"
	SummaryUpdate    = "Cannot update the model registry"
	SummaryDelete    = "Cannot delete the model registry"
	SummaryRead      = "Cannot read the model registry"
	SummaryRejected  = "The API server rejected the model registry"
	SummaryNameTaken = "Model registry already exists"
)

// cleanupTimeout bounds the writes that end or undo a create: they run on their
// own deadline because the create's may be what ran out.
const cleanupTimeout = time.Minute

// Registries answers the plan-time list of every registry by name, which a
// provider process makes once; nil means list afresh.
type Registries interface {
	RegistriesByName(ctx context.Context) (map[string][]unstructured.Unstructured, error)
}

// Protocol runs the writes of registries on one cluster.
type Protocol struct {
	Client kube.Interface
	// Known is the process's list of registries by name; may be nil.
	Known Registries
	// Log receives what a person debugging an apply wants to know; may be nil.
	Log func(ctx context.Context, msg string, fields map[string]any)
}

func (p *Protocol) log(ctx context.Context, msg string, fields map[string]any) {
	if p.Log != nil {
		p.Log(ctx, msg, fields)
	}
}

// written is one object of a create, with what deleting it needs.
type written struct {
	kind string
	gvr  schema.GroupVersionResource
	obj  runtime.Object
	meta metav1.Object
}

// inWriteOrder lists the objects in the order they are written: the password
// Secret and CA ConfigMap first, so the operator finds them.
func inWriteOrder(objs registry.Objects) []written {
	var out []written
	if objs.Secret != nil {
		out = append(out, written{"Secret", kube.Secrets, objs.Secret, objs.Secret})
	}
	if objs.CAConfigMap != nil {
		out = append(out, written{"ConfigMap", kube.ConfigMaps, objs.CAConfigMap, objs.CAConfigMap})
	}
	return append(out, written{registry.Kind, registry.GroupVersionResource, objs.Registry, objs.Registry})
}

func describe(objects []written) string {
	if len(objects) == 0 {
		return "nothing"
	}
	parts := make([]string, 0, len(objects))
	for _, w := range objects {
		parts = append(parts, w.kind+" "+w.meta.GetName())
	}
	return strings.Join(parts, ", ")
}

// NameTaken is the problem of a registry name another registry has.
func NameTaken(obj unstructured.Unstructured) *Problem {
	return &Problem{Summary: SummaryNameTaken, NameTaken: true, Detail: fmt.Sprintf(
		"A model registry named %q already exists in namespace %q, and registry names are unique across the cluster. "+
			"Choose another resource_name, or bring it under Terraform with:\n  terraform import <address> %s/%s",
		obj.GetName(), obj.GetNamespace(), obj.GetNamespace(), obj.GetName())}
}

// CheckNameElsewhere fails a create whose name a registry in another namespace
// has: names are unique across the cluster. It answers from the process's list
// (Terraform plans each resource again right before applying it) and lists
// afresh only when that list failed; each registry found is confirmed with a
// read, since the one an apply replaces to move it may be gone by now. The
// registry's own namespace is checked by the dry run of Create.
func (p *Protocol) CheckNameElsewhere(ctx context.Context, desired registry.Registry) error {
	var sameName []unstructured.Unstructured
	var err error
	var byName map[string][]unstructured.Unstructured
	if p.Known != nil {
		byName, err = p.Known.RegistriesByName(ctx)
	}
	if p.Known != nil && err == nil {
		sameName = byName[desired.Name]
	} else if sameName, err = p.Client.ListByName(ctx, registry.GroupVersionResource, desired.Name); err != nil {
		return problem(SummaryCreate, err)
	}
	var problems []error
	for _, obj := range sameName {
		if obj.GetNamespace() != desired.Namespace && p.StillExists(ctx, obj) {
			problems = append(problems, NameTaken(obj))
		}
	}
	return errors.Join(problems...)
}

// StillExists tells whether a listed registry is still there; when the cluster
// cannot say, it assumes it is.
func (p *Protocol) StillExists(ctx context.Context, obj unstructured.Unstructured) bool {
	_, err := p.Client.Get(ctx, registry.GroupVersionResource, obj.GetNamespace(), obj.GetName())
	return !apierrors.IsNotFound(err) || kube.IsMissingResourceType(err)
}

// Created is the outcome of a create that left the registry on the cluster.
type Created struct {
	// Observed is the registry as last read: after the wait when there was one.
	Observed registry.Observed
	// WaitErr is why the registry did not become ready; the registry exists all
	// the same, so it belongs in the state (Terraform then replaces it).
	WaitErr error
}

// Create writes a registry's objects. It dry-runs the registry first (its
// answer also tells whether the name is taken in the namespace) and every
// object written after the first, writes Secret, ConfigMap and registry in
// order, waits when asked, and writes Secret and ConfigMap again with the
// registry as owner. The first write needs no dry run: when it fails, nothing
// is written either. The first object carries the create mark until then, so an
// interrupted create is adopted by the next. A failure removes everything the
// create wrote.
func (p *Protocol) Create(ctx context.Context, desired registry.Registry, password *registry.Password, wait bool) (*Created, error) {
	objs := desired.Objects(password)
	order := inWriteOrder(objs)
	setCreatePending(order[0].meta, true)

	last := len(order) - 1
	// The registry, then every object but the first to be written (order[0] when the
	// registry is not alone).
	for i, w := range slices.Concat(order[last:], order[min(1, last):last]) {
		out, err := p.Client.Apply(ctx, w.obj, kube.ApplyOptions{DryRun: true})
		if err != nil {
			return nil, &Problem{Summary: SummaryRejected, Detail: "Nothing was created. " + err.Error(), Err: err}
		}
		// A dry run answers an object that exists with its resourceVersion.
		if i == 0 && out.GetResourceVersion() != "" {
			if err := p.checkExisting(ctx, desired); err != nil {
				return nil, err
			}
		}
	}

	var done []written
	var applied *unstructured.Unstructured
	for _, w := range order {
		out, err := p.Client.Apply(ctx, w.obj, kube.ApplyOptions{})
		if err != nil && len(done) == 0 {
			return nil, &Problem{Summary: SummaryRejected, Detail: "Nothing was created. " + err.Error(), Err: err}
		}
		if err != nil {
			return nil, p.rollback(ctx, done, err)
		}
		done = append(done, w)
		applied = out
	}
	observed := registry.ParseModelRegistry(applied)
	p.log(ctx, "created model registry", map[string]any{"id": desired.Namespace + "/" + desired.Name, "uid": string(observed.UID)})

	result := &Created{Observed: observed}
	if wait {
		var waited *registry.Observed
		waited, result.WaitErr = WaitReady(ctx, p.Client, desired.Namespace, desired.Name, applied)
		if waited != nil {
			result.Observed = *waited
		}
	}
	if err := p.finishCreate(ctx, desired, objs, applied.GetUID()); err != nil {
		return nil, p.rollback(ctx, done, err)
	}
	return result, nil
}

// checkExisting decides about a registry of the desired name found in the
// namespace at create: a create of this provider that never finished (its
// process was killed) is taken over, because no state holds it; anything else
// is an error, because applying would take over a registry another owner manages.
func (p *Protocol) checkExisting(ctx context.Context, desired registry.Registry) error {
	obj, err := p.Client.Get(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name)
	switch {
	case apierrors.IsNotFound(err):
		// Gone since the dry run.
		return nil
	case err != nil:
		return problem(SummaryCreate, err)
	case p.InterruptedCreate(ctx, *obj, desired.Namespace):
		p.log(ctx, "adopting a model registry whose create was interrupted",
			map[string]any{"namespace": obj.GetNamespace(), "name": obj.GetName(), "uid": string(obj.GetUID())})
		return nil
	}
	return NameTaken(*obj)
}

// InterruptedCreate reports a registry this provider began to create in
// namespace and never finished creating: the registry, its password Secret or
// its CA ConfigMap still carries the create mark. It reads the Secret and the
// ConfigMap only for a registry of this provider in that namespace.
func (p *Protocol) InterruptedCreate(ctx context.Context, obj unstructured.Unstructured, namespace string) bool {
	if obj.GetNamespace() != namespace || obj.GetDeletionTimestamp() != nil ||
		obj.GetLabels()[registry.LabelAppManagedBy] != registry.ManagedByProvider {
		return false
	}
	if createPending(&obj) {
		return true
	}
	for _, owned := range []struct {
		gvr  schema.GroupVersionResource
		name string
	}{{kube.Secrets, registry.PasswordSecretName(obj.GetName())}, {kube.ConfigMaps, registry.CAConfigMapName(obj.GetName())}} {
		if o, err := p.Client.Get(ctx, owned.gvr, namespace, owned.name); err == nil && createPending(o) {
			return true
		}
	}
	return false
}

// setCreatePending puts the create mark on an object or takes it off.
func setCreatePending(obj metav1.Object, pending bool) {
	annotations := obj.GetAnnotations()
	if pending {
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[registry.AnnotationCreatePending] = "true"
	} else {
		delete(annotations, registry.AnnotationCreatePending)
		if len(annotations) == 0 {
			annotations = nil
		}
	}
	obj.SetAnnotations(annotations)
}

func createPending(obj metav1.Object) bool {
	return obj.GetAnnotations()[registry.AnnotationCreatePending] != ""
}

// finishCreate ends a create with one more write of each object written before
// the registry: the Secret and ConfigMap get the registry as their owner, so
// they go when it goes, and lose the create mark. A registry written alone is
// applied again without the mark.
func (p *Protocol) finishCreate(ctx context.Context, desired registry.Registry, objs registry.Objects, uid types.UID) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if objs.Secret == nil && objs.CAConfigMap == nil {
		if _, err := p.Client.Apply(ctx, desired.ModelRegistry(), kube.ApplyOptions{}); err != nil {
			return fmt.Errorf("removing the create mark %s from the registry: %w", registry.AnnotationCreatePending, err)
		}
		return nil
	}
	owner := registry.OwnerReference(desired.Name, uid)
	for _, w := range inWriteOrder(objs) {
		if w.kind == registry.Kind {
			continue
		}
		withOwner := w.obj.DeepCopyObject()
		meta, ok := withOwner.(metav1.Object)
		if !ok {
			continue
		}
		meta.SetOwnerReferences([]metav1.OwnerReference{owner})
		setCreatePending(meta, false)
		if _, err := p.Client.Apply(ctx, withOwner, kube.ApplyOptions{}); err != nil {
			return fmt.Errorf("setting the registry as owner of %s %s: %w", w.kind, meta.GetName(), err)
		}
	}
	return nil
}

// rollback deletes what a failed create wrote, newest first, and says so.
func (p *Protocol) rollback(ctx context.Context, done []written, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	for i := len(done) - 1; i >= 0; i-- {
		if err := p.Client.Delete(ctx, done[i].gvr, done[i].meta.GetNamespace(), done[i].meta.GetName(), ""); err != nil {
			p.log(ctx, "rollback could not delete an object", map[string]any{"object": done[i].meta.GetName(), "error": err.Error()})
		}
	}
	return &Problem{Summary: SummaryCreate, Err: cause, Detail: fmt.Sprintf(
		"%v\n\nEverything this apply had created (%s) was removed again; fix the cause and apply again.", cause, describe(done))}
}

// WaitReady waits until the operator reports the registry available. It stops
// at once on a configuration error, which waiting does not fix. It returns the
// registry as last read, nil when it could not be read.
func WaitReady(ctx context.Context, client kube.Interface, namespace, name string, written *unstructured.Unstructured) (*registry.Observed, error) {
	errConfiguration := errors.New("configuration error")
	var configMessage string
	last, err := client.WaitFrom(ctx, registry.GroupVersionResource, namespace, name, written, func(obj *unstructured.Unstructured) (bool, error) {
		if obj == nil {
			return false, fmt.Errorf("model registry %s/%s was deleted while waiting for it to become ready", namespace, name)
		}
		o := registry.ParseModelRegistry(obj)
		if msg, bad := o.ConfigurationError(); bad {
			configMessage = msg
			return false, errConfiguration
		}
		return o.Ready(), nil
	})
	var observed *registry.Observed
	if last != nil {
		o := registry.ParseModelRegistry(last)
		observed = &o
	}
	switch {
	case err == nil:
		return observed, nil
	case errors.Is(err, errConfiguration):
		return observed, &Problem{Summary: "Model registry configuration error", Err: err, Detail: fmt.Sprintf(
			"The operator cannot run model registry %s/%s: %s\n\nCheck the database settings (host, port, username, password, database, CA certificate); waiting longer does not help.",
			namespace, name, configMessage)}
	case errors.Is(err, context.DeadlineExceeded):
		seen := "the registry could not be read"
		if observed != nil {
			seen = observed.LastCondition()
		}
		return observed, &Problem{Summary: "Timed out waiting for the model registry", Err: err, Detail: fmt.Sprintf(
			"Model registry %s/%s did not become available in time. Last seen: %s. Check that the model-registry operator is running and that the database is reachable from the cluster; raise timeouts or set wait_for_ready = false to not wait.",
			namespace, name, seen)}
	}
	return observed, problem(SummaryRead, err)
}

// Current is what the state knows of a registry before an update or delete.
type Current struct {
	UID types.UID
	// KubeRBACProxy is whether the registry was last seen with the auth proxy.
	KubeRBACProxy bool
	// PasswordSecret and CAConfigMap name the objects the provider made for the
	// registry, "" for none.
	PasswordSecret, CAConfigMap string
}

// Updated is the outcome of an update.
type Updated struct {
	Observed registry.Observed
	// Warnings are objects the provider made and no longer needs that it could not remove.
	Warnings []*Problem
	// WaitErr is why the registry did not become ready after the update.
	WaitErr error
}

// Update brings a registry's objects to the desired ones. A registry found
// without the auth proxy gets it first in one merge patch that also drops a
// deprecated oauthProxy, which the apply alone would be rejected for. Fields of
// the provider that another manager set and the plan leaves empty are removed,
// and objects the provider made that the plan no longer needs are deleted.
func (p *Protocol) Update(ctx context.Context, desired registry.Registry, password *registry.Password, current Current, wait bool) (*Updated, error) {
	if !current.KubeRBACProxy {
		if _, err := p.Client.Patch(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name, registry.EnableKubeRBACProxyPatch()); err != nil {
			return nil, &Problem{Summary: SummaryUpdate, Detail: "Adding the auth proxy (spec.kubeRBACProxy): " + err.Error(), Err: err}
		}
	}
	objs := desired.Objects(password)
	owner := []metav1.OwnerReference{registry.OwnerReference(desired.Name, current.UID)}
	if objs.Secret != nil {
		objs.Secret.OwnerReferences = owner
	}
	if objs.CAConfigMap != nil {
		objs.CAConfigMap.OwnerReferences = owner
	}
	var applied *unstructured.Unstructured
	for _, w := range inWriteOrder(objs) {
		out, err := p.Client.Apply(ctx, w.obj, kube.ApplyOptions{})
		if err != nil {
			return nil, problem(SummaryUpdate, err)
		}
		applied = out
	}
	if patch := desired.ForeignFieldsPatch(applied); patch != nil {
		out, err := p.Client.Patch(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name, patch)
		if err != nil {
			return nil, problem(SummaryUpdate, err)
		}
		applied = out
	}
	result := &Updated{Observed: registry.ParseModelRegistry(applied)}
	if current.CAConfigMap != "" && objs.CAConfigMap == nil {
		if err := p.Client.Delete(ctx, kube.ConfigMaps, desired.Namespace, current.CAConfigMap, ""); err != nil {
			result.Warnings = append(result.Warnings, problem("CA ConfigMap not removed", err))
		}
	}
	if current.PasswordSecret != "" && objs.Secret == nil {
		if err := p.Client.Delete(ctx, kube.Secrets, desired.Namespace, current.PasswordSecret, ""); err != nil {
			result.Warnings = append(result.Warnings, problem("Password Secret not removed", err))
		}
	}
	if wait {
		waited, err := WaitReady(ctx, p.Client, desired.Namespace, desired.Name, applied)
		result.WaitErr = err
		if waited != nil {
			result.Observed = *waited
		}
	}
	return result, nil
}

// Delete removes a registry, waits until the operator has let it go (its
// finalizer), then deletes the objects the provider made for it. The database
// is never touched: deleting a registry keeps its data. timeout is the wait's
// deadline as the message should name it.
func (p *Protocol) Delete(ctx context.Context, namespace, name string, current Current, timeout time.Duration) error {
	if err := p.Client.Delete(ctx, registry.GroupVersionResource, namespace, name, current.UID); err != nil {
		return problem(SummaryDelete, err)
	}
	last, err := p.Client.WaitFrom(ctx, registry.GroupVersionResource, namespace, name, nil, func(obj *unstructured.Unstructured) (bool, error) {
		return obj == nil || obj.GetUID() != current.UID, nil
	})
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		// The cluster refused to show the registry (an expired token, a lasting error): not a timeout.
		return problem(SummaryDelete, err)
	}
	if err != nil {
		finalizers := "none"
		if last != nil && len(last.GetFinalizers()) > 0 {
			finalizers = strings.Join(last.GetFinalizers(), ", ")
		}
		return &Problem{Summary: "Timed out deleting the model registry", Err: err, Detail: fmt.Sprintf(
			"Model registry %s/%s is still there after %s; its finalizers: %s. The operator removes the finalizer %s when it has cleaned up, so the model-registry operator must be running. "+
				"If the operator was uninstalled, remove the finalizer by hand:\n  oc patch modelregistry.modelregistry.opendatahub.io %s -n %s --type merge -p '{\"metadata\":{\"finalizers\":null}}'",
			namespace, name, timeout, finalizers, registry.Finalizer, name, namespace)}
	}
	var problems []error
	for _, owned := range []struct {
		gvr  schema.GroupVersionResource
		name string
	}{{kube.Secrets, current.PasswordSecret}, {kube.ConfigMaps, current.CAConfigMap}} {
		if owned.name == "" {
			continue
		}
		if err := p.Client.Delete(ctx, owned.gvr, namespace, owned.name, ""); err != nil {
			problems = append(problems, problem("Cannot delete an object of the model registry", err))
		}
	}
	return errors.Join(problems...)
}

// Observed is a registry as read from the cluster with the objects of its own
// that the provider reads back: the I/O of a read, done before any mapping.
type Observed struct {
	Registry registry.Observed
	// PasswordSecret is the registry's provider-named password Secret when it
	// was read; PasswordSecretErr says why not (apierrors.IsNotFound when missing).
	PasswordSecret    *corev1.Secret
	PasswordSecretErr error
	// CAConfigMap is the ConfigMap of an uploaded CA certificate when it was read.
	CAConfigMap    *corev1.ConfigMap
	CAConfigMapErr error
}

// ErrNotRead marks an object Gather was told not to read or that the registry does not use.
var ErrNotRead = errors.New("not read")

// GatherOptions say which of a registry's own objects a read needs.
type GatherOptions struct {
	// PasswordSecret reads the Secret named registry.PasswordSecretName when the registry uses it.
	PasswordSecret bool
	// CAConfigMap reads the ConfigMap of an uploaded CA certificate when the registry uses one.
	CAConfigMap bool
}

// Gather reads the objects of its own that a registry uses, as opts ask.
func Gather(ctx context.Context, client kube.Interface, obj *unstructured.Unstructured, opts GatherOptions) Observed {
	o := Observed{Registry: registry.ParseModelRegistry(obj), PasswordSecretErr: ErrNotRead, CAConfigMapErr: ErrNotRead}
	r := o.Registry
	if opts.PasswordSecret && r.Database.PasswordSecret == (registry.KeyRef{Name: registry.PasswordSecretName(r.Name), Key: registry.PasswordSecretKeyPassword}) {
		o.PasswordSecret = &corev1.Secret{}
		o.PasswordSecretErr = get(ctx, client, kube.Secrets, r.Namespace, r.Database.PasswordSecret.Name, o.PasswordSecret)
	}
	if ref, uploaded := UploadedCA(r); opts.CAConfigMap && uploaded {
		o.CAConfigMap = &corev1.ConfigMap{}
		o.CAConfigMapErr = get(ctx, client, kube.ConfigMaps, r.Namespace, ref.Name, o.CAConfigMap)
	}
	if o.PasswordSecretErr != nil {
		o.PasswordSecret = nil
	}
	if o.CAConfigMapErr != nil {
		o.CAConfigMap = nil
	}
	return o
}

func get(ctx context.Context, client kube.Interface, gvr schema.GroupVersionResource, namespace, name string, into any) error {
	u, err := client.Get(ctx, gvr, namespace, name)
	if err != nil {
		return err
	}
	return kube.FromUnstructured(u, into)
}

// UploadedCA is the registry's own `<name>-db-credential` ConfigMap key when its
// CA certificate was uploaded as a PEM, in the dashboard or by the provider.
func UploadedCA(o registry.Observed) (registry.KeyRef, bool) {
	if o.CA.Kind == registry.CAConfigMap && registry.IsUploadedCA(o.Name, o.CA.Ref) {
		return o.CA.Ref, true
	}
	return registry.KeyRef{}, false
}

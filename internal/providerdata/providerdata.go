// Package providerdata is what the provider block hands its resources and data
// sources: the lazily built cluster client and the lists a provider process
// reads once.
package providerdata

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	tftypes "github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// Connect builds a cluster client; it must make no request.
type Connect func(kube.Config) (kube.Cluster, error)

// DefaultConnect connects to the cluster the configuration describes.
func DefaultConnect(cfg kube.Config) (kube.Cluster, error) {
	client, err := kube.New(cfg)
	if err != nil {
		return nil, err
	}
	return client, nil
}

// errConfigUnknown means the provider block depends on values known only at apply.
var errConfigUnknown = errors.New("the provider configuration depends on values that are not known until apply")

// Data is what the provider's Configure hands every resource and data source,
// the one way they reach the cluster. The client is built on first use, so
// configuring the provider (validate, plan of new resources) never needs a cluster.
type Data struct {
	unknown bool
	cfg     kube.Config
	connect Connect
	// configuredNamespace is registries_namespace or its environment variable.
	configuredNamespace string

	clientOnce sync.Once
	client     kube.Cluster
	clientErr  error

	namespaceOnce sync.Once
	namespace     string
	namespaceDiag diag.Diagnostics

	registriesOnce sync.Once
	registries     map[string][]unstructured.Unstructured
	registriesErr  error

	// readLists caches, per resource and namespace ("" for cluster-scoped), one LIST that reads are answered from.
	readLists sync.Map // readListKey -> *objectList

	// written holds the UID of each registry this process created, so a permission
	// created right after its registry in the same apply need not read it again.
	written sync.Map // "<namespace>/<name>" -> types.UID

	// moves holds the registries a plan of this process moves to another
	// namespace, so that planning the create in the new namespace does not count
	// the registry it replaces as taking the name.
	moves sync.Map // "<namespace>/<name>" -> true

	// operators holds, per registries namespace, what the cluster showed of its
	// operator, asked once per process.
	operators sync.Map // namespace -> *operatorEvidence

	// claims holds, per scope, what the resources planned in this process
	// claim, so two resources that must not both exist see each other.
	claimsMu sync.Mutex
	claims   map[string][]string

	// catalogWrites batches the parallel writes of the catalog's shared ConfigMaps.
	catalogWrites catalog.Batches

	// sharedReads lets parallel creates share one read in flight.
	sharedReads singleflight.Group

	// replaced holds the catalog sources whose replacement this process planned.
	replaced sync.Map // "<kind>/<id>" -> true
}

// CatalogWrites is where this process's writes of the catalog's ConfigMaps
// wait to be committed together (catalog.Batches.Modify).
func (d *Data) CatalogWrites() *catalog.Batches { return &d.catalogWrites }

// ShareRead runs read once for all callers of this process that ask with the
// same key while it is in flight; each gets its answer on the channel.
func (d *Data) ShareRead(key string, read func() (any, error)) <-chan singleflight.Result {
	return d.sharedReads.DoChan(key, read)
}

// NoteReplaced records that this process planned replacing the catalog
// source key, so planning its create half does not take its own entry for
// someone else's.
func (d *Data) NoteReplaced(key string) {
	if d != nil {
		d.replaced.Store(key, true)
	}
}

// Replaced tells whether this process planned replacing the catalog source key.
func (d *Data) Replaced(key string) bool {
	_, ok := d.replaced.Load(key)
	return ok
}

// Claim records that a resource planned in this process claims claimant in
// scope, and returns, for each scope of lookAt, what resources planned
// earlier claimed there. Recording and looking are one step, so of two
// resources that exclude each other the later one sees the earlier, whatever
// order Terraform plans them in.
func (d *Data) Claim(scope, claimant string, lookAt ...string) map[string][]string {
	d.claimsMu.Lock()
	defer d.claimsMu.Unlock()
	if d.claims == nil {
		d.claims = map[string][]string{}
	}
	seen := make(map[string][]string, len(lookAt))
	for _, s := range lookAt {
		if len(d.claims[s]) > 0 {
			seen[s] = append([]string(nil), d.claims[s]...)
		}
	}
	d.claims[scope] = append(d.claims[scope], claimant)
	return seen
}

// NoteMove records that this process planned moving the registry of a
// resource to another namespace; name is its planned resource_name.
func (d *Data) NoteMove(fromNamespace, name string) {
	d.moves.Store(fromNamespace+"/"+name, true)
}

// Moving tells whether this process planned moving registry namespace/name to
// another namespace.
func (d *Data) Moving(namespace, name string) bool {
	_, ok := d.moves.Load(namespace + "/" + name)
	return ok
}

// RememberRegistry records the UID of a registry this process has just created.
func (d *Data) RememberRegistry(namespace, name string, uid types.UID) {
	d.written.Store(namespace+"/"+name, uid)
}

// ForgetRegistry drops what RememberRegistry recorded, once the registry is deleted.
func (d *Data) ForgetRegistry(namespace, name string) {
	d.written.Delete(namespace + "/" + name)
}

// CreatedRegistryUID is the UID of a registry this process created, if it did.
func (d *Data) CreatedRegistryUID(namespace, name string) (types.UID, bool) {
	uid, ok := d.written.Load(namespace + "/" + name)
	if !ok {
		return "", false
	}
	return uid.(types.UID), true //nolint:forcetypeassert // only types.UID is stored
}

// operatorEvidence is what the cluster showed of its operator, asked once.
type operatorEvidence struct {
	once     sync.Once
	evidence registry.Evidence
}

// OperatorEvidence is what the cluster's operator does that limits registry
// names (lifecycle.DetectOperator), asked once per provider process and
// registries namespace: a plan of many long names costs one dry run and one
// read, a plan of short names none, as callers ask only for names that the
// answer can refuse.
func (d *Data) OperatorEvidence(ctx context.Context, namespace string) (registry.Evidence, error) {
	client, err := d.Client()
	if err != nil {
		return registry.Evidence{}, err
	}
	entry, _ := d.operators.LoadOrStore(namespace, &operatorEvidence{})
	found := entry.(*operatorEvidence) //nolint:forcetypeassert // only *operatorEvidence is stored
	found.once.Do(func() {
		// A failed list only loses the free evidence; the ReferenceGrant still tells.
		byName, _ := d.RegistriesByName(ctx)
		found.evidence = lifecycle.DetectOperator(ctx, client, namespace, byName)
		tflog.Info(ctx, "model-registry operator", map[string]any{"namespace": namespace, "evidence": fmt.Sprintf("%+v", found.evidence.Rule())})
	})
	return found.evidence, nil
}

type readListKey struct {
	gvr       schema.GroupVersionResource
	namespace string
}

// objectList is the objects of one resource in one namespace, listed once.
// This process's writes go into it (writeThrough), under mu.
type objectList struct {
	once  sync.Once
	mu    sync.RWMutex
	items map[string]*unstructured.Unstructured
	err   error
}

// ReadObject returns an object for a resource's Read, a warning-only check, or
// a delete that carries the object's UID and resourceVersion as preconditions
// (a binding changed since the list is then refused and read again).
// The first read of a kind in a namespace lists them all, and later reads of the
// same provider process are answered from that list: a refresh of N registries
// and their bindings costs a few LISTs instead of one GET each. Terraform starts
// a provider process for each plan or apply walk and a walk reads before it
// writes, so the list is as fresh as the GETs would be. Where the identity may
// not list, it GETs. No other write decides anything on what it returns.
func (d *Data) ReadObject(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	list := d.readList(ctx, client, gvr, namespace)
	if list.err != nil {
		if kube.IsMissingResourceType(list.err) {
			return nil, list.err
		}
		return client.Get(ctx, gvr, namespace, name)
	}
	list.mu.RLock()
	obj, ok := list.items[name]
	if ok {
		obj = obj.DeepCopy()
	}
	list.mu.RUnlock()
	if ok {
		return obj, nil
	}
	return nil, kube.Explain(apierrors.NewNotFound(gvr.GroupResource(), name), gvr, namespace, name)
}

// Listed is client with its Gets answered by ReadObject, for a resource's Read:
// a refresh of N registries then reads their password Secrets with one LIST, not
// N GETs (where the identity may not list Secrets, with the GETs as before).
func (d *Data) Listed(client kube.Interface) kube.Interface {
	return listedClient{Interface: client, data: d}
}

type listedClient struct {
	kube.Interface
	data *Data
}

func (c listedClient) Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	return c.data.ReadObject(ctx, c.Interface, gvr, namespace, name)
}

// ListObjects returns every object of a resource in a namespace for a
// resource's Read or a plan-time check, from the same list as ReadObject.
// Where the identity may not list, the error says so.
func (d *Data) ListObjects(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, namespace string) ([]unstructured.Unstructured, error) {
	return d.ListObjectsWhere(ctx, client, gvr, namespace, nil)
}

// ListObjectsWhere is ListObjects of the objects keep accepts (all when keep
// is nil). Only those are copied: a refresh of N resources that each want a
// few of the namespace's objects costs N times a few copies, not N times all.
// keep must not change the object it is shown.
func (d *Data) ListObjectsWhere(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, namespace string,
	keep func(obj *unstructured.Unstructured) bool,
) ([]unstructured.Unstructured, error) {
	list := d.readList(ctx, client, gvr, namespace)
	if list.err != nil {
		return nil, list.err
	}
	list.mu.RLock()
	defer list.mu.RUnlock()
	out := make([]unstructured.Unstructured, 0, len(list.items))
	for _, obj := range list.items {
		if keep == nil || keep(obj) {
			out = append(out, *obj.DeepCopy())
		}
	}
	return out, nil
}

// readList lists the objects of a resource in a namespace once per process.
func (d *Data) readList(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, namespace string) *objectList {
	entry, _ := d.readLists.LoadOrStore(readListKey{gvr: gvr, namespace: namespace}, &objectList{})
	list := entry.(*objectList) //nolint:forcetypeassert // only *objectList is stored
	list.once.Do(func() {
		items, err := client.List(ctx, gvr, namespace, "")
		if err != nil {
			list.err = err
			return
		}
		list.items = make(map[string]*unstructured.Unstructured, len(items))
		for i := range items {
			// Reads never look at managedFields, the larger part of a listed object.
			items[i].SetManagedFields(nil)
			list.items[items[i].GetName()] = &items[i]
		}
	})
	return list
}

// ClusterObjectExists tells whether a cluster-scoped object (a Group, a
// namespace) exists; known is false when the cluster cannot say. It reads
// through ReadObject, so granting many subjects costs one LIST; where the
// provider may only get, not list, it asks for the one object.
func (d *Data) ClusterObjectExists(ctx context.Context, client kube.Reader, gvr schema.GroupVersionResource, name string) (exists, known bool) {
	_, err := d.ReadObject(ctx, client, gvr, "", name)
	switch {
	case err == nil:
		return true, true
	case apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err):
		return false, true
	}
	tflog.Debug(ctx, "subject existence not checked", map[string]any{"resource": gvr.Resource, "error": err.Error()})
	return false, false
}

// RegistriesByName lists every ModelRegistry of the cluster once per provider
// process and indexes them by name, for the plan-time uniqueness check: a plan
// of many new registries costs one LIST, not one per registry. Create checks
// again with a fresh request, so a registry made meanwhile is never missed.
func (d *Data) RegistriesByName(ctx context.Context) (map[string][]unstructured.Unstructured, error) {
	d.registriesOnce.Do(func() {
		client, err := d.Client()
		if err != nil {
			d.registriesErr = err
			return
		}
		items, err := client.List(ctx, registry.GroupVersionResource, "", "")
		if err != nil {
			d.registriesErr = err
			return
		}
		d.registries = make(map[string][]unstructured.Unstructured, len(items))
		for _, item := range items {
			item.SetManagedFields(nil) // as in ReadObject: never looked at
			d.registries[item.GetName()] = append(d.registries[item.GetName()], item)
		}
	})
	return d.registries, d.registriesErr
}

// New is the data of a provider block whose settings are known; namespace is
// registries_namespace or its environment variable, "" when not set.
func New(cfg kube.Config, namespace string, connect Connect) *Data {
	return &Data{cfg: cfg, connect: connect, configuredNamespace: namespace}
}

// NewUnknown is the data of a provider block that depends on values known only at apply.
func NewUnknown() *Data { return &Data{unknown: true} }

// Unknown tells whether the provider block depends on values known only at apply.
func (d *Data) Unknown() bool { return d.unknown }

// ConfiguredNamespace is registries_namespace or its environment variable, "" when not set.
func (d *Data) ConfiguredNamespace() string { return d.configuredNamespace }

// From checks the type of what the provider's Configure handed over; nil
// before the provider is configured.
func From(raw any, diags *diag.Diagnostics) *Data {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*Data)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerdata.Data, got %T; this is a bug in the provider", raw))
		return nil
	}
	return data
}

// Client returns the cluster client, building it on first use.
func (d *Data) Client() (kube.Cluster, error) {
	if d.unknown {
		return nil, errConfigUnknown
	}
	d.clientOnce.Do(func() {
		var client kube.Cluster
		client, d.clientErr = d.connect(d.cfg)
		if d.clientErr == nil {
			d.client = writeThrough{Cluster: client, data: d}
		}
	})
	return d.client, d.clientErr
}

// ClientDiags returns the client or an error diagnostic saying why there is none.
func (d *Data) ClientDiags() (kube.Cluster, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider not configured", "The provider was not configured before the resource was used. This is a bug in the provider; please report it.")
		return nil, diags
	}
	client, err := d.Client()
	if err != nil {
		diags.AddError("Cannot connect to the cluster", err.Error())
	}
	return client, diags
}

// ResolveNamespace fills a namespace that a plan leaves unknown or null with
// the registries namespace, as Create records it in state.
func (d *Data) ResolveNamespace(ctx context.Context, namespace *tftypes.String) diag.Diagnostics {
	if !namespace.IsUnknown() && !namespace.IsNull() {
		return nil
	}
	value, diags := d.RegistriesNamespace(ctx)
	if !diags.HasError() {
		*namespace = tftypes.StringValue(value)
	}
	return diags
}

// RegistriesNamespace is the namespace of the registries: the configured one,
// else the DataScienceCluster's, else the AIHub's, else rhoai-model-registries. Known without a
// cluster only when configured.
func (d *Data) RegistriesNamespace(ctx context.Context) (string, diag.Diagnostics) {
	if d.configuredNamespace != "" {
		return d.configuredNamespace, nil
	}
	d.namespaceOnce.Do(func() {
		d.namespace = registry.DefaultNamespace
		client, err := d.Client()
		if err != nil {
			d.namespaceDiag.AddError("Cannot connect to the cluster", err.Error())
			return
		}
		discovered, err := kube.DiscoverRegistriesNamespace(ctx, client)
		switch {
		case err != nil:
			d.namespaceDiag.AddWarning("Registries namespace not discovered",
				fmt.Sprintf("Reading the DataScienceCluster and the AIHub %s failed (%v); using %q. Set registries_namespace in the provider block to choose it.",
					registry.AIHubName, err, registry.DefaultNamespace))
		case discovered != "":
			d.namespace = discovered
		}
		tflog.Info(ctx, "registries namespace", map[string]any{"namespace": d.namespace, "discovered": discovered})
	})
	return d.namespace, d.namespaceDiag
}

// ClientAndNamespace returns the cluster client and the namespace a data source
// reads: the configured one, else the provider's registries namespace.
func (d *Data) ClientAndNamespace(ctx context.Context, configured tftypes.String) (kube.Cluster, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider not configured",
			"The provider was not configured before the data source was read. This is a bug in the provider; please report it.")
		return nil, "", diags
	}
	client, clientDiags := d.ClientDiags()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return nil, "", diags
	}
	if !configured.IsNull() && !configured.IsUnknown() {
		return client, configured.ValueString(), diags
	}
	namespace, namespaceDiags := d.RegistriesNamespace(ctx)
	diags.Append(namespaceDiags...)
	return client, namespace, diags
}

package main

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The write floor's writes: for each resource exactly the Kubernetes writes its result
// needs, the objects built by the provider's own domain packages, and nothing else: no
// dry run, no read, no create mark, no wait, no retry of a conflict.
//
//   - a registry: one server-side apply of the ModelRegistry, then one of its password
//     Secret and (for a PEM CA) of its CA ConfigMap, owned by the registry as the
//     provider's end up; destroy: one delete of each.
//   - a single permission: one apply of its RoleBinding, owned by its registry, whose UID
//     the registry's apply in the same process returned; destroy: one delete.
//   - a permission list: one apply per subject's RoleBinding; destroy: one delete each.
//   - a model or MCP catalog source: its entry and catalog file in the shared ConfigMap.
//     The ConfigMap holds other entries the floor must keep, so a process reads it once,
//     and then writes the process's copy back with one full update per batch, through
//     the provider's own batching of a process's parallel changes (catalog.Modify):
//     what the provider does without its per-batch reads, the shipped sources' read and
//     conflicts redone.
//
// Other resources and shapes (a Hugging Face source, a source in a ConfigMap of its own,
// group members, default sources) fail: the bench does not apply them.

// defaultNamespace is what the provider resolves an unset namespace to on the bench's
// control plane (the DataScienceCluster's registries namespace); the floor reads nothing.
const defaultNamespace = "rhoai-model-registries"

type writer struct {
	once   sync.Once
	client *kube.Client
	err    error

	mu sync.Mutex
	// uids are the registries this process applied, by namespace/name.
	uids map[string]types.UID
	// configMaps are the process's copies of the shared catalog ConfigMaps.
	configMaps *configMapCopies
	// catalogWrites batches the process's writes of the catalog ConfigMaps, as the provider does.
	catalogWrites catalog.Batches
}

func newWriter() *writer {
	return &writer{uids: map[string]types.UID{}}
}

// connect builds the client as the provider does from KUBE_CONFIG_PATH, the bench's
// only way to the cluster; it makes no request.
func (w *writer) connect() (*kube.Client, error) {
	w.once.Do(func() {
		w.client, w.err = kube.New(kube.Config{ConfigPath: os.Getenv("KUBE_CONFIG_PATH")})
		if w.err == nil {
			w.configMaps = &configMapCopies{Client: w.client, copies: map[string]*unstructured.Unstructured{}}
		}
	})
	return w.client, w.err
}

func (w *writer) create(ctx context.Context, typeName string, state, config tftypes.Value) error {
	client, err := w.connect()
	if err != nil {
		return err
	}
	s, c := objectOf(state), objectOf(config)
	switch typeName {
	case "openshiftai_model_registry":
		return w.createRegistry(ctx, client, s, c)
	case "openshiftai_model_registry_permission":
		p, err := permissionOf(s)
		if err != nil {
			return err
		}
		uid, err := w.registryUID(p.Namespace, p.Registry)
		if err != nil {
			return err
		}
		_, err = client.Apply(ctx, p.RoleBinding(uid), kube.ApplyOptions{})
		return err
	case "openshiftai_model_registry_permissions":
		l := permissionListOf(s)
		uid, err := w.registryUID(l.Namespace, l.Registry)
		if err != nil {
			return err
		}
		for _, subject := range l.Subjects {
			if _, err := client.Apply(ctx, l.RoleBinding(subject, "", uid), kube.ApplyOptions{}); err != nil {
				return err
			}
		}
		return nil
	case "openshiftai_model_catalog_source", "openshiftai_mcp_catalog_source":
		source, namespace, err := sourceOf(typeName, s)
		if err != nil {
			return err
		}
		_, err = w.catalogWrites.Modify(ctx, w.configMaps, namespace, source.Kind.ConfigMap, func(cm *corev1.ConfigMap) error {
			return catalog.PutSource(cm, source, true)
		})
		return err
	}
	return fmt.Errorf("the write floor does not write %s", typeName)
}

func (w *writer) delete(ctx context.Context, typeName string, state tftypes.Value) error {
	client, err := w.connect()
	if err != nil {
		return err
	}
	s := objectOf(state)
	switch typeName {
	case "openshiftai_model_registry":
		name, namespace := s.str("resource_name"), s.str("namespace")
		if err := client.Delete(ctx, registry.GroupVersionResource, namespace, name, ""); err != nil {
			return err
		}
		if db := s.object("database"); db != nil && db.object("existing_password_secret") == nil && !s.boolean("default_database") {
			if err := client.Delete(ctx, kube.Secrets, namespace, registry.PasswordSecretName(name), ""); err != nil {
				return err
			}
		}
		if ca := s.object("ca_certificate"); ca != nil && ca.str("pem") != "" {
			return client.Delete(ctx, kube.ConfigMaps, namespace, registry.CAConfigMapName(name), "")
		}
		return nil
	case "openshiftai_model_registry_permission":
		p, err := permissionOf(s)
		if err != nil {
			return err
		}
		return client.Delete(ctx, kube.RoleBindings, p.Namespace, p.BindingName(), "")
	case "openshiftai_model_registry_permissions":
		l := permissionListOf(s)
		for _, subject := range l.Subjects {
			if err := client.Delete(ctx, kube.RoleBindings, l.Namespace, l.RoleBinding(subject, "", "").Name, ""); err != nil {
				return err
			}
		}
		return nil
	case "openshiftai_model_catalog_source", "openshiftai_mcp_catalog_source":
		source, namespace, err := sourceOf(typeName, s)
		if err != nil {
			return err
		}
		_, err = w.catalogWrites.Modify(ctx, w.configMaps, namespace, source.Kind.ConfigMap, func(cm *corev1.ConfigMap) error {
			_, err := catalog.RemoveSource(cm, source.Kind, source.ID)
			return err
		})
		return err
	}
	return fmt.Errorf("the write floor does not delete %s", typeName)
}

func (w *writer) createRegistry(ctx context.Context, client *kube.Client, s, config object) error {
	r := registry.Registry{Name: s.str("resource_name"), Namespace: s.str("namespace"), DisplayName: s.str("name"),
		Description: s.str("description")}
	var password *registry.Password
	db := s.object("database")
	if db == nil || s.boolean("default_database") {
		r.Database = registry.Database{Type: registry.DatabasePostgres, Generated: true}
	} else {
		r.Database = registry.Database{Type: registry.DatabaseType(db.str("type")), Host: db.str("host"), HostAddress: db.str("host_address"),
			Port: db.int64("port"), Database: db.str("database"), Username: db.str("username"), SSLMode: db.str("ssl_mode"),
			SkipDatabaseCreation: db.boolean("skip_database_creation")}
		if existing := db.object("existing_password_secret"); existing != nil {
			r.Database.PasswordSecret = registry.KeyRef{Name: existing.str("name"), Key: existing.str("key")}
		} else {
			r.Database.PasswordSecret = registry.KeyRef{Name: registry.PasswordSecretName(r.Name), Key: registry.PasswordSecretKeyPassword}
			version := ""
			if v := db.int64("password_wo_version"); v != 0 {
				version = strconv.FormatInt(v, 10)
			}
			password = &registry.Password{Value: config.object("database").str("password_wo"), Version: version}
		}
	}
	r.CA = caOf(s.object("ca_certificate"))
	objs := r.Objects(password)
	applied, err := client.Apply(ctx, objs.Registry, kube.ApplyOptions{})
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.uids[r.Namespace+"/"+r.Name] = applied.GetUID()
	w.mu.Unlock()
	owner := []metav1.OwnerReference{registry.OwnerReference(r.Name, applied.GetUID())}
	if objs.Secret != nil {
		objs.Secret.OwnerReferences = owner
		if _, err := client.Apply(ctx, objs.Secret, kube.ApplyOptions{}); err != nil {
			return err
		}
	}
	if objs.CAConfigMap != nil {
		objs.CAConfigMap.OwnerReferences = owner
		if _, err := client.Apply(ctx, objs.CAConfigMap, kube.ApplyOptions{}); err != nil {
			return err
		}
	}
	return nil
}

func caOf(ca object) registry.CASource {
	switch {
	case ca == nil:
		return registry.CASource{Kind: registry.CANone}
	case ca.str("pem") != "":
		return registry.CASource{Kind: registry.CAPEM, PEM: ca.str("pem")}
	case ca.boolean("cluster_bundle"):
		return registry.CASource{Kind: registry.CAClusterBundle}
	case ca.boolean("openshift_ai_bundle"):
		return registry.CASource{Kind: registry.CAOpenShiftAI}
	case ca.object("config_map") != nil:
		return registry.CASource{Kind: registry.CAConfigMap, Ref: registry.KeyRef{Name: ca.object("config_map").str("name"), Key: ca.object("config_map").str("key")}}
	case ca.object("secret") != nil:
		return registry.CASource{Kind: registry.CASecret, Ref: registry.KeyRef{Name: ca.object("secret").str("name"), Key: ca.object("secret").str("key")}}
	}
	return registry.CASource{Kind: registry.CANone}
}

func (w *writer) registryUID(namespace, name string) (types.UID, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	uid, ok := w.uids[namespace+"/"+name]
	if !ok {
		return "", fmt.Errorf("the write floor reads nothing: registry %s/%s must be created in the same apply as its permissions", namespace, name)
	}
	return uid, nil
}

func permissionOf(s object) (registry.Permission, error) {
	p := registry.Permission{Registry: s.str("registry"), Namespace: s.str("namespace")}
	for _, kind := range []registry.SubjectKind{registry.SubjectUser, registry.SubjectGroup, registry.SubjectProject} {
		if subject := s.str(string(kind)); subject != "" {
			p.Kind, p.Subject = kind, subject
			return p, nil
		}
	}
	return p, fmt.Errorf("permission on %s names no user, group or project", p.Registry)
}

func permissionListOf(s object) registry.PermissionList {
	l := registry.PermissionList{Registry: s.str("registry"), Namespace: s.str("namespace")}
	for _, k := range []struct {
		attribute string
		kind      registry.SubjectKind
	}{{"users", registry.SubjectUser}, {"groups", registry.SubjectGroup}, {"projects", registry.SubjectProject}} {
		for _, name := range s.strings(k.attribute) {
			l.Subjects = append(l.Subjects, registry.Subject{Kind: k.kind, Name: name})
		}
	}
	return l
}

func sourceOf(typeName string, s object) (catalog.UserSource, string, error) {
	source := catalog.UserSource{Kind: catalog.ModelSources, ID: s.str("source_id"), Name: s.str("name"), Type: catalog.TypeYAML,
		Enabled: s.boolean("enabled"), Labels: s.strings("labels"), Included: s.strings("included_models"), Excluded: s.strings("excluded_models")}
	if typeName == "openshiftai_mcp_catalog_source" {
		source.Kind, source.Included, source.Excluded = catalog.MCPSources, s.strings("included_servers"), s.strings("excluded_servers")
	}
	if s.object("hugging_face") != nil || s.object("own_config_map") != nil || s.object("yaml") == nil {
		return source, "", fmt.Errorf("the write floor writes only yaml sources in the shared ConfigMap, not %s", source.ID)
	}
	source.CatalogFile = s.object("yaml").str("catalog")
	return source, s.str("namespace"), nil
}

// configMapCopies is the catalog.Cluster of the write floor: a ConfigMap is read from
// the cluster once per process, then served from the process's copy, and every update
// writes the copy back unconditionally (the process holds every change since its read).
type configMapCopies struct {
	// Client answers the verbs the catalog does not use on the copies.
	*kube.Client
	mu     sync.Mutex
	copies map[string]*unstructured.Unstructured
}

func (c *configMapCopies) Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := namespace + "/" + name
	if u, ok := c.copies[key]; ok {
		return u.DeepCopy(), nil
	}
	u, err := c.Client.Get(ctx, gvr, namespace, name)
	if err != nil {
		return nil, err
	}
	c.copies[key] = u
	return u.DeepCopy(), nil
}

func (c *configMapCopies) Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	obj = obj.DeepCopy()
	obj.SetResourceVersion("")
	out, err := c.Client.Update(ctx, obj)
	if err != nil {
		if apierrors.IsConflict(err) {
			return nil, fmt.Errorf("write floor: unconditional update of ConfigMap %s conflicted: %w", obj.GetName(), err)
		}
		return nil, err
	}
	c.mu.Lock()
	c.copies[obj.GetNamespace()+"/"+obj.GetName()] = out
	c.mu.Unlock()
	return out, nil
}

// object reads a Terraform object value's attributes; a null or missing one is the zero value.
type object map[string]tftypes.Value

func objectOf(v tftypes.Value) object {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil
	}
	return m
}

func (o object) value(name string) (tftypes.Value, bool) {
	v, ok := o[name]
	return v, ok && v.IsKnown() && !v.IsNull()
}

func (o object) str(name string) string {
	var s string
	if v, ok := o.value(name); ok {
		_ = v.As(&s)
	}
	return s
}

func (o object) boolean(name string) bool {
	var b bool
	if v, ok := o.value(name); ok {
		_ = v.As(&b)
	}
	return b
}

func (o object) int64(name string) int64 {
	f := new(big.Float)
	if v, ok := o.value(name); ok {
		_ = v.As(&f)
	}
	i, _ := f.Int64()
	return i
}

func (o object) object(name string) object {
	if v, ok := o.value(name); ok {
		return objectOf(v)
	}
	return nil
}

func (o object) strings(name string) []string {
	v, ok := o.value(name)
	if !ok {
		return nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		var s string
		_ = e.As(&s)
		out = append(out, s)
	}
	return out
}

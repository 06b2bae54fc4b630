package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var passwordWOPath = path.Root("database").AtName("password_wo")

func (r *modelRegistryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan modelRegistryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, passwordWOPath, &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeoutOr(plan.Timeouts.Create, ctx, defaultCreateTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.clientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Namespace.IsUnknown() || plan.Namespace.IsNull() {
		namespace, diags := r.data.RegistriesNamespace(ctx)
		resp.Diagnostics.Append(diags...)
		plan.Namespace = types.StringValue(namespace)
	}
	if plan.ResourceName.IsUnknown() || plan.ResourceName.IsNull() {
		plan.ResourceName = types.StringValue(registry.DeriveResourceName(plan.Name.ValueString()))
		if problems := registry.ValidateResourceName(plan.ResourceName.ValueString()); len(problems) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("resource_name"), "Invalid registry name",
				fmt.Sprintf("resource_name %q derived from name %s. Set resource_name.", plan.ResourceName.ValueString(), strings.Join(problems, "; ")))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	desired := plan.desired()

	resp.Diagnostics.Append(r.checkNameInOtherNamespaces(ctx, client, desired)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.checkReferences(ctx, client, desired)...)
	resp.Diagnostics.Append(r.verifyDatabase(ctx, client, plan, desired, password.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}

	objects := desiredObjects(desired, plan, password.ValueString())
	markCreatePending(objects[0])
	// The registry's dry run comes first: it also tells whether a registry of
	// that name exists in the namespace, which the apply would otherwise take over.
	last := len(objects) - 1
	for i, obj := range slices.Concat(objects[last:], objects[:last]) {
		out, err := client.Apply(ctx, obj, kube.ApplyOptions{DryRun: true})
		if err != nil {
			resp.Diagnostics.AddError("The API server rejected the model registry", "Nothing was created. "+err.Error())
			return
		}
		// A dry run answers an object that exists with its resourceVersion.
		if i == 0 && out.GetResourceVersion() != "" {
			resp.Diagnostics.Append(checkExistingRegistry(ctx, client, desired)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}
	created, applied, err := applyInOrder(ctx, client, objects)
	failed := func(err error) {
		rollback(ctx, client, created)
		resp.Diagnostics.AddError("Cannot create the model registry",
			fmt.Sprintf("%v\n\nEverything this apply had created (%s) was removed again; fix the cause and apply again.", err, describeObjects(created)))
	}
	if err != nil {
		failed(err)
		return
	}
	observed := registry.ParseModelRegistry(applied)
	plan.ID = types.StringValue(desired.Namespace + "/" + desired.Name)
	plan.setStatus(observed)
	r.setOwnedNames(&plan)
	tflog.Info(ctx, "created model registry", map[string]any{"id": plan.ID.ValueString(), "uid": string(observed.UID)})

	var waitDiags diag.Diagnostics
	if plan.WaitForReady.ValueBool() {
		var waited *registry.Observed
		waited, waitDiags = waitForReady(ctx, client, desired.Namespace, desired.Name, applied)
		if waited != nil {
			plan.setStatus(*waited)
		}
	}
	if err := finishCreate(ctx, client, desired, applied, objects); err != nil {
		failed(err)
		return
	}
	r.data.RememberRegistry(desired.Namespace, desired.Name, observed.UID)
	// The registry exists, so the state records it even when the wait failed
	// (Terraform then marks it tainted and replaces it): nothing is orphaned.
	resp.Diagnostics.Append(waitDiags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// checkNameInOtherNamespaces fails a create whose name a registry in another
// namespace has: names are unique across the cluster. It answers from the list
// of registries the plan-time check of the same provider process made (Terraform
// plans each resource again right before applying it), and lists afresh only
// when that list failed. The registry's own namespace is checked by the dry run.
func (r *modelRegistryResource) checkNameInOtherNamespaces(ctx context.Context, client *kube.Client, desired registry.Registry) diag.Diagnostics {
	var diags diag.Diagnostics
	var sameName []unstructured.Unstructured
	if byName, err := r.data.RegistriesByName(ctx); err == nil {
		sameName = byName[desired.Name]
	} else {
		if sameName, err = client.ListByName(ctx, registry.GroupVersionResource, desired.Name); err != nil {
			diags.AddError("Cannot create the model registry", err.Error())
			return diags
		}
	}
	for _, obj := range sameName {
		if obj.GetNamespace() != desired.Namespace && stillExists(ctx, r.data, obj) {
			diags.Append(nameTaken(obj))
		}
	}
	return diags
}

// stillExists confirms that a registry the process's list holds has not been
// deleted since, as the registry an apply replaces to move it to another
// namespace is. When the cluster cannot say, it assumes the registry is there.
func stillExists(ctx context.Context, data *providerData, obj unstructured.Unstructured) bool {
	client, err := data.Client()
	if err != nil {
		return true
	}
	_, err = client.Get(ctx, registry.GroupVersionResource, obj.GetNamespace(), obj.GetName())
	return !apierrors.IsNotFound(err) || kube.IsMissingResourceType(err)
}

// checkExistingRegistry decides about a registry of the desired name found in
// the namespace at create: a create of this provider that never finished (its
// process was killed) is taken over, because no state holds it; anything else is
// an error, because applying would take over a registry another owner manages.
func checkExistingRegistry(ctx context.Context, client *kube.Client, desired registry.Registry) diag.Diagnostics {
	var diags diag.Diagnostics
	obj, err := client.Get(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name)
	switch {
	case apierrors.IsNotFound(err):
		// Gone since the dry run.
	case err != nil:
		diags.AddError("Cannot create the model registry", err.Error())
	case interruptedCreate(ctx, client, *obj, desired.Namespace):
		tflog.Warn(ctx, "adopting a model registry whose create was interrupted", map[string]any{"namespace": obj.GetNamespace(), "name": obj.GetName(), "uid": string(obj.GetUID())})
	default:
		diags.Append(nameTaken(*obj))
	}
	return diags
}

func nameTaken(obj unstructured.Unstructured) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("resource_name"), "Model registry already exists",
		fmt.Sprintf("A model registry named %q already exists in namespace %q, and registry names are unique across the cluster. "+
			"Choose another resource_name, or bring it under Terraform with:\n  terraform import <address> %s/%s",
			obj.GetName(), obj.GetNamespace(), obj.GetNamespace(), obj.GetName()))
}

// markCreatePending marks the first object a create writes (the password
// Secret, else the CA ConfigMap, else the registry) until the create is done: a
// registry whose first object is still marked belongs to no state, because the
// create that wrote it was interrupted, and the next create adopts it.
func markCreatePending(obj runtime.Object) {
	if accessor, ok := obj.(metav1.Object); ok {
		annotations := accessor.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[registry.AnnotationCreatePending] = "true"
		accessor.SetAnnotations(annotations)
	}
}

func unmarkCreatePending(obj runtime.Object) {
	if accessor, ok := obj.(metav1.Object); ok {
		annotations := accessor.GetAnnotations()
		delete(annotations, registry.AnnotationCreatePending)
		if len(annotations) == 0 {
			annotations = nil
		}
		accessor.SetAnnotations(annotations)
	}
}

func createPending(obj metav1.Object) bool {
	return obj.GetAnnotations()[registry.AnnotationCreatePending] != ""
}

// interruptedCreate reports a registry this provider began to create in
// namespace and never finished creating: the registry, its password Secret or
// its CA ConfigMap still carries the create mark. It reads the Secret and the
// ConfigMap only for a registry of this provider in that namespace.
func interruptedCreate(ctx context.Context, client *kube.Client, obj unstructured.Unstructured, namespace string) bool {
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
		if o, err := client.Get(ctx, owned.gvr, namespace, owned.name); err == nil && createPending(o) {
			return true
		}
	}
	return false
}

// finishCreate ends a create with one more write of each object written before
// the registry: the Secret and ConfigMap get the registry as their owner, so
// they go when it goes, and lose the create mark. A registry written alone is
// applied again without the mark. It runs on its own deadline because the
// create's may be what ran out while waiting.
func finishCreate(ctx context.Context, client *kube.Client, desired registry.Registry, applied *unstructured.Unstructured, objects []runtime.Object) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if len(objects) == 1 {
		if _, err := client.Apply(ctx, desired.ModelRegistry(), kube.ApplyOptions{}); err != nil {
			return fmt.Errorf("removing the create mark %s from the registry: %w", registry.AnnotationCreatePending, err)
		}
		return nil
	}
	return setOwners(ctx, client, desired, applied, objects)
}

func (r *modelRegistryResource) setOwnedNames(m *modelRegistryModel) {
	m.PasswordSecretName = types.StringNull()
	if m.Database.managesPassword() {
		m.PasswordSecretName = types.StringValue(registry.PasswordSecretName(m.ResourceName.ValueString()))
	}
	m.CAConfigMapName = types.StringNull()
	if m.CACertificate.caSource().Kind == registry.CAPEM {
		m.CAConfigMapName = types.StringValue(registry.CAConfigMapName(m.ResourceName.ValueString()))
	}
}

// desiredObjects are the objects of a registry in the order they are written:
// the password Secret and CA ConfigMap first, so the operator finds them.
func desiredObjects(desired registry.Registry, plan modelRegistryModel, password string) []runtime.Object {
	var objects []runtime.Object
	if plan.Database.managesPassword() {
		version := ""
		if !plan.Database.PasswordWOVersion.IsNull() {
			version = strconv.FormatInt(plan.Database.PasswordWOVersion.ValueInt64(), 10)
		}
		objects = append(objects, desired.PasswordSecret(password, version))
	}
	if desired.CA.Kind == registry.CAPEM {
		objects = append(objects, desired.CAConfigMap())
	}
	return append(objects, desired.ModelRegistry())
}

// applyInOrder applies objects one after the other; it returns those it wrote
// and the registry as the API server returned it.
func applyInOrder(ctx context.Context, client *kube.Client, objects []runtime.Object) (written []runtime.Object, applied *unstructured.Unstructured, err error) {
	for _, obj := range objects {
		out, err := client.Apply(ctx, obj, kube.ApplyOptions{})
		if err != nil {
			return written, nil, err
		}
		written = append(written, obj)
		applied = out
	}
	return written, applied, nil
}

// setOwners applies the Secret and ConfigMap again with an owner reference to
// the registry and without the create mark.
func setOwners(ctx context.Context, client *kube.Client, desired registry.Registry, applied *unstructured.Unstructured, objects []runtime.Object) error {
	owner := registry.OwnerReference(desired.Name, applied.GetUID())
	for _, obj := range objects[:len(objects)-1] {
		withOwner := obj.DeepCopyObject()
		accessor, ok := withOwner.(metav1.Object)
		if !ok {
			continue
		}
		accessor.SetOwnerReferences([]metav1.OwnerReference{owner})
		unmarkCreatePending(withOwner)
		if _, err := client.Apply(ctx, withOwner, kube.ApplyOptions{}); err != nil {
			return fmt.Errorf("setting the registry as owner of %s %s: %w", kindOf(obj), accessor.GetName(), err)
		}
	}
	return nil
}

// rollback deletes what a failed create wrote, newest first. It runs on its own
// deadline because the apply's may be what ran out.
func rollback(ctx context.Context, client *kube.Client, written []runtime.Object) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for i := len(written) - 1; i >= 0; i-- {
		accessor, ok := written[i].(metav1.Object)
		if !ok {
			continue
		}
		gvr := gvrOf(written[i])
		if err := client.Delete(ctx, gvr, accessor.GetNamespace(), accessor.GetName(), ""); err != nil {
			tflog.Warn(ctx, "rollback could not delete an object", map[string]any{"object": accessor.GetName(), "error": err.Error()})
		}
	}
}

func gvrOf(obj runtime.Object) schema.GroupVersionResource {
	switch obj.(type) {
	case *corev1.Secret:
		return kube.Secrets
	case *corev1.ConfigMap:
		return kube.ConfigMaps
	}
	return registry.GroupVersionResource
}

func kindOf(obj runtime.Object) string {
	switch obj.(type) {
	case *corev1.Secret:
		return "Secret"
	case *corev1.ConfigMap:
		return "ConfigMap"
	}
	return registry.Kind
}

func describeObjects(objects []runtime.Object) string {
	if len(objects) == 0 {
		return "nothing"
	}
	parts := make([]string, 0, len(objects))
	for _, obj := range objects {
		if accessor, ok := obj.(metav1.Object); ok {
			parts = append(parts, kindOf(obj)+" "+accessor.GetName())
		}
	}
	return strings.Join(parts, ", ")
}

// checkReferences makes sure the ConfigMaps and Secrets the registry will mount
// exist in its namespace with the keys it needs.
func (r *modelRegistryResource) checkReferences(ctx context.Context, client *kube.Client, desired registry.Registry) diag.Diagnostics {
	var diags diag.Diagnostics
	if ref, isSecret, ok := desired.CAObject(); ok && desired.CA.Kind != registry.CAPEM {
		attr := path.Root("ca_certificate").AtName(string(desired.CA.Kind))
		diags.Append(checkKey(ctx, client, attr, desired.Namespace, ref, isSecret, true)...)
	}
	if ref := desired.Database.PasswordSecret; ref.Name != registry.PasswordSecretName(desired.Name) || ref.Key != registry.PasswordSecretKeyPassword {
		diags.Append(checkKey(ctx, client, path.Root("database").AtName("existing_password_secret"), desired.Namespace, ref, true, false)...)
	}
	return diags
}

func checkKey(ctx context.Context, client *kube.Client, attr path.Path, namespace string, ref registry.KeyRef, isSecret, mustBeOpaque bool) diag.Diagnostics {
	var diags diag.Diagnostics
	kind, gvr := keyHolder(isSecret)
	obj, err := client.Get(ctx, gvr, namespace, ref.Name)
	if apierrors.IsNotFound(err) {
		diags.AddAttributeError(attr, kind+" not found",
			fmt.Sprintf("%s: %s %q does not exist in namespace %q. The registry can only use a %s in its own namespace; create it there or point %s at another one.",
				attr, kind, ref.Name, namespace, kind, attr))
		return diags
	}
	if err != nil {
		diags.AddAttributeError(attr, "Cannot read "+kind, err.Error())
		return diags
	}
	if isSecret {
		secretType, _, _ := unstructured.NestedString(obj.Object, "type")
		if mustBeOpaque && secretType != "" && secretType != string(corev1.SecretTypeOpaque) {
			diags.AddAttributeError(attr, "Secret is not Opaque",
				fmt.Sprintf("%s: Secret %s/%s has type %s; the registry reads CA certificates only from Opaque Secrets.", attr, namespace, ref.Name, secretType))
		}
		if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "data", ref.Key); !found {
			diags.AddAttributeError(attr, "Key not found",
				fmt.Sprintf("%s: Secret %s/%s has no key %q. Keys it has: %s.", attr, namespace, ref.Name, ref.Key, keysOf(obj, "data")))
		}
		return diags
	}
	_, inData, _ := unstructured.NestedFieldNoCopy(obj.Object, "data", ref.Key)
	_, inBinary, _ := unstructured.NestedFieldNoCopy(obj.Object, "binaryData", ref.Key)
	if !inData && !inBinary {
		diags.AddAttributeError(attr, "Key not found",
			fmt.Sprintf("%s: ConfigMap %s/%s has no key %q. Keys it has: %s.", attr, namespace, ref.Name, ref.Key, keysOf(obj, "data")))
	}
	return diags
}

// keyHolder is the kind and resource of the object a key reference points into.
func keyHolder(isSecret bool) (kind string, gvr schema.GroupVersionResource) {
	if isSecret {
		return "Secret", kube.Secrets
	}
	return "ConfigMap", kube.ConfigMaps
}

func keysOf(obj *unstructured.Unstructured, field string) string {
	data, _, _ := unstructured.NestedMap(obj.Object, field)
	if len(data) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, strconv.Quote(k))
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// waitForReady waits until the operator reports the registry available. It
// stops at once on a configuration error, which waiting does not fix.
func waitForReady(ctx context.Context, client *kube.Client, namespace, name string, written *unstructured.Unstructured) (*registry.Observed, diag.Diagnostics) {
	var diags diag.Diagnostics
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
	case errors.Is(err, errConfiguration):
		diags.AddError("Model registry configuration error",
			fmt.Sprintf("The operator cannot run model registry %s/%s: %s\n\nCheck the database settings (host, port, username, password, database, CA certificate); waiting longer does not help.",
				namespace, name, configMessage))
	case errors.Is(err, context.DeadlineExceeded):
		seen := "the registry could not be read"
		if observed != nil {
			seen = observed.LastCondition()
		}
		diags.AddError("Timed out waiting for the model registry",
			fmt.Sprintf("Model registry %s/%s did not become available in time. Last seen: %s. Check that the model-registry operator is running and that the database is reachable from the cluster; raise timeouts or set wait_for_ready = false to not wait.",
				namespace, name, seen))
	default:
		diags.AddError("Cannot read the model registry", err.Error())
	}
	return observed, diags
}

func (r *modelRegistryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state modelRegistryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.clientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.ResourceName.ValueString()
	obj, err := r.data.ReadObject(ctx, client, registry.GroupVersionResource, namespace, name)
	if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
		tflog.Warn(ctx, "model registry is gone; planning to create it again", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the model registry", err.Error())
		return
	}
	observed := registry.ParseModelRegistry(obj)
	read := state
	resp.Diagnostics.Append(r.readInto(ctx, client, &read, observed)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !reflect.DeepEqual(read, state) {
		// Writing the state back costs more than the read on large plans: only on change.
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

// readInto copies what the cluster has into the model: only the fields the
// provider owns, so that the operator's defaults never show as drift.
func (r *modelRegistryResource) readInto(ctx context.Context, client *kube.Client, m *modelRegistryModel, o registry.Observed) diag.Diagnostics {
	var diags diag.Diagnostics
	prior := m.Database
	m.ID = types.StringValue(o.Namespace + "/" + o.Name)
	m.Namespace = types.StringValue(o.Namespace)
	m.ResourceName = types.StringValue(o.Name)
	m.Name = types.StringValue(o.DisplayName)
	switch {
	case o.Description != "":
		m.Description = types.StringValue(o.Description)
	case m.Description.ValueString() == "":
		// Keep "" or null as configured: both mean no description.
	default:
		m.Description = types.StringNull()
	}
	db := &databaseModel{
		Host:                 types.StringValue(o.Database.Host),
		Port:                 types.Int64Value(o.Database.Port),
		Username:             types.StringValue(o.Database.Username),
		Database:             types.StringValue(o.Database.Database),
		SkipDatabaseCreation: types.BoolValue(o.Database.SkipDatabaseCreation),
		PasswordWO:           types.StringNull(),
		PasswordWOVersion:    types.Int64Null(),
		VerifyConnection:     types.BoolValue(false),
	}
	if prior != nil {
		db.VerifyConnection = prior.VerifyConnection
		db.PasswordWOVersion = prior.PasswordWOVersion
	}
	m.PasswordSecretName = types.StringNull()
	ownSecret := registry.PasswordSecretName(o.Name)
	ref := o.Database.PasswordSecret
	if ref.Name == ownSecret && ref.Key == registry.PasswordSecretKeyPassword && (prior == nil || prior.managesPassword()) {
		secret, err := client.Get(ctx, kube.Secrets, o.Namespace, ownSecret)
		switch {
		case err == nil && (prior != nil || secret.GetLabels()[registry.LabelAppManagedBy] == registry.ManagedByProvider):
			m.PasswordSecretName = types.StringValue(ownSecret)
			if version, err := strconv.ParseInt(secret.GetAnnotations()[registry.AnnotationPasswordVersion], 10, 64); err == nil && prior == nil {
				db.PasswordWOVersion = types.Int64Value(version)
			}
		case err == nil:
			db.ExistingPasswordSecret = keyRefFrom(ref)
		case apierrors.IsNotFound(err) && prior != nil:
			// Deleted out of band: the plan writes it again.
		case apierrors.IsNotFound(err):
			db.ExistingPasswordSecret = keyRefFrom(ref)
		default:
			diags.AddError("Cannot read the password Secret", err.Error())
		}
	} else {
		db.ExistingPasswordSecret = keyRefFrom(ref)
		db.PasswordWOVersion = types.Int64Null()
	}
	m.Database = db

	m.CAConfigMapName = types.StringNull()
	source := o.CA
	priorCA := m.CACertificate
	// An uploaded CA reads back as pem, unless the configuration names that ConfigMap itself.
	if caRef, uploaded := uploadedCARef(o); uploaded && (priorCA == nil || priorCA.ConfigMap == nil) {
		source = registry.CASource{Kind: registry.CAPEM}
		cm, err := client.Get(ctx, kube.ConfigMaps, o.Namespace, caRef.Name)
		switch {
		case err == nil:
			source.PEM, _, _ = unstructured.NestedString(cm.Object, "data", registry.CAConfigMapKey)
			m.CAConfigMapName = types.StringValue(cm.GetName())
		case apierrors.IsNotFound(err):
			// Deleted out of band: the plan writes it again.
		default:
			diags.AddError("Cannot read the CA ConfigMap", err.Error())
		}
	}
	m.CACertificate = caModelFrom(source)
	if m.CACertificate != nil && source.Kind == registry.CAPEM && source.PEM == "" {
		m.CACertificate.PEM = types.StringNull()
	}
	if m.WaitForReady.IsNull() {
		m.WaitForReady = types.BoolValue(true)
	}
	if m.DeletionProtection.IsNull() {
		m.DeletionProtection = types.BoolValue(false)
	}
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = nullTimeouts()
	}
	m.setStatus(o)
	return diags
}

func (r *modelRegistryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state modelRegistryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, passwordWOPath, &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeoutOr(plan.Timeouts.Update, ctx, defaultUpdateTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.clientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	desired := plan.desired()
	resp.Diagnostics.Append(r.checkReferences(ctx, client, desired)...)
	resp.Diagnostics.Append(r.verifyDatabase(ctx, client, plan, desired, password.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.KubeRBACProxy.ValueBool() {
		// The apply below would be rejected while a deprecated oauthProxy is set.
		if _, err := client.Patch(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name, registry.EnableKubeRBACProxyPatch()); err != nil {
			resp.Diagnostics.AddError("Cannot update the model registry", "Adding the auth proxy (spec.kubeRBACProxy): "+err.Error())
			return
		}
	}
	objects := desiredObjects(desired, plan, password.ValueString())
	owner := registry.OwnerReference(desired.Name, k8stypes.UID(state.UID.ValueString()))
	for _, obj := range objects[:len(objects)-1] {
		if accessor, ok := obj.(metav1.Object); ok {
			accessor.SetOwnerReferences([]metav1.OwnerReference{owner})
		}
	}
	_, applied, err := applyInOrder(ctx, client, objects)
	if err == nil {
		applied, err = clearForeignFields(ctx, client, desired, applied)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot update the model registry", err.Error())
		return
	}
	// Objects the provider made and the plan no longer needs.
	if !state.CAConfigMapName.IsNull() && desired.CA.Kind != registry.CAPEM {
		if err := client.Delete(ctx, kube.ConfigMaps, desired.Namespace, state.CAConfigMapName.ValueString(), ""); err != nil {
			resp.Diagnostics.AddWarning("CA ConfigMap not removed", err.Error())
		}
	}
	if !state.PasswordSecretName.IsNull() && !plan.Database.managesPassword() {
		if err := client.Delete(ctx, kube.Secrets, desired.Namespace, state.PasswordSecretName.ValueString(), ""); err != nil {
			resp.Diagnostics.AddWarning("Password Secret not removed", err.Error())
		}
	}
	observed := registry.ParseModelRegistry(applied)
	plan.setStatus(observed)
	r.setOwnedNames(&plan)
	if plan.WaitForReady.ValueBool() {
		waited, diags := waitForReady(ctx, client, desired.Namespace, desired.Name, applied)
		resp.Diagnostics.Append(diags...)
		if waited != nil {
			plan.setStatus(*waited)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// clearForeignFields removes what another field manager (the dashboard, oc
// edit) set in the fields the provider owns and the plan leaves empty: a second
// CA reference or a description. Server-side apply alone keeps them.
func clearForeignFields(ctx context.Context, client *kube.Client, desired registry.Registry, applied *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	want := desired.ModelRegistry()
	mysqlPatch := map[string]any{}
	for _, field := range []string{"sslRootCertificateConfigMap", "sslRootCertificateSecret"} {
		_, inApplied, _ := unstructured.NestedFieldNoCopy(applied.Object, "spec", "mysql", field)
		_, wanted, _ := unstructured.NestedFieldNoCopy(want.Object, "spec", "mysql", field)
		if inApplied && !wanted {
			mysqlPatch[field] = nil
		}
	}
	patch := map[string]any{}
	if len(mysqlPatch) > 0 {
		patch["spec"] = map[string]any{"mysql": mysqlPatch}
	}
	if _, has := applied.GetAnnotations()[registry.AnnotationDescription]; has && desired.Description == "" {
		patch["metadata"] = map[string]any{"annotations": map[string]any{registry.AnnotationDescription: nil}}
	}
	if len(patch) == 0 {
		return applied, nil
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return nil, err
	}
	return client.Patch(ctx, registry.GroupVersionResource, desired.Namespace, desired.Name, body)
}

func (r *modelRegistryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state modelRegistryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError("Deletion protection is on",
			fmt.Sprintf("Model registry %s has deletion_protection = true. Set it to false and apply, then destroy.", state.ID.ValueString()))
		return
	}
	timeout := timeoutOr(state.Timeouts.Delete, ctx, defaultDeleteTimeout, &resp.Diagnostics)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, diags := r.data.clientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.ResourceName.ValueString()
	r.data.ForgetRegistry(namespace, name)
	if err := client.Delete(ctx, registry.GroupVersionResource, namespace, name, k8stypes.UID(state.UID.ValueString())); err != nil {
		resp.Diagnostics.AddError("Cannot delete the model registry", err.Error())
		return
	}
	last, err := client.Wait(ctx, registry.GroupVersionResource, namespace, name, func(obj *unstructured.Unstructured) (bool, error) {
		return obj == nil || obj.GetUID() != k8stypes.UID(state.UID.ValueString()), nil
	})
	if err != nil {
		finalizers := "none"
		if last != nil && len(last.GetFinalizers()) > 0 {
			finalizers = strings.Join(last.GetFinalizers(), ", ")
		}
		resp.Diagnostics.AddError("Timed out deleting the model registry",
			fmt.Sprintf("Model registry %s/%s is still there after %s; its finalizers: %s. The operator removes the finalizer %s when it has cleaned up, so the model-registry operator must be running. "+
				"If the operator was uninstalled, remove the finalizer by hand:\n  oc patch modelregistry.modelregistry.opendatahub.io %s -n %s --type merge -p '{\"metadata\":{\"finalizers\":null}}'",
				namespace, name, timeout, finalizers, registry.Finalizer, name, namespace))
		return
	}
	for _, owned := range []struct {
		gvr  schema.GroupVersionResource
		name types.String
	}{{kube.Secrets, state.PasswordSecretName}, {kube.ConfigMaps, state.CAConfigMapName}} {
		if owned.name.IsNull() || owned.name.ValueString() == "" {
			continue
		}
		if err := client.Delete(ctx, owned.gvr, namespace, owned.name.ValueString(), ""); err != nil {
			resp.Diagnostics.AddError("Cannot delete an object of the model registry", err.Error())
		}
	}
	// The database is never touched: deleting a registry keeps its data.
}

package modelregistry

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var passwordWOPath = path.Root("database").AtName("password_wo")

// protocol runs the registry's writes on client, answering name checks from
// the process's list of registries.
func (r *modelRegistryResource) protocol(client kube.Interface) *lifecycle.Protocol {
	return &lifecycle.Protocol{Client: client, Known: r.data, Log: logTo}
}

func logTo(ctx context.Context, msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) }

// appendProblems adds the problems in err as errors; a taken name points at resource_name.
func appendProblems(diags *diag.Diagnostics, err error, fallback string) {
	for _, p := range lifecycle.Problems(err, fallback) {
		if p.NameTaken {
			diags.AddAttributeError(path.Root("resource_name"), p.Summary, p.Detail)
			continue
		}
		diags.AddError(p.Summary, p.Detail)
	}
}

// password is what the provider writes into the registry's own Secret; nil
// when the configuration names an existing Secret.
func (m *modelRegistryModel) password(value string) *registry.Password {
	if !m.Database.managesPassword() {
		return nil
	}
	version := ""
	if !m.Database.PasswordWOVersion.IsNull() {
		version = strconv.FormatInt(m.Database.PasswordWOVersion.ValueInt64(), 10)
	}
	return &registry.Password{Value: value, Version: version}
}

// current is what the state knows of the registry's objects.
func (m *modelRegistryModel) current() lifecycle.Current {
	return lifecycle.Current{
		UID:            k8stypes.UID(m.UID.ValueString()),
		KubeRBACProxy:  m.KubeRBACProxy.ValueBool(),
		PasswordSecret: m.PasswordSecretName.ValueString(),
		CAConfigMap:    m.CAConfigMapName.ValueString(),
	}
}

func (r *modelRegistryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan modelRegistryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, passwordWOPath, &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, defaultCreateTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.ClientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.data.ResolveNamespace(ctx, &plan.Namespace)...)
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
	r.checkNameAgainstOperator(ctx, desired.Namespace, desired.Name, true, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	protocol := r.protocol(client)

	if err := protocol.CheckNameElsewhere(ctx, desired); err != nil {
		appendProblems(&resp.Diagnostics, err, lifecycle.SummaryCreate)
		return
	}
	resp.Diagnostics.Append(r.checkReferences(ctx, client, desired)...)
	resp.Diagnostics.Append(r.verifyDatabase(ctx, client, plan, desired, password.ValueString())...)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := protocol.Create(ctx, desired, plan.password(password.ValueString()), plan.WaitForReady.ValueBool())
	if err != nil {
		appendProblems(&resp.Diagnostics, err, lifecycle.SummaryCreate)
		return
	}
	plan.ID = types.StringValue(desired.Namespace + "/" + desired.Name)
	plan.setStatus(created.Observed)
	setOwnedNames(&plan)
	r.data.RememberRegistry(desired.Namespace, desired.Name, created.Observed.UID)
	// The registry exists, so the state records it even when the wait failed
	// (Terraform then marks it tainted and replaces it): nothing is orphaned.
	appendProblems(&resp.Diagnostics, created.WaitErr, lifecycle.SummaryRead)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	registryIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// setOwnedNames records the objects the provider makes for the registry.
func setOwnedNames(m *modelRegistryModel) {
	m.PasswordSecretName = types.StringNull()
	if m.Database.managesPassword() {
		m.PasswordSecretName = types.StringValue(registry.PasswordSecretName(m.ResourceName.ValueString()))
	}
	m.CAConfigMapName = types.StringNull()
	if m.CACertificate.caSource().Kind == registry.CAPEM {
		m.CAConfigMapName = types.StringValue(registry.CAConfigMapName(m.ResourceName.ValueString()))
	}
	m.DatabaseType, m.DefaultDBSecret = databaseTypeOf(m.Database), types.StringNull()
	if m.Database == nil {
		m.DefaultDBSecret = types.StringValue(registry.DefaultDatabaseSecretName(m.ResourceName.ValueString()))
	}
}

// databaseTypeOf is database_type for a database block; nil is the default
// database, a PostgreSQL.
func databaseTypeOf(db *databaseModel) types.String {
	if db == nil {
		return types.StringValue(string(registry.DatabasePostgres))
	}
	return types.StringValue(string(db.databaseType()))
}

// checkReferences makes sure the ConfigMaps and Secrets the registry will mount
// exist in its namespace with the keys it needs.
func (r *modelRegistryResource) checkReferences(ctx context.Context, client kube.Interface, desired registry.Registry) diag.Diagnostics {
	var diags diag.Diagnostics
	if ref, isSecret, ok := desired.CAObject(); ok && desired.CA.Kind != registry.CAPEM {
		attr := path.Root("ca_certificate").AtName(string(desired.CA.Kind))
		diags.Append(checkKey(ctx, client, attr, desired.Namespace, ref, isSecret, true)...)
	}
	if ref := desired.Database.PasswordSecret; !desired.Database.Generated &&
		(ref.Name != registry.PasswordSecretName(desired.Name) || ref.Key != registry.PasswordSecretKeyPassword) {
		diags.Append(checkKey(ctx, client, path.Root("database").AtName("existing_password_secret"), desired.Namespace, ref, true, false)...)
	}
	return diags
}

func checkKey(ctx context.Context, client kube.Interface, attr path.Path, namespace string, ref registry.KeyRef, isSecret, mustBeOpaque bool) diag.Diagnostics {
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

func (r *modelRegistryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state modelRegistryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	registryIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.ClientDiags()
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
		resp.Diagnostics.AddError(lifecycle.SummaryRead, err.Error())
		return
	}
	observed := lifecycle.Gather(ctx, r.data.Listed(client), obj, gatherFor(state))
	read := state
	diags = flattenModelRegistry(&read, observed)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !reflect.DeepEqual(read, state) {
		// Writing the state back costs more than the read on large plans: only on change.
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
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
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, defaultUpdateTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.ClientDiags()
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
	updated, err := r.protocol(client).Update(ctx, desired, plan.password(password.ValueString()), state.current(), plan.WaitForReady.ValueBool())
	if err != nil {
		appendProblems(&resp.Diagnostics, err, lifecycle.SummaryUpdate)
		return
	}
	for _, w := range updated.Warnings {
		resp.Diagnostics.AddWarning(w.Summary, w.Detail)
	}
	plan.setStatus(updated.Observed)
	setOwnedNames(&plan)
	appendProblems(&resp.Diagnostics, updated.WaitErr, lifecycle.SummaryRead)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	registryIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
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
	timeout := tfutil.TimeoutOr(state.Timeouts.Delete, ctx, defaultDeleteTimeout, &resp.Diagnostics)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, diags := r.data.ClientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.ResourceName.ValueString()
	r.data.ForgetRegistry(namespace, name)
	err := r.protocol(client).Delete(ctx, namespace, name, state.current(), timeout)
	appendProblems(&resp.Diagnostics, err, lifecycle.SummaryDelete)
}

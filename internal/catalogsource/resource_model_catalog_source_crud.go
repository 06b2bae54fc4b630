package catalogsource

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

func (r *sourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[sourceModel](ctx, r.data, req.Plan, timeouts.Value.Create, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, diags := namespaceOf(ctx, r.data, plan.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	desired := plan.desired(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	shippedName, ok := modelFamily.checkNewID(ctx, r.data, client, namespace, desired.ID, &resp.Diagnostics)
	if !ok {
		return
	}
	wroteSecret := false
	if plan.managesAPIKeySecret() {
		if !r.writeAPIKey(ctx, req.Config, client, namespace, desired.ID, plan.HuggingFace.APIKeyWOVersion.ValueInt64(), &resp.Diagnostics) {
			return
		}
		wroteSecret = true
	}
	own := ownName(plan.OwnConfigMap)
	if !checkOwnLoaded(namespace, own, shippedName, &resp.Diagnostics) {
		return
	}
	undo := func() { // nothing is left behind by a create that failed
		if !wroteSecret {
			return
		}
		if derr := client.Delete(context.WithoutCancel(ctx), kube.Secrets, namespace, catalog.APIKeySecretName(desired.ID), ""); derr != nil {
			resp.Diagnostics.AddWarning("Token Secret left behind", derr.Error())
		}
	}
	if !modelFamily.write(ctx, r.data, client, namespace, own, desired, true, undo, &resp.Diagnostics) {
		return
	}
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	sourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// configGetter is the part of tfsdk.Config that reads one attribute.
type configGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// writeAPIKey writes the token Secret from the write-only api_key_wo.
func (r *sourceResource) writeAPIKey(ctx context.Context, config configGetter, client catalog.Cluster, namespace, id string, version int64, diags *diag.Diagnostics) bool {
	var token types.String
	diags.Append(config.GetAttribute(ctx, path.Root("hugging_face").AtName("api_key_wo"), &token)...)
	if diags.HasError() {
		return false
	}
	if token.IsNull() || token.IsUnknown() || token.ValueString() == "" {
		diags.AddAttributeError(path.Root("hugging_face").AtName("api_key_wo"), "Missing token",
			"hugging_face.api_key_wo must be known at apply and not empty when api_key_wo_version is set.")
		return false
	}
	if _, err := client.Apply(ctx, catalog.APIKeySecret(namespace, id, token.ValueString(), version), kube.ApplyOptions{}); err != nil {
		diags.AddError("Cannot write the Hugging Face token Secret", err.Error())
		return false
	}
	return true
}

// apiKeySecret reads the token Secret of a Hugging Face source named as the dashboard names it.
func (r *sourceResource) apiKeySecret(ctx context.Context, client kube.Reader, namespace string, e catalog.Entry) apiKeySecretState {
	if e.Type != catalog.TypeHuggingFace || e.Properties[catalog.PropertyAPIKey] != catalog.APIKeySecretName(e.ID) {
		return apiKeySecretState{}
	}
	u, err := r.data.ReadObject(ctx, client, kube.Secrets, namespace, catalog.APIKeySecretName(e.ID))
	if err != nil {
		if !apierrors.IsNotFound(err) {
			tflog.Warn(ctx, "token Secret not read", map[string]any{"error": err.Error()})
			return apiKeySecretState{Exists: true}
		}
		return apiKeySecretState{}
	}
	return apiKeySecretState{Exists: true, Version: u.GetAnnotations()[catalog.AnnotationAPIKeyVersion]}
}

func (r *sourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	sourceIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	state, ctx, cancel, client, ok := providerdata.Begin[sourceModel](ctx, r.data, req.State, timeouts.Value.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	own := ownName(state.OwnConfigMap)
	e, cmData, found := modelFamily.readSource(ctx, r.data, client, namespace, own, id, resp)
	if !found {
		return
	}
	read := flattenSource(&state, namespace, own, e, cmData, r.apiKeySecret(ctx, client, namespace, e))
	if read.YAML != nil && read.YAML.Catalog.IsNull() {
		resp.Diagnostics.AddWarning("Catalog file missing", fmt.Sprintf(
			"The source %q reads the catalog file %q, which its ConfigMap does not have. Terraform plans to write it.",
			id, e.Properties[catalog.PropertyYAMLCatalogPath]))
	}
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *sourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[sourceModel](ctx, r.data, req.Plan, timeouts.Value.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	var state sourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	namespace := state.Namespace.ValueString()
	desired := plan.desired(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.managesAPIKeySecret() && (!state.managesAPIKeySecret() ||
		!plan.HuggingFace.APIKeyWOVersion.Equal(state.HuggingFace.APIKeyWOVersion)) {
		if !r.writeAPIKey(ctx, req.Config, client, namespace, desired.ID, plan.HuggingFace.APIKeyWOVersion.ValueInt64(), &resp.Diagnostics) {
			return
		}
	}
	if !modelFamily.write(ctx, r.data, client, namespace, ownName(plan.OwnConfigMap), desired, false, nil, &resp.Diagnostics) {
		return
	}
	// A token Secret the source no longer reads is removed, as the dashboard does.
	if desired.APIKeySecret != catalog.APIKeySecretName(desired.ID) && state.managesAPIKeySecret() {
		if err := client.Delete(ctx, kube.Secrets, namespace, catalog.APIKeySecretName(desired.ID), ""); err != nil {
			resp.Diagnostics.AddWarning("Token Secret left behind", err.Error())
		}
	}
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	sourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *sourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel, client, ok := providerdata.Begin[sourceModel](ctx, r.data, req.State, timeouts.Value.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	if !modelFamily.remove(ctx, r.data, client, namespace, ownName(state.OwnConfigMap), id, &resp.Diagnostics) {
		return
	}
	// The dashboard deletes the token Secret it named after the source; so does the provider.
	if hf := state.HuggingFace; hf != nil && (state.managesAPIKeySecret() ||
		(hf.ExistingAPIKeySecret != nil && hf.ExistingAPIKeySecret.Name.ValueString() == catalog.APIKeySecretName(id))) {
		if err := client.Delete(ctx, kube.Secrets, namespace, catalog.APIKeySecretName(id), ""); err != nil {
			resp.Diagnostics.AddError("Cannot delete the Hugging Face token Secret", err.Error())
			return
		}
	}
}

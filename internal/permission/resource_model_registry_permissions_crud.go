package permission

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

func (r *modelRegistryPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan modelRegistryPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, modelRegistryPermissionsCreateTimeout, &resp.Diagnostics))
	defer cancel()
	// No state on failure: the next apply's create adopts whatever this one wrote.
	if r.apply(ctx, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		permissionsIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateApplied, []byte("true"))...)
	}
}

func (r *modelRegistryPermissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan modelRegistryPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, modelRegistryPermissionsUpdateTimeout, &resp.Diagnostics))
	defer cancel()
	// On failure the prior state stays; the next refresh reads what this apply did.
	if r.apply(ctx, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		permissionsIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateApplied, []byte("true"))...)
	}
}

// apply makes the registry's bindings exactly the plan's list: first every
// listed subject gets (or keeps) its binding, then the others are deleted.
func (r *modelRegistryPermissionsResource) apply(ctx context.Context, plan *modelRegistryPermissionsModel, diags *diag.Diagnostics) bool {
	client, d := r.data.ClientDiags()
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	diags.Append(r.data.ResolveNamespace(ctx, &plan.Namespace)...)
	if diags.HasError() {
		return false
	}
	plan.setIdentity(plan.Namespace.ValueString(), plan.Registry.ValueString())
	list, d := plan.list(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	registryUID, d := ownerUID(ctx, r.data, client, list.Namespace, list.Registry)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	// Writes decide on a fresh list, never on the process's read list. A registry this
	// apply created has no binding of its role but the operator's and those made with
	// the registry's labels since (the dashboard's, the provider's): its list is that
	// much shorter than the namespace's, which holds every registry's bindings.
	_, created := r.data.CreatedRegistryUID(list.Namespace, list.Registry)
	if _, err := protocol(client).ApplyPermissions(ctx, list, registryUID, created); err != nil {
		appendProblems(diags, err, lifecycle.SummaryListBindings)
		return false
	}
	return true
}

// ownerUID is the UID of the registry that owns the bindings: from its create
// in this same apply when there was one, else from the cluster.
func ownerUID(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, name string) (k8stypes.UID, diag.Diagnostics) {
	var diags diag.Diagnostics
	if uid, known := data.CreatedRegistryUID(namespace, name); known {
		return uid, diags
	}
	obj, err := client.Get(ctx, registry.GroupVersionResource, namespace, name)
	if err != nil {
		if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
			diags.AddAttributeError(path.Root("registry"), "Model registry not found", fmt.Sprintf(
				"The model registry %q does not exist in namespace %q. Create it first (openshiftai_model_registry, "+
					"and refer to its resource_name so Terraform orders the two), or correct registry and namespace.", name, namespace))
			return "", diags
		}
		diags.AddError("Cannot read the model registry", err.Error())
		return "", diags
	}
	return obj.GetUID(), diags
}

func (r *modelRegistryPermissionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	permissionsIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryPermissionsModel](ctx, r.data, req.State, timeouts.Value.Read, modelRegistryPermissionsReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, registryName := state.Namespace.ValueString(), state.Registry.ValueString()
	if _, err := r.data.ReadObject(ctx, client, registry.GroupVersionResource, namespace, registryName); err != nil {
		if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
			// Its bindings went with it (owner references): nothing is left to manage.
			tflog.Info(ctx, "registry is gone; removing its permission list from state", map[string]any{"namespace": namespace, "registry": registryName})
			resp.State.RemoveResource(ctx)
			return
		}
		resp.Diagnostics.AddError("Cannot read the model registry", err.Error())
		return
	}
	bindings, err := registryBindings(ctx, r.data, client, namespace, registryName)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the registry's RoleBindings", err.Error())
		return
	}
	read := state
	flattenModelRegistryPermissions(&read, bindings)
	read.setIdentity(namespace, registryName)
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *modelRegistryPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryPermissionsModel](ctx, r.data, req.State, timeouts.Value.Delete, modelRegistryPermissionsDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	list, diags := state.list(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := protocol(client).RevokePermissions(ctx, list); err != nil {
		appendProblems(&resp.Diagnostics, err, lifecycle.SummaryDeleteBinding)
	}
}

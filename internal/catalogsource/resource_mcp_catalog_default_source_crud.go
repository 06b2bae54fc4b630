package catalogsource

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

func (r *mcpDefaultSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mcpDefaultSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	namespace, diags := namespaceOf(ctx, r.data, plan.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.Namespace = types.StringValue(namespace)
	r.write(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		mcpDefaultSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *mcpDefaultSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan mcpDefaultSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	r.write(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		mcpDefaultSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *mcpDefaultSourceResource) write(ctx context.Context, plan *mcpDefaultSourceModel, diags *diag.Diagnostics) {
	o := plan.override(ctx, diags)
	if diags.HasError() {
		return
	}
	name, ok := putOverride(ctx, r.data, plan.Namespace.ValueString(), o, diags)
	if !ok {
		return
	}
	plan.Name = name
	plan.ID = types.StringValue(plan.Namespace.ValueString() + "/" + o.ID)
}

func (r *mcpDefaultSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mcpDefaultSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	mcpDefaultSourceIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Read, ctx, defaultReadTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := clientOf(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	e, shipped, found := mcpFamily.readOverride(ctx, r.data, client, namespace, id, resp)
	if !found {
		return
	}
	read := flattenMCPOverride(&state, namespace, e, shipped)
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *mcpDefaultSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mcpDefaultSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Delete, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := clientOf(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	mcpFamily.removeOverride(ctx, client, namespace, id, &resp.Diagnostics)
}

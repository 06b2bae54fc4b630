package catalogsource

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

func (r *mcpSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[mcpSourceModel](ctx, r.data, req.Plan, timeouts.Value.Create, defaultWriteTimeout, &resp.Diagnostics)
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
	shippedName, ok := mcpFamily.checkNewID(ctx, r.data, client, namespace, desired.ID, &resp.Diagnostics)
	if !ok {
		return
	}
	own := ownName(plan.OwnConfigMap)
	if !checkOwnLoaded(namespace, own, shippedName, &resp.Diagnostics) ||
		!mcpFamily.write(ctx, r.data, client, namespace, own, desired, true, nil, &resp.Diagnostics) {
		return
	}
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	mcpSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mcpSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	mcpSourceIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	state, ctx, cancel, client, ok := providerdata.Begin[mcpSourceModel](ctx, r.data, req.State, timeouts.Value.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, id, own := state.Namespace.ValueString(), state.SourceID.ValueString(), ownName(state.OwnConfigMap)
	e, data, found := mcpFamily.readSource(ctx, r.data, client, namespace, own, id, resp)
	if !found {
		return
	}
	read := flattenMCPSource(&state, namespace, own, e, data)
	if read.YAML.Catalog.IsNull() {
		resp.Diagnostics.AddWarning("MCP catalog file missing", fmt.Sprintf(
			"The source %q reads the MCP catalog file %q, which its ConfigMap does not have. Terraform plans to write it.",
			id, e.Properties[catalog.PropertyYAMLCatalogPath]))
	}
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *mcpSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[mcpSourceModel](ctx, r.data, req.Plan, timeouts.Value.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	var state mcpSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	namespace := state.Namespace.ValueString()
	desired := plan.desired(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !mcpFamily.write(ctx, r.data, client, namespace, ownName(plan.OwnConfigMap), desired, false, nil, &resp.Diagnostics) {
		return
	}
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	mcpSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mcpSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel, client, ok := providerdata.Begin[mcpSourceModel](ctx, r.data, req.State, timeouts.Value.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	mcpFamily.remove(ctx, r.data, client, namespace, ownName(state.OwnConfigMap), id, &resp.Diagnostics)
}

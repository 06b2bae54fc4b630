package catalogsource

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

func (r *mcpSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mcpSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := clientOf(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
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
	shipped, shippedName, err := freshShippedIDs(ctx, r.data, client, namespace, catalog.MCPSources)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the shipped MCP catalog sources", err)
		return
	}
	if contains(shipped, desired.ID) {
		addError(&resp.Diagnostics, "", &catalog.IDTakenError{ID: desired.ID, Where: shippedName, Shipped: true, Kind: catalog.MCPSources})
		return
	}
	own := ownName(plan.OwnConfigMap)
	if own != "" && shippedName == catalog.DefaultSourcesConfigMap {
		addError(&resp.Diagnostics, "Labelled ConfigMaps not loaded", fmt.Errorf("%s", notLoadedMessage(namespace)))
		return
	}
	result, err := writePlaced(ctx, r.data.CatalogWrites(), client, namespace, own, desired, true)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot add the MCP catalog source", err)
		return
	}
	tflog.Info(ctx, "MCP catalog source created", map[string]any{"namespace": namespace, "source_id": desired.ID, "own_config_map": own,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	mcpSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mcpSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mcpSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	mcpSourceIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
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
	namespace, id, own := state.Namespace.ValueString(), state.SourceID.ValueString(), ownName(state.OwnConfigMap)
	e, data, found, err := readPlaced(ctx, r.data, client, namespace, own, catalog.MCPSources, id)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the MCP catalog sources", err)
		return
	}
	if !found || e.Type == "" {
		tflog.Info(ctx, "MCP catalog source is gone; removing it from state", map[string]any{"namespace": namespace, "source_id": id})
		resp.State.RemoveResource(ctx)
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
	var plan, state mcpSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := clientOf(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace := state.Namespace.ValueString()
	desired := plan.desired(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := writePlaced(ctx, r.data.CatalogWrites(), client, namespace, ownName(plan.OwnConfigMap), desired, false)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot update the MCP catalog source", err)
		return
	}
	tflog.Info(ctx, "MCP catalog source updated", map[string]any{"namespace": namespace, "source_id": desired.ID,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
	plan.setID(namespace)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	mcpSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mcpSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mcpSourceModel
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
	result, err := removePlaced(ctx, r.data.CatalogWrites(), client, namespace, ownName(state.OwnConfigMap), catalog.MCPSources, id)
	if catalog.IsNotDeployed(err) {
		resp.Diagnostics.AddWarning("MCP catalog not deployed", err.Error()+". There is nothing to remove; the resource leaves the state.")
	} else if err != nil {
		addError(&resp.Diagnostics, "Cannot delete the MCP catalog source", err)
		return
	}
	tflog.Info(ctx, "MCP catalog source deleted", map[string]any{"namespace": namespace, "source_id": id,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
}

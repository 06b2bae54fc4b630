package catalogsource

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

func (r *defaultSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan defaultSourceModel
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
		defaultSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *defaultSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan defaultSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	r.write(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		defaultSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

// write checks the id against the shipped sources and writes the override.
func (r *defaultSourceResource) write(ctx context.Context, plan *defaultSourceModel, diags *diag.Diagnostics) {
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

// putOverride checks the override's id against the shipped sources of its
// kind and writes it; it returns the shipped source's name.
func putOverride(ctx context.Context, data *providerdata.Data, namespace string, o catalog.Override, diags *diag.Diagnostics) (types.String, bool) {
	client, cdiags := clientOf(data)
	diags.Append(cdiags...)
	if diags.HasError() {
		return types.StringNull(), false
	}
	kind := o.Kind
	shippedCM, err := catalog.ShippedSources(ctx, client, namespace)
	if err != nil {
		addError(diags, "Cannot read the shipped catalog sources", err)
		return types.StringNull(), false
	}
	var shipped *catalog.SourcesFile
	if shippedCM != nil {
		if shipped, err = catalog.SourcesOf(kind, shippedCM); err != nil {
			addError(diags, "Cannot read the shipped catalog sources", err)
			return types.StringNull(), false
		}
	}
	if shipped == nil || !contains(shipped.IDs(), o.ID) {
		var ids []string
		if shipped != nil {
			ids = shipped.IDs()
		}
		diags.AddAttributeError(path.Root("source_id"), "Not a shipped source", notShippedMessage(o.ID, namespace, ids, kind))
		return types.StringNull(), false
	}
	result, err := catalog.Modify(ctx, client, namespace, kind.ConfigMap, func(cm *corev1.ConfigMap) error { return catalog.PutOverride(cm, o) })
	if err != nil {
		addError(diags, "Cannot write the shipped source's settings", err)
		return types.StringNull(), false
	}
	name := types.StringNull()
	if s, ok := shipped.Find(o.ID); ok {
		name = types.StringValue(s.Name)
	}
	tflog.Info(ctx, "shipped catalog source overridden", map[string]any{"namespace": namespace, "source_id": o.ID, "kind": kind.Noun,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
	return name, true
}

func (r *defaultSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state defaultSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	defaultSourceIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
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
	e, shipped, found := modelFamily.readOverride(ctx, r.data, client, namespace, id, resp)
	if !found {
		return
	}
	read := flattenOverride(&state, namespace, e, shipped)
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *defaultSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state defaultSourceModel
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
	modelFamily.removeOverride(ctx, client, namespace, id, &resp.Diagnostics)
}

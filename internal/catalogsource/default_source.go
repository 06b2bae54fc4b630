package catalogsource

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// overrideModel is what both default-source models hold; they differ only in
// their filter attributes' names, so each converts to it and back.
type overrideModel struct {
	ID                 types.String
	SourceID           types.String
	Name               types.String
	Enabled            types.Bool
	Included, Excluded types.List
	Namespace          types.String
	Timeouts           timeouts.Value
}

// overrideModels are the default-source models of the two kinds.
type overrideModels interface {
	defaultSourceModel | mcpDefaultSourceModel
}

// defaultSource is the part of a default-source resource the shared steps need.
type defaultSource struct {
	data     *providerdata.Data
	family   family
	identity tfutil.Identity
}

func createOverride[M overrideModels](ctx context.Context, r defaultSource, req resource.CreateRequest, resp *resource.CreateResponse) {
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan := overrideModel(planned)
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
		planned = M(plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
		r.identity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func updateOverride[M overrideModels](ctx context.Context, r defaultSource, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan := overrideModel(planned)
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, defaultWriteTimeout, &resp.Diagnostics))
	defer cancel()
	r.write(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		planned = M(plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
		r.identity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
	}
}

// write checks the id against the shipped sources and writes the override.
func (r defaultSource) write(ctx context.Context, plan *overrideModel, diags *diag.Diagnostics) {
	o := plan.override(ctx, r.family.kind, diags)
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

func readOverride[M overrideModels, P interface {
	*M
	providerdata.Timed
}](ctx context.Context, r defaultSource, req resource.ReadRequest, resp *resource.ReadResponse) {
	r.identity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	stored, ctx, cancel, client, ok := providerdata.Begin[M, P](ctx, r.data, req.State, timeouts.Value.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	state := overrideModel(stored)
	namespace, id := state.Namespace.ValueString(), state.SourceID.ValueString()
	e, shipped, found := r.family.readOverride(ctx, r.data, client, namespace, id, resp)
	if !found {
		return
	}
	read := flattenOverride(&state, namespace, e, shipped)
	if !reflect.DeepEqual(read, state) {
		readM := M(read)
		resp.Diagnostics.Append(resp.State.Set(ctx, &readM)...)
	}
}

func deleteOverride[M overrideModels, P interface {
	*M
	providerdata.Timed
}](ctx context.Context, r defaultSource, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	stored, ctx, cancel, client, ok := providerdata.Begin[M, P](ctx, r.data, req.State, timeouts.Value.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	state := overrideModel(stored)
	r.family.removeOverride(ctx, r.data, client, state.Namespace.ValueString(), state.SourceID.ValueString(), &resp.Diagnostics)
}

// modifyOverridePlan checks, when the cluster answers, that a new or replacing override names a shipped source.
func modifyOverridePlan[M overrideModels](ctx context.Context, r defaultSource, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var planned M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	plan := overrideModel(planned)
	if resp.Diagnostics.HasError() || plan.SourceID.IsUnknown() || r.data == nil || r.data.Unknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state M
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() || overrideModel(state).SourceID.Equal(plan.SourceID) {
			return
		}
	}
	namespace := checkNewID(ctx, r.data, req.Config, plan.SourceID.ValueString(), true, r.family.kind, &resp.Diagnostics)
	if namespace != "" && plan.Namespace.IsUnknown() {
		plan.Namespace = types.StringValue(namespace)
		plan.ID = types.StringValue(namespace + "/" + plan.SourceID.ValueString())
		planned = M(plan)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
	}
}

func importOverride[M overrideModels](ctx context.Context, r defaultSource, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	client, namespace, id, ok := importTarget(ctx, r.data, r.identity, req, &resp.Diagnostics)
	if !ok {
		return
	}
	f := r.family
	_, user, err := readUserSources(ctx, r.data, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot import the shipped "+f.source+"'s settings", err)
		return
	}
	shipped, err := readShipped(ctx, r.data, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the shipped "+f.catalog+" sources", err)
		return
	}
	var shippedIDs []string
	if shipped != nil {
		shippedIDs = shipped.IDs()
	}
	if !contains(shippedIDs, id) {
		resp.Diagnostics.AddError("Not a shipped source", notShippedMessage(id, namespace, shippedIDs, f.kind))
		return
	}
	e, found := user.Find(id)
	if !found {
		resp.Diagnostics.AddError("Shipped source not overridden", fmt.Sprintf(
			"The shipped "+f.source+" %q has no entry in ConfigMap %s/%s: it has its shipped settings and there is nothing to import. "+
				"Declare the resource and apply to disable or filter it.", id, namespace, f.kind.ConfigMap))
		return
	}
	m := M(flattenOverride(nil, namespace, e, shipped))
	tflog.Info(ctx, "shipped "+f.source+" override imported", map[string]any{"namespace": namespace, "source_id": id, "kind": f.kind.Noun})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	r.identity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// flattenOverride maps the override entry (and the shipped source's name) to the model.
func flattenOverride(prior *overrideModel, namespace string, e catalog.Entry, shipped *catalog.SourcesFile) overrideModel {
	m := overrideModel{
		ID:        types.StringValue(namespace + "/" + e.ID),
		SourceID:  types.StringValue(e.ID),
		Name:      types.StringNull(),
		Enabled:   types.BoolValue(e.IsEnabled()),
		Included:  listValue(e.Included),
		Excluded:  listValue(e.Excluded),
		Namespace: types.StringValue(namespace),
		Timeouts:  tfutil.NullTimeouts("create", "read", "update", "delete"),
	}
	if prior != nil {
		m.Timeouts = prior.Timeouts
		m.Name = prior.Name
	}
	if shipped != nil {
		if s, ok := shipped.Find(e.ID); ok {
			m.Name = types.StringValue(s.Name)
		}
	}
	return m
}

func (m overrideModel) override(ctx context.Context, kind catalog.Kind, diags *diag.Diagnostics) catalog.Override {
	return catalog.Override{
		Kind:     kind,
		ID:       m.SourceID.ValueString(),
		Enabled:  m.Enabled.IsNull() || m.Enabled.IsUnknown() || m.Enabled.ValueBool(),
		Included: stringList(ctx, m.Included, diags),
		Excluded: stringList(ctx, m.Excluded, diags),
	}
}

// putOverride checks the override's id against the shipped sources of its
// kind and writes it; it returns the shipped source's name.
func putOverride(ctx context.Context, data *providerdata.Data, namespace string, o catalog.Override, diags *diag.Diagnostics) (types.String, bool) {
	client, cdiags := data.ClientDiags()
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
	result, err := data.CatalogWrites().Modify(ctx, client, namespace, kind.ConfigMap, func(cm *corev1.ConfigMap) error { return catalog.PutOverride(cm, o) })
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

// overrideSchema is the schema of f's default-source resource: description and
// sourceIDDescription say which shipped sources it overrides, included and
// excluded describe its filters.
func (f family) overrideSchema(description, sourceIDDescription, included, excluded string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<source_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"source_id": sourceIDAttribute(sourceIDDescription),
			"name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Display name of the shipped source.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the catalog shows the source's " + strings.TrimPrefix(f.included, "included_") + ". Default `true`.",
			},
			f.included:  filterAttribute(included),
			f.excluded:  filterAttribute(excluded),
			"namespace": namespaceAttribute(),
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock()},
	}
}

package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The schemas of the fleets `-fleet list` and `-fleet catalog` measure: the permission list
// (internal/permission) and the model catalog source (internal/catalogsource), kept equal
// to the provider's by schema_test.go like the two above.

type permissionsResource struct{}

type permissionsModel struct {
	ID        types.String `tfsdk:"id"`
	Registry  types.String `tfsdk:"registry"`
	Namespace types.String `tfsdk:"namespace"`
	Users     types.Set    `tfsdk:"users"`
	Groups    types.Set    `tfsdk:"groups"`
	Projects  types.Set    `tfsdk:"projects"`
	Timeouts  types.Object `tfsdk:"timeouts"`
}

func (r *permissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permissions"
}

func (r *permissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{}))
	set := func() schema.SetAttribute {
		return schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"registry":  schema.StringAttribute{Required: true, PlanModifiers: replace},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepStateReplace},
			"users":     set(),
			"groups":    set(),
			"projects":  set(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock("create", "read", "update", "delete"),
		},
	}
}

// Create stores the plan with the list's ID.
func (r *permissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m permissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Namespace.IsUnknown() {
		m.Namespace = types.StringValue(defaultNamespace)
	}
	m.ID = types.StringValue(m.Namespace.ValueString() + "/" + m.Registry.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read returns the state unchanged.
func (r *permissionsResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update stores the plan: every argument but registry and namespace changes in place.
func (r *permissionsResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *permissionsResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

type catalogSourceResource struct{}

type catalogSourceModel struct {
	ID             types.String `tfsdk:"id"`
	SourceID       types.String `tfsdk:"source_id"`
	Name           types.String `tfsdk:"name"`
	Enabled        types.Bool   `tfsdk:"enabled"`
	Labels         types.List   `tfsdk:"labels"`
	IncludedModels types.List   `tfsdk:"included_models"`
	ExcludedModels types.List   `tfsdk:"excluded_models"`
	Namespace      types.String `tfsdk:"namespace"`
	YAML           types.Object `tfsdk:"yaml"`
	HuggingFace    types.Object `tfsdk:"hugging_face"`
	Timeouts       types.Object `tfsdk:"timeouts"`
}

func (r *catalogSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_source"
}

func (r *catalogSourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	list := func() schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Optional: true}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":              schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"source_id":       schema.StringAttribute{Required: true, PlanModifiers: replace},
			"name":            schema.StringAttribute{Required: true},
			"enabled":         schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
			"labels":          list(),
			"included_models": list(),
			"excluded_models": list(),
			"namespace":       schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepStateReplace},
		},
		Blocks: map[string]schema.Block{
			"yaml": schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
				"catalog": schema.StringAttribute{Optional: true},
			}},
			"hugging_face": schema.SingleNestedBlock{
				Attributes: map[string]schema.Attribute{
					"organization":       schema.StringAttribute{Optional: true},
					"api_key_wo":         schema.StringAttribute{Optional: true, WriteOnly: true, Sensitive: true},
					"api_key_wo_version": schema.Int64Attribute{Optional: true},
				},
				Blocks: map[string]schema.Block{
					"existing_api_key_secret": schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Optional: true},
					}},
				},
			},
			"timeouts": timeoutsBlock("create", "read", "update", "delete"),
		},
	}
}

// Create stores the plan with the source's ID.
func (r *catalogSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m catalogSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Namespace.IsUnknown() {
		m.Namespace = types.StringValue(defaultNamespace)
	}
	m.ID = types.StringValue(m.Namespace.ValueString() + "/" + m.SourceID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read returns the state unchanged.
func (r *catalogSourceResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update stores the plan.
func (r *catalogSourceResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *catalogSourceResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

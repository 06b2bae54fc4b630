package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ resource.Resource                   = &mcpDefaultSourceResource{}
	_ resource.ResourceWithConfigure      = &mcpDefaultSourceResource{}
	_ resource.ResourceWithValidateConfig = &mcpDefaultSourceResource{}
	_ resource.ResourceWithModifyPlan     = &mcpDefaultSourceResource{}
	_ resource.ResourceWithImportState    = &mcpDefaultSourceResource{}
	_ resource.ResourceWithIdentity       = &mcpDefaultSourceResource{}
)

// mcpDefaultSourceIdentity is a shipped MCP source override's resource identity: the namespace and the shipped source's id.
var mcpDefaultSourceIdentity = tfutil.Identity{Key: "source_id", KeyDescription: "The source's id (`source_id`)."}

// NewMCPCatalogDefaultSourceResource is the openshiftai_mcp_catalog_default_source resource.
func NewMCPCatalogDefaultSourceResource() resource.Resource {
	return &mcpDefaultSourceResource{}
}

type mcpDefaultSourceResource struct {
	data *providerdata.Data
}

type mcpDefaultSourceModel struct {
	ID              types.String   `tfsdk:"id"`
	SourceID        types.String   `tfsdk:"source_id"`
	Name            types.String   `tfsdk:"name"`
	Enabled         types.Bool     `tfsdk:"enabled"`
	IncludedServers types.List     `tfsdk:"included_servers"`
	ExcludedServers types.List     `tfsdk:"excluded_servers"`
	Namespace       types.String   `tfsdk:"namespace"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *mcpDefaultSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_default_source"
}

func (r *mcpDefaultSourceResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	mcpDefaultSourceIdentity.Schema(ctx, req, resp)
}

func (r *mcpDefaultSourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Disables or filters an MCP source the catalog ships with (such as `rh_mcp_servers`), as the dashboard's " +
			"**MCP catalog** settings page does: a sparse entry `{id, enabled, includedServers, excludedServers}` with the shipped " +
			"source's id under `mcp_catalogs` in `sources.yaml` of the ConfigMap `mcp-catalog-sources`, which the catalog reads after " +
			"the shipped sources and lets override them field by field. A shipped source cannot be renamed, relabelled or deleted. " +
			"Destroying the resource removes the entry, so the shipped settings return.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<source_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"source_id": sourceIDAttribute("Id of a shipped MCP source, such as `rh_mcp_servers`: one of the ids under `mcp_catalogs` " +
				"of the ConfigMap `default-catalog-sources`. Another id is a plan error that lists the shipped ids. Changing it replaces the resource."),
			"name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Display name of the shipped source.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the catalog shows the source's servers. Default `true`.",
			},
			"included_servers": filterAttribute(includedServersDescription),
			"excluded_servers": filterAttribute(excludedServersDescription),
			"namespace":        namespaceAttribute(),
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock()},
	}
}

func (r *mcpDefaultSourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mcpDefaultSourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config mcpDefaultSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkPatterns(stringList(ctx, config.IncludedServers, &resp.Diagnostics), stringList(ctx, config.ExcludedServers, &resp.Diagnostics),
		"included_servers", "excluded_servers", &resp.Diagnostics)
}

// ModifyPlan checks, when the cluster answers, that a new or replacing override names a shipped MCP source.
func (r *mcpDefaultSourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan mcpDefaultSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.SourceID.IsUnknown() || r.data == nil || r.data.Unknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state mcpDefaultSourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() || state.SourceID.Equal(plan.SourceID) {
			return
		}
	}
	namespace := checkNewID(ctx, r.data, req.Config, plan.SourceID.ValueString(), true, catalog.MCPSources, &resp.Diagnostics)
	if namespace != "" && plan.Namespace.IsUnknown() {
		plan.Namespace = types.StringValue(namespace)
		plan.ID = types.StringValue(namespace + "/" + plan.SourceID.ValueString())
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

func (r *mcpDefaultSourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := mcpDefaultSourceIdentity.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, id, err := parseImportID(importID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	client, diags := clientOf(r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if namespace == "" {
		namespace, diags = r.data.RegistriesNamespace(ctx)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	kind := catalog.MCPSources
	_, user, err := readUserSources(ctx, r.data, client, namespace, kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot import the shipped MCP source's settings", err)
		return
	}
	shipped, err := readShipped(ctx, r.data, client, namespace, kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the shipped MCP catalog sources", err)
		return
	}
	var shippedIDs []string
	if shipped != nil {
		shippedIDs = shipped.IDs()
	}
	if !contains(shippedIDs, id) {
		resp.Diagnostics.AddError("Not a shipped source", notShippedMessage(id, namespace, shippedIDs, kind))
		return
	}
	e, found := user.Find(id)
	if !found {
		resp.Diagnostics.AddError("Shipped source not overridden", fmt.Sprintf(
			"The shipped MCP source %q has no entry in ConfigMap %s/%s: it has its shipped settings and there is nothing to import. "+
				"Declare the resource and apply to disable or filter it.", id, namespace, kind.ConfigMap))
		return
	}
	m := flattenMCPOverride(nil, namespace, e, shipped)
	tflog.Info(ctx, "shipped MCP catalog source override imported", map[string]any{"namespace": namespace, "source_id": id})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	mcpDefaultSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// flattenMCPOverride maps the override entry (and the shipped source's name) to the model.
func flattenMCPOverride(prior *mcpDefaultSourceModel, namespace string, e catalog.Entry, shipped *catalog.SourcesFile) mcpDefaultSourceModel {
	m := mcpDefaultSourceModel{
		ID:              types.StringValue(namespace + "/" + e.ID),
		SourceID:        types.StringValue(e.ID),
		Name:            types.StringNull(),
		Enabled:         types.BoolValue(e.IsEnabled()),
		IncludedServers: listValue(e.Included),
		ExcludedServers: listValue(e.Excluded),
		Namespace:       types.StringValue(namespace),
		Timeouts:        tfutil.NullTimeouts("create", "read", "update", "delete"),
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

func (m mcpDefaultSourceModel) override(ctx context.Context, diags *diag.Diagnostics) catalog.Override {
	return catalog.Override{
		Kind:     catalog.MCPSources,
		ID:       m.SourceID.ValueString(),
		Enabled:  m.Enabled.IsNull() || m.Enabled.IsUnknown() || m.Enabled.ValueBool(),
		Included: stringList(ctx, m.IncludedServers, diags),
		Excluded: stringList(ctx, m.ExcludedServers, diags),
	}
}

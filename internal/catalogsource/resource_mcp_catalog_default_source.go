package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	ID        types.String   `tfsdk:"id"`
	SourceID  types.String   `tfsdk:"source_id"`
	Name      types.String   `tfsdk:"name"`
	Enabled   types.Bool     `tfsdk:"enabled"`
	Included  types.List     `tfsdk:"included_servers"`
	Excluded  types.List     `tfsdk:"excluded_servers"`
	Namespace types.String   `tfsdk:"namespace"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *mcpDefaultSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_default_source"
}

func (r *mcpDefaultSourceResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	mcpDefaultSourceIdentity.Schema(ctx, req, resp)
}

func (r *mcpDefaultSourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = mcpFamily.overrideSchema("Disables or filters an MCP source the catalog ships with (such as `rh_mcp_servers`), as the dashboard's "+
		"**MCP catalog** settings page does: a sparse entry `{id, enabled, includedServers, excludedServers}` with the shipped "+
		"source's id under `mcp_catalogs` in `sources.yaml` of the ConfigMap `mcp-catalog-sources`, which the catalog reads after "+
		"the shipped sources and lets override them field by field. A shipped source cannot be renamed, relabelled or deleted. "+
		"Destroying the resource removes the entry, so the shipped settings return.",
		"Id of a shipped MCP source, such as `rh_mcp_servers`: one of the ids under `mcp_catalogs` "+
			"of the ConfigMap `default-catalog-sources`. Another id is a plan error that lists the shipped ids. Changing it replaces the resource.",
		includedServersDescription, excludedServersDescription)
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
	checkPatterns(stringList(ctx, config.Included, &resp.Diagnostics), stringList(ctx, config.Excluded, &resp.Diagnostics),
		"included_servers", "excluded_servers", &resp.Diagnostics)
}

// ModifyPlan checks, when the cluster answers, that a new or replacing override names a shipped MCP source.
func (r *mcpDefaultSourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyOverridePlan[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *mcpDefaultSourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOverride[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *mcpDefaultSourceResource) shared() defaultSource {
	return defaultSource{data: r.data, family: mcpFamily, identity: mcpDefaultSourceIdentity}
}

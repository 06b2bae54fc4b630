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
	_ resource.Resource                   = &defaultSourceResource{}
	_ resource.ResourceWithConfigure      = &defaultSourceResource{}
	_ resource.ResourceWithValidateConfig = &defaultSourceResource{}
	_ resource.ResourceWithModifyPlan     = &defaultSourceResource{}
	_ resource.ResourceWithImportState    = &defaultSourceResource{}
	_ resource.ResourceWithIdentity       = &defaultSourceResource{}
)

// defaultSourceIdentity is a shipped source override's resource identity: the namespace and the shipped source's id.
var defaultSourceIdentity = tfutil.Identity{Key: "source_id", KeyDescription: "The source's id (`source_id`)."}

// NewModelCatalogDefaultSourceResource is the openshiftai_model_catalog_default_source resource.
func NewModelCatalogDefaultSourceResource() resource.Resource { return &defaultSourceResource{} }

type defaultSourceResource struct {
	data *providerdata.Data
}

type defaultSourceModel struct {
	ID        types.String   `tfsdk:"id"`
	SourceID  types.String   `tfsdk:"source_id"`
	Name      types.String   `tfsdk:"name"`
	Enabled   types.Bool     `tfsdk:"enabled"`
	Included  types.List     `tfsdk:"included_models"`
	Excluded  types.List     `tfsdk:"excluded_models"`
	Namespace types.String   `tfsdk:"namespace"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *defaultSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_default_source"
}

func (r *defaultSourceResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	defaultSourceIdentity.Schema(ctx, req, resp)
}

func (r *defaultSourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = modelFamily.overrideSchema("Disables or filters a source the model catalog ships with (such as `redhat_ai_models`), as the dashboard's "+
		"**Model catalog settings** page does: a sparse entry `{id, enabled, includedModels, excludedModels}` with the shipped "+
		"source's id in `sources.yaml` of the ConfigMap `model-catalog-sources`, which the catalog reads after the shipped sources "+
		"and lets override them field by field. A shipped source cannot be renamed, relabelled or deleted. Destroying the resource "+
		"removes the entry, so the shipped settings return.",
		"Id of a shipped source, such as `redhat_ai_models`: one of the ids in the ConfigMap "+
			"`model-catalog-default-sources`. Another id is a plan error that lists the shipped ids. Changing it replaces the resource.",
		includedDescription, excludedDescription)
}

func (r *defaultSourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configure(req.ProviderData, &resp.Diagnostics)
}

func (r *defaultSourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config defaultSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkFilters(stringList(ctx, config.Included, &resp.Diagnostics), stringList(ctx, config.Excluded, &resp.Diagnostics), &resp.Diagnostics)
}

// ModifyPlan checks, when the cluster answers, that a new or replacing override names a shipped source.
func (r *defaultSourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyOverridePlan[defaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *defaultSourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOverride[defaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *defaultSourceResource) shared() defaultSource {
	return defaultSource{data: r.data, family: modelFamily, identity: defaultSourceIdentity}
}

package catalogsource

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ resource.Resource                     = &sourceResource{}
	_ resource.ResourceWithConfigure        = &sourceResource{}
	_ resource.ResourceWithConfigValidators = &sourceResource{}
	_ resource.ResourceWithValidateConfig   = &sourceResource{}
	_ resource.ResourceWithModifyPlan       = &sourceResource{}
	_ resource.ResourceWithImportState      = &sourceResource{}
	_ resource.ResourceWithIdentity         = &sourceResource{}
)

// sourceIdentity is a model catalog source's resource identity: the namespace and the source's id.
var sourceIdentity = tfutil.Identity{Key: "source_id", KeyDescription: "The source's id (`source_id`)."}

// Default timeouts: a write is a read and an update of one ConfigMap, redone
// while parallel writers conflict; these bound the retries.
const (
	defaultWriteTimeout = 5 * time.Minute
	defaultReadTimeout  = 2 * time.Minute
)

// NewModelCatalogSourceResource is the openshiftai_model_catalog_source resource.
func NewModelCatalogSourceResource() resource.Resource { return &sourceResource{} }

type sourceResource struct {
	data *providerdata.Data
}

func (r *sourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_source"
}

// sourceIDAttribute is the source_id argument of both resources.
func sourceIDAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description,
		Validators:          []validator.String{sourceIDValidator{}},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func namespaceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Namespace of the catalog's ConfigMaps: the registries namespace. Defaults to the provider's " +
			"registries namespace (`registries_namespace`, else the one the DataScienceCluster names, else `rhoai-model-registries`).",
		Validators:    []validator.String{validators.NamespaceName()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
	}
}

func filterAttribute(description string) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType:         types.StringType,
		Optional:            true,
		MarkdownDescription: description,
		Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()},
	}
}

const includedDescription = "Only models whose name matches one of these patterns are shown. A pattern is matched case-insensitively " +
	"against the whole model name, with `*` as the only wildcard (`ibm-granite/*`, `*-instruct`). Omit the attribute to show every model " +
	"(an empty list is refused: the dashboard removes the key)."

const excludedDescription = "Models whose name matches one of these patterns are hidden, also when `included_models` matches them " +
	"(exclusion wins). Same pattern syntax as `included_models`."

// timeoutsBlock is the timeouts block of both source resources.
func timeoutsBlock() schema.Block {
	return tfutil.TimeoutsBlock(map[string]string{
		"create": "How long writing the source may take, conflicts redone included (a duration such as `30s`). Default `5m`.",
		"read":   "How long reading the catalog's ConfigMaps may take. Default `2m`.",
		"update": "How long writing a change may take, conflicts redone included. Default `5m`.",
		"delete": "How long removing the source may take, conflicts redone included. Default `5m`.",
	})
}

func (r *sourceResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	sourceIdentity.Schema(ctx, req, resp)
}

func (r *sourceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A source of models of the administrator's own in the OpenShift AI model catalog, as the dashboard's " +
			"**Settings → Model resources and operations → Model catalog settings** page adds it: an entry in `sources.yaml` of the " +
			"ConfigMap `model-catalog-sources` in the registries namespace, with a yaml source's catalog file in the data key " +
			"`<source_id>.yaml` and a Hugging Face token in the Secret `catalog-<source_id with _ as ->-apikey`. Sources made here show on " +
			"that page, and sources made there can be imported. Every write is a read and update of the ConfigMap with its " +
			"resourceVersion, redone on conflict, so that parallel writes and the dashboard's own edits are all kept; other entries, " +
			"other top-level keys and other data keys are never touched.\n\n" +
			"Exactly one of the blocks `yaml` and `hugging_face` is required; changing from one to the other replaces the source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<source_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"source_id": sourceIDAttribute("Id of the source, unique among the catalog's sources: lowercase letters, digits and " +
				"underscores (`^[a-z0-9_]+$`), at most 238 characters, as the dashboard requires. It may not be the id of a shipped source " +
				"(use `openshiftai_model_catalog_default_source` to change those). Changing it replaces the source."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Display name of the source in the catalog and the dashboard.",
				Validators:          []validator.String{validators.NotBlank()},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the catalog shows the source's models. Default `true`.",
			},
			"labels": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Labels of the source, by which the catalog groups sources (such as `Team A`).",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(validators.NotBlank())},
			},
			"included_models": filterAttribute(includedDescription),
			"excluded_models": filterAttribute(excludedDescription),
			"namespace":       namespaceAttribute(),
		},
		Blocks: map[string]schema.Block{
			"yaml": schema.SingleNestedBlock{
				MarkdownDescription: "A source whose models are listed in a catalog file kept in the ConfigMap.",
				Attributes: map[string]schema.Attribute{
					"catalog": schema.StringAttribute{
						Optional: true, // required when the block is present: checked by ValidateConfig
						MarkdownDescription: "Required in the block. Content of the catalog file: `source: <name>` and `models:`, each model with a unique " +
							"`name` and optional `provider`, `description`, `readme`, `language`, `license`, `licenseLink`, `libraryName`, " +
							"`tasks`, `maturity`, `logo`, `customProperties` and `artifacts` (each with a `uri`). It is checked at plan as " +
							"strictly as the catalog server reads it: an unknown key fails the whole file. Use `file(\"catalog.yaml\")` or " +
							"`yamlencode({...})`.",
					},
				},
			},
			"hugging_face": schema.SingleNestedBlock{
				MarkdownDescription: "A source whose models come from one Hugging Face organization.",
				Attributes: map[string]schema.Attribute{
					"organization": schema.StringAttribute{
						Optional: true, // required when the block is present: checked by ValidateConfig
						MarkdownDescription: "Required in the block. The Hugging Face organization whose models are shown (`allowedOrganization`), such as " +
							"`ibm-granite`. It prefixes every pattern of `included_models` and `excluded_models`.",
						Validators: []validator.String{validators.NotBlank()},
					},
					"api_key_wo": schema.StringAttribute{
						Optional:  true,
						WriteOnly: true,
						Sensitive: true,
						MarkdownDescription: "Hugging Face access token, for gated or private models. Write-only: it goes into the Secret " +
							"`catalog-<source_id with _ as ->-apikey` (key `apiKey`) and never into Terraform's plan or state. Requires " +
							"`api_key_wo_version`; conflicts with `existing_api_key_secret`.",
						Validators: []validator.String{
							stringvalidator.AlsoRequires(path.MatchRoot("hugging_face").AtName("api_key_wo_version")),
							stringvalidator.ConflictsWith(path.MatchRoot("hugging_face").AtName("existing_api_key_secret")),
						},
					},
					"api_key_wo_version": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Version of `api_key_wo`: change it to write a new token. It is recorded on the Secret, so an " +
							"import knows it.",
					},
				},
				Blocks: map[string]schema.Block{
					"existing_api_key_secret": schema.SingleNestedBlock{
						MarkdownDescription: "A Secret of the registries namespace, not managed here, holding the token in the key `apiKey`. " +
							"A source imported from the dashboard with a token shows the dashboard's Secret here.",
						Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{
								Optional:            true, // required when the block is present: checked by ValidateConfig
								MarkdownDescription: "Required in the block. Name of the Secret.",
								Validators:          []validator.String{validators.ResourceName()},
							},
						},
					},
				},
			},
			"own_config_map": ownConfigMapBlock(catalog.ModelSources),
			"timeouts":       timeoutsBlock(),
		},
	}
}

func (r *sourceResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("yaml"), path.MatchRoot("hugging_face")),
	}
}

func (r *sourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configure(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what needs no cluster: the catalog file, the required
// arguments inside the blocks, the patterns.
func (r *sourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config sourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.YAML != nil {
		catalogPath := path.Root("yaml").AtName("catalog")
		switch {
		case config.YAML.Catalog.IsNull():
			resp.Diagnostics.AddAttributeError(catalogPath, "Missing catalog file",
				"yaml.catalog is required: the content of the catalog file, such as file(\"catalog.yaml\").")
		case !config.YAML.Catalog.IsUnknown():
			checkCatalogFile(config.YAML.Catalog.ValueString(), catalog.ModelSources, config.OwnConfigMap != nil, &resp.Diagnostics)
		}
	}
	validateOwnConfigMap(config.OwnConfigMap, &resp.Diagnostics)
	if hf := config.HuggingFace; hf != nil {
		if hf.Organization.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("hugging_face").AtName("organization"), "Missing organization",
				"hugging_face.organization is required: the Hugging Face organization whose models the source shows, such as \"ibm-granite\".")
		}
		if hf.ExistingAPIKeySecret != nil && hf.ExistingAPIKeySecret.Name.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("hugging_face").AtName("existing_api_key_secret").AtName("name"), "Missing Secret name",
				"hugging_face.existing_api_key_secret.name is required: the Secret holding the token in its key apiKey.")
		}
		if !hf.APIKeyWOVersion.IsNull() && hf.APIKeyWO.IsNull() && !hf.APIKeyWOVersion.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root("hugging_face").AtName("api_key_wo"), "Missing token",
				"hugging_face.api_key_wo_version is set but api_key_wo is not: set the token with api_key_wo, or remove api_key_wo_version.")
		}
	}
	checkFilters(stringList(ctx, config.IncludedModels, &resp.Diagnostics), stringList(ctx, config.ExcludedModels, &resp.Diagnostics), &resp.Diagnostics)
}

// ModifyPlan replaces a source whose type changes and, for a new source, checks
// with the cluster (when it answers) that the catalog is deployed and the id is free.
func (r *sourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifySourcePlan[sourceModel](ctx, r.data, modelFamily, replacement[*sourceModel]{
		paths: []path.Path{path.Root("yaml"), path.Root("hugging_face"), path.Root("own_config_map")},
		also:  func(state, plan *sourceModel) bool { return state.sourceType() != plan.sourceType() },
	}, req, resp)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (r *sourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	client, namespace, id, ok := importTarget(ctx, r.data, sourceIdentity, req, &resp.Diagnostics)
	if !ok {
		return
	}
	e, cmData, own, ok := modelFamily.findOwn(ctx, r.data, client, namespace, id, &resp.Diagnostics)
	if !ok {
		return
	}
	secret := r.apiKeySecret(ctx, client, namespace, e)
	m := flattenSource(nil, namespace, own, e, cmData, secret)
	tflog.Info(ctx, "model catalog source imported", map[string]any{"namespace": namespace, "source_id": id, "type": e.Type, "own_config_map": own})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	sourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
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
	_ resource.Resource                   = &mcpSourceResource{}
	_ resource.ResourceWithConfigure      = &mcpSourceResource{}
	_ resource.ResourceWithValidateConfig = &mcpSourceResource{}
	_ resource.ResourceWithModifyPlan     = &mcpSourceResource{}
	_ resource.ResourceWithImportState    = &mcpSourceResource{}
	_ resource.ResourceWithIdentity       = &mcpSourceResource{}
)

// mcpSourceIdentity is an MCP catalog source's resource identity: the namespace and the source's id.
var mcpSourceIdentity = tfutil.Identity{Key: "source_id", KeyDescription: "The source's id (`source_id`)."}

// NewMCPCatalogSourceResource is the openshiftai_mcp_catalog_source resource.
func NewMCPCatalogSourceResource() resource.Resource { return &mcpSourceResource{} }

type mcpSourceResource struct {
	data *providerdata.Data
}

func (r *mcpSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_source"
}

const includedServersDescription = "Only servers whose name matches one of these patterns are shown. A pattern is a server name " +
	"with an optional `*` at the end (`github*`). Omit the attribute to show every server (an empty list is refused: the dashboard removes the key)."

const excludedServersDescription = "Servers whose name matches one of these patterns are hidden, also when `included_servers` matches " +
	"them (exclusion wins). Same pattern syntax as `included_servers`."

// mcpCatalogDescription describes the MCP catalog file wherever it is an argument.
const mcpCatalogDescription = "Required in the block. Content of the MCP catalog file: `mcp_servers:`, a list of servers, each with a " +
	"unique `name` and optional `displayName`, `description`, `provider`, `version`, `license`, `license_link`, `logo`, `readme`, " +
	"`documentationUrl`, `repositoryUrl`, `sourceCode`, `publishedDate`, `externalId`, `transports`, `tags`, `deploymentMode` " +
	"(`local` or `remote`; a remote server needs `endpoints`), `endpoints` (`http` and `sse` with an http(s) URL, `websocket` also " +
	"ws(s)), `artifacts` (each with a `uri`), `tools` (each with a `name`, optional `description`, `accessType`, `schema`, `parameters`), " +
	"`securityIndicators`, `runtimeMetadata` and `customProperties`; a top-level `source:` is accepted. It is checked at plan as the " +
	"catalog server reads it, and stricter where the server silently drops a value: an unknown key (a misspelling), a value of the " +
	"wrong shape (`version: 1.0` is a number: quote it), an endpoint with another scheme, a server without a name and two servers " +
	"of one name each fail, naming the line and the server. Use `file(\"mcp-servers.yaml\")` or `yamlencode({...})`."

func (r *mcpSourceResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	mcpSourceIdentity.Schema(ctx, req, resp)
}

func (r *mcpSourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A source of MCP servers of the administrator's own in the OpenShift AI catalog, as the dashboard's " +
			"**Settings → MCP resources → MCP catalog** page adds it: an entry under `mcp_catalogs` in `sources.yaml` of the ConfigMap " +
			"`mcp-catalog-sources` in the registries namespace, with the MCP catalog file in the data key `<source_id>.yaml`. Sources " +
			"made here show on that page, and sources made there can be imported. Every write is a read and update of the ConfigMap with " +
			"its resourceVersion, redone on conflict, so that parallel writes and the dashboard's own edits are all kept; other entries, " +
			"other top-level keys (`catalogs` included) and other data keys are never touched. With `own_config_map` the source lives " +
			"in a labelled ConfigMap of its own instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<source_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"source_id": sourceIDAttribute("Id of the source, unique among the catalog's sources of every kind: lowercase letters, digits " +
				"and underscores (`^[a-z0-9_]+$`), at most 238 characters, as the dashboard requires. It may not be the id of a shipped " +
				"source (use `openshiftai_mcp_catalog_default_source` to change those). Changing it replaces the source."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Display name of the source in the catalog and the dashboard.",
				Validators:          []validator.String{validators.NotBlank()},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the catalog shows the source's servers. Default `true`.",
			},
			"labels": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Labels of the source, by which the catalog groups sources (such as `Team A`).",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(validators.NotBlank())},
			},
			"included_servers": filterAttribute(includedServersDescription),
			"excluded_servers": filterAttribute(excludedServersDescription),
			"namespace":        namespaceAttribute(),
		},
		Blocks: map[string]schema.Block{
			"yaml": schema.SingleNestedBlock{
				MarkdownDescription: "Required. The source's MCP catalog file, kept in the ConfigMap (the only type of MCP source).",
				Attributes: map[string]schema.Attribute{
					"catalog": schema.StringAttribute{
						Optional:            true, // required when the block is present: checked by ValidateConfig
						MarkdownDescription: mcpCatalogDescription,
					},
				},
			},
			"own_config_map": ownConfigMapBlock(catalog.MCPSources),
			"timeouts":       timeoutsBlock(),
		},
	}
}

func (r *mcpSourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configure(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what needs no cluster: the MCP catalog file, the
// placement, the patterns.
func (r *mcpSourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config mcpSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	catalogPath := path.Root("yaml").AtName("catalog")
	switch {
	case config.YAML == nil || config.YAML.Catalog.IsNull():
		resp.Diagnostics.AddAttributeError(catalogPath, "Missing MCP catalog file",
			"yaml.catalog is required: the content of the MCP catalog file, such as yaml { catalog = file(\"mcp-servers.yaml\") }.")
	case !config.YAML.Catalog.IsUnknown():
		checkCatalogFile(config.YAML.Catalog.ValueString(), catalog.MCPSources, config.OwnConfigMap != nil, &resp.Diagnostics)
	}
	validateOwnConfigMap(config.OwnConfigMap, &resp.Diagnostics)
	checkPatterns(stringList(ctx, config.IncludedServers, &resp.Diagnostics), stringList(ctx, config.ExcludedServers, &resp.Diagnostics),
		"included_servers", "excluded_servers", &resp.Diagnostics)
}

// ModifyPlan replaces a source that moves between placements and, for a new
// source, checks with the cluster (when it answers) that the catalog is
// deployed, the id is free and the placement possible.
func (r *mcpSourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifySourcePlan[mcpSourceModel](ctx, r.data, mcpFamily, replacement[*mcpSourceModel]{
		paths: []path.Path{path.Root("own_config_map")},
	}, req, resp)
}

// ImportState finds the source in mcp-catalog-sources, else in the labelled
// ConfigMap the provider made for it.
func (r *mcpSourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	client, namespace, id, ok := importTarget(ctx, r.data, mcpSourceIdentity, req, &resp.Diagnostics)
	if !ok {
		return
	}
	e, data, own, ok := mcpFamily.findOwn(ctx, r.data, client, namespace, id, &resp.Diagnostics)
	if !ok {
		return
	}
	m := flattenMCPSource(nil, namespace, own, e, data)
	tflog.Info(ctx, "MCP catalog source imported", map[string]any{"namespace": namespace, "source_id": id, "own_config_map": own})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	mcpSourceIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

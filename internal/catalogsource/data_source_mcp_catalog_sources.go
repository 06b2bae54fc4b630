package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ datasource.DataSource              = &mcpSourcesDataSource{}
	_ datasource.DataSourceWithConfigure = &mcpSourcesDataSource{}
)

// NewMCPCatalogSourcesDataSource is the openshiftai_mcp_catalog_sources data source.
func NewMCPCatalogSourcesDataSource() datasource.DataSource { return &mcpSourcesDataSource{} }

type mcpSourcesDataSource struct {
	data *providerdata.Data
}

var mcpSourceAttrTypes = map[string]attr.Type{
	"id":               types.StringType,
	"name":             types.StringType,
	"type":             types.StringType,
	"enabled":          types.BoolType,
	"labels":           types.ListType{ElemType: types.StringType},
	"included_servers": types.ListType{ElemType: types.StringType},
	"excluded_servers": types.ListType{ElemType: types.StringType},
	"shipped":          types.BoolType,
	"overridden":       types.BoolType,
	"labelled":         types.BoolType,
	"config_map":       types.StringType,
}

func (d *mcpSourcesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_sources"
}

func (d *mcpSourcesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	list := func(description string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every MCP server source of the catalog as the catalog server will see it, in the order it reads them: " +
			"the shipped sources (`mcp_catalogs` of `default-catalog-sources`) with the overrides of later files applied field by field, " +
			"the sources of `model-catalog-sources` and `mcp-catalog-sources` (made in the dashboard or with " +
			"`openshiftai_mcp_catalog_source`), then the sources of ConfigMaps labelled `opendatahub.io/catalog-source: \"true\"`, by name " +
			"(only those the operator mounts: a name of at most 55 characters and a `sources.yaml` key).",
		Attributes: map[string]schema.Attribute{
			"namespace": tfutil.RegistryNamespaceAttribute("the catalog's ConfigMaps"),
			"sources": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The MCP server sources.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":               schema.StringAttribute{Computed: true, MarkdownDescription: "Id of the source."},
					"name":             schema.StringAttribute{Computed: true, MarkdownDescription: "Display name."},
					"type":             schema.StringAttribute{Computed: true, MarkdownDescription: "`yaml`."},
					"enabled":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the catalog shows the source's servers."},
					"labels":           list("Labels of the source."),
					"included_servers": list("Patterns of the servers shown; null for all."),
					"excluded_servers": list("Patterns of the servers hidden."),
					"shipped":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the source ships with the catalog."},
					"overridden":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a later file changes some of its fields (the dashboard's or `openshiftai_mcp_catalog_default_source`'s override of a shipped source)."},
					"labelled":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the source comes from a labelled ConfigMap (which the dashboard's settings pages do not list)."},
					"config_map":       schema.StringAttribute{Computed: true, MarkdownDescription: "The ConfigMap that defines the source."},
				}},
			},
		},
	}
}

func (d *mcpSourcesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configure(req.ProviderData, &resp.Diagnostics)
}

func (d *mcpSourcesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	mcpFamily.readMergedSources(ctx, d.data, mcpSourceAttrTypes, "Cannot read the catalog's MCP sources", req, resp)
}

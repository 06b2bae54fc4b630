package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

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

// mcpSourceAttrTypes are the types of an MCP source in the data source's state.
var mcpSourceAttrTypes = attrTypesOf(mcpFamily.sourceAttributes(mcpSourceTypes, true))

// mcpSourceTypes describes the type of an MCP source.
const mcpSourceTypes = "`yaml`."

func (d *mcpSourcesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_sources"
}

func (d *mcpSourcesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
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
				NestedObject:        schema.NestedAttributeObject{Attributes: mcpFamily.sourceAttributes(mcpSourceTypes, true)},
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

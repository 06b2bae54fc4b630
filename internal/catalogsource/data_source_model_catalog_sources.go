package catalogsource

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ datasource.DataSource              = &sourcesDataSource{}
	_ datasource.DataSourceWithConfigure = &sourcesDataSource{}
)

// NewModelCatalogSourcesDataSource is the openshiftai_model_catalog_sources data source.
func NewModelCatalogSourcesDataSource() datasource.DataSource { return &sourcesDataSource{} }

type sourcesDataSource struct {
	data *providerdata.Data
}

type sourcesDataModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Sources   types.List   `tfsdk:"sources"`
}

// sourceAttrTypes are the types of a model source in the data source's state.
var sourceAttrTypes = attrTypesOf(modelFamily.sourceAttributes(modelSourceTypes, false))

// modelSourceTypes describes the type of a model source.
const modelSourceTypes = "`yaml` or `hf` (Hugging Face)."

func (d *sourcesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_sources"
}

func (d *sourcesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every model source of the model catalog as the catalog server will see it: the shipped sources " +
			"(`model-catalog-default-sources`) with the overrides of `model-catalog-sources` applied field by field, the sources of " +
			"`model-catalog-sources` (made in the dashboard or with `openshiftai_model_catalog_source`), and the sources of ConfigMaps " +
			"labelled `opendatahub.io/catalog-source: \"true\"`, in the order the server reads them. MCP server sources are not model sources " +
			"and are not listed.",
		Attributes: map[string]schema.Attribute{
			"namespace": tfutil.RegistryNamespaceAttribute("the catalog's ConfigMaps"),
			"sources": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The model sources.",
				NestedObject:        schema.NestedAttributeObject{Attributes: modelFamily.sourceAttributes(modelSourceTypes, false)},
			},
		},
	}
}

func (d *sourcesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configure(req.ProviderData, &resp.Diagnostics)
}

func (d *sourcesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	modelFamily.readMergedSources(ctx, d.data, sourceAttrTypes, "Cannot read the catalog's sources", req, resp)
}

// sourceAttributes are the attributes of one source in the sources data source
// of f's kind: typeDescription says which types a source can have, labelled adds
// whether it comes from a labelled ConfigMap.
func (f family) sourceAttributes(typeDescription string, labelled bool) map[string]schema.Attribute {
	list := func(description string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: description}
	}
	items := strings.TrimPrefix(f.included, "included_") // models, servers
	attributes := map[string]schema.Attribute{
		"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "Id of the source."},
		"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Display name."},
		"type":     schema.StringAttribute{Computed: true, MarkdownDescription: typeDescription},
		"enabled":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the catalog shows the source's " + items + "."},
		"labels":   list("Labels of the source."),
		f.included: list("Patterns of the " + items + " shown; null for all."),
		f.excluded: list("Patterns of the " + items + " hidden."),
		"shipped":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the source ships with the catalog."},
		"overridden": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a later file changes some of its fields (the dashboard's or `openshiftai_" +
			f.infix + "_catalog_default_source`'s override of a shipped source)."},
		"config_map": schema.StringAttribute{Computed: true, MarkdownDescription: "The ConfigMap that defines the source."},
	}
	if labelled {
		attributes["labelled"] = schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the source comes from a labelled ConfigMap (which the dashboard's settings pages do not list)."}
	}
	return attributes
}

// attrTypesOf are the types of attributes as the state holds them.
func attrTypesOf(attributes map[string]schema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attributes))
	for name, a := range attributes {
		out[name] = a.GetType()
	}
	return out
}

package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &mcpCatalogSourceListResource{}
	_ list.ListResourceWithConfigure = &mcpCatalogSourceListResource{}
)

type mcpCatalogSourceListResource struct {
	data *providerdata.Data
}

// NewMCPCatalogSourceListResource lists the MCP catalog sources of a namespace for `terraform query` (Terraform 1.14+).
func NewMCPCatalogSourceListResource() list.ListResource { return &mcpCatalogSourceListResource{} }

func (l *mcpCatalogSourceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_source"
}

func (l *mcpCatalogSourceListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *mcpCatalogSourceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("The MCP catalog sources of ConfigMap `%s` (where the dashboard writes them), to adopt "+
			"with `terraform query -generate-config-out` (Terraform 1.14 and later). Sparse entries that only disable or filter a "+
			"shipped MCP source are listed by `openshiftai_mcp_catalog_default_source`. Sources in a ConfigMap of their own "+
			"are not listed here.", catalog.MCPSourcesConfigMap),
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"made_by":   catalogMadeByAttribute(),
		},
	}
}

func (l *mcpCatalogSourceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config defaultSourceListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		namespace, cm, file, readDiags := readCatalogForList(ctx, l.data, config.Namespace, catalog.MCPSources)
		diags.Append(readDiags...)
		for _, e := range entriesOf(file) {
			if e.Type == "" || !tfutil.MadeByWanted(config.MadeBy.ValueString(), kube.WrittenByProvider(cm.ManagedFields, "f:"+catalog.CatalogFileKey(e.ID))) {
				continue // a shipped source's override is the other resource type's
			}
			found = append(found, tfutil.ListedObject{
				ImportID:    namespace + "/" + e.ID,
				DisplayName: fmt.Sprintf("%s (MCP source %s/%s)", e.Name, namespace, e.ID),
			})
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &mcpSourceResource{data: l.data}, mcpSourceIdentity, found, diags)
}

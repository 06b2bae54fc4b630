package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &mcpCatalogDefaultSourceListResource{}
	_ list.ListResourceWithConfigure = &mcpCatalogDefaultSourceListResource{}
)

type mcpCatalogDefaultSourceListResource struct {
	data *providerdata.Data
}

// NewMCPCatalogDefaultSourceListResource lists the overrides of shipped MCP sources for `terraform query` (Terraform 1.14+).
func NewMCPCatalogDefaultSourceListResource() list.ListResource {
	return &mcpCatalogDefaultSourceListResource{}
}

func (l *mcpCatalogDefaultSourceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mcp_catalog_default_source"
}

func (l *mcpCatalogDefaultSourceListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *mcpCatalogDefaultSourceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("The shipped MCP sources that someone disabled or filtered (a sparse entry in "+
			"ConfigMap `%s`), to adopt with `terraform query -generate-config-out` (Terraform 1.14 and later).", catalog.MCPSourcesConfigMap),
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"made_by":   catalogMadeByAttribute(),
		},
	}
}

func (l *mcpCatalogDefaultSourceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config defaultSourceListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		found, diags = listOverrides(ctx, l.data, config, catalog.MCPSources)
	}
	stream.Results = tfutil.ListResults(ctx, req, &mcpDefaultSourceResource{data: l.data}, mcpDefaultSourceIdentity, found, diags)
}

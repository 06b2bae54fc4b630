package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &defaultSourceListResource{}
	_ list.ListResourceWithConfigure = &defaultSourceListResource{}
)

type defaultSourceListResource struct {
	data *providerdata.Data
}

// NewModelCatalogDefaultSourceListResource lists the overrides of shipped sources for `terraform query` (Terraform 1.14+).
func NewModelCatalogDefaultSourceListResource() list.ListResource {
	return &defaultSourceListResource{}
}

func (l *defaultSourceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_default_source"
}

func (l *defaultSourceListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *defaultSourceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("The shipped model catalog sources that someone disabled or filtered (a sparse entry in "+
			"ConfigMap `%s`), to adopt with `terraform query -generate-config-out` (Terraform 1.14 and later). Shipped sources "+
			"with their shipped settings have nothing to adopt and are not listed.", catalog.UserSourcesConfigMap),
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"made_by":   catalogMadeByAttribute(),
		},
	}
}

type defaultSourceListConfig struct {
	Namespace types.String `tfsdk:"namespace"`
	MadeBy    types.String `tfsdk:"made_by"`
}

func (l *defaultSourceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config defaultSourceListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		found, diags = listOverrides(ctx, l.data, config, catalog.ModelSources)
	}
	stream.Results = tfutil.ListResults(ctx, req, &defaultSourceResource{data: l.data}, defaultSourceIdentity, found, diags)
}

// listOverrides finds the sparse entries of the kind's shared ConfigMap that
// override a shipped source.
func listOverrides(ctx context.Context, data *providerdata.Data, config defaultSourceListConfig, kind catalog.Kind) ([]tfutil.ListedObject, diag.Diagnostics) {
	namespace, _, file, diags := readCatalogForList(ctx, data, config.Namespace, kind)
	var shippedIDs []string
	if file != nil {
		client, clientDiags := data.ClientDiags()
		diags.Append(clientDiags...)
		if !diags.HasError() {
			shipped, err := readShipped(ctx, data, client, namespace, kind)
			if err != nil {
				addError(&diags, "Cannot read the shipped catalog sources", err)
			} else if shipped != nil {
				shippedIDs = shipped.IDs()
			}
		}
	}
	var found []tfutil.ListedObject
	for _, e := range entriesOf(file) {
		// The file records no writer per entry: every override counts as the dashboard's.
		if e.Type != "" || !contains(shippedIDs, e.ID) || !tfutil.MadeByWanted(config.MadeBy.ValueString(), false) {
			continue
		}
		found = append(found, tfutil.ListedObject{
			ImportID:    namespace + "/" + e.ID,
			DisplayName: fmt.Sprintf("Shipped source %s, overridden (%s/%s)", e.ID, namespace, e.ID),
		})
	}
	return found, diags
}

// entriesOf is the file's entries, none for no file.
func entriesOf(file *catalog.SourcesFile) []catalog.Entry {
	if file == nil {
		return nil
	}
	return file.Entries()
}

package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &sourceListResource{}
	_ list.ListResourceWithConfigure = &sourceListResource{}
)

type sourceListResource struct {
	data *providerdata.Data
}

// NewModelCatalogSourceListResource lists the model catalog sources of a namespace for `terraform query` (Terraform 1.14+).
func NewModelCatalogSourceListResource() list.ListResource { return &sourceListResource{} }

func (l *sourceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_catalog_source"
}

func (l *sourceListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

// catalogMadeByAttribute is the made_by filter of the catalog's list resources.
func catalogMadeByAttribute() listschema.StringAttribute {
	return tfutil.ListMadeByAttribute(
		"entries someone other than this provider wrote last",
		fmt.Sprintf("entries whose own data key (`<id>.yaml`) this provider wrote; the shared `%s` key records no writer per entry, "+
			"so Hugging Face sources and shipped-source overrides count as the dashboard's", catalog.SourcesKey))
}

func (l *sourceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("The model catalog sources of ConfigMap `%s` (where the dashboard writes them), to adopt "+
			"with `terraform query -generate-config-out` (Terraform 1.14 and later). Sparse entries that only disable or filter a "+
			"shipped source are left out: they are adopted as `openshiftai_model_catalog_default_source`, whose list resource "+
			"lists them. Labelled ConfigMaps (`opendatahub.io/catalog-source`) are not listed: no resource manages them. A Hugging Face source with a token the "+
			"dashboard stored comes out with its Secret as `existing_api_key_secret`.", catalog.UserSourcesConfigMap),
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"made_by":   catalogMadeByAttribute(),
			"type": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only sources of this type: `yaml` or `hf` (Hugging Face). Defaults to both.",
			},
		},
	}
}

type sourceListConfig struct {
	Namespace types.String `tfsdk:"namespace"`
	MadeBy    types.String `tfsdk:"made_by"`
	Type      types.String `tfsdk:"type"`
}

func (l *sourceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config sourceListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		namespace, cm, file, readDiags := readCatalogForList(ctx, l.data, config.Namespace, catalog.ModelSources)
		diags.Append(readDiags...)
		if file != nil {
			for _, e := range file.Entries() {
				if e.Type == "" || (!config.Type.IsNull() && e.Type != config.Type.ValueString()) {
					continue // a shipped source's override is the other resource type's
				}
				if tfutil.MadeByWanted(config.MadeBy.ValueString(), kube.WrittenByProvider(cm.ManagedFields, "f:"+catalog.CatalogFileKey(e.ID))) {
					found = append(found, tfutil.ListedObject{
						ImportID:    namespace + "/" + e.ID,
						DisplayName: fmt.Sprintf("%s (%s source %s/%s)", e.Name, e.Type, namespace, e.ID),
					})
				}
			}
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &sourceResource{data: l.data}, sourceIdentity, found, diags)
}

// readCatalogForList reads the kind's shared ConfigMap of sources in the
// configured namespace (else the registries namespace) for a list resource.
func readCatalogForList(ctx context.Context, data *providerdata.Data, configured types.String, kind catalog.Kind) (string, *corev1.ConfigMap, *catalog.SourcesFile, diag.Diagnostics) {
	client, namespace, diags := data.ClientAndNamespace(ctx, configured)
	if diags.HasError() {
		return "", nil, nil, diags
	}
	// Read past the process's cache, which drops managedFields: made_by looks at them.
	u, err := client.Get(ctx, kube.ConfigMaps, namespace, kind.ConfigMap)
	if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
		err = &catalog.NotDeployedError{Namespace: namespace, ConfigMap: kind.ConfigMap}
	}
	var cm *corev1.ConfigMap
	var file *catalog.SourcesFile
	if err == nil {
		if cm, err = catalog.FromObject(u); err == nil {
			file, err = catalog.SourcesOf(kind, cm)
		}
	}
	if err != nil {
		addError(&diags, "Cannot list the model catalog sources", err)
		return namespace, nil, nil, diags
	}
	return namespace, cm, file, diags
}

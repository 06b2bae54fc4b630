package modelregistry

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &modelRegistryListResource{}
	_ list.ListResourceWithConfigure = &modelRegistryListResource{}
)

type modelRegistryListResource struct {
	data *providerdata.Data
}

// NewModelRegistryListResource lists the registries of a namespace for `terraform query` (Terraform 1.14+).
func NewModelRegistryListResource() list.ListResource { return &modelRegistryListResource{} }

func (l *modelRegistryListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry"
}

func (l *modelRegistryListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *modelRegistryListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The model registries of a namespace, to adopt with `terraform query -generate-config-out` " +
			"(Terraform 1.14 and later). A registry made in the dashboard comes out with its password Secret as " +
			"`database.existing_password_secret`.",
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"made_by": tfutil.ListMadeByAttribute("registries without the provider's label `app.kubernetes.io/managed-by`, as the dashboard makes them",
				"registries this provider created"),
		},
	}
}

type modelRegistryListConfig struct {
	Namespace types.String `tfsdk:"namespace"`
	MadeBy    types.String `tfsdk:"made_by"`
}

func (l *modelRegistryListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config modelRegistryListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		client, namespace, clientDiags := l.data.ClientAndNamespace(ctx, config.Namespace)
		diags.Append(clientDiags...)
		if !diags.HasError() {
			err := client.ListPaged(ctx, registry.GroupVersionResource, namespace, "", tfutil.ListPageSize, func(items []unstructured.Unstructured) {
				for i := range items {
					o := registry.ParseModelRegistry(&items[i])
					if tfutil.MadeByWanted(config.MadeBy.ValueString(), o.ManagedByProvider) {
						found = append(found, tfutil.ListedObject{ImportID: o.Namespace + "/" + o.Name, DisplayName: registryDisplayName(o)})
					}
				}
			})
			if err != nil {
				diags.AddError("Cannot list the model registries", fmt.Sprintf("Listing the model registries of namespace %q failed: %s", namespace, tfutil.Sentence(err)))
			}
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &modelRegistryResource{data: l.data, now: time.Now}, registryIdentity, found, diags)
}

// registryDisplayName is what `terraform query` shows for a registry: its
// display name, when it has one of its own, and where it is.
func registryDisplayName(o registry.Observed) string {
	if o.DisplayName != o.Name {
		return fmt.Sprintf("%s (%s/%s)", o.DisplayName, o.Namespace, o.Name)
	}
	return o.Namespace + "/" + o.Name
}

package permission

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &groupMembersListResource{}
	_ list.ListResourceWithConfigure = &groupMembersListResource{}
)

type groupMembersListResource struct {
	data *providerdata.Data
}

// NewModelRegistryGroupMembersListResource lists the registries' group members for `terraform query` (Terraform 1.14+).
func NewModelRegistryGroupMembersListResource() list.ListResource { return &groupMembersListResource{} }

func (l *groupMembersListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_group_members"
}

func (l *groupMembersListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *groupMembersListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The users of each registry's OpenShift Group `<registry>-users` that has any, to adopt with " +
			"`terraform query -generate-config-out` (Terraform 1.14 and later). Clusters without OpenShift Groups list none.",
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"registry":  listRegistryAttribute("group members"),
			"made_by": tfutil.ListMadeByAttribute("Groups whose users were added in OpenShift (by an administrator, as the product documentation says)",
				"Groups whose users this provider wrote"),
		},
	}
}

func (l *groupMembersListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config permissionListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		client, namespace, clientDiags := l.data.ClientAndNamespace(ctx, config.Namespace)
		diags.Append(clientDiags...)
		var registries []string
		if !diags.HasError() {
			err := client.ListPaged(ctx, registry.GroupVersionResource, namespace, "", tfutil.ListPageSize, func(items []unstructured.Unstructured) {
				for _, obj := range items {
					if config.Registry.IsNull() || obj.GetName() == config.Registry.ValueString() {
						registries = append(registries, obj.GetName())
					}
				}
			})
			if err != nil {
				diags.AddError("Cannot list the model registries", fmt.Sprintf("Listing the model registries of namespace %q failed: %s", namespace, tfutil.Sentence(err)))
			}
		}
		for _, name := range registries {
			group, err := client.Get(ctx, registry.OpenShiftGroupResource, "", registry.UsersGroupName(name))
			if kube.IsMissingResourceType(err) {
				break // no OpenShift Groups on this cluster
			}
			if err != nil || len(registry.GroupUsers(group)) == 0 {
				continue
			}
			if tfutil.MadeByWanted(config.MadeBy.ValueString(), kube.WrittenByProvider(group.GetManagedFields(), "f:users")) {
				found = append(found, tfutil.ListedObject{
					ImportID:    namespace + "/" + name,
					DisplayName: fmt.Sprintf("Users of Group %s of registry %s (%s/%s)", group.GetName(), name, namespace, name),
				})
			}
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &modelRegistryGroupMembersResource{data: l.data}, groupMembersIdentity, found, diags)
}

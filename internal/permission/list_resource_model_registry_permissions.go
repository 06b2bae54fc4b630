package permission

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &permissionsListResource{}
	_ list.ListResourceWithConfigure = &permissionsListResource{}
)

type permissionsListResource struct {
	data *providerdata.Data
}

// NewModelRegistryPermissionsListResource lists registries' permission lists for `terraform query` (Terraform 1.14+).
func NewModelRegistryPermissionsListResource() list.ListResource { return &permissionsListResource{} }

func (l *permissionsListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permissions"
}

func (l *permissionsListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *permissionsListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "One authoritative permission list per registry that grants anyone its use (besides the operator's " +
			"own group), to adopt with `terraform query -generate-config-out` (Terraform 1.14 and later). Registries whose " +
			"bindings all belong to `openshiftai_model_registry_permission` resources are left out. Adopt a registry's " +
			"permissions either with this or with the `openshiftai_model_registry_permission` list, not both.",
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"registry":  listRegistryAttribute("permission list"),
			"made_by": tfutil.ListMadeByAttribute("registries whose bindings were made in the dashboard or by hand, none by this list resource",
				"registries with bindings of `openshiftai_model_registry_permissions`"),
		},
	}
}

func (l *permissionsListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config permissionListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		bindings, bindingDiags := listRegistryBindings(ctx, l.data, config)
		diags.Append(bindingDiags...)
		type registryBindings struct {
			namespace              string
			byList, others, single int
		}
		byRegistry := map[string]*registryBindings{}
		for _, b := range bindings {
			registryName := strings.TrimPrefix(b.RoleRef.Name, registry.UserRoleName(""))
			if b.Name == registry.UsersGroupName(registryName) {
				continue // the operator's own binding of its group
			}
			counts := byRegistry[registryName]
			if counts == nil {
				counts = &registryBindings{namespace: b.Namespace}
				byRegistry[registryName] = counts
			}
			switch b.Annotations[registry.AnnotationMadeBy] {
			case registry.MadeByPermissionList:
				counts.byList++
			case registry.MadeBySinglePermission:
				counts.single++
			default:
				counts.others++
			}
		}
		names := make([]string, 0, len(byRegistry))
		for name := range byRegistry {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			counts := byRegistry[name]
			if counts.byList+counts.others == 0 || !tfutil.MadeByWanted(config.MadeBy.ValueString(), counts.byList > 0) {
				continue
			}
			found = append(found, tfutil.ListedObject{
				ImportID:    counts.namespace + "/" + name,
				DisplayName: fmt.Sprintf("Permissions of registry %s (%s/%s)", name, counts.namespace, name),
			})
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &modelRegistryPermissionsResource{data: l.data}, permissionsIdentity, found, diags)
}

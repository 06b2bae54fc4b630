package permission

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ list.ListResource              = &permissionListResource{}
	_ list.ListResourceWithConfigure = &permissionListResource{}
)

type permissionListResource struct {
	data *providerdata.Data
}

// NewModelRegistryPermissionListResource lists single permissions for `terraform query` (Terraform 1.14+).
func NewModelRegistryPermissionListResource() list.ListResource { return &permissionListResource{} }

func (l *permissionListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permission"
}

func (l *permissionListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (l *permissionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The permissions of a namespace's registries, one per RoleBinding of one user, group or project, " +
			"to adopt with `terraform query -generate-config-out` (Terraform 1.14 and later). The operator's own binding and " +
			"bindings of `openshiftai_model_registry_permissions` are never listed. Adopt a registry's permissions either with " +
			"this or with the `openshiftai_model_registry_permissions` list, not both.",
		Attributes: map[string]listschema.Attribute{
			"namespace": tfutil.ListNamespaceAttribute(),
			"registry":  listRegistryAttribute("permissions"),
			"made_by": tfutil.ListMadeByAttribute("bindings the dashboard's permissions page or anyone but this provider made",
				"bindings of `openshiftai_model_registry_permission`"),
		},
	}
}

// listRegistryAttribute is the registry filter of the family's list resources.
func listRegistryAttribute(what string) listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Resource name of one registry whose %s to list. Defaults to every registry of the namespace.", what),
	}
}

// permissionListConfig is the config block of the family's list resources.
type permissionListConfig struct {
	Namespace types.String `tfsdk:"namespace"`
	Registry  types.String `tfsdk:"registry"`
	MadeBy    types.String `tfsdk:"made_by"`
}

func (l *permissionListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config permissionListConfig
	diags := req.Config.Get(ctx, &config)
	var found []tfutil.ListedObject
	if !diags.HasError() {
		bindings, bindingDiags := listRegistryBindings(ctx, l.data, config)
		diags.Append(bindingDiags...)
		for _, b := range bindings {
			observed, err := registry.ParseRoleBinding(&b)
			madeBy := b.Annotations[registry.AnnotationMadeBy]
			if err != nil || observed.OperatorOwned || madeBy == registry.MadeByPermissionList {
				continue
			}
			if tfutil.MadeByWanted(config.MadeBy.ValueString(), madeBy == registry.MadeBySinglePermission || observed.Managed) {
				found = append(found, tfutil.ListedObject{
					ImportID:    b.Namespace + "/" + b.Name,
					DisplayName: fmt.Sprintf("%s %s on registry %s (%s/%s)", observed.Kind, observed.Subject, observed.Registry, b.Namespace, b.Name),
				})
			}
		}
	}
	stream.Results = tfutil.ListResults(ctx, req, &modelRegistryPermissionResource{data: l.data}, permissionIdentity, found, diags)
}

// listRegistryBindings reads, page by page, the RoleBindings of the
// namespace that bind a registry's user role (of config's registry when set).
func listRegistryBindings(ctx context.Context, data *providerdata.Data, config permissionListConfig) ([]rbacv1.RoleBinding, diag.Diagnostics) {
	client, namespace, diags := data.ClientAndNamespace(ctx, config.Namespace)
	if diags.HasError() {
		return nil, diags
	}
	var out []rbacv1.RoleBinding
	err := client.ListPaged(ctx, kube.RoleBindings, namespace, "", tfutil.ListPageSize, func(items []unstructured.Unstructured) {
		for _, item := range items {
			var b rbacv1.RoleBinding
			if runtime.DefaultUnstructuredConverter.FromUnstructured(item.Object, &b) != nil || b.RoleRef.Kind != "Role" ||
				!strings.HasPrefix(b.RoleRef.Name, registry.UserRoleName("")) {
				continue
			}
			if config.Registry.IsNull() || b.RoleRef.Name == registry.UserRoleName(config.Registry.ValueString()) {
				out = append(out, b)
			}
		}
	})
	if err != nil {
		diags.AddError("Cannot list the registry permissions", fmt.Sprintf("Listing the RoleBindings of namespace %q failed: %s", namespace, tfutil.Sentence(err)))
	}
	return out, diags
}

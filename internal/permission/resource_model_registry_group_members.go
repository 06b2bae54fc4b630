package permission

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ resource.Resource                = &modelRegistryGroupMembersResource{}
	_ resource.ResourceWithConfigure   = &modelRegistryGroupMembersResource{}
	_ resource.ResourceWithModifyPlan  = &modelRegistryGroupMembersResource{}
	_ resource.ResourceWithImportState = &modelRegistryGroupMembersResource{}
	_ resource.ResourceWithIdentity    = &modelRegistryGroupMembersResource{}
)

// groupMembersIdentity is a registry's group members' resource identity: the registry's namespace and name.
var groupMembersIdentity = tfutil.Identity{Key: "registry", KeyDescription: "The registry's resource name."}

// Default operation timeouts. Create waits for the operator to make the Group
// of a registry created in the same apply.
const (
	modelRegistryGroupMembersCreateTimeout = 5 * time.Minute
	modelRegistryGroupMembersReadTimeout   = 2 * time.Minute
	modelRegistryGroupMembersUpdateTimeout = 5 * time.Minute
	modelRegistryGroupMembersDeleteTimeout = 5 * time.Minute
)

// NewModelRegistryGroupMembersResource is the openshiftai_model_registry_group_members resource.
func NewModelRegistryGroupMembersResource() resource.Resource {
	return &modelRegistryGroupMembersResource{}
}

// modelRegistryGroupMembersResource is the users of the operator's Group
// <registry>-users, authoritative. The Group itself is the operator's.
type modelRegistryGroupMembersResource struct {
	data *providerdata.Data
}

func (r *modelRegistryGroupMembersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_group_members"
}

func (r *modelRegistryGroupMembersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (r *modelRegistryGroupMembersResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	groupMembersIdentity.Schema(ctx, req, resp)
}

func (r *modelRegistryGroupMembersResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The users of the model-registry operator's OpenShift Group `<registry>-users`, as one " +
			"authoritative list. The operator creates that Group (`user.openshift.io/v1`, cluster-scoped) with every registry " +
			"and binds it to the registry's Role `registry-user-<registry>`; administrators add users to it in OpenShift. " +
			"This resource writes only the Group's `users` (server-side apply with the provider's field manager): it never " +
			"creates or deletes the Group, waits for the operator to create it after a registry created in the same apply, " +
			"and on destroy empties the users it declared. A user added or removed in OpenShift shows in the next plan.\n\n" +
			"Clusters whose users come from an external OIDC provider have no `user.openshift.io` API and no such Group: " +
			"use `openshiftai_model_registry_permissions` there.\n\n" +
			"Writing the Group needs `get` and `patch` on `groups` of `user.openshift.io` (cluster-scoped).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<registry>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"registry": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kubernetes name of the model registry (`resource_name` of `openshiftai_model_registry`, " +
					"not its display name).",
				Validators:    []validator.String{validators.ResourceName()},
				PlanModifiers: replace,
			},
			"namespace": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Namespace of the registry. Defaults to the provider's registries namespace " +
					"(`registries_namespace`, else the one the DataScienceCluster names, else `rhoai-model-registries`).",
				Validators:    []validator.String{validators.NamespaceName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the operator's Group: `<registry>-users`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"users": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(stringSet(nil)),
				MarkdownDescription: "User names, exactly as OpenShift knows them (`oc whoami`). Empty when unset: the Group " +
					"then has no users.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(validators.NotBlank())},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": tfutil.TimeoutsBlock(map[string]string{
				"create": "How long the first apply may take, including the wait for the operator to create the Group " +
					"(a duration such as `30s`). Default `5m`.",
				"read":   "How long reading the Group may take, retries included. Default `2m`.",
				"update": "How long a later apply may take, retries included. Default `5m`.",
				"delete": "How long emptying the Group may take, retries included. Default `5m`.",
			}),
		},
	}
}

// ModifyPlan fills in the names known without the cluster.
func (r *modelRegistryGroupMembersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan modelRegistryGroupMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Registry.IsUnknown() {
		return
	}
	plan.GroupName = types.StringValue(registry.UsersGroupName(plan.Registry.ValueString()))
	if plan.Namespace.IsUnknown() && r.data != nil && !r.data.Unknown() && r.data.ConfiguredNamespace() != "" {
		var config modelRegistryGroupMembersModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		if config.Namespace.IsNull() {
			plan.Namespace = types.StringValue(r.data.ConfiguredNamespace())
		}
	}
	if !plan.Namespace.IsUnknown() {
		plan.setIdentity(plan.Namespace.ValueString(), plan.Registry.ValueString())
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *modelRegistryGroupMembersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := groupMembersIdentity.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, registryName, ok := strings.Cut(importID, "/")
	if !ok || namespace == "" || registryName == "" || strings.Contains(registryName, "/") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf(
			"import ID %q must be `<namespace>/<registry>`, for example `rhoai-model-registries/fraud`", importID))
		return
	}
	if msgs := registry.ValidateNamespace(namespace); len(msgs) > 0 {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: %q is not a namespace name: %s", importID, namespace, strings.Join(msgs, "; ")))
		return
	}
	if msgs := registry.ValidateResourceName(registryName); len(msgs) > 0 {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: %q is not a registry name: it %s", importID, registryName, strings.Join(msgs, "; ")))
		return
	}
	state := modelRegistryGroupMembersModel{Users: stringSet(nil), Timeouts: tfutil.NullTimeouts("create", "read", "update", "delete")}
	state.setIdentity(namespace, registryName)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	groupMembersIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// noGroupAPIDetail explains a cluster without OpenShift Groups.
func noGroupAPIDetail(registryName string) string {
	return fmt.Sprintf("The cluster does not serve OpenShift Groups (user.openshift.io/v1), as on clusters whose users come "+
		"from an external OIDC provider: the operator makes no Group %q there, so its members cannot be managed. Grant users "+
		"the use of registry %q with openshiftai_model_registry_permissions (or openshiftai_model_registry_permission) instead.",
		registry.UsersGroupName(registryName), registryName)
}

var registryPath = path.Root("registry")

package permission

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ resource.Resource                = &modelRegistryPermissionsResource{}
	_ resource.ResourceWithConfigure   = &modelRegistryPermissionsResource{}
	_ resource.ResourceWithModifyPlan  = &modelRegistryPermissionsResource{}
	_ resource.ResourceWithImportState = &modelRegistryPermissionsResource{}
	_ resource.ResourceWithIdentity    = &modelRegistryPermissionsResource{}
)

// permissionsIdentity is a registry's permission list's resource identity: the registry's namespace and name.
var permissionsIdentity = tfutil.Identity{Key: "registry", KeyDescription: "The registry's resource name."}

// Default operation timeouts: an apply is one list and one request per
// changed subject, so these only bound retries against a failing API server.
const (
	modelRegistryPermissionsCreateTimeout = 5 * time.Minute
	modelRegistryPermissionsReadTimeout   = 2 * time.Minute
	modelRegistryPermissionsUpdateTimeout = 5 * time.Minute
	modelRegistryPermissionsDeleteTimeout = 5 * time.Minute
)

// NewModelRegistryPermissionsResource is the openshiftai_model_registry_permissions resource.
func NewModelRegistryPermissionsResource() resource.Resource {
	return &modelRegistryPermissionsResource{}
}

// modelRegistryPermissionsResource is the whole permissions page of one
// registry, authoritative: one dashboard-style RoleBinding per listed subject
// and none for anyone else.
type modelRegistryPermissionsResource struct {
	data *providerdata.Data
}

func (r *modelRegistryPermissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permissions"
}

func (r *modelRegistryPermissionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (r *modelRegistryPermissionsResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	permissionsIdentity.Schema(ctx, req, resp)
}

func (r *modelRegistryPermissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	emptySet := setdefault.StaticValue(stringSet(nil))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Everyone who may use one model registry, as one authoritative list: the whole " +
			"**Model registry settings → Manage permissions** page of the dashboard. After an apply the operator's Role " +
			"`registry-user-<registry>` is bound to exactly the listed users, groups and projects, one dashboard-style " +
			"RoleBinding per subject, whoever made the bindings: a subject added in the dashboard or with `oc` shows in the " +
			"next plan and is removed by the next apply. A listed subject that already has a binding keeps it (it is adopted " +
			"under its name); removing a subject deletes only its binding.\n\n" +
			"Never touched: the operator's own binding `<registry>-users` of its Group (see " +
			"`openshiftai_model_registry_group_members`) and bindings to other roles.\n\n" +
			"Do not use it together with `openshiftai_model_registry_permission` on the same registry: a plan that has " +
			"both fails. See the permissions guide for which to choose.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<registry>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"registry": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kubernetes name of the model registry (`resource_name` of `openshiftai_model_registry`, " +
					"not its display name). The registry must exist when the list is applied.",
				Validators:    []validator.String{validators.ResourceName()},
				PlanModifiers: replace,
			},
			"namespace": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Namespace of the registry, where the RoleBindings are. Defaults to the provider's " +
					"registries namespace (`registries_namespace`, else the one the DataScienceCluster names, else " +
					"`rhoai-model-registries`).",
				Validators:    []validator.String{validators.NamespaceName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"users": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet,
				MarkdownDescription: "User names, exactly as the cluster knows them (`oc whoami`), such as `alice` or " +
					"`alice@example.com`. A service account bound by hand reads back as its user name " +
					"`system:serviceaccount:<project>:<name>`. Empty when unset.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(validators.NotBlank())},
			},
			"groups": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet,
				MarkdownDescription: "Groups: OpenShift Groups such as `data-scientists`, or system groups. " +
					"`system:authenticated` grants **every authenticated user** of the cluster the use of the registry. " +
					"Empty when unset.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(validators.NotBlank(), notProjectGroup())},
			},
			"projects": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet,
				MarkdownDescription: "Projects (namespaces) whose workloads may use the registry: each is bound as the group " +
					"`system:serviceaccounts:<project>` of its service accounts, with the dashboard's " +
					"`opendatahub.io/rb-project-subject` label. Empty when unset.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(validators.NamespaceName())},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": tfutil.TimeoutsBlock(map[string]string{
				"create": "How long the first apply may take, retries included (a duration such as `30s`). Default `5m`.",
				"read":   "How long reading the bindings may take, retries included. Default `2m`.",
				"update": "How long a later apply may take, retries included. Default `5m`.",
				"delete": "How long deleting the bindings may take, retries included. Default `5m`.",
			}),
		},
	}
}

// notProjectGroup rejects the group of a project's service accounts in
// groups: it reads back as a project, so it belongs in projects.
func notProjectGroup() validator.String { return projectGroupValidator{} }

type projectGroupValidator struct{}

func (projectGroupValidator) Description(context.Context) string {
	return "must not be the group of a project's service accounts"
}

func (v projectGroupValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (projectGroupValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	prefix := registry.ProjectGroup("")
	if project, ok := strings.CutPrefix(req.ConfigValue.ValueString(), prefix); ok && project != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Project given as a group", fmt.Sprintf(
			"%s: %q is the group of the service accounts of project %q; put %q in projects instead.",
			req.Path, req.ConfigValue.ValueString(), project, project))
	}
}

// ModifyPlan fills in the namespace and id when they are known without the
// cluster, and fails a plan that also has single permissions for the registry.
func (r *modelRegistryPermissionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy
	}
	var plan modelRegistryPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *modelRegistryPermissionsModel
	if !req.State.Raw.IsNull() {
		state = &modelRegistryPermissionsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if plan.Namespace.IsUnknown() && !r.data.Unknown() && r.data.ConfiguredNamespace() != "" {
		var config modelRegistryPermissionsModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		if config.Namespace.IsNull() {
			plan.Namespace = types.StringValue(r.data.ConfiguredNamespace())
		}
	}
	if !plan.Registry.IsUnknown() && !plan.Namespace.IsUnknown() {
		plan.setIdentity(plan.Namespace.ValueString(), plan.Registry.ValueString())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if plan.Registry.IsUnknown() {
		return // the apply walk plans again with the name known
	}
	// A replacement is planned twice, the second time as a create: claim once.
	replacing := state != nil && (!state.Registry.Equal(plan.Registry) || !state.Namespace.Equal(plan.Namespace))
	if !replacing {
		if summary, detail := claimList(r.data, plan.Registry.ValueString()); summary != "" {
			resp.Diagnostics.AddAttributeError(path.Root("registry"), summary, detail)
			return
		}
	}
	// Planning a new list never needs the cluster: its create takes the bindings over.
	if state != nil && !plan.Namespace.IsUnknown() {
		// Until its first apply after an import the list takes bindings over.
		applied := false
		if req.Private != nil {
			value, diags := req.Private.GetKey(ctx, privateApplied)
			resp.Diagnostics.Append(diags...)
			applied = len(value) > 0
		}
		resp.Diagnostics.Append(r.checkSingleBindings(ctx, plan, !applied)...)
	}
}

// privateApplied is the private state key an apply of the list sets: after
// it, every binding of a listed subject carries the list's mark.
const privateApplied = "applied"

// checkSingleBindings looks on the cluster for bindings of the registry that
// openshiftai_model_registry_permission resources made, outside this plan's
// view. Before the first apply of an imported list they are what it takes
// over (a warning: the resources that made them may be removed in this same
// plan); after it,
// one that appears was made since by another configuration (an error). It is
// best-effort: a cluster that cannot be read is left to apply.
func (r *modelRegistryPermissionsResource) checkSingleBindings(ctx context.Context, plan modelRegistryPermissionsModel, takingOver bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.data.Unknown() {
		return diags
	}
	client, err := r.data.Client()
	if err != nil {
		return diags
	}
	registryName, namespace := plan.Registry.ValueString(), plan.Namespace.ValueString()
	bindings, err := registryBindings(ctx, r.data, client, namespace, registryName)
	if err != nil {
		tflog.Debug(ctx, "single permissions not checked at plan", map[string]any{"error": err.Error()})
		return diags
	}
	var singles []string
	for _, b := range bindings {
		if b.MadeBySingle(registryName, namespace) {
			singles = append(singles, fmt.Sprintf("%s/%s (%s)", namespace, b.Name, b.Subjects[0]))
		}
	}
	if len(singles) == 0 {
		return diags
	}
	if takingOver {
		diags.AddAttributeWarning(path.Root("registry"), "Bindings of openshiftai_model_registry_permission resources taken over",
			fmt.Sprintf("Registry %q has RoleBindings that openshiftai_model_registry_permission resources made: %s. This "+
				"resource takes over those of listed subjects and deletes the others. If the resources that made them are not "+
				"removed in this same plan, remove them from their configuration (a removed block with destroy = false), "+
				"otherwise their next plan fails.", registryName, strings.Join(singles, ", ")))
		return diags
	}
	diags.AddAttributeError(path.Root("registry"), "Registry permissions are also granted one by one", fmt.Sprintf(
		"RoleBindings of registry %q were made by openshiftai_model_registry_permission resources in another configuration: %s. "+
			"openshiftai_model_registry_permissions is authoritative, so the two would undo each other on every apply. Remove "+
			"those resources from their configuration (a removed block with destroy = false keeps the access) and list the "+
			"subjects here, or delete the bindings: oc delete rolebinding -n %s <name>.",
		registryName, strings.Join(singles, ", "), namespace))
	return diags
}

func (r *modelRegistryPermissionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := permissionsIdentity.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	parts := strings.Split(importID, "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf(
			"import ID %q must be `<namespace>/<registry>`, for example `rhoai-model-registries/fraud`", importID))
		return
	}
	if msgs := registry.ValidateNamespace(parts[0]); len(msgs) > 0 {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: %q is not a namespace name: %s", importID, parts[0], strings.Join(msgs, "; ")))
		return
	}
	if msgs := registry.ValidateResourceName(parts[1]); len(msgs) > 0 {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("import ID %q: %q is not a registry name: it %s", importID, parts[1], strings.Join(msgs, "; ")))
		return
	}
	state := modelRegistryPermissionsModel{
		Users: stringSet(nil), Groups: stringSet(nil), Projects: stringSet(nil),
		Timeouts: tfutil.NullTimeouts("create", "read", "update", "delete"),
	}
	state.setIdentity(parts[0], parts[1])
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	permissionsIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// registryBindings are the RoleBindings of the registry's user role other
// than the operator's, from the process's read list.
func registryBindings(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, registryName string) ([]registry.ListedBinding, error) {
	items, err := roleBindings(ctx, data, client, namespace, registryName)
	if err != nil {
		return nil, err
	}
	return lifecycle.ListedBindings(registryName, items)
}

// roleBindings are every RoleBinding to the registry's user role, the
// operator's and those made by hand included, from the process's read list.
func roleBindings(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, registryName string) ([]unstructured.Unstructured, error) {
	role := registry.UserRoleName(registryName)
	return data.ListObjectsWhere(ctx, client, kube.RoleBindings, namespace, func(obj *unstructured.Unstructured) bool {
		name, _, _ := unstructured.NestedString(obj.Object, "roleRef", "name")
		return name == role
	})
}

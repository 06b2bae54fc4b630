package permission

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ resource.Resource                     = &modelRegistryPermissionResource{}
	_ resource.ResourceWithConfigure        = &modelRegistryPermissionResource{}
	_ resource.ResourceWithConfigValidators = &modelRegistryPermissionResource{}
	_ resource.ResourceWithModifyPlan       = &modelRegistryPermissionResource{}
	_ resource.ResourceWithImportState      = &modelRegistryPermissionResource{}
	_ resource.ResourceWithMoveState        = &modelRegistryPermissionResource{}
	_ resource.ResourceWithIdentity         = &modelRegistryPermissionResource{}
	_ resource.ResourceWithUpgradeIdentity  = &modelRegistryPermissionResource{}
)

// permissionIdentity is a permission's resource identity: its RoleBinding's namespace and name.
var permissionIdentity = tfutil.Identity{Key: "name", KeyDescription: "The name of the permission's RoleBinding (`binding_name`).", TakesMoves: true}

// Default operation timeouts: every operation is a handful of requests, so
// these only bound retries against an API server that keeps failing.
const (
	modelRegistryPermissionCreateTimeout = 5 * time.Minute
	modelRegistryPermissionReadTimeout   = 2 * time.Minute
	modelRegistryPermissionDeleteTimeout = 5 * time.Minute
)

// NewModelRegistryPermissionResource is the openshiftai_model_registry_permission resource.
func NewModelRegistryPermissionResource() resource.Resource {
	return &modelRegistryPermissionResource{}
}

// modelRegistryPermissionResource grants one user, group or project the use of
// one model registry with one RoleBinding, as the dashboard's permissions page does.
type modelRegistryPermissionResource struct {
	data *providerdata.Data
}

func (r *modelRegistryPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permission"
}

func (r *modelRegistryPermissionResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	permissionIdentity.Schema(ctx, req, resp)
}

func (r *modelRegistryPermissionResource) UpgradeIdentity(ctx context.Context) map[int64]resource.IdentityUpgrader {
	return permissionIdentity.Upgraders(ctx)
}

func (r *modelRegistryPermissionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants one user, group or project the use of one model registry, as the dashboard's " +
			"**Model registry settings → Manage permissions** page does: one RoleBinding of the subject to the " +
			"operator's Role `registry-user-<registry>` in the registries namespace, labelled so that the dashboard lists it " +
			"and owned by the registry. Exactly one of `user`, `group` and `project` must be set; changing any argument " +
			"replaces the binding.\n\n" +
			"Creating the binding needs `bind` on the Role `registry-user-<registry>` (or every permission that Role grants): " +
			"Kubernetes refuses to let an identity grant access it does not hold itself.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<binding_name>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"binding_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Name of the RoleBinding. The provider derives it from the registry and the subject " +
					"(`<registry>-<kind>-<subject>-<hash>`); a binding adopted by import keeps the name it had, " +
					"such as the dashboard's `dashboard-permissions-abc123`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"registry": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kubernetes name of the model registry (`resource_name` of `openshiftai_model_registry`, " +
					"not its display name). The registry must exist when the permission is created.",
				Validators:    []validator.String{validators.ResourceName()},
				PlanModifiers: replace,
			},
			"namespace": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Namespace of the registry, where the RoleBinding is made. Defaults to the provider's " +
					"registries namespace (`registries_namespace`, else the one the DataScienceCluster names, else " +
					"`rhoai-model-registries`).",
				Validators: []validator.String{validators.NamespaceName()},
				// UseStateForUnknown first: an unset namespace must not read as a change.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"user": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "User name to grant access to, exactly as the cluster knows it (`oc whoami`), " +
					"such as `alice`, `alice@example.com` or `kube:admin`.",
				Validators:    []validator.String{validators.NotBlank()},
				PlanModifiers: replace,
			},
			"group": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Group to grant access to: an OpenShift Group such as `data-scientists`, or a " +
					"system group. `system:authenticated` grants **every authenticated user** of the cluster the use of the " +
					"registry. A group that does not exist on the cluster is a warning, not an error: the binding takes " +
					"effect once the group exists.",
				Validators:    []validator.String{validators.NotBlank()},
				PlanModifiers: replace,
			},
			"project": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Project (namespace) whose workloads may use the registry: the binding's subject is " +
					"the group `system:serviceaccounts:<project>` of all its service accounts, and the binding carries the " +
					"dashboard's `opendatahub.io/rb-project-subject` label. A project that does not exist is a warning.",
				Validators:    []validator.String{validators.NamespaceName()},
				PlanModifiers: replace,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": tfutil.TimeoutsBlock(map[string]string{
				"create": "How long creating the binding may take, retries included (a duration such as `30s`). Default `5m`.",
				"read":   "How long reading the binding may take, retries included. Default `2m`.",
				"delete": "How long deleting the binding may take, retries included. Default `5m`.",
			}),
		},
	}
}

func (r *modelRegistryPermissionResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("user"), path.MatchRoot("group"), path.MatchRoot("project")),
	}
}

func (r *modelRegistryPermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan makes the binding name and id known at plan time whenever the
// registry, the subject and the namespace are, so a plan shows what is created.
func (r *modelRegistryPermissionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if !req.State.Raw.IsNull() {
		// An existing binding keeps its name; it still claims its subject.
		var plan, state modelRegistryPermissionModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(r.claimPlannedPermission(plan, &state)...)
		}
		return
	}
	defer func() {
		var planned modelRegistryPermissionModel
		if resp.Diagnostics.HasError() || resp.Plan.Get(ctx, &planned).HasError() {
			return
		}
		resp.Diagnostics.Append(r.claimPlannedPermission(planned, nil)...)
	}()
	var plan modelRegistryPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only a configured namespace is used here: planning a new resource never needs the cluster.
	if plan.Namespace.IsUnknown() && r.data != nil && !r.data.Unknown() && r.data.ConfiguredNamespace() != "" {
		var config modelRegistryPermissionModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		if config.Namespace.IsNull() {
			plan.Namespace = types.StringValue(r.data.ConfiguredNamespace())
		}
	}
	if plan.Registry.IsUnknown() || !plan.subjectKnown() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	plan.BindingName = types.StringValue(plan.permission().BindingName())
	if !plan.Namespace.IsUnknown() {
		plan.setBindingName(plan.Namespace.ValueString(), plan.BindingName.ValueString())
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// MoveState takes over a permission from a kubernetes_role_binding_v1 of
// hashicorp/kubernetes (resource_model_registry_permission_move.go).
func (r *modelRegistryPermissionResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveFromRoleBinding}}
}

// importID is a parsed import identifier: either a permission, or the name of
// an existing binding to adopt.
type importID struct {
	Namespace   string
	BindingName string
	Permission  *registry.Permission
}

const importIDForms = "`<namespace>/<registry>/<user|group|project>/<subject>` " +
	"(for example `rhoai-model-registries/fraud/group/system:authenticated`) or `<namespace>/<rolebinding-name>` " +
	"(for example `rhoai-model-registries/dashboard-permissions-abc123`)"

// parseImportID splits an import identifier. The subject may itself contain
// '/' and ':', so only the first three '/' separate fields.
func parseImportID(id string) (importID, error) {
	parts := strings.SplitN(id, "/", 4)
	for _, part := range parts {
		if part == "" {
			return importID{}, fmt.Errorf("import ID %q has an empty field; use %s", id, importIDForms)
		}
	}
	switch len(parts) {
	case 2:
		if msgs := registry.ValidateNamespace(parts[0]); len(msgs) > 0 {
			return importID{}, fmt.Errorf("import ID %q: %q is not a namespace name: %s", id, parts[0], strings.Join(msgs, "; "))
		}
		if msgs := registry.ValidateObjectName(parts[1]); len(msgs) > 0 {
			return importID{}, fmt.Errorf("import ID %q: %q is not a RoleBinding name: %s", id, parts[1], strings.Join(msgs, "; "))
		}
		return importID{Namespace: parts[0], BindingName: parts[1]}, nil
	case 4:
		kind := registry.SubjectKind(parts[2])
		if kind != registry.SubjectUser && kind != registry.SubjectGroup && kind != registry.SubjectProject {
			return importID{}, fmt.Errorf("import ID %q: the third field is %q; it must be user, group or project", id, parts[2])
		}
		if msgs := registry.ValidateNamespace(parts[0]); len(msgs) > 0 {
			return importID{}, fmt.Errorf("import ID %q: %q is not a namespace name: %s", id, parts[0], strings.Join(msgs, "; "))
		}
		if msgs := registry.ValidateResourceName(parts[1]); len(msgs) > 0 {
			return importID{}, fmt.Errorf("import ID %q: %q is not a registry name: it %s", id, parts[1], strings.Join(msgs, "; "))
		}
		p := registry.Permission{Namespace: parts[0], Registry: parts[1], Kind: kind, Subject: parts[3]}
		return importID{Namespace: p.Namespace, BindingName: p.BindingName(), Permission: &p}, nil
	}
	return importID{}, fmt.Errorf("import ID %q has %d fields; use %s", id, len(parts), importIDForms)
}

func (r *modelRegistryPermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := permissionIdentity.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := parseImportID(importID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	client, diags := r.data.ClientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// From the provider's read list: importing a fleet's permissions costs one LIST, not a GET each.
	binding, err := readRoleBinding(ctx, r.data, client, id.Namespace, id.BindingName)
	switch {
	case apierrors.IsNotFound(err) && id.Permission != nil:
		// The dashboard names bindings at random: look for one granting the same permission.
		binding, err = lifecycle.FindPermissionBinding(ctx, client, *id.Permission)
		if err != nil {
			resp.Diagnostics.AddError("Cannot import the permission", err.Error())
			return
		}
	case err != nil:
		resp.Diagnostics.AddError("Cannot import the permission", err.Error())
		return
	}
	observed, err := registry.ParseRoleBinding(binding)
	if err != nil {
		resp.Diagnostics.AddError("Not a model registry permission", err.Error())
		return
	}
	if observed.OperatorOwned {
		resp.Diagnostics.AddError("Not a model registry permission", fmt.Sprintf(
			"RoleBinding %s/%s is the model-registry operator's own binding of its group %q; the operator manages it. "+
				"Add users to that group, or import a permission the dashboard or the provider made.",
			binding.Namespace, binding.Name, observed.Subject))
		return
	}
	if id.Permission != nil && observed.Permission != *id.Permission {
		resp.Diagnostics.AddError("Not the requested permission", fmt.Sprintf(
			"RoleBinding %s/%s grants %s %q the use of registry %q, not what import ID %q names.",
			binding.Namespace, binding.Name, observed.Kind, observed.Subject, observed.Registry, importID))
		return
	}
	var state modelRegistryPermissionModel
	state.setPermission(observed.Permission)
	state.setBindingName(binding.Namespace, binding.Name)
	for attribute, value := range map[string]types.String{
		"id": state.ID, "binding_name": state.BindingName, "registry": state.Registry, "namespace": state.Namespace,
		"user": state.User, "group": state.Group, "project": state.Project,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attribute), value)...)
	}
	permissionIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

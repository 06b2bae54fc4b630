package permission

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
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
)

// permissionIdentity is a permission's resource identity: its RoleBinding's namespace and name.
var permissionIdentity = tfutil.Identity{Key: "name", KeyDescription: "The name of the permission's RoleBinding (`binding_name`)."}

// Default operation timeouts: every operation is a handful of requests, so
// these only bound retries against an API server that keeps failing.
const (
	permissionCreateTimeout = 5 * time.Minute
	permissionReadTimeout   = 2 * time.Minute
	permissionDeleteTimeout = 5 * time.Minute
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

type permissionModel struct {
	ID          types.String   `tfsdk:"id"`
	BindingName types.String   `tfsdk:"binding_name"`
	Registry    types.String   `tfsdk:"registry"`
	Namespace   types.String   `tfsdk:"namespace"`
	User        types.String   `tfsdk:"user"`
	Group       types.String   `tfsdk:"group"`
	Project     types.String   `tfsdk:"project"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *modelRegistryPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permission"
}

func (r *modelRegistryPermissionResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	permissionIdentity.Schema(ctx, req, resp)
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
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerdata.Data)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	r.data = data
}

// permission is the domain permission the model declares.
func (m permissionModel) permission() registry.Permission {
	p := registry.Permission{Registry: m.Registry.ValueString(), Namespace: m.Namespace.ValueString()}
	switch {
	case !m.User.IsNull():
		p.Kind, p.Subject = registry.SubjectUser, m.User.ValueString()
	case !m.Group.IsNull():
		p.Kind, p.Subject = registry.SubjectGroup, m.Group.ValueString()
	case !m.Project.IsNull():
		p.Kind, p.Subject = registry.SubjectProject, m.Project.ValueString()
	}
	return p
}

// subjectKnown reports whether the configured subject is known at plan time.
func (m permissionModel) subjectKnown() bool {
	for _, v := range []types.String{m.User, m.Group, m.Project} {
		if v.IsUnknown() {
			return false
		}
	}
	return !m.User.IsNull() || !m.Group.IsNull() || !m.Project.IsNull()
}

// setPermission writes p into the model: registry, namespace and the one subject attribute.
func (m *permissionModel) setPermission(p registry.Permission) {
	m.Registry = types.StringValue(p.Registry)
	m.Namespace = types.StringValue(p.Namespace)
	m.User, m.Group, m.Project = types.StringNull(), types.StringNull(), types.StringNull()
	switch p.Kind {
	case registry.SubjectUser:
		m.User = types.StringValue(p.Subject)
	case registry.SubjectGroup:
		m.Group = types.StringValue(p.Subject)
	case registry.SubjectProject:
		m.Project = types.StringValue(p.Subject)
	}
}

func (m *permissionModel) setBindingName(namespace, name string) {
	m.BindingName = types.StringValue(name)
	m.ID = types.StringValue(namespace + "/" + name)
}

// ModifyPlan makes the binding name and id known at plan time whenever the
// registry, the subject and the namespace are, so a plan shows what is created.
func (r *modelRegistryPermissionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if !req.State.Raw.IsNull() {
		// An existing binding keeps its name; it still claims its subject.
		var plan, state permissionModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(r.claimPlannedPermission(plan, &state)...)
		}
		return
	}
	defer func() {
		var planned permissionModel
		if resp.Diagnostics.HasError() || resp.Plan.Get(ctx, &planned).HasError() {
			return
		}
		resp.Diagnostics.Append(r.claimPlannedPermission(planned, nil)...)
	}()
	var plan permissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only a configured namespace is used here: planning a new resource never needs the cluster.
	if plan.Namespace.IsUnknown() && r.data != nil && !r.data.Unknown() && r.data.ConfiguredNamespace() != "" {
		var config permissionModel
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

func (r *modelRegistryPermissionResource) client() (*kube.Client, diag.Diagnostics) {
	if r.data == nil {
		var diags diag.Diagnostics
		diags.AddError("Provider not configured", "The provider was not configured before the resource was used. This is a bug in the provider; please report it.")
		return nil, diags
	}
	return r.data.ClientDiags()
}

func (r *modelRegistryPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan permissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, permissionCreateTimeout, &resp.Diagnostics))
	defer cancel()

	client, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Namespace.IsUnknown() || plan.Namespace.IsNull() {
		namespace, diags := r.data.RegistriesNamespace(ctx)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		plan.Namespace = types.StringValue(namespace)
	}
	p := plan.permission()

	// The binding's owner is the registry: its UID comes from the create of this
	// same apply when there was one, else from the cluster.
	registryUID, known := r.data.CreatedRegistryUID(p.Namespace, p.Registry)
	if !known {
		registryObject, err := client.Get(ctx, registry.GroupVersionResource, p.Namespace, p.Registry)
		if err != nil {
			if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
				resp.Diagnostics.AddAttributeError(path.Root("registry"), "Model registry not found", fmt.Sprintf(
					"The model registry %q does not exist in namespace %q. Create it first (openshiftai_model_registry, "+
						"and refer to its resource_name so Terraform orders the two), or correct registry and namespace.",
					p.Registry, p.Namespace))
				return
			}
			resp.Diagnostics.AddError("Cannot read the model registry", err.Error())
			return
		}
		registryUID = registryObject.GetUID()
	}

	resp.Diagnostics.Append(checkSubjectExists(ctx, r.data, client, p)...)
	// A registry this apply created has no binding of a list or of another permission
	// yet (those of an earlier registry of the name went with it), so there is nothing
	// to share or to take over: the checks' two reads are saved for every such permission.
	if !known {
		resp.Diagnostics.Append(checkExistingBinding(ctx, client, p)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Written with the create mark first, then confirmed without it: a binding
	// that keeps the mark is this create's, interrupted, and the next create adopts it.
	binding := p.RoleBinding(registryUID)
	for _, write := range []*rbacv1.RoleBinding{p.PendingRoleBinding(registryUID), binding} {
		if _, err := client.Apply(ctx, write, kube.ApplyOptions{}); err != nil {
			summary, detail := explainBindingError(err, p, binding.Name)
			resp.Diagnostics.AddError(summary, detail)
			return
		}
	}
	tflog.Info(ctx, "registry permission granted", map[string]any{
		"namespace": p.Namespace, "binding": binding.Name, "registry": p.Registry, "kind": string(p.Kind), "subject": p.Subject,
	})
	plan.setBindingName(p.Namespace, binding.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// checkSubjectExists warns about a group or project the cluster does not have.
// It stays silent when it cannot tell: the API is not served (a cluster that
// is not OpenShift has no Group objects) or the provider may not read it.
func checkSubjectExists(ctx context.Context, data *providerdata.Data, client *kube.Client, p registry.Permission) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case p.Kind == registry.SubjectGroup && !strings.HasPrefix(p.Subject, "system:"):
		if exists, known := data.ClusterObjectExists(ctx, client, registry.OpenShiftGroupResource, p.Subject); known && !exists {
			diags.AddAttributeWarning(path.Root("group"), "Group not found", fmt.Sprintf(
				"The cluster has no OpenShift Group %q (user.openshift.io/v1). The permission is granted anyway and takes "+
					"effect for the group's members once the group exists; check the name if it should exist already.", p.Subject))
		}
	case p.Kind == registry.SubjectProject:
		if exists, known := data.ClusterObjectExists(ctx, client, kube.Namespaces, p.Subject); known && !exists {
			diags.AddAttributeWarning(path.Root("project"), "Project not found", fmt.Sprintf(
				"The cluster has no project (namespace) %q. The permission is granted anyway and takes effect for the "+
					"project's service accounts once the project exists; check the name if it should exist already.", p.Subject))
		}
	}
	return diags
}

// escalationMessage is what the API server's RBAC escalation check says when an
// identity binds a role whose permissions it does not hold.
const escalationMessage = "attempting to grant RBAC permissions not currently held"

// explainBindingError turns a failed apply of the binding into a diagnostic
// that says which rule the provider's identity lacks.
func explainBindingError(err error, p registry.Permission, bindingName string) (summary, detail string) {
	role := registry.UserRoleName(p.Registry)
	if apierrors.IsForbidden(err) && strings.Contains(err.Error(), escalationMessage) {
		return "Not allowed to grant access to the model registry", fmt.Sprintf(
			"Kubernetes refused RoleBinding %s/%s because the provider's identity may grant the Role %q only if it holds "+
				"every permission that Role grants, or the bind verb on it (RBAC escalation check). Add this rule to a Role "+
				"in namespace %q that is bound to the provider's identity:\n\n"+
				"- apiGroups: [\"rbac.authorization.k8s.io\"]\n"+
				"  resources: [\"roles\"]\n"+
				"  verbs: [\"bind\"]\n"+
				"  resourceNames: [%q]\n\n"+
				"The API server said: %v",
			p.Namespace, bindingName, role, p.Namespace, role, errors.Unwrap(err))
	}
	if apierrors.IsForbidden(err) {
		return "Not allowed to write the permission's RoleBinding", fmt.Sprintf(
			"%v\n\nThe provider's identity needs this rule in namespace %q:\n\n"+
				"- apiGroups: [\"rbac.authorization.k8s.io\"]\n"+
				"  resources: [\"rolebindings\"]\n"+
				"  verbs: [\"get\", \"list\", \"create\", \"patch\", \"delete\"]\n\n"+
				"and bind on the Role %q (resources: [\"roles\"], verbs: [\"bind\"], resourceNames: [%q]).",
			err, p.Namespace, role, role)
	}
	return "Cannot write the permission's RoleBinding", err.Error()
}

func (r *modelRegistryPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state permissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	permissionIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Read, ctx, permissionReadTimeout, &resp.Diagnostics))
	defer cancel()

	client, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.BindingName.ValueString()
	binding, err := readRoleBinding(ctx, r.data, client, namespace, name)
	if apierrors.IsNotFound(err) {
		tflog.Info(ctx, "registry permission binding is gone; removing it from state", map[string]any{"namespace": namespace, "binding": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the permission's RoleBinding", err.Error())
		return
	}
	if binding.Annotations[registry.AnnotationMadeBy] == registry.MadeByPermissionList {
		resp.Diagnostics.AddWarning("RoleBinding taken over by openshiftai_model_registry_permissions", fmt.Sprintf(
			"RoleBinding %s/%s was taken over by an openshiftai_model_registry_permissions resource of registry %q, which "+
				"is authoritative. Destroying this resource leaves the binding to it. Remove this resource from the "+
				"configuration (a removed block with destroy = false) and keep the subject in that list.",
			namespace, name, state.Registry.ValueString()))
	}
	observed, problem := observeBinding(binding)
	if problem != "" {
		resp.Diagnostics.AddWarning("RoleBinding changed outside Terraform", fmt.Sprintf(
			"RoleBinding %s/%s %s. Terraform plans to replace it with the binding the configuration declares.", namespace, name, problem))
	}
	read := state
	read.setPermission(observed)
	read.setBindingName(namespace, name)
	if !reflect.DeepEqual(read, state) {
		// Writing the state back costs more than the read on large plans: only on change.
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func getRoleBinding(ctx context.Context, client *kube.Client, namespace, name string) (*rbacv1.RoleBinding, error) {
	u, err := client.Get(ctx, kube.RoleBindings, namespace, name)
	if err != nil {
		return nil, err
	}
	return toRoleBinding(u, namespace, name)
}

// readRoleBinding is getRoleBinding for Read, answered from the provider's read list.
func readRoleBinding(ctx context.Context, data *providerdata.Data, client *kube.Client, namespace, name string) (*rbacv1.RoleBinding, error) {
	u, err := data.ReadObject(ctx, client, kube.RoleBindings, namespace, name)
	if err != nil {
		return nil, err
	}
	return toRoleBinding(u, namespace, name)
}

func toRoleBinding(u *unstructured.Unstructured, namespace, name string) (*rbacv1.RoleBinding, error) {
	var binding rbacv1.RoleBinding
	if err := kube.FromUnstructured(u, &binding); err != nil {
		return nil, fmt.Errorf("reading RoleBinding %s/%s: %w", namespace, name, err)
	}
	return &binding, nil
}

// observeBinding reads what a binding grants, in the shape of the resource's
// attributes. A binding edited until it is no longer one registry permission
// (another role, no subject, several subjects) is still described, with values
// that differ from any valid configuration, so the plan replaces it; problem
// then says what is wrong.
func observeBinding(binding *rbacv1.RoleBinding) (p registry.Permission, problem string) {
	observed, err := registry.ParseRoleBinding(binding)
	if err == nil {
		return observed.Permission, ""
	}
	p = registry.Permission{Namespace: binding.Namespace, Registry: binding.RoleRef.Kind + "/" + binding.RoleRef.Name}
	if binding.RoleRef.Kind == "Role" && strings.HasPrefix(binding.RoleRef.Name, registry.UserRoleName("")) {
		p.Registry = strings.TrimPrefix(binding.RoleRef.Name, registry.UserRoleName(""))
	}
	// Each subject is read as if it were bound to a registry's role, to tell its kind.
	probeRole := registry.Permission{Registry: "probe"}.RoleRef()
	var subjects []string
	for _, subject := range binding.Subjects {
		one, parseErr := registry.ParseRoleBinding(&rbacv1.RoleBinding{RoleRef: probeRole, Subjects: []rbacv1.Subject{subject}})
		if parseErr != nil { // a ServiceAccount subject
			one.Kind, one.Subject = registry.SubjectUser, subject.Kind+" "+subject.Namespace+"/"+subject.Name
		}
		if p.Kind == "" {
			p.Kind = one.Kind
		}
		if len(binding.Subjects) > 1 {
			one.Subject = subject.Kind + " " + subject.Name
		}
		subjects = append(subjects, one.Subject)
	}
	p.Subject = strings.Join(subjects, ", ")
	return p, err.Error()
}

func (r *modelRegistryPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Every argument but timeouts replaces the binding, so an update only changes timeouts.
	var plan permissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *modelRegistryPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state permissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Delete, ctx, permissionDeleteTimeout, &resp.Diagnostics))
	defer cancel()

	client, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.BindingName.ValueString()
	if name == registry.UsersGroupName(state.Registry.ValueString()) {
		resp.Diagnostics.AddWarning("Operator's binding left in place", fmt.Sprintf(
			"RoleBinding %s/%s belongs to the model-registry operator; it was removed from Terraform state but not deleted.", namespace, name))
		return
	}
	binding, err := getRoleBinding(ctx, client, namespace, name)
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the permission's RoleBinding", err.Error())
		return
	}
	// A binding of the same name that now grants something else belongs to its
	// replacement (create_before_destroy): leave it.
	if observed, _ := observeBinding(binding); observed != state.permission() {
		resp.Diagnostics.AddWarning("RoleBinding left in place", fmt.Sprintf(
			"RoleBinding %s/%s now grants %s %q the use of registry %q, not what this resource granted (%s %q); "+
				"it was not deleted.", namespace, name, observed.Kind, observed.Subject, observed.Registry,
			state.permission().Kind, state.permission().Subject))
		return
	}
	kept, err := deleteOwnBinding(ctx, client, binding)
	if err != nil {
		resp.Diagnostics.AddError("Cannot delete the permission's RoleBinding", err.Error())
		return
	}
	if kept {
		tflog.Info(ctx, "registry permission binding taken over by the permission list; left in place", map[string]any{"namespace": namespace, "binding": name})
		return
	}
	tflog.Info(ctx, "registry permission revoked", map[string]any{"namespace": namespace, "binding": name})
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
	client, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	binding, err := getRoleBinding(ctx, client, id.Namespace, id.BindingName)
	switch {
	case apierrors.IsNotFound(err) && id.Permission != nil:
		// The dashboard names bindings at random: look for one granting the same permission.
		binding, err = findPermissionBinding(ctx, client, *id.Permission)
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
	var state permissionModel
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

// findPermissionBinding finds the binding that grants p among those the
// dashboard lists for the registry.
func findPermissionBinding(ctx context.Context, client *kube.Client, p registry.Permission) (*rbacv1.RoleBinding, error) {
	selector := labels.SelectorFromSet(labels.Set{
		registry.LabelComponent: registry.ComponentModelRegistry,
		registry.LabelAppName:   p.Registry,
	}).String()
	items, err := client.List(ctx, kube.RoleBindings, p.Namespace, selector)
	if err != nil {
		return nil, err
	}
	var matches []*rbacv1.RoleBinding
	for i := range items {
		var binding rbacv1.RoleBinding
		if err := kube.FromUnstructured(&items[i], &binding); err != nil {
			continue
		}
		if observed, err := registry.ParseRoleBinding(&binding); err == nil && !observed.OperatorOwned && observed.Permission == p {
			matches = append(matches, &binding)
		}
	}
	sort.Slice(matches, func(i, j int) bool { return matches[i].Name < matches[j].Name })
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("no RoleBinding in namespace %q grants %s %q the use of registry %q (looked for %q and for bindings labelled %s)",
			p.Namespace, p.Kind, p.Subject, p.Registry, p.BindingName(), selector)
	case 1:
		return matches[0], nil
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = p.Namespace + "/" + m.Name
	}
	return nil, fmt.Errorf("%d RoleBindings grant %s %q the use of registry %q: %s. Import one by name (<namespace>/<rolebinding-name>) and delete the others",
		len(matches), p.Kind, p.Subject, p.Registry, strings.Join(names, ", "))
}

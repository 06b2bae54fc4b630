package permission

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

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

func (r *modelRegistryPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Every argument but timeouts replaces the binding, so an update only changes timeouts.
	var plan permissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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

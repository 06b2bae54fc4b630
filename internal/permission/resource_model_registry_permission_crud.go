package permission

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func (r *modelRegistryPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ctx, cancel, client, ok := providerdata.Begin[modelRegistryPermissionModel](ctx, r.data, req.Plan, timeouts.Value.Create, modelRegistryPermissionCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	resp.Diagnostics.Append(r.data.ResolveNamespace(ctx, &plan.Namespace)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.permission()

	// The binding's owner is the registry: its UID comes from the create of this
	// same apply when there was one, else from the cluster.
	_, createdNow := r.data.CreatedRegistryUID(p.Namespace, p.Registry)
	registryUID, diags := ownerUID(ctx, r.data, client, p.Namespace, p.Registry)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkSubjectExists(ctx, r.data, client, p)...)
	// A registry this apply created has no binding of a list or of another permission
	// yet (those of an earlier registry of the name went with it), so there is nothing
	// to share or to take over: the checks' two reads are saved for every such permission.
	binding, err := protocol(client).GrantPermission(ctx, p, registryUID, createdNow)
	if err != nil {
		appendProblems(&resp.Diagnostics, err, "Cannot write the permission's RoleBinding")
		return
	}
	plan.setBindingName(p.Namespace, binding.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// checkSubjectExists warns about a group or project the cluster does not have.
// It stays silent when it cannot tell: the API is not served (a cluster that
// is not OpenShift has no Group objects) or the provider may not read it.
func checkSubjectExists(ctx context.Context, data *providerdata.Data, client kube.Reader, p registry.Permission) diag.Diagnostics {
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

func (r *modelRegistryPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	permissionIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryPermissionModel](ctx, r.data, req.State, timeouts.Value.Read, modelRegistryPermissionReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
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
	read := state
	if problem := flattenModelRegistryPermission(&read, binding); problem != "" {
		resp.Diagnostics.AddWarning("RoleBinding changed outside Terraform", fmt.Sprintf(
			"RoleBinding %s/%s %s. Terraform plans to replace it with the binding the configuration declares.", namespace, name, problem))
	}
	if !reflect.DeepEqual(read, state) {
		// Writing the state back costs more than the read on large plans: only on change.
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

// readRoleBinding is lifecycle.GetRoleBinding for Read, answered from the provider's read list.
func readRoleBinding(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, name string) (*rbacv1.RoleBinding, error) {
	u, err := data.ReadObject(ctx, client, kube.RoleBindings, namespace, name)
	if err != nil {
		return nil, err
	}
	return lifecycle.RoleBindingFrom(u)
}

func (r *modelRegistryPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Every argument but timeouts replaces the binding, so an update only changes timeouts.
	var plan modelRegistryPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	permissionIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *modelRegistryPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ctx, cancel, client, ok := providerdata.Begin[modelRegistryPermissionModel](ctx, r.data, req.State, timeouts.Value.Delete, modelRegistryPermissionDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	namespace, name := state.Namespace.ValueString(), state.BindingName.ValueString()
	if name == registry.UsersGroupName(state.Registry.ValueString()) {
		resp.Diagnostics.AddWarning("Operator's binding left in place", fmt.Sprintf(
			"RoleBinding %s/%s belongs to the model-registry operator; it was removed from Terraform state but not deleted.", namespace, name))
		return
	}
	// The binding comes from the process's one list of the namespace's bindings (a GET where
	// the identity may not list): the delete's preconditions catch one changed since.
	binding, err := readRoleBinding(ctx, r.data, client, namespace, name)
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the permission's RoleBinding", err.Error())
		return
	}
	// A binding of the same name that now grants something else belongs to its
	// replacement (create_before_destroy): leave it.
	want := state.permission()
	revoked, last, err := protocol(client).RevokePermission(ctx, binding, func(b *rbacv1.RoleBinding) bool {
		observed, _ := observeBinding(b)
		return observed == want
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot delete the permission's RoleBinding", err.Error())
		return
	}
	switch revoked {
	case lifecycle.TakenByList:
		tflog.Info(ctx, "registry permission binding taken over by the permission list; left in place", map[string]any{"namespace": namespace, "binding": name})
		return
	case lifecycle.NotOurs:
		observed, _ := observeBinding(last)
		resp.Diagnostics.AddWarning("RoleBinding left in place", fmt.Sprintf(
			"RoleBinding %s/%s now grants %s %q the use of registry %q, not what this resource granted (%s %q); "+
				"it was not deleted.", namespace, name, observed.Kind, observed.Subject, observed.Registry, want.Kind, want.Subject))
		return
	}
	tflog.Info(ctx, "registry permission revoked", map[string]any{"namespace": namespace, "binding": name})
}

package permission

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

func (r *modelRegistryPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan permissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Create, ctx, permissionsCreateTimeout, &resp.Diagnostics))
	defer cancel()
	// No state on failure: the next apply's create adopts whatever this one wrote.
	if r.apply(ctx, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		permissionsIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateApplied, []byte("true"))...)
	}
}

func (r *modelRegistryPermissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan permissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(plan.Timeouts.Update, ctx, permissionsUpdateTimeout, &resp.Diagnostics))
	defer cancel()
	// On failure the prior state stays; the next refresh reads what this apply did.
	if r.apply(ctx, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		permissionsIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateApplied, []byte("true"))...)
	}
}

// apply makes the registry's bindings exactly the plan's list: first every
// listed subject gets (or keeps) its binding, then the others are deleted.
func (r *modelRegistryPermissionsResource) apply(ctx context.Context, plan *permissionsModel, diags *diag.Diagnostics) bool {
	client, d := r.data.ClientDiags()
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	if plan.Namespace.IsUnknown() || plan.Namespace.IsNull() {
		namespace, d := r.data.RegistriesNamespace(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return false
		}
		plan.Namespace = types.StringValue(namespace)
	}
	plan.setIdentity(plan.Namespace.ValueString(), plan.Registry.ValueString())
	list, d := plan.list(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	registryUID, d := ownerUID(ctx, r.data, client, list.Namespace, list.Registry)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	// Writes decide on a fresh list, never on the process's read list. A registry this
	// apply created has no binding of its role but the operator's and those made with
	// the registry's labels since (the dashboard's, the provider's): its list is that
	// much shorter than the namespace's, which holds every registry's bindings.
	selector := ""
	if _, created := r.data.CreatedRegistryUID(list.Namespace, list.Registry); created {
		selector = registryBindingSelector(list.Registry)
	}
	items, err := client.List(ctx, kube.RoleBindings, list.Namespace, selector)
	if err != nil {
		diags.AddError("Cannot list the registry's RoleBindings", err.Error())
		return false
	}
	observed, err := toListedBindings(list.Registry, items)
	if err != nil {
		diags.AddError("Cannot read a RoleBinding", err.Error())
		return false
	}
	changes := list.Changes(observed, registryUID)
	for _, binding := range changes.Write {
		if _, err := client.Apply(ctx, binding, kube.ApplyOptions{}); err != nil {
			// The explanation names the registry's role and namespace, the same for every subject.
			summary, detail := explainBindingError(err, registry.Permission{Registry: list.Registry, Namespace: list.Namespace}, binding.Name)
			diags.AddError(summary, detail)
			return false
		}
	}
	for _, b := range changes.Delete {
		if err := deleteListedBinding(ctx, client, list.Namespace, b); err != nil {
			diags.AddError("Cannot delete a RoleBinding of the registry", fmt.Sprintf(
				"RoleBinding %s/%s (%s) is not in the list and could not be deleted: %v", list.Namespace, b.Name, describeSubjects(b.Subjects), err))
			return false
		}
	}
	tflog.Info(ctx, "registry permissions applied", map[string]any{
		"namespace": list.Namespace, "registry": list.Registry, "subjects": len(list.Subjects),
		"written": len(changes.Write), "adopted": strings.Join(changes.Adopted, ","), "deleted": len(changes.Delete),
	})
	return true
}

// deleteListedBinding deletes a binding only as it was read; one changed
// meanwhile is read again and deleted if it still binds the registry's role.
func deleteListedBinding(ctx context.Context, client *kube.Client, namespace string, b registry.ListedBinding) error {
	deleted, err := client.DeleteUnchanged(ctx, kube.RoleBindings, namespace, b.Name, b.UID, b.ResourceVersion)
	if err != nil || deleted {
		return err
	}
	fresh, err := getRoleBinding(ctx, client, namespace, b.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if fresh.RoleRef.Kind != "Role" || fresh.RoleRef.Name != registry.UserRoleName(registryOfRole(fresh)) {
		return nil
	}
	return client.Delete(ctx, kube.RoleBindings, namespace, b.Name, fresh.UID)
}

// registryOfRole is the registry whose user role a binding binds.
func registryOfRole(b *rbacv1.RoleBinding) string {
	return strings.TrimPrefix(b.RoleRef.Name, registry.UserRoleName(""))
}

func describeSubjects(subjects []registry.Subject) string {
	parts := make([]string, len(subjects))
	for i, s := range subjects {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// ownerUID is the UID of the registry that owns the bindings: from its create
// in this same apply when there was one, else from the cluster.
func ownerUID(ctx context.Context, data *providerdata.Data, client *kube.Client, namespace, name string) (k8stypes.UID, diag.Diagnostics) {
	var diags diag.Diagnostics
	if uid, known := data.CreatedRegistryUID(namespace, name); known {
		return uid, diags
	}
	obj, err := client.Get(ctx, registry.GroupVersionResource, namespace, name)
	if err != nil {
		if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
			diags.AddAttributeError(path.Root("registry"), "Model registry not found", fmt.Sprintf(
				"The model registry %q does not exist in namespace %q. Create it first (openshiftai_model_registry, "+
					"and refer to its resource_name so Terraform orders the two), or correct registry and namespace.", name, namespace))
			return "", diags
		}
		diags.AddError("Cannot read the model registry", err.Error())
		return "", diags
	}
	return obj.GetUID(), diags
}

// registryBindingSelector selects the bindings that carry a registry's labels, as the
// dashboard and the provider write them.
func registryBindingSelector(registryName string) string {
	return labels.SelectorFromSet(labels.Set{registry.LabelComponent: registry.ComponentModelRegistry, registry.LabelAppName: registryName}).String()
}

func toListedBindings(registryName string, items []unstructured.Unstructured) ([]registry.ListedBinding, error) {
	role := registry.UserRoleName(registryName)
	bindings := make([]rbacv1.RoleBinding, 0, len(items))
	for i := range items {
		// Only the bindings of the registry's role are decoded: a namespace holds every registry's.
		if name, _, _ := unstructured.NestedString(items[i].Object, "roleRef", "name"); name != role {
			continue
		}
		var b rbacv1.RoleBinding
		if err := kube.FromUnstructured(&items[i], &b); err != nil {
			return nil, fmt.Errorf("RoleBinding %s/%s: %w", items[i].GetNamespace(), items[i].GetName(), err)
		}
		bindings = append(bindings, b)
	}
	return registry.RegistryBindings(registryName, bindings), nil
}

func (r *modelRegistryPermissionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state permissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	permissionsIdentity.SetFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Read, ctx, permissionsReadTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.ClientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, registryName := state.Namespace.ValueString(), state.Registry.ValueString()
	if _, err := r.data.ReadObject(ctx, client, registry.GroupVersionResource, namespace, registryName); err != nil {
		if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
			// Its bindings went with it (owner references): nothing is left to manage.
			tflog.Info(ctx, "registry is gone; removing its permission list from state", map[string]any{"namespace": namespace, "registry": registryName})
			resp.State.RemoveResource(ctx)
			return
		}
		resp.Diagnostics.AddError("Cannot read the model registry", err.Error())
		return
	}
	bindings, err := registryBindings(ctx, r.data, client, namespace, registryName)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the registry's RoleBindings", err.Error())
		return
	}
	read := state
	flattenPermissions(&read, bindings)
	read.setIdentity(namespace, registryName)
	if !reflect.DeepEqual(read, state) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &read)...)
	}
}

func (r *modelRegistryPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state permissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tfutil.TimeoutOr(state.Timeouts.Delete, ctx, permissionsDeleteTimeout, &resp.Diagnostics))
	defer cancel()
	client, diags := r.data.ClientDiags()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := state.list(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Every binding of a listed subject was written by the list's applies, with the
	// registry's labels: the labelled bindings are all it can have to delete, and far
	// fewer than the namespace's.
	items, err := client.List(ctx, kube.RoleBindings, list.Namespace, registryBindingSelector(list.Registry))
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the registry's RoleBindings", err.Error())
		return
	}
	observed, err := toListedBindings(list.Registry, items)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read a RoleBinding", err.Error())
		return
	}
	// The bindings of the listed subjects go; a subject granted since the last
	// refresh was never this resource's and stays.
	listed := map[registry.Subject]bool{}
	for _, s := range list.Subjects {
		listed[s] = true
	}
	for _, b := range observed {
		if !b.Regular || !listed[b.Subjects[0]] || b.MadeBy == registry.MadeBySinglePermission {
			continue
		}
		if err := deleteListedBinding(ctx, client, list.Namespace, b); err != nil {
			resp.Diagnostics.AddError("Cannot delete a RoleBinding of the registry", fmt.Sprintf(
				"RoleBinding %s/%s (%s): %v", list.Namespace, b.Name, describeSubjects(b.Subjects), err))
			return
		}
	}
	tflog.Info(ctx, "registry permissions revoked", map[string]any{"namespace": list.Namespace, "registry": list.Registry})
}

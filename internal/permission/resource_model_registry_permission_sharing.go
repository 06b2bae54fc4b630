package permission

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// No silent sharing: a single permission owns its binding alone. Two in one
// configuration that grant the same subject fail at plan (claims.go); a
// binding that exists when the resource is created fails the create, unless
// it carries the create mark of this resource's own interrupted create; and a
// registry whose permissions an openshiftai_model_registry_permissions
// manages refuses single permissions.

// claimPlannedPermission claims the planned permission in this process, so a
// duplicate or a permission list for the same registry fails the plan. It
// makes no request: planning a new permission never needs the cluster, and
// Create checks the cluster's bindings.
// state is nil for a create.
func (r *modelRegistryPermissionResource) claimPlannedPermission(plan permissionModel, state *permissionModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.data == nil || plan.Registry.IsUnknown() || !plan.subjectKnown() {
		return diags // the apply walk plans again with the values known
	}
	// Every argument replaces: a replacement is planned again as a create, which claims.
	if state != nil && (state.permission().SubjectOf() != plan.permission().SubjectOf() ||
		!state.Registry.Equal(plan.Registry) || !state.Namespace.Equal(plan.Namespace)) {
		return diags
	}
	p := plan.permission()
	if summary, detail := claimSingle(r.data, p); summary != "" {
		diags.AddAttributeError(subjectPath(p.Kind), summary, detail)
		return diags
	}
	return diags
}

func subjectPath(kind registry.SubjectKind) path.Path {
	return path.Root(string(kind))
}

// listManagesRegistry fails a single permission on a registry whose bindings
// an openshiftai_model_registry_permissions wrote.
func listManagesRegistry(p registry.Permission, bindings []registry.ListedBinding) diag.Diagnostics {
	var diags diag.Diagnostics
	var made []string
	for _, b := range bindings {
		if b.MadeBy == registry.MadeByPermissionList {
			made = append(made, b.Name)
		}
	}
	if len(made) > 0 {
		diags.AddAttributeError(subjectPath(p.Kind), "Registry permissions are managed by openshiftai_model_registry_permissions",
			fmt.Sprintf("The RoleBindings of registry %q (%s in namespace %q) were written by an openshiftai_model_registry_permissions "+
				"resource, which is authoritative: it would delete this permission's binding on its next apply. Add %s to "+
				"its %s instead of declaring this resource. If no openshiftai_model_registry_permissions manages the registry "+
				"any more, remove its mark from those bindings first: oc annotate rolebinding -n %s <name> %s-",
				p.Registry, strings.Join(made, ", "), p.Namespace, p.SubjectOf(), listAttribute(p.Kind), p.Namespace, registry.AnnotationMadeBy))
	}
	return diags
}

// checkExistingBinding fails the create of a permission whose binding exists
// already, unless this resource's own interrupted create left it (the create
// mark): then the create adopts it.
func checkExistingBinding(ctx context.Context, client *kube.Client, p registry.Permission) diag.Diagnostics {
	var diags diag.Diagnostics
	// The list's bindings always carry the registry's labels.
	items, err := client.List(ctx, kube.RoleBindings, p.Namespace, registryBindingSelector(p.Registry))
	switch {
	case apierrors.IsForbidden(err):
		// Best-effort: an identity that may not list still gets its own binding checked below.
		tflog.Debug(ctx, "permission list not checked at create", map[string]any{"error": err.Error()})
	case err != nil:
		diags.AddError("Cannot list the registry's RoleBindings", err.Error())
		return diags
	default:
		bindings, err := toListedBindings(p.Registry, items)
		if err != nil {
			diags.AddError("Cannot read a RoleBinding", err.Error())
			return diags
		}
		diags.Append(listManagesRegistry(p, bindings)...)
		if diags.HasError() {
			return diags
		}
	}
	existing, err := getRoleBinding(ctx, client, p.Namespace, p.BindingName())
	if apierrors.IsNotFound(err) {
		return diags
	}
	if err != nil {
		summary, detail := explainBindingError(err, p, p.BindingName())
		diags.AddError(summary, detail)
		return diags
	}
	if existing.Annotations[registry.AnnotationCreatePending] != "" {
		tflog.Info(ctx, "adopting the binding of an interrupted create", map[string]any{"namespace": p.Namespace, "binding": existing.Name})
		return diags
	}
	diags.AddAttributeError(subjectPath(p.Kind), "The permission's RoleBinding exists already", fmt.Sprintf(
		"RoleBinding %s/%s already grants %s the use of registry %q, and no create of this resource left it. Another "+
			"openshiftai_model_registry_permission (perhaps in another configuration) may own it: two resources sharing "+
			"one binding would take the access away from both when either is destroyed. If this resource should own it, "+
			"import it:\n\n  terraform import openshiftai_model_registry_permission.<name> %s/%s\n\n"+
			"otherwise remove this resource from the configuration.",
		p.Namespace, existing.Name, p.SubjectOf(), p.Registry, p.Namespace, existing.Name))
	return diags
}

// deleteOwnBinding deletes the permission's binding as it was read, unless
// an openshiftai_model_registry_permissions took it over meanwhile.
func deleteOwnBinding(ctx context.Context, client *kube.Client, binding *rbacv1.RoleBinding) (kept bool, err error) {
	for range 2 {
		if binding.Annotations[registry.AnnotationMadeBy] == registry.MadeByPermissionList {
			return true, nil
		}
		deleted, err := client.DeleteUnchanged(ctx, kube.RoleBindings, binding.Namespace, binding.Name, binding.UID, binding.ResourceVersion)
		if err != nil || deleted {
			return false, err
		}
		binding, err = getRoleBinding(ctx, client, binding.Namespace, binding.Name)
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, client.Delete(ctx, kube.RoleBindings, binding.Namespace, binding.Name, binding.UID)
}

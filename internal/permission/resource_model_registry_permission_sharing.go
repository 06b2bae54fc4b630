package permission

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

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
func (r *modelRegistryPermissionResource) claimPlannedPermission(plan modelRegistryPermissionModel, state *modelRegistryPermissionModel) diag.Diagnostics {
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

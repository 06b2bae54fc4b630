package permission

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// roleBindingTypes are hashicorp/kubernetes' RoleBinding resources; both have
// the same schema (metadata, role_ref and subject blocks).
var roleBindingTypes = map[string]bool{"kubernetes_role_binding_v1": true, "kubernetes_role_binding": true}

const moveHowTo = "Remove the moved block and adopt the permission with an import block instead " +
	"(import { to = openshiftai_model_registry_permission.<label>, id = \"<namespace>/<rolebinding-name>\" })."

// movedBinding is the RoleBinding a kubernetes_role_binding_v1 of
// hashicorp/kubernetes held, rebuilt from the source's raw state (blocks are
// lists there, as in every SDKv2 resource).
func movedBinding(req resource.MoveStateRequest) (*rbacv1.RoleBinding, error) {
	source := tfutil.SourceDescription(req)
	if !tfutil.FromKubernetesProvider(req) || !roleBindingTypes[req.SourceTypeName] {
		return nil, fmt.Errorf("openshiftai_model_registry_permission takes over only a kubernetes_role_binding_v1 of %s "+
			"that binds one subject to the Role registry-user-<registry>; the source is a %s. %s", tfutil.KubernetesProvider, source, moveHowTo)
	}
	attributes, err := tfutil.SourceAttributes(req)
	if err != nil {
		return nil, err
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name:      tfutil.StringAt(attributes, "metadata", 0, "name"),
			Namespace: tfutil.StringAt(attributes, "metadata", 0, "namespace"),
		},
		RoleRef: rbacv1.RoleRef{
			APIGroup: tfutil.StringAt(attributes, "role_ref", 0, "api_group"),
			Kind:     tfutil.StringAt(attributes, "role_ref", 0, "kind"),
			Name:     tfutil.StringAt(attributes, "role_ref", 0, "name"),
		},
	}
	subjects, _ := attributes["subject"].([]any)
	for i := range subjects {
		binding.Subjects = append(binding.Subjects, rbacv1.Subject{
			APIGroup:  tfutil.StringAt(subjects, i, "api_group"),
			Kind:      tfutil.StringAt(subjects, i, "kind"),
			Name:      tfutil.StringAt(subjects, i, "name"),
			Namespace: tfutil.StringAt(subjects, i, "namespace"),
		})
	}
	if binding.Name == "" || binding.Namespace == "" {
		return nil, fmt.Errorf("the state of the %s names no RoleBinding (metadata.name and metadata.namespace are empty). %s", source, moveHowTo)
	}
	return binding, nil
}

// moveFromRoleBinding takes over a permission from a kubernetes_role_binding_v1:
// the binding must be what an import accepts, one user, group or project bound
// to a registry's user role, and not the operator's own binding. The moved
// state is the import's; the refresh that follows reads the binding again.
func (r *modelRegistryPermissionResource) moveFromRoleBinding(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	binding, err := movedBinding(req)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move into openshiftai_model_registry_permission", tfutil.Sentence(err))
		return
	}
	observed, err := registry.ParseRoleBinding(binding)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move into openshiftai_model_registry_permission", fmt.Sprintf(
			"The %s is not a model registry permission: %s. Keep it as it is. %s", tfutil.SourceDescription(req), err, moveHowTo))
		return
	}
	if observed.OperatorOwned {
		resp.Diagnostics.AddError("Cannot move into openshiftai_model_registry_permission", fmt.Sprintf(
			"The %s holds RoleBinding %s/%s, the model-registry operator's own binding of its group %q; the operator manages it. "+
				"Remove it from Terraform with a removed block (lifecycle { destroy = false }) and add users to the group instead.",
			tfutil.SourceDescription(req), binding.Namespace, binding.Name, observed.Subject))
		return
	}
	var state modelRegistryPermissionModel
	state.setPermission(observed.Permission)
	state.setBindingName(binding.Namespace, binding.Name)
	for attribute, value := range map[string]types.String{
		"id": state.ID, "binding_name": state.BindingName, "registry": state.Registry, "namespace": state.Namespace,
		"user": state.User, "group": state.Group, "project": state.Project,
	} {
		resp.Diagnostics.Append(resp.TargetState.SetAttribute(ctx, path.Root(attribute), value)...)
	}
	permissionIdentity.SetFromState(ctx, resp.TargetState, resp.TargetIdentity, &resp.Diagnostics)
}

package permission

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// modelRegistryPermissionsModel is the state of openshiftai_model_registry_permissions.
type modelRegistryPermissionsModel struct {
	ID        types.String   `tfsdk:"id"`
	Registry  types.String   `tfsdk:"registry"`
	Namespace types.String   `tfsdk:"namespace"`
	Users     types.Set      `tfsdk:"users"`
	Groups    types.Set      `tfsdk:"groups"`
	Projects  types.Set      `tfsdk:"projects"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

// subjectSets are the set attributes by the kind of subject they hold.
func (m *modelRegistryPermissionsModel) subjectSets() map[registry.SubjectKind]*types.Set {
	return map[registry.SubjectKind]*types.Set{
		registry.SubjectUser: &m.Users, registry.SubjectGroup: &m.Groups, registry.SubjectProject: &m.Projects,
	}
}

// list is the domain permission list the model declares.
func (m *modelRegistryPermissionsModel) list(ctx context.Context) (registry.PermissionList, diag.Diagnostics) {
	var diags diag.Diagnostics
	l := registry.PermissionList{Registry: m.Registry.ValueString(), Namespace: m.Namespace.ValueString()}
	for kind, set := range m.subjectSets() {
		var names []string
		diags.Append(set.ElementsAs(ctx, &names, false)...)
		for _, name := range names {
			l.Subjects = append(l.Subjects, registry.Subject{Kind: kind, Name: name})
		}
	}
	registry.SortSubjects(l.Subjects)
	return l, diags
}

func (m *modelRegistryPermissionsModel) setIdentity(namespace, registryName string) {
	m.Namespace = types.StringValue(namespace)
	m.Registry = types.StringValue(registryName)
	m.ID = types.StringValue(namespace + "/" + registryName)
}

// stringSet is a set of strings; never null.
func stringSet(values []string) types.Set {
	elements := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elements = append(elements, types.StringValue(v))
	}
	return types.SetValueMust(types.StringType, elements)
}

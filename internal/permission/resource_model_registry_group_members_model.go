package permission

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// modelRegistryGroupMembersModel is the state of openshiftai_model_registry_group_members.
type modelRegistryGroupMembersModel struct {
	ID        types.String   `tfsdk:"id"`
	Registry  types.String   `tfsdk:"registry"`
	Namespace types.String   `tfsdk:"namespace"`
	GroupName types.String   `tfsdk:"group_name"`
	Users     types.Set      `tfsdk:"users"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (m *modelRegistryGroupMembersModel) setIdentity(namespace, registryName string) {
	m.Namespace = types.StringValue(namespace)
	m.Registry = types.StringValue(registryName)
	m.ID = types.StringValue(namespace + "/" + registryName)
	m.GroupName = types.StringValue(registry.UsersGroupName(registryName))
}

// users are the declared users, sorted.
func (m *modelRegistryGroupMembersModel) users(ctx context.Context) ([]string, diag.Diagnostics) {
	var users []string
	diags := m.Users.ElementsAs(ctx, &users, false)
	return registry.SortedUnique(users), diags
}

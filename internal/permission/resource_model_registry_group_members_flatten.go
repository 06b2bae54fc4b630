package permission

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// flattenModelRegistryGroupMembers writes the users of the operator's Group into m; it makes no request.
func flattenModelRegistryGroupMembers(m *modelRegistryGroupMembersModel, group *unstructured.Unstructured) {
	m.Users = stringSet(registry.GroupUsers(group))
}

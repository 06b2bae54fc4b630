package permission

import (
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// flattenModelRegistryPermissions writes what the registry's bindings grant into the
// subject sets of m; it makes no request.
func flattenModelRegistryPermissions(m *modelRegistryPermissionsModel, bindings []registry.ListedBinding) {
	byKind := map[registry.SubjectKind][]string{}
	for _, s := range registry.GrantedSubjects(bindings) {
		byKind[s.Kind] = append(byKind[s.Kind], s.Name)
	}
	for kind, set := range m.subjectSets() {
		*set = stringSet(byKind[kind])
	}
}

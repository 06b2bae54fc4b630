package permission

import (
	"fmt"
	"strings"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The single permission and the permission list exclude each other on one
// registry, and two single permissions must not grant the same subject. A
// plan is the one moment the provider sees every resource of a configuration
// in one process: each resource claims what it grants there, and the later of
// two that collide fails. Registry names are unique across the cluster, so the
// registry's name alone is the scope.

func singleScope(registryName string) string { return "permission/" + registryName }
func listScope(registryName string) string   { return "permissions/" + registryName }

// claimSingle records a planned single permission and says what it collides with.
func claimSingle(data *providerdata.Data, p registry.Permission) (summary, detail string) {
	subject := p.SubjectOf().String()
	seen := data.Claim(singleScope(p.Registry), subject, singleScope(p.Registry), listScope(p.Registry))
	if len(seen[listScope(p.Registry)]) > 0 {
		return "Registry permissions are managed by openshiftai_model_registry_permissions", fmt.Sprintf(
			"This configuration also has an openshiftai_model_registry_permissions resource for registry %q. That resource "+
				"is authoritative: it removes every binding it does not declare, so it and openshiftai_model_registry_permission "+
				"exclude each other on one registry. Add %s to its %s and remove this resource.",
			p.Registry, subject, lifecycle.ListAttribute(p.Kind))
	}
	for _, other := range seen[singleScope(p.Registry)] {
		if other == subject {
			return "Two permissions grant the same subject", fmt.Sprintf(
				"Another openshiftai_model_registry_permission in this configuration also grants %s the use of registry %q. "+
					"Both would share one RoleBinding, and destroying either would take the access away from both. "+
					"Keep one of the two resources.", subject, p.Registry)
		}
	}
	return "", ""
}

// claimList records a planned permission list and says what it collides with.
func claimList(data *providerdata.Data, registryName string) (summary, detail string) {
	seen := data.Claim(listScope(registryName), registryName, singleScope(registryName), listScope(registryName))
	if len(seen[listScope(registryName)]) > 0 {
		return "Two permission lists for one registry", fmt.Sprintf(
			"Another openshiftai_model_registry_permissions in this configuration also manages registry %q. Each removes "+
				"what the other grants; keep one and merge the subjects into it.", registryName)
	}
	if singles := seen[singleScope(registryName)]; len(singles) > 0 {
		return "Registry permissions are also granted one by one", fmt.Sprintf(
			"This configuration also has openshiftai_model_registry_permission resources for registry %q, granting %s. "+
				"openshiftai_model_registry_permissions is authoritative: it would remove their bindings, and they would "+
				"create them again. Move these subjects into users, groups or projects of this resource and remove those "+
				"openshiftai_model_registry_permission resources.", registryName, strings.Join(singles, ", "))
	}
	return "", ""
}

package permission

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// flattenModelRegistryPermission writes what binding grants into m; problem
// says what is wrong with a binding that is no longer one registry permission.
func flattenModelRegistryPermission(m *modelRegistryPermissionModel, binding *rbacv1.RoleBinding) (problem string) {
	observed, problem := observeBinding(binding)
	m.setPermission(observed)
	m.setBindingName(binding.Namespace, binding.Name)
	return problem
}

// observeBinding reads what a binding grants, in the shape of the resource's
// attributes. A binding edited until it is no longer one registry permission
// (another role, no subject, several subjects) is still described, with values
// that differ from any valid configuration, so the plan replaces it; problem
// then says what is wrong.
func observeBinding(binding *rbacv1.RoleBinding) (p registry.Permission, problem string) {
	observed, err := registry.ParseRoleBinding(binding)
	if err == nil {
		return observed.Permission, ""
	}
	p = registry.Permission{Namespace: binding.Namespace, Registry: binding.RoleRef.Kind + "/" + binding.RoleRef.Name}
	if binding.RoleRef.Kind == "Role" && strings.HasPrefix(binding.RoleRef.Name, registry.UserRoleName("")) {
		p.Registry = strings.TrimPrefix(binding.RoleRef.Name, registry.UserRoleName(""))
	}
	// Each subject is read as if it were bound to a registry's role, to tell its kind.
	probeRole := registry.Permission{Registry: "probe"}.RoleRef()
	var subjects []string
	for _, subject := range binding.Subjects {
		one, parseErr := registry.ParseRoleBinding(&rbacv1.RoleBinding{RoleRef: probeRole, Subjects: []rbacv1.Subject{subject}})
		if parseErr != nil { // a ServiceAccount subject
			one.Kind, one.Subject = registry.SubjectUser, subject.Kind+" "+subject.Namespace+"/"+subject.Name
		}
		if p.Kind == "" {
			p.Kind = one.Kind
		}
		if len(binding.Subjects) > 1 {
			one.Subject = subject.Kind + " " + subject.Name
		}
		subjects = append(subjects, one.Subject)
	}
	p.Subject = strings.Join(subjects, ", ")
	return p, err.Error()
}

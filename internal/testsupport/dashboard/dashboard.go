// Package dashboard builds objects in the shape the OpenShift AI dashboard
// writes them (DOMAIN.md, "What the dashboard creates" and "Permissions"), for
// the acceptance tests and the bench that adopt what users already have.
package dashboard

import (
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// FieldManager is the field manager of the dashboard's writes.
const FieldManager = "odh-dashboard"

// PasswordSecret is a registry's password Secret: Opaque, generateName <name>-db-,
// with the labels older dashboards set.
func PasswordSecret(namespace, registryName, database, username, password string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: registryName + "-db-", Namespace: namespace,
			Labels: map[string]string{registry.LabelRegistryManaged: "true", registry.LabelRegistryName: registryName},
		},
		Type: corev1.SecretTypeOpaque,
		StringData: map[string]string{
			registry.PasswordSecretKeyDatabase: database, registry.PasswordSecretKeyUser: username, registry.PasswordSecretKeyPassword: password,
		},
	}
}

// MySQL is spec.mysql of a registry on an external MySQL database whose password
// is in the dashboard's Secret secretName.
func MySQL(host string, port int64, database, username, secretName string) map[string]any {
	return map[string]any{
		"host": host, "port": port, "database": database, "username": username,
		"skipDBCreation": true,
		"passwordSecret": map[string]any{"name": secretName, "key": registry.PasswordSecretKeyPassword},
	}
}

// Registry is a ModelRegistry as the dashboard's create form writes it: the
// display name (and description) as annotations, no label of the provider.
func Registry(namespace, name, displayName, description string, mysql map[string]any) *unstructured.Unstructured {
	annotations := map[string]any{registry.AnnotationDisplayName: displayName}
	if description != "" {
		annotations[registry.AnnotationDescription] = description
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": registry.GroupVersionKind.GroupVersion().String(),
		"kind":       registry.Kind,
		"metadata":   map[string]any{"name": name, "namespace": namespace, "annotations": annotations},
		"spec":       map[string]any{"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{}, "mysql": mysql},
	}}
}

// User, Group and Project are the subjects the permissions page grants.
func User(name string) rbacv1.Subject {
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}
}

func Group(name string) rbacv1.Subject {
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: name}
}

// Project is the Group of a project's service accounts.
func Project(project string) rbacv1.Subject { return Group(registry.ProjectGroup(project)) }

// Binding is the RoleBinding the permissions page makes for one subject of a
// registry: dashboard-permissions-<6 random>, owned by the registry; project
// marks a project's service accounts.
func Binding(namespace, registryName string, registryUID types.UID, subject rbacv1.Subject, project bool) *rbacv1.RoleBinding {
	labels := registry.CommonLabels(registryName)
	labels[registry.LabelDashboard] = "true"
	if project {
		labels[registry.LabelProjectSubject] = "true"
	}
	return &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: "dashboard-permissions-" + randomSuffix(), Namespace: namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{registry.OwnerReference(registryName, registryUID)},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(registryName)},
		Subjects: []rbacv1.Subject{subject},
	}
}

func randomSuffix() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		b[i] = chars[rand.IntN(len(chars))]
	}
	return string(b)
}

package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// SubjectKind is who a permission grants access to.
type SubjectKind string

// The subjects the dashboard's permissions page offers.
const (
	SubjectUser    SubjectKind = "user"
	SubjectGroup   SubjectKind = "group"
	SubjectProject SubjectKind = "project"
)

// AllAuthenticated is the group of every authenticated user.
const AllAuthenticated = "system:authenticated"

const projectGroupPrefix = "system:serviceaccounts:"

// Permission grants one subject the use of one registry.
type Permission struct {
	Registry  string
	Namespace string
	Kind      SubjectKind
	// Subject is the user name, the group name or the project (namespace) name.
	Subject string
}

// BindingName is the deterministic name of the permission's RoleBinding: a
// readable prefix and a hash that keeps names of different subjects apart.
func (p Permission) BindingName() string {
	sum := sha256.Sum256([]byte(p.Registry + "\x00" + string(p.Kind) + "\x00" + p.Subject))
	hash := hex.EncodeToString(sum[:])[:10]
	readable := nameChars(strings.NewReplacer(":", "-", "@", "-", ".", "-", "_", "-").Replace(p.Subject))
	prefix := p.Registry + "-" + string(p.Kind)
	if readable != "" {
		prefix += "-" + readable
	}
	const maxLength = 63
	if limit := maxLength - len(hash) - 1; len(prefix) > limit {
		prefix = strings.TrimRight(prefix[:limit], "-")
	}
	return prefix + "-" + hash
}

// RBACSubject is the RoleBinding subject the dashboard writes for the permission.
func (p Permission) RBACSubject() rbacv1.Subject {
	switch p.Kind {
	case SubjectUser:
		return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: p.Subject}
	case SubjectProject:
		return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: ProjectGroup(p.Subject)}
	}
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: p.Subject}
}

// RoleRef is the operator's user role of the registry.
func (p Permission) RoleRef() rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: UserRoleName(p.Registry)}
}

// RoleBinding builds the binding the dashboard's permissions page lists, owned
// by the registry whose UID is given.
func (p Permission) RoleBinding(registryUID types.UID) *rbacv1.RoleBinding {
	labels := CommonLabels(p.Registry)
	labels[LabelDashboard] = "true"
	labels[LabelAppManagedBy] = ManagedByProvider
	if p.Kind == SubjectProject {
		labels[LabelProjectSubject] = "true"
	}
	return &rbacv1.RoleBinding{
		TypeMeta: metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            p.BindingName(),
			Namespace:       p.Namespace,
			Labels:          labels,
			Annotations:     map[string]string{AnnotationMadeBy: MadeBySinglePermission},
			OwnerReferences: []metav1.OwnerReference{OwnerReference(p.Registry, registryUID)},
		},
		RoleRef:  p.RoleRef(),
		Subjects: []rbacv1.Subject{p.RBACSubject()},
	}
}

// PendingRoleBinding is RoleBinding with the create mark: the first write of
// a create, which a second write without the mark confirms. A binding that
// keeps the mark was left by an interrupted create, which the next create adopts.
func (p Permission) PendingRoleBinding(registryUID types.UID) *rbacv1.RoleBinding {
	binding := p.RoleBinding(registryUID)
	binding.Annotations[AnnotationCreatePending] = "true"
	return binding
}

// ObservedBinding is a RoleBinding to a registry's user role, read back.
type ObservedBinding struct {
	Permission
	Name string
	// Managed is true when the provider's label is on the binding.
	Managed bool
	// OperatorOwned is true for the operator's own "<name>-users" group binding.
	OperatorOwned bool
}

// ErrNotAPermission explains why a RoleBinding is not a registry permission.
type ErrNotAPermission struct{ Reason string }

func (e *ErrNotAPermission) Error() string { return e.Reason }

// ParseRoleBinding reads a permission back from a RoleBinding to the user role
// of a registry. It fails for bindings that are not one subject bound to a
// registry's user role.
func ParseRoleBinding(rb *rbacv1.RoleBinding) (ObservedBinding, error) {
	if rb.RoleRef.Kind != "Role" || !strings.HasPrefix(rb.RoleRef.Name, userRolePrefix) {
		return ObservedBinding{}, &ErrNotAPermission{Reason: fmt.Sprintf(
			"RoleBinding %s/%s binds %s %q, not the user role of a model registry (registry-user-<registry>)",
			rb.Namespace, rb.Name, rb.RoleRef.Kind, rb.RoleRef.Name)}
	}
	if len(rb.Subjects) != 1 {
		return ObservedBinding{}, &ErrNotAPermission{Reason: fmt.Sprintf(
			"RoleBinding %s/%s has %d subjects; a registry permission has exactly one", rb.Namespace, rb.Name, len(rb.Subjects))}
	}
	registryName := strings.TrimPrefix(rb.RoleRef.Name, userRolePrefix)
	subject := rb.Subjects[0]
	p := Permission{Registry: registryName, Namespace: rb.Namespace, Subject: subject.Name}
	switch {
	case subject.Kind == rbacv1.UserKind:
		p.Kind = SubjectUser
	case subject.Kind == rbacv1.GroupKind && strings.HasPrefix(subject.Name, projectGroupPrefix):
		p.Kind = SubjectProject
		p.Subject = strings.TrimPrefix(subject.Name, projectGroupPrefix)
	case subject.Kind == rbacv1.GroupKind:
		p.Kind = SubjectGroup
	default:
		return ObservedBinding{}, &ErrNotAPermission{Reason: fmt.Sprintf(
			"RoleBinding %s/%s binds a %s; registry permissions bind a user, a group or a project", rb.Namespace, rb.Name, subject.Kind)}
	}
	return ObservedBinding{
		Permission:    p,
		Name:          rb.Name,
		Managed:       rb.Labels[LabelAppManagedBy] == ManagedByProvider,
		OperatorOwned: rb.Name == UsersGroupName(registryName) && p.Kind == SubjectGroup && p.Subject == UsersGroupName(registryName),
	}, nil
}

package registry

import (
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/types"
)

// AnnotationMadeBy names the kind of Terraform resource that wrote a
// permission binding, so that the single permission resource and the
// authoritative list see each other's bindings on the cluster.
const AnnotationMadeBy = "openshiftai.terraform.io/made-by"

// The values of AnnotationMadeBy.
const (
	MadeBySinglePermission = "openshiftai_model_registry_permission"
	MadeByPermissionList   = "openshiftai_model_registry_permissions"
)

// serviceAccountUserPrefix starts the user name of a service account.
const serviceAccountUserPrefix = "system:serviceaccount:"

// Subject is one entry of a registry's permission list.
type Subject struct {
	Kind SubjectKind
	// Name is the user name, the group name or the project (namespace) name.
	Name string
}

func (s Subject) String() string { return fmt.Sprintf("%s %q", s.Kind, s.Name) }

// SubjectOf is the subject of the permission.
func (p Permission) SubjectOf() Subject { return Subject{Kind: p.Kind, Name: p.Subject} }

// PermissionList is everyone who may use one registry, as the dashboard's
// permissions page lists them: one RoleBinding per subject.
type PermissionList struct {
	Registry  string
	Namespace string
	Subjects  []Subject
}

// permission is the single permission of one subject of the list.
func (l PermissionList) permission(s Subject) Permission {
	return Permission{Registry: l.Registry, Namespace: l.Namespace, Kind: s.Kind, Subject: s.Name}
}

// RoleBinding is the binding the list writes for one subject: the dashboard's
// binding, marked as the list's. name keeps an existing binding's name; empty
// gives the deterministic name.
func (l PermissionList) RoleBinding(s Subject, name string, registryUID types.UID) *rbacv1.RoleBinding {
	binding := l.permission(s).RoleBinding(registryUID)
	if name != "" {
		binding.Name = name
	}
	binding.Annotations = map[string]string{AnnotationMadeBy: MadeByPermissionList}
	return binding
}

// ListedBinding is one RoleBinding to a registry's user role, other than the
// operator's own, read back.
type ListedBinding struct {
	Name            string
	UID             types.UID
	ResourceVersion string
	// Subjects are what the binding grants; a service account reads as its user name.
	Subjects []Subject
	// MadeBy is the binding's AnnotationMadeBy, "" when it has none.
	MadeBy string
	// Managed is true when the provider's label is on the binding.
	Managed bool
	// Regular is true for a binding the dashboard could have made: one user,
	// group or project bound by itself.
	Regular bool
	binding *rbacv1.RoleBinding
}

// MadeBySingle tells whether an openshiftai_model_registry_permission wrote
// the binding: it says so, or, written before the annotation existed, it
// carries the provider's label and the name that resource derives.
func (b ListedBinding) MadeBySingle(registryName, namespace string) bool {
	if b.MadeBy != "" {
		return b.MadeBy == MadeBySinglePermission
	}
	if !b.Managed || !b.Regular {
		return false
	}
	s := b.Subjects[0]
	return b.Name == (Permission{Registry: registryName, Namespace: namespace, Kind: s.Kind, Subject: s.Name}).BindingName()
}

// subjectOf reads one RoleBinding subject as a permission subject.
func subjectOf(namespace string, subject rbacv1.Subject) (Subject, bool) {
	switch subject.Kind {
	case rbacv1.UserKind:
		return Subject{Kind: SubjectUser, Name: subject.Name}, true
	case rbacv1.GroupKind:
		if project, ok := strings.CutPrefix(subject.Name, projectGroupPrefix); ok {
			return Subject{Kind: SubjectProject, Name: project}, true
		}
		return Subject{Kind: SubjectGroup, Name: subject.Name}, true
	case rbacv1.ServiceAccountKind:
		ns := subject.Namespace
		if ns == "" {
			ns = namespace
		}
		return Subject{Kind: SubjectUser, Name: serviceAccountUserPrefix + ns + ":" + subject.Name}, false
	}
	return Subject{}, false
}

// RegistryBindings picks out of the RoleBindings of a namespace those that
// bind the user role of registryName, except the operator's own binding of
// its group, ordered by name.
func RegistryBindings(registryName string, all []rbacv1.RoleBinding) []ListedBinding {
	role := UserRoleName(registryName)
	var listed []ListedBinding
	for i := range all {
		b := &all[i]
		if b.RoleRef.Kind != "Role" || b.RoleRef.Name != role || b.Name == UsersGroupName(registryName) {
			continue
		}
		entry := ListedBinding{
			Name: b.Name, UID: b.UID, ResourceVersion: b.ResourceVersion,
			MadeBy:  b.Annotations[AnnotationMadeBy],
			Managed: b.Labels[LabelAppManagedBy] == ManagedByProvider,
			binding: b,
		}
		regular := len(b.Subjects) == 1
		for _, rs := range b.Subjects {
			s, ok := subjectOf(b.Namespace, rs)
			if s.Kind == "" {
				regular = false
				continue
			}
			regular = regular && ok
			entry.Subjects = append(entry.Subjects, s)
		}
		entry.Regular = regular
		listed = append(listed, entry)
	}
	sort.Slice(listed, func(i, j int) bool { return listed[i].Name < listed[j].Name })
	return listed
}

// GrantedSubjects are the subjects the bindings grant, each once, sorted.
func GrantedSubjects(bindings []ListedBinding) []Subject {
	seen := map[Subject]bool{}
	var out []Subject
	for _, b := range bindings {
		for _, s := range b.Subjects {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	SortSubjects(out)
	return out
}

// SortSubjects orders subjects by kind, then name.
func SortSubjects(subjects []Subject) {
	sort.Slice(subjects, func(i, j int) bool {
		if subjects[i].Kind != subjects[j].Kind {
			return subjects[i].Kind < subjects[j].Kind
		}
		return subjects[i].Name < subjects[j].Name
	})
}

// BindingChanges are the writes that make a registry's bindings exactly a
// permission list. Apply them in order: Write (new and adopted bindings)
// before Delete, so a subject that keeps access never loses it in between.
type BindingChanges struct {
	// Write holds the bindings to apply: new ones, and existing ones (same
	// name, so the same object and UID) that the list adopts.
	Write []*rbacv1.RoleBinding
	// Adopted names the existing bindings among Write.
	Adopted []string
	// Delete holds the bindings no subject of the list needs.
	Delete []ListedBinding
}

// Changes compares the list with the registry's bindings (from
// RegistryBindings) and says what to write and delete. A subject keeps the
// binding it has, preferring one the list wrote, then one of the derived name,
// then the first by name; its other bindings go. A binding with several
// subjects or a service account is replaced by one binding per listed
// subject. A binding already exactly as the list writes it is not rewritten.
func (l PermissionList) Changes(observed []ListedBinding, registryUID types.UID) BindingChanges {
	wanted := map[Subject]bool{}
	for _, s := range l.Subjects {
		wanted[s] = true
	}
	// The binding each wanted subject keeps.
	kept := map[Subject]ListedBinding{}
	for _, b := range observed {
		if !b.Regular || !wanted[b.Subjects[0]] {
			continue
		}
		s := b.Subjects[0]
		current, ok := kept[s]
		if !ok || bindingRank(b, l.permission(s).BindingName()) < bindingRank(current, l.permission(s).BindingName()) {
			kept[s] = b
		}
	}
	var changes BindingChanges
	subjects := append([]Subject(nil), l.Subjects...)
	SortSubjects(subjects)
	for _, s := range subjects {
		existing, ok := kept[s]
		if !ok {
			changes.Write = append(changes.Write, l.RoleBinding(s, "", registryUID))
			continue
		}
		desired := l.RoleBinding(s, existing.Name, registryUID)
		if !bindingCovers(existing.binding, desired) {
			changes.Write = append(changes.Write, desired)
			changes.Adopted = append(changes.Adopted, existing.Name)
		}
	}
	for _, b := range observed {
		if b.Regular {
			if k, ok := kept[b.Subjects[0]]; ok && k.Name == b.Name {
				continue
			}
		}
		changes.Delete = append(changes.Delete, b)
	}
	return changes
}

// bindingRank orders the candidate bindings of one subject: the list's own,
// then the derived name, then any other.
func bindingRank(b ListedBinding, derivedName string) int {
	switch {
	case b.MadeBy == MadeByPermissionList:
		return 0
	case b.Name == derivedName:
		return 1
	}
	return 2
}

// bindingCovers tells whether an observed binding already has everything the
// desired one sets: labels, the annotation, the owner reference, role and subject.
func bindingCovers(observed, desired *rbacv1.RoleBinding) bool {
	if observed == nil {
		return false
	}
	for k, v := range desired.Labels {
		if observed.Labels[k] != v {
			return false
		}
	}
	for k, v := range desired.Annotations {
		if observed.Annotations[k] != v {
			return false
		}
	}
	for _, want := range desired.OwnerReferences {
		found := false
		for _, got := range observed.OwnerReferences {
			found = found || (got.UID == want.UID && got.Kind == want.Kind && got.Name == want.Name)
		}
		if !found {
			return false
		}
	}
	if observed.RoleRef != desired.RoleRef || len(observed.Subjects) != 1 {
		return false
	}
	return observed.Subjects[0] == desired.Subjects[0]
}

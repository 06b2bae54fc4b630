package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// Summaries of the permissions' failures, as Terraform shows them.
const (
	SummaryListBindings  = "Cannot list the registry's RoleBindings"
	SummaryReadBinding   = "Cannot read a RoleBinding"
	SummaryDeleteBinding = "Cannot delete a RoleBinding of the registry"
	SummaryListManages   = "Registry permissions are managed by openshiftai_model_registry_permissions"
	SummaryBindingExists = "The permission's RoleBinding exists already"
)

// escalationMessage is what the API server's RBAC escalation check says when an
// identity binds a role whose permissions it does not hold.
const escalationMessage = "attempting to grant RBAC permissions not currently held"

// BindingSelector selects the bindings that carry a registry's labels, as the
// dashboard and the provider write them.
func BindingSelector(registryName string) string {
	return labels.SelectorFromSet(labels.Set{registry.LabelComponent: registry.ComponentModelRegistry, registry.LabelAppName: registryName}).String()
}

// RoleBindingFrom decodes a listed or read RoleBinding.
func RoleBindingFrom(u *unstructured.Unstructured) (*rbacv1.RoleBinding, error) {
	var binding rbacv1.RoleBinding
	if err := kube.FromUnstructured(u, &binding); err != nil {
		return nil, fmt.Errorf("reading RoleBinding %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	return &binding, nil
}

// GetRoleBinding reads one RoleBinding.
func GetRoleBinding(ctx context.Context, client kube.Interface, namespace, name string) (*rbacv1.RoleBinding, error) {
	u, err := client.Get(ctx, kube.RoleBindings, namespace, name)
	if err != nil {
		return nil, err
	}
	return RoleBindingFrom(u)
}

// ListedBindings are the bindings of the registry's user role among items.
func ListedBindings(registryName string, items []unstructured.Unstructured) ([]registry.ListedBinding, error) {
	role := registry.UserRoleName(registryName)
	bindings := make([]rbacv1.RoleBinding, 0, len(items))
	for i := range items {
		// Only the bindings of the registry's role are decoded: a namespace holds every registry's.
		if name, _, _ := unstructured.NestedString(items[i].Object, "roleRef", "name"); name != role {
			continue
		}
		var b rbacv1.RoleBinding
		if err := kube.FromUnstructured(&items[i], &b); err != nil {
			return nil, fmt.Errorf("RoleBinding %s/%s: %w", items[i].GetNamespace(), items[i].GetName(), err)
		}
		bindings = append(bindings, b)
	}
	return registry.RegistryBindings(registryName, bindings), nil
}

// BindingProblem explains a refused write of a registry's binding: which rule
// the provider's identity lacks.
func BindingProblem(err error, p registry.Permission, bindingName string) *Problem {
	role := registry.UserRoleName(p.Registry)
	if apierrors.IsForbidden(err) && strings.Contains(err.Error(), escalationMessage) {
		return &Problem{Summary: "Not allowed to grant access to the model registry", Err: err, Detail: fmt.Sprintf(
			"Kubernetes refused RoleBinding %s/%s because the provider's identity may grant the Role %q only if it holds "+
				"every permission that Role grants, or the bind verb on it (RBAC escalation check). Add this rule to a Role "+
				"in namespace %q that is bound to the provider's identity:\n\n"+
				"- apiGroups: [\"rbac.authorization.k8s.io\"]\n"+
				"  resources: [\"roles\"]\n"+
				"  verbs: [\"bind\"]\n"+
				"  resourceNames: [%q]\n\n"+
				"The API server said: %v",
			p.Namespace, bindingName, role, p.Namespace, role, errors.Unwrap(err))}
	}
	if apierrors.IsForbidden(err) {
		return &Problem{Summary: "Not allowed to write the permission's RoleBinding", Err: err, Detail: fmt.Sprintf(
			"%v\n\nThe provider's identity needs this rule in namespace %q:\n\n"+
				"- apiGroups: [\"rbac.authorization.k8s.io\"]\n"+
				"  resources: [\"rolebindings\"]\n"+
				"  verbs: [\"get\", \"list\", \"create\", \"patch\", \"delete\"]\n\n"+
				"and bind on the Role %q (resources: [\"roles\"], verbs: [\"bind\"], resourceNames: [%q]).",
			err, p.Namespace, role, role)}
	}
	return problem("Cannot write the permission's RoleBinding", err)
}

// ListAttribute is the argument of openshiftai_model_registry_permissions that
// holds subjects of kind.
func ListAttribute(kind registry.SubjectKind) string {
	return string(kind) + "s"
}

// ListManagesRegistry refuses a single permission on a registry whose bindings
// an openshiftai_model_registry_permissions wrote: the list would delete it.
func ListManagesRegistry(p registry.Permission, bindings []registry.ListedBinding) *Problem {
	var made []string
	for _, b := range bindings {
		if b.MadeBy == registry.MadeByPermissionList {
			made = append(made, b.Name)
		}
	}
	if len(made) == 0 {
		return nil
	}
	return &Problem{Summary: SummaryListManages, Attribute: string(p.Kind), Detail: fmt.Sprintf(
		"The RoleBindings of registry %q (%s in namespace %q) were written by an openshiftai_model_registry_permissions "+
			"resource, which is authoritative: it would delete this permission's binding on its next apply. Add %s to "+
			"its %s instead of declaring this resource. If no openshiftai_model_registry_permissions manages the registry "+
			"any more, remove its mark from those bindings first: oc annotate rolebinding -n %s <name> %s-",
		p.Registry, strings.Join(made, ", "), p.Namespace, p.SubjectOf(), ListAttribute(p.Kind), p.Namespace, registry.AnnotationMadeBy)}
}

// GrantPermission writes the binding of one permission owned by the registry
// registryUID. Unless the registry was created in this same apply (then it has
// no binding to share yet), it first refuses a registry whose permissions a
// list manages and a binding that exists already, but adopts one that carries
// the create mark of its own interrupted create. The binding is written with
// the create mark, then confirmed without it, so a create killed in between is
// recognised by the next.
func (p *Protocol) GrantPermission(ctx context.Context, perm registry.Permission, registryUID types.UID, registryCreatedNow bool) (*rbacv1.RoleBinding, error) {
	if !registryCreatedNow {
		if err := p.checkExistingBinding(ctx, perm); err != nil {
			return nil, err
		}
	}
	binding := perm.RoleBinding(registryUID)
	for _, write := range []*rbacv1.RoleBinding{perm.PendingRoleBinding(registryUID), binding} {
		if _, err := p.Client.Apply(ctx, write, kube.ApplyOptions{}); err != nil {
			return nil, BindingProblem(err, perm, binding.Name)
		}
	}
	p.log(ctx, "registry permission granted", map[string]any{
		"namespace": perm.Namespace, "binding": binding.Name, "registry": perm.Registry, "kind": string(perm.Kind), "subject": perm.Subject,
	})
	return binding, nil
}

// checkExistingBinding is GrantPermission's refusal to share a binding.
func (p *Protocol) checkExistingBinding(ctx context.Context, perm registry.Permission) error {
	// The list's bindings always carry the registry's labels.
	items, err := p.Client.List(ctx, kube.RoleBindings, perm.Namespace, BindingSelector(perm.Registry))
	switch {
	case apierrors.IsForbidden(err):
		// Best-effort: an identity that may not list still gets its own binding checked below.
		p.log(ctx, "permission list not checked at create", map[string]any{"error": err.Error()})
	case err != nil:
		return problem(SummaryListBindings, err)
	default:
		bindings, err := ListedBindings(perm.Registry, items)
		if err != nil {
			return problem(SummaryReadBinding, err)
		}
		if managed := ListManagesRegistry(perm, bindings); managed != nil {
			return managed
		}
	}
	existing, err := GetRoleBinding(ctx, p.Client, perm.Namespace, perm.BindingName())
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return BindingProblem(err, perm, perm.BindingName())
	}
	if existing.Annotations[registry.AnnotationCreatePending] != "" {
		p.log(ctx, "adopting the binding of an interrupted create", map[string]any{"namespace": perm.Namespace, "binding": existing.Name})
		return nil
	}
	return &Problem{Summary: SummaryBindingExists, Attribute: string(perm.Kind), Detail: fmt.Sprintf(
		"RoleBinding %s/%s already grants %s the use of registry %q, and no create of this resource left it. Another "+
			"openshiftai_model_registry_permission (perhaps in another configuration) may own it: two resources sharing "+
			"one binding would take the access away from both when either is destroyed. If this resource should own it, "+
			"import it:\n\n  terraform import openshiftai_model_registry_permission.<name> %s/%s\n\n"+
			"otherwise remove this resource from the configuration.",
		perm.Namespace, existing.Name, perm.SubjectOf(), perm.Registry, perm.Namespace, existing.Name)}
}

// Revoked is what RevokePermission did with a single permission's binding.
type Revoked int

const (
	// Deleted: the binding was deleted, or was already gone.
	Deleted Revoked = iota
	// TakenByList: an openshiftai_model_registry_permissions took the binding over; it stays.
	TakenByList
	// NotOurs: the binding of that name now grants something else (its replacement's,
	// under create_before_destroy); it stays.
	NotOurs
)

// RevokePermission deletes a single permission's binding as it was read, unless
// it is no longer the permission's: a list took it over, or ours says it grants
// something else. The read may be older than the cluster (one list per process):
// the delete's preconditions (UID and resourceVersion) refuse a binding changed
// since, which is read again and checked again; after two such changes it is
// deleted by UID once it still checks out. It returns the binding it last saw.
func (p *Protocol) RevokePermission(ctx context.Context, binding *rbacv1.RoleBinding, ours func(*rbacv1.RoleBinding) bool) (Revoked, *rbacv1.RoleBinding, error) {
	for attempt := 0; ; attempt++ {
		if binding.Annotations[registry.AnnotationMadeBy] == registry.MadeByPermissionList {
			return TakenByList, binding, nil
		}
		if !ours(binding) {
			return NotOurs, binding, nil
		}
		if attempt == 2 {
			return Deleted, binding, p.Client.Delete(ctx, kube.RoleBindings, binding.Namespace, binding.Name, binding.UID)
		}
		deleted, err := p.Client.DeleteUnchanged(ctx, kube.RoleBindings, binding.Namespace, binding.Name, binding.UID, binding.ResourceVersion)
		if err != nil || deleted {
			return Deleted, binding, err
		}
		fresh, err := GetRoleBinding(ctx, p.Client, binding.Namespace, binding.Name)
		if apierrors.IsNotFound(err) {
			return Deleted, binding, nil
		}
		if err != nil {
			return Deleted, binding, err
		}
		binding = fresh
	}
}

// ApplyPermissions makes the registry's bindings exactly list: first every
// listed subject gets (or keeps) its binding, then the others are deleted, so
// a subject that stays never loses access. labelledOnly lists only the
// bindings with the registry's labels: enough for a registry created in this
// apply, which has no other binding of its role but the operator's.
func (p *Protocol) ApplyPermissions(ctx context.Context, list registry.PermissionList, registryUID types.UID, labelledOnly bool) (registry.BindingChanges, error) {
	selector := ""
	if labelledOnly {
		selector = BindingSelector(list.Registry)
	}
	items, err := p.Client.List(ctx, kube.RoleBindings, list.Namespace, selector)
	if err != nil {
		return registry.BindingChanges{}, problem(SummaryListBindings, err)
	}
	observed, err := ListedBindings(list.Registry, items)
	if err != nil {
		return registry.BindingChanges{}, problem(SummaryReadBinding, err)
	}
	changes := list.Changes(observed, registryUID)
	for _, binding := range changes.Write {
		if _, err := p.Client.Apply(ctx, binding, kube.ApplyOptions{}); err != nil {
			// The explanation names the registry's role and namespace, the same for every subject.
			return changes, BindingProblem(err, registry.Permission{Registry: list.Registry, Namespace: list.Namespace}, binding.Name)
		}
	}
	for _, b := range changes.Delete {
		if err := p.DeleteListedBinding(ctx, list.Namespace, b); err != nil {
			return changes, &Problem{Summary: SummaryDeleteBinding, Err: err, Detail: fmt.Sprintf(
				"RoleBinding %s/%s (%s) is not in the list and could not be deleted: %v", list.Namespace, b.Name, describeSubjects(b.Subjects), err)}
		}
	}
	p.log(ctx, "registry permissions applied", map[string]any{
		"namespace": list.Namespace, "registry": list.Registry, "subjects": len(list.Subjects),
		"written": len(changes.Write), "adopted": strings.Join(changes.Adopted, ","), "deleted": len(changes.Delete),
	})
	return changes, nil
}

// RevokePermissions deletes the bindings of the list's subjects. A subject
// granted since the last refresh was never the list's and stays, and so does
// a single permission's binding.
func (p *Protocol) RevokePermissions(ctx context.Context, list registry.PermissionList) error {
	// Every binding of a listed subject was written by the list's applies, with the
	// registry's labels: the labelled bindings are all it can have to delete.
	items, err := p.Client.List(ctx, kube.RoleBindings, list.Namespace, BindingSelector(list.Registry))
	if err != nil {
		return problem(SummaryListBindings, err)
	}
	observed, err := ListedBindings(list.Registry, items)
	if err != nil {
		return problem(SummaryReadBinding, err)
	}
	listed := map[registry.Subject]bool{}
	for _, s := range list.Subjects {
		listed[s] = true
	}
	for _, b := range observed {
		if !b.Regular || !listed[b.Subjects[0]] || b.MadeBy == registry.MadeBySinglePermission {
			continue
		}
		if err := p.DeleteListedBinding(ctx, list.Namespace, b); err != nil {
			return &Problem{Summary: SummaryDeleteBinding, Err: err, Detail: fmt.Sprintf(
				"RoleBinding %s/%s (%s): %v", list.Namespace, b.Name, describeSubjects(b.Subjects), err)}
		}
	}
	p.log(ctx, "registry permissions revoked", map[string]any{"namespace": list.Namespace, "registry": list.Registry})
	return nil
}

// DeleteListedBinding deletes a binding only as it was read; one changed
// meanwhile is read again and deleted if it still binds a registry's role.
func (p *Protocol) DeleteListedBinding(ctx context.Context, namespace string, b registry.ListedBinding) error {
	deleted, err := p.Client.DeleteUnchanged(ctx, kube.RoleBindings, namespace, b.Name, b.UID, b.ResourceVersion)
	if err != nil || deleted {
		return err
	}
	fresh, err := GetRoleBinding(ctx, p.Client, namespace, b.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if fresh.RoleRef.Kind != "Role" || fresh.RoleRef.Name != registry.UserRoleName(registryOfRole(fresh)) {
		return nil
	}
	return p.Client.Delete(ctx, kube.RoleBindings, namespace, b.Name, fresh.UID)
}

// registryOfRole is the registry whose user role a binding binds.
func registryOfRole(b *rbacv1.RoleBinding) string {
	return strings.TrimPrefix(b.RoleRef.Name, registry.UserRoleName(""))
}

func describeSubjects(subjects []registry.Subject) string {
	parts := make([]string, len(subjects))
	for i, s := range subjects {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// FindPermissionBinding finds the one binding that grants p among those the
// dashboard lists for the registry, for an import by subject.
func FindPermissionBinding(ctx context.Context, client kube.Interface, p registry.Permission) (*rbacv1.RoleBinding, error) {
	selector := BindingSelector(p.Registry)
	items, err := client.List(ctx, kube.RoleBindings, p.Namespace, selector)
	if err != nil {
		return nil, err
	}
	var matches []*rbacv1.RoleBinding
	for i := range items {
		binding, err := RoleBindingFrom(&items[i])
		if err != nil {
			continue
		}
		if observed, err := registry.ParseRoleBinding(binding); err == nil && !observed.OperatorOwned && observed.Permission == p {
			matches = append(matches, binding)
		}
	}
	sort.Slice(matches, func(i, j int) bool { return matches[i].Name < matches[j].Name })
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("no RoleBinding in namespace %q grants %s %q the use of registry %q (looked for %q and for bindings labelled %s)",
			p.Namespace, p.Kind, p.Subject, p.Registry, p.BindingName(), selector)
	case 1:
		return matches[0], nil
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = p.Namespace + "/" + m.Name
	}
	return nil, fmt.Errorf("%d RoleBindings grant %s %q the use of registry %q: %s. Import one by name (<namespace>/<rolebinding-name>) and delete the others",
		len(matches), p.Kind, p.Subject, p.Registry, strings.Join(names, ", "))
}

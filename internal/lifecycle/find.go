package lifecycle

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// Find reads one registry and the objects of its own that opts ask for; a
// missing one is a Problem that lists the registries the namespace does have.
func Find(ctx context.Context, client kube.Interface, namespace, name string, opts GatherOptions) (*Observed, error) {
	obj, err := client.Get(ctx, registry.GroupVersionResource, namespace, name)
	if apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err) {
		var existing []registry.Observed
		items, listErr := client.List(ctx, registry.GroupVersionResource, namespace, "")
		for i := range items {
			existing = append(existing, registry.ParseModelRegistry(&items[i]))
		}
		return nil, &Problem{Summary: "Model registry not found", Detail: missingRegistryDetail(namespace, name, existing, listErr == nil), Err: err}
	}
	if err != nil {
		return nil, problem(SummaryRead, err)
	}
	observed := Gather(ctx, client, obj, opts)
	return &observed, nil
}

// maxListedRegistries bounds the names a missing-registry error lists.
const maxListedRegistries = 10

// missingRegistryDetail says that registry name is not in namespace, and what
// is there instead when listed is true: the names when there are few, and the
// registry whose display name was given when there is one.
func missingRegistryDetail(namespace, name string, existing []registry.Observed, listed bool) string {
	detail := fmt.Sprintf("There is no model registry %q in namespace %q.", name, namespace)
	if !listed {
		return detail
	}
	names := make([]string, 0, len(existing))
	for _, o := range existing {
		names = append(names, o.Name)
		if o.DisplayName == name && o.Name != name {
			detail += fmt.Sprintf(" %q is the display name of registry %q; the registry is named by its Kubernetes name (resource_name).", name, o.Name)
		}
	}
	sort.Strings(names)
	switch {
	case len(names) == 0:
		detail += fmt.Sprintf(" Namespace %q has no model registries.", namespace)
	case len(names) <= maxListedRegistries:
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		detail += fmt.Sprintf(" The registries in namespace %q are: %s.", namespace, strings.Join(quoted, ", "))
	default:
		detail += fmt.Sprintf(" Namespace %q has %d model registries; the openshiftai_model_registries data source lists them.", namespace, len(names))
	}
	return detail
}

package kube

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// DiscoverRegistriesNamespace reads where the cluster keeps registries: the
// DataScienceCluster's status.components.modelregistry.registriesNamespace,
// then the AIHub default-aihub's spec.instancesNamespace (later platforms call
// the first legacy but still write it, so it is read first). It returns ""
// when neither names a namespace or the cluster has neither kind.
func DiscoverRegistriesNamespace(ctx context.Context, c Reader) (string, error) {
	items, err := c.List(ctx, registry.DataScienceClusterResource, "", "")
	if err != nil && !IsMissingResourceType(err) {
		return "", err
	}
	for _, dsc := range items {
		ns, _, _ := unstructured.NestedString(dsc.Object, "status", "components", "modelregistry", "registriesNamespace")
		if ns != "" {
			return ns, nil
		}
	}
	hub, err := c.Get(ctx, registry.AIHubResource, "", registry.AIHubName)
	switch {
	case apierrors.IsNotFound(err):
		// No AIHub, or a cluster that does not serve the kind.
		return "", nil
	case err != nil:
		return "", err
	}
	ns, _, _ := unstructured.NestedString(hub.Object, "spec", "instancesNamespace")
	return ns, nil
}

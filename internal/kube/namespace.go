package kube

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// DiscoverRegistriesNamespace reads status.components.modelregistry.registriesNamespace
// of the cluster's DataScienceCluster. It returns "" when the cluster has no
// DataScienceCluster or none names a namespace.
func (c *Client) DiscoverRegistriesNamespace(ctx context.Context) (string, error) {
	items, err := c.List(ctx, registry.DataScienceClusterResource, "", "")
	if err != nil {
		if IsMissingResourceType(err) {
			return "", nil
		}
		return "", err
	}
	for _, dsc := range items {
		ns, _, _ := unstructured.NestedString(dsc.Object, "status", "components", "modelregistry", "registriesNamespace")
		if ns != "" {
			return ns, nil
		}
	}
	return "", nil
}

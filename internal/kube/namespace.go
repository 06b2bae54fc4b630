package kube

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// DataScienceClusters is the cluster-scoped resource that says where registries live.
var DataScienceClusters = schema.GroupVersionResource{Group: "datasciencecluster.opendatahub.io", Version: "v1", Resource: "datascienceclusters"}

// DiscoverRegistriesNamespace reads status.components.modelregistry.registriesNamespace
// of the cluster's DataScienceCluster. It returns "" when the cluster has no
// DataScienceCluster or none names a namespace.
func (c *Client) DiscoverRegistriesNamespace(ctx context.Context) (string, error) {
	items, err := c.List(ctx, DataScienceClusters, "", "")
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

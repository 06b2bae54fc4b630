package kube

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Update replaces an object with a full update carrying the resourceVersion it
// holds, as the dashboard writes the catalog's ConfigMaps: when the object
// changed since it was read the server answers 409 Conflict
// (apierrors.IsConflict), which is left to the caller to read and change
// again. Transient failures are retried until ctx ends.
func (c *Client) Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvr, err := ResourceFor(obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	var out *unstructured.Unstructured
	err = c.retry(ctx, func() error {
		var err error
		out, err = c.dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Update(ctx, obj, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
	if err != nil {
		return nil, Explain(err, gvr, obj.GetNamespace(), obj.GetName())
	}
	return out, nil
}

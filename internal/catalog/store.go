package catalog

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ConfigMaps is the core ConfigMap resource.
var ConfigMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// Cluster is what the read-modify-update loop asks of the API server.
type Cluster interface {
	Get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error)
	// Update writes the object with its resourceVersion; a stale one fails with a 409 Conflict.
	Update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
}

// NotDeployedError means the namespace has no model-catalog-sources ConfigMap.
type NotDeployedError struct{ Namespace string }

func (e *NotDeployedError) Error() string {
	return fmt.Sprintf("the model catalog is not deployed in namespace %q: ConfigMap %s does not exist. "+
		"The model registry operator creates it when the model registry component is enabled: set "+
		"spec.components.modelregistry.managementState to Managed in the DataScienceCluster (for example "+
		"`oc patch datasciencecluster default-dsc --type merge -p '{\"spec\":{\"components\":{\"modelregistry\":{\"managementState\":\"Managed\"}}}}'`) "+
		"and wait for the operator, or set namespace to the registries namespace. The provider never creates the operator's ConfigMaps",
		e.Namespace, UserSourcesConfigMap)
}

// IsNotDeployed tells whether err is a NotDeployedError.
func IsNotDeployed(err error) bool {
	var nd *NotDeployedError
	return errors.As(err, &nd)
}

// GetConfigMap reads a ConfigMap; a missing one is reported with apierrors.IsNotFound.
func GetConfigMap(ctx context.Context, c Cluster, namespace, name string) (*corev1.ConfigMap, error) {
	u, err := c.Get(ctx, ConfigMaps, namespace, name)
	if err != nil {
		return nil, err
	}
	return FromObject(u)
}

// FromObject converts a ConfigMap read through the dynamic client.
func FromObject(u *unstructured.Unstructured) (*corev1.ConfigMap, error) {
	var cm corev1.ConfigMap
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &cm); err != nil {
		return nil, fmt.Errorf("reading ConfigMap %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	return &cm, nil
}

// UserSources reads model-catalog-sources; a missing one is a NotDeployedError.
func UserSources(ctx context.Context, c Cluster, namespace string) (*corev1.ConfigMap, error) {
	cm, err := GetConfigMap(ctx, c, namespace, UserSourcesConfigMap)
	if apierrors.IsNotFound(err) {
		return nil, &NotDeployedError{Namespace: namespace}
	}
	return cm, err
}

// ShippedSources reads the operator's ConfigMap of shipped sources under
// either of its names; nil when the namespace has neither.
func ShippedSources(ctx context.Context, c Cluster, namespace string) (*corev1.ConfigMap, error) {
	for _, name := range []string{DefaultSourcesConfigMap, LaterDefaultSourcesConfigMap} {
		cm, err := GetConfigMap(ctx, c, namespace, name)
		if apierrors.IsNotFound(err) {
			continue
		}
		return cm, err
	}
	return nil, nil
}

// ModifyResult says what Modify did.
type ModifyResult struct {
	// Conflicts counts the updates that found the ConfigMap changed since it was read, and were redone.
	Conflicts int
	// Written is false when the change left the ConfigMap as it was.
	Written bool
}

// Modify applies change to a fresh read of model-catalog-sources and updates it
// with the resourceVersion it read. When someone else wrote in between (409
// Conflict) it reads and changes again, until ctx ends: parallel writers all
// land and none undoes another's change. An error from change writes nothing.
func Modify(ctx context.Context, c Cluster, namespace string, change func(cm *corev1.ConfigMap) error) (ModifyResult, error) {
	var result ModifyResult
	backoff := 10 * time.Millisecond
	for {
		cm, err := UserSources(ctx, c, namespace)
		if err != nil {
			return result, err
		}
		before := cm.DeepCopy()
		if err := change(cm); err != nil {
			return result, err
		}
		if reflect.DeepEqual(before.Data, cm.Data) && reflect.DeepEqual(before.BinaryData, cm.BinaryData) {
			return result, nil
		}
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(cm)
		if err != nil {
			return result, err
		}
		u := &unstructured.Unstructured{Object: obj}
		u.SetAPIVersion("v1")
		u.SetKind("ConfigMap")
		_, err = c.Update(ctx, u)
		switch {
		case err == nil:
			result.Written = true
			return result, nil
		case apierrors.IsNotFound(err):
			return result, &NotDeployedError{Namespace: namespace}
		case !apierrors.IsConflict(err):
			return result, err
		}
		result.Conflicts++
		// A random wait spreads the writers that lost the same race.
		wait := backoff/2 + rand.N(backoff)
		select {
		case <-ctx.Done():
			return result, fmt.Errorf("ConfigMap %s/%s kept changing: %d updates found it modified by another request before the timeout (%w)",
				namespace, UserSourcesConfigMap, result.Conflicts, ctx.Err())
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 500*time.Millisecond)
	}
}

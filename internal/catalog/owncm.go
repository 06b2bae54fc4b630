package catalog

import (
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AnnotationOwnSource marks a labelled ConfigMap that the provider made for
// one source, naming the source's id: such a ConfigMap is the source's alone.
const AnnotationOwnSource = "openshiftai.terraform.io/catalog-source"

// OwnConfigMap is the labelled ConfigMap that holds the source s on its own
// (operator v0.3.9 and later mount it): the label opendatahub.io/catalog-source,
// sources.yaml with the one entry and, for a yaml source, the catalog file in
// the data key <id>.yaml. A file over MaxConfigMapBytes is a SizeError.
func OwnConfigMap(namespace, name string, s UserSource) (*corev1.ConfigMap, error) {
	if problem := ValidateOwnConfigMapName(name); problem != "" {
		return nil, fmt.Errorf("ConfigMap name %s", problem)
	}
	cm := &corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   namespace,
			Labels:      map[string]string{LabelCatalogSource: "true"},
			Annotations: map[string]string{AnnotationOwnSource: s.ID},
		},
		Data: map[string]string{},
	}
	if err := PutSource(cm, s, true); err != nil {
		var size *SizeError
		if errors.As(err, &size) {
			size.Own = true
		}
		return nil, err
	}
	return cm, nil
}

// IsOwnConfigMapOf tells whether cm is the labelled ConfigMap the provider made for the source id.
func IsOwnConfigMapOf(cm *corev1.ConfigMap, id string) bool {
	return cm.Labels[LabelCatalogSource] == "true" && cm.Annotations[AnnotationOwnSource] == id
}

package kube

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestWrittenByProvider(t *testing.T) {
	entry := func(manager, fields string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: manager, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(fields)}}
	}
	managed := []metav1.ManagedFieldsEntry{
		entry("odh-dashboard", `{"f:data":{"f:sources.yaml":{},"f:dash.yaml":{}}}`),
		entry(FieldManager, `{"f:data":{"f:mine.yaml":{}}}`),
	}
	for key, want := range map[string]bool{"f:mine.yaml": true, "f:dash.yaml": false, "f:sources.yaml": false, "f:mine": false} {
		if got := WrittenByProvider(managed, key); got != want {
			t.Errorf("WrittenByProvider(%q) = %v, want %v", key, got, want)
		}
	}
}

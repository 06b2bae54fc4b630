package modelregistry

import (
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// `terraform query` shows a registry by its display name when it has one, always with where it is.
func TestRegistryDisplayName(t *testing.T) {
	for _, tc := range []struct {
		annotations map[string]any
		want        string
	}{
		{map[string]any{registry.AnnotationDisplayName: "Fraud detection"}, "Fraud detection (rhoai-model-registries/fraud)"},
		{nil, "rhoai-model-registries/fraud"},
	} {
		if got := registryDisplayName(registry.ParseModelRegistry(dashboardRegistry("fraud", tc.annotations, nil))); got != tc.want {
			t.Errorf("annotations %v: display name %q, want %q", tc.annotations, got, tc.want)
		}
	}
}

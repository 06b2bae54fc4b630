package modelregistry_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installAIHub serves the AIHub kind and makes default-aihub naming instances.
func installAIHub(t *testing.T, instances string) {
	t.Helper()
	ctx := context.Background()
	body, err := os.ReadFile("../testsupport/controlplane/fixtures/aihub-crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(body, &crd.Object); err != nil {
		t.Fatal(err)
	}
	if _, err := acctest.Cluster.Dynamic.Resource(crdResource).Create(ctx, crd, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("installing the AIHub CRD: %v", err)
	}
	hub := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "components.platform.opendatahub.io/v1alpha1", "kind": "AIHub",
		"metadata": map[string]any{"name": registry.AIHubName},
		"spec":     map[string]any{"instancesNamespace": instances, "applicationNamespace": "opendatahub"},
	}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := acctest.Cluster.Dynamic.Resource(registry.AIHubResource).Create(ctx, hub, metav1.CreateOptions{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("creating AIHub %s: %v", registry.AIHubName, err)
		}
		time.Sleep(200 * time.Millisecond) // the new kind is served within moments
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Dynamic.Resource(registry.AIHubResource).Delete(context.Background(), registry.AIHubName, metav1.DeleteOptions{})
	})
}

// setDSCRegistriesNamespace writes the DataScienceCluster's status field ("" removes it).
func setDSCRegistriesNamespace(t *testing.T, value string) {
	t.Helper()
	patch := `{"status":{"components":{"modelregistry":{"registriesNamespace":null}}}}`
	if value != "" {
		patch = `{"status":{"components":{"modelregistry":{"registriesNamespace":"` + value + `"}}}}`
	}
	if _, err := acctest.Cluster.Dynamic.Resource(registry.DataScienceClusterResource).Patch(context.Background(), "default-dsc",
		k8stypes.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status"); err != nil {
		t.Fatalf("patching the DataScienceCluster's status: %v", err)
	}
}

// The registries namespace comes from the DataScienceCluster's status first,
// then from the AIHub default-aihub. The data source shows which it read.
func TestAccRegistriesNamespaceFromTheAIHub(t *testing.T) {
	acctest.PreCheck(t)
	const instances = "ai-hub-instances"
	if _, err := acctest.Cluster.Typed.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: instances}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	installAIHub(t, instances)
	config := `data "openshiftai_model_registries" "all" {}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				// Both name one: the DataScienceCluster's comes first.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("namespace"), knownvalue.StringExact(namespace)),
				},
			},
			{
				PreConfig: func() {
					setDSCRegistriesNamespace(t, "")
					t.Cleanup(func() { setDSCRegistriesNamespace(t, namespace) })
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("namespace"), knownvalue.StringExact(instances)),
				},
			},
		},
	})
}

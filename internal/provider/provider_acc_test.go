package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

// setDiscoveredNamespace makes the DataScienceCluster name another registries
// namespace for the duration of the test.
func setDiscoveredNamespace(t *testing.T, namespace string) {
	t.Helper()
	ctx := context.Background()
	dsc := acctest.Cluster.Dynamic.Resource(registry.DataScienceClusterResource)
	obj, err := dsc.Get(ctx, controlplane.DataScienceClusterName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	previous, _, _ := unstructured.NestedString(obj.Object, "status", "components", "modelregistry", "registriesNamespace")
	set := func(ns string) error {
		obj, err := dsc.Get(ctx, controlplane.DataScienceClusterName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if err := unstructured.SetNestedField(obj.Object, ns, "status", "components", "modelregistry", "registriesNamespace"); err != nil {
			return err
		}
		_, err = dsc.UpdateStatus(ctx, obj, metav1.UpdateOptions{})
		return err
	}
	if err := set(namespace); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := set(previous); err != nil {
			t.Errorf("restoring the DataScienceCluster: %v", err)
		}
	})
	_, err = acctest.Cluster.Typed.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// The provider, configured from the control plane's kubeconfig, finds the
// registries namespace in the DataScienceCluster's status.
func TestAccProvider_discoversRegistriesNamespace(t *testing.T) {
	acctest.PreCheck(t)
	setDiscoveredNamespace(t, "odh-model-registries")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "openshiftai" {}

resource "openshiftai_model_registry" "r" {
  name = "Discovered"
  resource_name = "` + acctest.RegistryName("discovered") + `"
  database {
    host        = "mysql.example.com"
    username    = "mr"
    database    = "mr"
    password_wo = "pw"
  }
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("namespace"), knownvalue.StringExact("odh-model-registries")),
			}},
		}},
	})
}

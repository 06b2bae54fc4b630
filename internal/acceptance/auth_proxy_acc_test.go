package acceptance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// applyWithoutAuthProxy writes the registry the way a provider version before the
// auth proxy did: the same field manager, spec without kubeRBACProxy. extraSpec
// (may be nil) is merged into spec, for example a deprecated oauthProxy.
func applyWithoutAuthProxy(t *testing.T, name string, extraSpec map[string]any) {
	t.Helper()
	ctx := context.Background()
	obj := acctest.GetRegistry(t, name)
	spec, _, _ := unstructured.NestedMap(obj.Object, "spec")
	old := map[string]any{
		"apiVersion": obj.GetAPIVersion(), "kind": obj.GetKind(),
		"metadata": map[string]any{"name": name, "namespace": acctest.Namespace,
			"annotations": obj.GetAnnotations(), "labels": obj.GetLabels()},
		"spec": map[string]any{"grpc": map[string]any{}, "rest": map[string]any{}, "mysql": spec["mysql"]},
	}
	body, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	force := true
	registries := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(acctest.Namespace)
	if _, err := registries.Patch(ctx, name, k8stypes.ApplyPatchType, body, metav1.PatchOptions{FieldManager: kube.FieldManager, Force: &force}); err != nil {
		t.Fatalf("applying the registry without the auth proxy: %v", err)
	}
	// Another writer's kubeRBACProxy (none here) would survive the apply; make sure it is gone.
	patchSpec := map[string]any{"kubeRBACProxy": nil}
	for k, v := range extraSpec {
		patchSpec[k] = v
	}
	patch := map[string]any{"spec": patchSpec}
	body, err = json.Marshal(patch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := registries.Patch(ctx, name, k8stypes.MergePatchType, body, metav1.PatchOptions{FieldManager: "earlier-writer"}); err != nil {
		t.Fatalf("removing the auth proxy: %v", err)
	}
	if _, has, _ := unstructured.NestedFieldNoCopy(acctest.GetRegistry(t, name).Object, "spec", "kubeRBACProxy"); has {
		t.Fatal("the registry still has spec.kubeRBACProxy after the test removed it")
	}
}

func checkAuthProxyOnCluster(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := acctest.GetRegistry(t, name)
		if _, has, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "kubeRBACProxy"); !has {
			return fmt.Errorf("registry %s has no spec.kubeRBACProxy: %v", name, obj.Object["spec"])
		}
		if _, has, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "oauthProxy"); has {
			return fmt.Errorf("registry %s still has the deprecated spec.oauthProxy beside kubeRBACProxy", name)
		}
		// The provider's field manager owns the field, so a later apply keeps it.
		for _, entry := range obj.GetManagedFields() {
			if entry.Manager != kube.FieldManager || entry.FieldsV1 == nil {
				continue
			}
			var fields map[string]any
			if err := json.Unmarshal(entry.FieldsV1.GetRawBytes(), &fields); err != nil {
				return err
			}
			if spec, ok := fields["f:spec"].(map[string]any); ok {
				if _, owned := spec["f:kubeRBACProxy"]; owned {
					return nil
				}
			}
		}
		return fmt.Errorf("spec.kubeRBACProxy of registry %s is not owned by field manager %s", name, kube.FieldManager)
	}
}

// A registry the provider writes always has the auth proxy; one found without
// it, as an earlier provider version wrote it or with the deprecated
// oauthProxy, plans an in-place update that adds it, and apply converges.
func TestAccModelRegistry_authProxy(t *testing.T) {
	name := acctest.RegistryName("proxy")
	const address = "openshiftai_model_registry.test"
	config := acctest.RegistryConfig(name, "Auth proxy", "")
	addsProxy := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(address, tfjsonpath.New("kube_rbac_proxy"), knownvalue.Bool(true)),
		},
	}
	inState := []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("kube_rbac_proxy"), knownvalue.Bool(true))}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				Check:             checkAuthProxyOnCluster(t, name),
				ConfigStateChecks: inState,
			},
			{
				// The operator's defaults inside the proxy are no drift.
				PreConfig: func() {
					acctest.DashboardPatch(t, name, `{"spec":{"kubeRBACProxy":{"port":8443,"routePort":443,"serviceRoute":"enabled"}}}`)
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// As an earlier provider version left it: no proxy.
				PreConfig:         func() { applyWithoutAuthProxy(t, name, nil) },
				Config:            config,
				ConfigPlanChecks:  addsProxy,
				Check:             checkAuthProxyOnCluster(t, name),
				ConfigStateChecks: inState,
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The deprecated oauthProxy: the CRD forbids both, so the update replaces it.
				PreConfig: func() {
					applyWithoutAuthProxy(t, name, map[string]any{"oauthProxy": map[string]any{"port": 8443}})
				},
				Config:            config,
				ConfigPlanChecks:  addsProxy,
				Check:             checkAuthProxyOnCluster(t, name),
				ConfigStateChecks: inState,
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

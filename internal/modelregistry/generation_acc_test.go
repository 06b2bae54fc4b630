package modelregistry_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8stypes "k8s.io/apimachinery/pkg/types"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

// nameOfLength is a unique registry name of exactly n characters.
func nameOfLength(n int) string {
	return "g" + tfacctest.RandStringFromCharSet(n-1, "abcdefghijklmnopqrstuvwxyz0123456789")
}

// registryHCL declares registry name as openshiftai_model_registry.<label>.
func registryHCL(label, name, extra string) string {
	return acctest.Registry{Label: label, Name: "Generation test " + name, ResourceName: name, Extra: extra, Database: acctest.Database{
		Host: "mysql.example.com", Username: "mr", Database: "mr", Password: `"s3cret"`, PasswordVersion: 1,
	}}.HCL()
}

// errorText matches text in an error however Terraform wraps its lines.
func errorText(text string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// registryObject reads a registry as the cluster has it.
func registryObject(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
	if err != nil {
		t.Fatalf("reading registry %s: %v", name, err)
	}
	return obj
}

// A 45-character name: the operators before v0.3.14 cannot run it, and the
// plan says so before anything is written; v0.3.14 runs it.
func TestAccRegistryNameLimitOfTheGeneration(t *testing.T) {
	acctest.PreCheck(t)
	name := nameOfLength(45)
	config := registryHCL("long", name, "")
	if acctest.Generation().ProxyConfigMapLabelTooLong() {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			Steps: []resource.TestStep{{
				Config: config,
				ExpectError: errorText(fmt.Sprintf("resource_name %q is 45 characters long; at most 40 are allowed on this cluster, because "+
					"operators before v0.3.14 label ConfigMap %q", name, name+"-kube-rbac-proxy-config")),
			}},
			CheckDestroy: func(*terraform.State) error {
				if _, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name); err == nil {
					return fmt.Errorf("registry %s was created although the plan failed", name)
				}
				return nil
			},
		})
		return
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openshiftai_model_registry.long", tfjsonpath.New("resource_name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue("openshiftai_model_registry.long", tfjsonpath.New("ready"), knownvalue.Bool(true)),
			},
		}},
	})
}

// In gateway mode the HTTPRoute model-registry-<name> caps names at 48: once
// the cluster shows gateway mode (its first registry), 49 fails at plan and 48
// applies. Without gateway mode v0.3.14 runs 49 as well, and before v0.3.14
// 49 fails under the 40-character rule.
func TestAccRegistryNameLimitInGatewayMode(t *testing.T) {
	acctest.PreCheck(t)
	first, long, longest := nameOfLength(12), nameOfLength(49), nameOfLength(48)
	firstHCL := registryHCL("first", first, "")
	steps := []resource.TestStep{{Config: firstHCL}}
	switch {
	case acctest.Generation().ProxyConfigMapLabelTooLong():
		steps = append(steps, resource.TestStep{
			Config:      firstHCL + registryHCL("long", long, ""),
			ExpectError: errorText(fmt.Sprintf("resource_name %q is 49 characters long; at most 40 are allowed on this cluster", long)),
		})
	case acctest.GatewayDomain() != "":
		steps = append(steps, resource.TestStep{
			Config: firstHCL + registryHCL("long", long, ""),
			ExpectError: errorText(fmt.Sprintf("resource_name %q is 49 characters long; at most 48 are allowed on this cluster, because "+
				"in gateway mode the operator makes HTTPRoute %q", long, "model-registry-"+long)),
		}, resource.TestStep{
			Config: firstHCL + registryHCL("longest", longest, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openshiftai_model_registry.longest", tfjsonpath.New("ready"), knownvalue.Bool(true)),
			},
		})
	default:
		steps = append(steps, resource.TestStep{
			Config: firstHCL + registryHCL("long", long, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openshiftai_model_registry.long", tfjsonpath.New("ready"), knownvalue.Bool(true)),
			},
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: steps})
}

// rest_url is the registry's external URL in every mode, on the resource and
// both data sources; endpoints are the hosts as the operator wrote them.
func TestAccRegistryRESTURL(t *testing.T) {
	acctest.PreCheck(t)
	name := nameOfLength(14)
	external := name + "-rest." + controlplane.AppsDomain
	if domain := acctest.GatewayDomain(); domain != "" {
		external = domain + "/model-registry/" + name
	}
	want := "https://" + external
	config := registryHCL("r", name, "") + `
data "openshiftai_model_registry" "one" {
  resource_name = openshiftai_model_registry.r.resource_name
}
data "openshiftai_model_registries" "all" {
  name_prefix = openshiftai_model_registry.r.resource_name
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("rest_url"), knownvalue.StringExact(want)),
				statecheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("endpoints").AtSliceIndex(0), knownvalue.StringExact(external)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registry.one", tfjsonpath.New("rest_url"), knownvalue.StringExact(want)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registry.one", tfjsonpath.New("endpoints").AtSliceIndex(0), knownvalue.StringExact(external)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("registries").AtSliceIndex(0).AtMapKey("rest_url"), knownvalue.StringExact(want)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("registries").AtSliceIndex(0).AtMapKey("endpoints").AtSliceIndex(0), knownvalue.StringExact(external)),
			},
		}},
	})
}

// A write while the operator's webhook restarts waits for it; a webhook that
// stays down past the timeout is named in the error, and nothing is left behind.
func TestAccRegistryWebhookRestart(t *testing.T) {
	acctest.PreCheck(t)
	name := nameOfLength(14)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { acctest.RestartWebhook(t, 25*time.Second) },
				Config:      registryHCL("r", name, `  timeouts = { create = "8s" }`),
				ExpectError: errorText("the model-registry operator's webhook is down"),
			},
			{
				// The webhook is still down for about 15 s: the create waits for it.
				Config: registryHCL("r", name, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("ready"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// writtenByProvider is the registry's generation and the time of the
// provider's last write, as its managedFields record it.
func writtenByProvider(t *testing.T, name string) string {
	t.Helper()
	obj := registryObject(t, name)
	var when string
	for _, entry := range obj.GetManagedFields() {
		if entry.Manager == kube.FieldManager && entry.Operation == metav1.ManagedFieldsOperationApply && entry.Time != nil {
			when = entry.Time.UTC().Format(time.RFC3339)
		}
	}
	return fmt.Sprintf("generation %d, applied by the provider at %s", obj.GetGeneration(), when)
}

// v0.3.14's reconciler puts kubeRBACProxy back on a registry that lost it (the
// dashboard's merge patch, an oc edit): the provider, which owns only the
// field's presence, then sees no drift and writes nothing. Before v0.3.14
// nothing restores the proxy, and the plan puts it back.
func TestAccRegistryProxyWrittenByTheOperator(t *testing.T) {
	acctest.PreCheck(t)
	name := nameOfLength(14)
	config := registryHCL("r", name, "")
	var before string
	dropProxy := func() {
		ctx := context.Background()
		if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Patch(ctx, name,
			k8stypes.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":null}}`), metav1.PatchOptions{FieldManager: "oc-edit"}); err != nil {
			t.Fatalf("removing kubeRBACProxy: %v", err)
		}
		if !acctest.Generation().ForcesProxy() {
			return
		}
		deadline := time.Now().Add(30 * time.Second)
		for !registry.HasKubeRBACProxy(registryObject(t, name)) {
			if time.Now().After(deadline) {
				t.Fatal("the operator did not put kubeRBACProxy back within 30 s")
			}
			time.Sleep(200 * time.Millisecond)
		}
		before = writtenByProvider(t, name)
	}
	steps := []resource.TestStep{{Config: config}}
	if acctest.Generation().ForcesProxy() {
		steps = append(steps, resource.TestStep{
			PreConfig: dropProxy,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if after := writtenByProvider(t, name); after != before {
					return fmt.Errorf("the apply wrote to the registry: %s before, %s after", before, after)
				}
				if !registry.HasKubeRBACProxy(registryObject(t, name)) {
					return fmt.Errorf("registry %s has no kubeRBACProxy", name)
				}
				return nil
			},
		})
	} else {
		steps = append(steps, resource.TestStep{
			PreConfig: dropProxy,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openshiftai_model_registry.r", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("kube_rbac_proxy"), knownvalue.Bool(true)),
				},
			},
			Check: func(*terraform.State) error {
				if !registry.HasKubeRBACProxy(registryObject(t, name)) {
					return fmt.Errorf("the apply did not put kubeRBACProxy back on registry %s", name)
				}
				return nil
			},
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: steps})
}

package acceptance_test

import (
	"context"
	"fmt"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/kubernetesstandin"
)

// The tests in this file move resources of hashicorp/kubernetes into this
// provider with the real terraform binary. hashicorp/kubernetes cannot be
// installed here (no Terraform registry), so the provider named "kubernetes"
// is internal/testsupport/kubernetesstandin: a stand-in that serves
// kubernetes_manifest and kubernetes_role_binding_v1 with the state shape of
// hashicorp/kubernetes and writes their objects to the cluster as that provider
// does. Terraform sends its state to the move as it would the real provider's.

// movedFactories serve this provider and the stand-in for hashicorp/kubernetes.
func movedFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := acctest.Factories(provider.New("test")())
	factories["kubernetes"] = providerserver.NewProtocol6WithError(
		kubernetesstandin.New(acctest.Cluster.Dynamic, acctest.Cluster.Typed)())
	return factories
}

// createPasswordSecret makes the Secret a kubernetes_manifest registry points at,
// as a configuration using hashicorp/kubernetes would have made it.
func createPasswordSecret(t *testing.T, name string) {
	t.Helper()
	secrets := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace)
	if _, err := secrets.Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: acctest.Namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"password": "s3cret"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Secret %s: %v", name, err)
	}
	t.Cleanup(func() { _ = secrets.Delete(context.Background(), name, metav1.DeleteOptions{}) })
}

// manifestRegistryHCL is a kubernetes_manifest holding a registry the way a
// configuration of hashicorp/kubernetes writes one, with or without the auth proxy.
func manifestRegistryHCL(label, name, displayName, secretName string, authProxy bool) string {
	proxy := ""
	if authProxy {
		proxy = "\n      kubeRBACProxy = {}"
	}
	return fmt.Sprintf(`
resource "kubernetes_manifest" %[1]q {
  manifest = {
    apiVersion = "modelregistry.opendatahub.io/v1beta1"
    kind       = "ModelRegistry"
    metadata = {
      name      = %[2]q
      namespace = %[3]q
      annotations = {
        "openshift.io/display-name" = %[4]q
      }
    }
    spec = {
      grpc = {}
      rest = {}%[6]s
      mysql = {
        host           = "mysql.models.svc.cluster.local"
        port           = 3306
        database       = "models"
        username       = "mruser"
        skipDBCreation = true
        passwordSecret = {
          name = %[5]q
          key  = "password"
        }
      }
    }
  }
}
`, label, name, acctest.Namespace, displayName, secretName, proxy)
}

// roleBindingHCL is a kubernetes_role_binding_v1 of one user to a role.
func roleBindingHCL(label, name, role, user string) string {
	return fmt.Sprintf(`
resource "kubernetes_role_binding_v1" %[1]q {
  metadata {
    name      = %[2]q
    namespace = %[3]q
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = %[4]q
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "User"
    name      = %[5]q
  }
}
`, label, name, acctest.Namespace, role, user)
}

func movedBlock(from, to string) string {
	return fmt.Sprintf("\nmoved {\n  from = %s\n  to   = %s\n}\n", from, to)
}

// movedRegistry is the openshiftai_model_registry that replaces a manifest's registry.
func movedRegistry(label, name, displayName, secretName string) acctest.Registry {
	return acctest.Registry{
		Label: label, Name: displayName, ResourceName: name,
		Database: acctest.Database{
			Host: "mysql.models.svc.cluster.local", Port: 3306, Database: "models", Username: "mruser",
			ExistingPasswordSecret: &acctest.KeyRef{Name: secretName, Key: "password"},
			Extra:                  "    skip_database_creation = true",
		},
	}
}

// Registries and a permission made with hashicorp/kubernetes move into this
// provider without a replacement: the registry that has the auth proxy plans
// nothing, the one without plans only adding the proxy, the permission plans
// nothing; both registries keep their UID and the plan after apply is empty.
func TestAccMoved_fromKubernetesProvider(t *testing.T) {
	acctest.PreCheck(t)
	withProxy, withoutProxy := acctest.RegistryName("mvproxy"), acctest.RegistryName("mvplain")
	withProxySecret, withoutProxySecret := withProxy+"-db", withoutProxy+"-db"
	createPasswordSecret(t, withProxySecret)
	createPasswordSecret(t, withoutProxySecret)
	bindingName := withProxy + "-alice"
	uids := map[string]string{}

	source := manifestRegistryHCL("with_proxy", withProxy, "Moved with proxy", withProxySecret, true) +
		manifestRegistryHCL("without_proxy", withoutProxy, "Moved without proxy", withoutProxySecret, false) +
		roleBindingHCL("alice", bindingName, registry.UserRoleName(withProxy), "alice")
	target := movedRegistry("with_proxy", withProxy, "Moved with proxy", withProxySecret).HCL() +
		movedRegistry("without_proxy", withoutProxy, "Moved without proxy", withoutProxySecret).HCL() +
		acctest.Permission{Label: "alice", Registry: "openshiftai_model_registry.with_proxy.resource_name", Subject: `user = "alice"`}.HCL() +
		movedBlock("kubernetes_manifest.with_proxy", "openshiftai_model_registry.with_proxy") +
		movedBlock("kubernetes_manifest.without_proxy", "openshiftai_model_registry.without_proxy") +
		movedBlock("kubernetes_role_binding_v1.alice", "openshiftai_model_registry_permission.alice")

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: movedFactories(),
		Steps: []resource.TestStep{
			{
				Config: source,
				Check: func(*terraform.State) error {
					for _, name := range []string{withProxy, withoutProxy} {
						acctest.WaitRegistryReady(t, acctest.Namespace, name)
						uids[name] = string(acctest.GetRegistry(t, name).GetUID())
					}
					return nil
				},
			},
			{
				Config: target,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("openshiftai_model_registry.with_proxy", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("openshiftai_model_registry.without_proxy", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("openshiftai_model_registry.without_proxy", tfjsonpath.New("kube_rbac_proxy"), knownvalue.Bool(true)),
						plancheck.ExpectResourceAction("openshiftai_model_registry_permission.alice", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.without_proxy",
						tfjsonpath.New("database").AtMapKey("existing_password_secret"), knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact(withoutProxySecret), "key": knownvalue.StringExact("password"),
						})),
					statecheck.ExpectKnownValue("openshiftai_model_registry.without_proxy", tfjsonpath.New("password_secret_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue("openshiftai_model_registry.with_proxy", tfjsonpath.New("name"), knownvalue.StringExact("Moved with proxy")),
					statecheck.ExpectKnownValue("openshiftai_model_registry_permission.alice", tfjsonpath.New("binding_name"), knownvalue.StringExact(bindingName)),
					statecheck.ExpectKnownValue("openshiftai_model_registry_permission.alice", tfjsonpath.New("user"), knownvalue.StringExact("alice")),
					acctest.StateCheck(func(*tfjson.State) error {
						for name, uid := range uids {
							if got := string(acctest.GetRegistry(t, name).GetUID()); got != uid {
								return fmt.Errorf("registry %s has UID %s after the move, %s before: it was recreated", name, got, uid)
							}
						}
						return nil
					}),
				},
				Check: checkAuthProxyOnCluster(t, withoutProxy),
			},
		},
	})
}

// A kubernetes_manifest that holds something else than a registry cannot
// become one: the plan fails, naming the source and what it holds, and the
// source stays where it was.
func TestAccMoved_notARegistry(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.RegistryName("mvcm")
	source := fmt.Sprintf(`
resource "kubernetes_manifest" "settings" {
  manifest = {
    apiVersion = "v1"
    kind       = "ConfigMap"
    metadata = {
      name      = %[1]q
      namespace = %[2]q
    }
    data = {
      colour = "blue"
    }
  }
}
`, name, acctest.Namespace)
	target := movedRegistry("settings", name, "Not a registry", name).HCL() +
		movedBlock("kubernetes_manifest.settings", "openshiftai_model_registry.settings")

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: movedFactories(),
		Steps: []resource.TestStep{
			{Config: source},
			{
				Config:      target,
				ExpectError: acctest.WrappedText(fmt.Sprintf("holds ConfigMap %s/%s (apiVersion v1), not a ModelRegistry", acctest.Namespace, name)),
			},
			{
				// The source is untouched: its own configuration plans nothing.
				Config: source,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

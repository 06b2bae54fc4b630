package modelregistry_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// checkRegistryOnCluster asserts the registry's owned fields on the cluster.
func checkRegistryOnCluster(t *testing.T, name string, want map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := acctest.GetRegistry(t, name)
		for field, expected := range want {
			got := acctest.Nested(t, obj, strings.Split(field, ".")...)
			if fmt.Sprint(got) != fmt.Sprint(expected) {
				return fmt.Errorf("registry %s: %s = %v, want %v", name, field, got, expected)
			}
		}
		return nil
	}
}

func checkGone(kind string, get func() error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := get(); !apierrors.IsNotFound(err) {
			return fmt.Errorf("%s still exists (err=%v)", kind, err)
		}
		return nil
	}
}

func secretGetter(name string) func() error {
	return func() error {
		_, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), name, metav1.GetOptions{})
		return err
	}
}

func configMapGetter(name string) func() error {
	return func() error {
		_, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).Get(context.Background(), name, metav1.GetOptions{})
		return err
	}
}

func TestAccModelRegistry_basic(t *testing.T) {
	name := acctest.RegistryName("basic")
	pem := acctest.CA(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			for _, check := range []resource.TestCheckFunc{
				checkGone("registry", func() error {
					_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
					return err
				}),
				checkGone("password Secret", secretGetter(registry.PasswordSecretName(name))),
				checkGone("CA ConfigMap", configMapGetter(registry.CAConfigMapName(name))),
			} {
				if err := check(nil); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.RegistryConfig(name, "Fraud models", fmt.Sprintf("ca_certificate { pem = %q }", pem)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("id"), knownvalue.StringExact(acctest.Namespace+"/"+name)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("namespace"), knownvalue.StringExact(acctest.Namespace)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ready"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("status").AtMapKey("reason"), knownvalue.StringExact("DeploymentAvailable")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("password_secret_name"), knownvalue.StringExact(name+"-db-password")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ca_config_map_name"), knownvalue.StringExact(name+"-db-credential")),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("database").AtMapKey("port"), knownvalue.Int64Exact(3306)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("database").AtMapKey("password_wo"), knownvalue.Null()),
					// The gateway host (gateway mode), the proxy's Route host, then the three in-cluster names.
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("endpoints"), hostsCheck(acctest.Hosts(name, acctest.Namespace, true))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.mysql.host":                             "mysql.db.svc.cluster.local",
						"spec.mysql.port":                             3306,
						"spec.mysql.database":                         "model_registry",
						"spec.mysql.username":                         "mruser",
						"spec.mysql.skipDBCreation":                   false,
						"spec.mysql.passwordSecret.name":              name + "-db-password",
						"spec.mysql.passwordSecret.key":               "database-password",
						"spec.mysql.sslRootCertificateConfigMap.name": name + "-db-credential",
						"spec.mysql.sslRootCertificateConfigMap.key":  "ca.crt",
					}),
					func(*terraform.State) error {
						obj := acctest.GetRegistry(t, name)
						if got := obj.GetAnnotations()[registry.AnnotationDisplayName]; got != "Fraud models" {
							return fmt.Errorf("display name annotation = %q", got)
						}
						if got := obj.GetAnnotations()[registry.AnnotationDescription]; got != "Models of the test" {
							return fmt.Errorf("description annotation = %q", got)
						}
						secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), name+"-db-password", metav1.GetOptions{})
						if err != nil {
							return err
						}
						if secret.Type != corev1.SecretTypeOpaque || string(secret.Data["database-password"]) != "correct horse battery staple" ||
							string(secret.Data["database-user"]) != "mruser" || string(secret.Data["database-name"]) != "model_registry" {
							return fmt.Errorf("password Secret has type %s and keys %v", secret.Type, secret.Data)
						}
						if secret.Labels["modelregistry.opendatahub.io/managed"] != "true" || secret.Labels["modelregistry.opendatahub.io/name"] != name {
							return fmt.Errorf("password Secret labels = %v", secret.Labels)
						}
						if len(secret.OwnerReferences) != 1 || secret.OwnerReferences[0].UID != obj.GetUID() || secret.OwnerReferences[0].Kind != "ModelRegistry" {
							return fmt.Errorf("password Secret owner references = %v", secret.OwnerReferences)
						}
						cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).Get(context.Background(), name+"-db-credential", metav1.GetOptions{})
						if err != nil {
							return err
						}
						if cm.Data["ca.crt"] != pem || len(cm.OwnerReferences) != 1 || cm.OwnerReferences[0].UID != obj.GetUID() {
							return fmt.Errorf("CA ConfigMap = %v owners %v", cm.Data, cm.OwnerReferences)
						}
						return nil
					},
				),
			},
			{
				// Display name, description and database fields change in place.
				Config: strings.NewReplacer(`"Models of the test"`, `"Scored nightly"`, `"mruser"`, `"mradmin"`).Replace(
					acctest.RegistryConfig(name, "Fraud models (prod)", fmt.Sprintf("ca_certificate { pem = %q }", pem))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("openshiftai_model_registry.test", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					obj := acctest.GetRegistry(t, name)
					if got := obj.GetAnnotations()[registry.AnnotationDisplayName]; got != "Fraud models (prod)" {
						return fmt.Errorf("display name annotation = %q", got)
					}
					if got := acctest.Nested(t, obj, "spec", "mysql", "username"); got != "mradmin" {
						return fmt.Errorf("username = %v", got)
					}
					return nil
				},
			},
			{
				ResourceName:            "openshiftai_model_registry.test",
				ImportState:             true,
				ImportStateId:           acctest.Namespace + "/" + name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Switching to a cluster bundle removes the uploaded CA ConfigMap.
				Config: acctest.RegistryConfig(name, "Fraud models (prod)", "ca_certificate { cluster_bundle = true }"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("openshiftai_model_registry.test", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.mysql.sslRootCertificateConfigMap.name": "odh-trusted-ca-bundle",
						"spec.mysql.sslRootCertificateConfigMap.key":  "ca-bundle.crt",
					}),
					checkGone("CA ConfigMap", configMapGetter(name+"-db-credential")),
					resource.TestCheckResourceAttr("openshiftai_model_registry.test", "ca_certificate.cluster_bundle", "true"),
					resource.TestCheckNoResourceAttr("openshiftai_model_registry.test", "ca_config_map_name"),
				),
			},
		},
	})
}

// createForeignRegistry makes a registry as the dashboard does, without this provider's label.
func createForeignRegistry(t *testing.T, namespace, name string) {
	t.Helper()
	r := registry.Registry{
		Name: name, Namespace: namespace, DisplayName: "Made in the dashboard",
		Database: registry.Database{Host: "mysql.example.com", Port: 3306, Database: "mr", Username: "mr",
			PasswordSecret: registry.KeyRef{Name: name + "-db-abcde", Key: "database-password"}},
	}
	obj := r.ModelRegistry()
	obj.SetLabels(nil)
	ctx := context.Background()
	if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, namespace, name, "")
	})
}

func TestAccModelRegistry_nameTaken(t *testing.T) {
	name := acctest.RegistryName("taken")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			createForeignRegistry(t, acctest.Namespace, name)
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.RegistryConfig(name, "Second", ""),
				ExpectError: regexp.MustCompile(`(?s)already exists in namespace.*terraform import <address> ` + acctest.Namespace + "/" + name),
				PlanOnly:    true,
			},
		},
	})
}

// A registry of the same name made by another Terraform configuration (it has
// this provider's label, and its create finished) only warns at plan, because it
// may be this configuration's own registry about to be replaced; the create then
// finds it and fails without writing anything.
func TestAccModelRegistry_nameTakenByAnotherConfiguration(t *testing.T) {
	name := acctest.RegistryName("other")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			applyOtherConfigurationRegistry(t, acctest.Namespace, name)
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.RegistryConfig(name, "Second", ""),
				ExpectError: regexp.MustCompile(`(?s)Model registry already exists.*already exists in namespace.*terraform import <address> ` + acctest.Namespace + "/" + name),
				Check:       checkGone("password Secret", secretGetter(registry.PasswordSecretName(name))),
			},
			{
				// Nothing was written: the registry is still the other configuration's.
				Config:   acctest.RegistryConfig(name, "Second", ""),
				PlanOnly: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.passwordSecret.name": "elsewhere"}),
					checkGone("password Secret", secretGetter(registry.PasswordSecretName(name))),
				),
			},
		},
	})
}

// A registry of that name that another configuration made in another namespace
// is an error at plan: names are unique across the cluster, and this plan does
// not move it.
func TestAccModelRegistry_nameTakenInAnotherNamespace(t *testing.T) {
	name := acctest.RegistryName("elsewhere")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			ensureMovedNamespace(t)
			applyOtherConfigurationRegistry(t, movedNamespace, name)
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      acctest.RegistryConfig(name, "Second", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)already exists in namespace\s+"` + movedNamespace + `".*terraform import <address> ` + movedNamespace + "/" + name),
		}},
	})
}

// applyOtherConfigurationRegistry makes a registry as another Terraform
// configuration would have: with this provider's labels, its create finished.
func applyOtherConfigurationRegistry(t *testing.T, namespace, name string) {
	t.Helper()
	r := registry.Registry{
		Name: name, Namespace: namespace, DisplayName: "Another configuration's",
		Database: registry.Database{Host: "mysql.example.com", Port: 3306, Database: "mr", Username: "mr",
			PasswordSecret: registry.KeyRef{Name: "elsewhere", Key: "database-password"}},
	}
	if namespace != acctest.Namespace && acctest.Cluster.StandIn != nil {
		// Outside the registries namespace the webhook admits only a registry older than itself.
		acctest.Cluster.StandIn.AllowElsewhere(namespace, name)
	}
	if _, err := acctest.Cluster.Client.Apply(context.Background(), r.ModelRegistry(), kube.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, namespace, name, "")
	})
}

func ensureMovedNamespace(t *testing.T) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: movedNamespace}}
	if _, err := acctest.Cluster.Typed.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// movedNamespace is a second namespace for registries, made once and kept (a
// control plane without controllers never finishes deleting a namespace).
const movedNamespace = "openshiftai-test-moved"

// Moving a registry to another namespace replaces it; the create in the new
// namespace is not stopped by the old registry, which the same apply deleted,
// even when another create of that apply listed the registries before.
func TestAccModelRegistry_moveNamespace(t *testing.T) {
	name := acctest.RegistryName("move")
	other := acctest.RegistryName("move")
	config := func(namespace string, withOther bool) string {
		c := acctest.RegistryConfig(name, "Moving", fmt.Sprintf("  namespace = %q", namespace))
		if withOther {
			c += strings.ReplaceAll(acctest.RegistryConfig(other, "Alongside", ""), `"test"`, `"other"`)
		}
		return c
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			ensureMovedNamespace(t)
			// The operator's webhook rejects a registry outside the registries namespace; a move
			// is admitted only where that namespace itself moved, which the stand-in plays here.
			if acctest.Cluster.StandIn != nil {
				acctest.Cluster.StandIn.AllowElsewhere(movedNamespace, name)
			}
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: config(acctest.Namespace, false)},
			{
				Config: config(movedNamespace, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("openshiftai_model_registry.test", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("openshiftai_model_registry.other", plancheck.ResourceActionCreate),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("openshiftai_model_registry.test", "id", movedNamespace+"/"+name),
					checkGone("registry in the old namespace", func() error {
						_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
						return err
					}),
					func(*terraform.State) error {
						_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, movedNamespace, name)
						return err
					},
				),
			},
		},
	})
}

// A registry made in the dashboard (a generateName password Secret with the
// dashboard's labels, the cluster CA bundle) is imported with its Secret as
// existing_password_secret, and the plan after import is clean.
func TestAccModelRegistry_importDashboardRegistry(t *testing.T) {
	name := acctest.RegistryName("dash")
	secretName := name + "-db-abcde"
	config := fmt.Sprintf(`
resource "openshiftai_model_registry" "imported" {
  name          = "Made in the dashboard"
  resource_name = %[1]q
  database {
    host     = "mysql.example.com"
    username = "mr"
    database = "mr"
    existing_password_secret {
      name = %[2]q
      key  = "database-password"
    }
  }
  ca_certificate { cluster_bundle = true }
}
`, name, secretName)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			acctest.CreateSecret(t, secretName, corev1.SecretTypeOpaque, map[string]string{
				"database-name": "mr", "database-user": "mr", "database-password": "dashboard-password",
			})
			createForeignRegistry(t, acctest.Namespace, name)
			acctest.DashboardPatch(t, name, `{"spec":{"mysql":{"sslRootCertificateConfigMap":{"name":"odh-trusted-ca-bundle","key":"ca-bundle.crt"}}}}`)
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "openshiftai_model_registry.imported",
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances", len(states))
					}
					attrs := states[0].Attributes
					for key, want := range map[string]string{
						"name": "Made in the dashboard", "namespace": acctest.Namespace,
						"database.existing_password_secret.name": secretName, "ca_certificate.cluster_bundle": "true",
					} {
						if attrs[key] != want {
							return fmt.Errorf("%s = %q, want %q", key, attrs[key], want)
						}
					}
					if _, ok := attrs["password_secret_name"]; ok && attrs["password_secret_name"] != "" {
						return fmt.Errorf("a dashboard Secret must not count as made by the provider: %q", attrs["password_secret_name"])
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	// The provider never deletes a Secret it did not make.
	if err := secretGetter(secretName)(); err != nil {
		t.Errorf("the dashboard's password Secret is gone after destroy: %v", err)
	}
}

// A registry with an existing password Secret and a cluster CA bundle is the
// registry alone: the provider writes no Secret or ConfigMap, the registry ends
// without the create mark, and destroying it leaves the Secret.
func TestAccModelRegistry_existingPasswordSecret(t *testing.T) {
	name := acctest.RegistryName("existing")
	secretName := name + "-shared-db"
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			acctest.CreateSecret(t, secretName, corev1.SecretTypeOpaque, map[string]string{"password": "kept elsewhere"})
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkGone("registry", func() error {
				_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
				return err
			}),
			func(*terraform.State) error {
				_, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), secretName, metav1.GetOptions{})
				if err != nil {
					return fmt.Errorf("the existing password Secret was not left in place: %w", err)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "openshiftai_model_registry" "test" {
  name          = "Existing secret"
  resource_name = %[1]q
  database {
    host     = "mysql.db.svc.cluster.local"
    username = "mruser"
    database = "model_registry"
    existing_password_secret {
      name = %[2]q
      key  = "password"
    }
  }
  ca_certificate { cluster_bundle = true }
}
`, name, secretName),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("password_secret_name"), knownvalue.Null()),
				statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ca_config_map_name"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(
				checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.passwordSecret.name": secretName, "spec.mysql.passwordSecret.key": "password"}),
				func(*terraform.State) error {
					if annotations := acctest.GetRegistry(t, name).GetAnnotations(); annotations[registry.AnnotationCreatePending] != "" {
						return fmt.Errorf("the registry keeps the create mark: %v", annotations)
					}
					return nil
				},
				checkGone("password Secret made by the provider", secretGetter(registry.PasswordSecretName(name))),
				checkGone("CA ConfigMap made by the provider", configMapGetter(registry.CAConfigMapName(name))),
			),
		}},
	})
}

// A registry's identity is its namespace and resource name from the create on,
// unchanged by an update; an import block with that identity adopts it with a
// plan that changes nothing, and import by ID still works beside it.
func TestAccModelRegistry_identity(t *testing.T) {
	name := acctest.RegistryName("identity")
	address := "openshiftai_model_registry.test"
	identity := statecheck.ExpectIdentity(address, map[string]knownvalue.Check{
		"namespace": knownvalue.StringExact(acctest.Namespace), "name": knownvalue.StringExact(name),
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_12, "Resource identity")},
		Steps: []resource.TestStep{
			{Config: acctest.RegistryConfig(name, "Identity", ""), ConfigStateChecks: []statecheck.StateCheck{identity}},
			{
				Config: acctest.RegistryConfig(name, "Identity renamed", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{identity},
			},
			{
				Config:          acctest.RegistryConfig(name, "Identity renamed", ""),
				ResourceName:    address,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:          acctest.RegistryConfig(name, "Identity renamed", ""),
				ResourceName:    address,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   acctest.Namespace + "/" + name,
			},
		},
	})
}

package modelregistry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const testPassword = "correct horse battery staple"

func TestAccModelRegistry_caSources(t *testing.T) {
	name := acctest.RegistryName("ca")
	cmName, secretName := name+"-ca", name+"-ca-secret"
	pem := acctest.CA(t)
	const address = "openshiftai_model_registry.test"
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			acctest.CreateConfigMap(t, cmName, map[string]string{"root.pem": pem})
			acctest.CreateSecret(t, secretName, corev1.SecretTypeOpaque, map[string]string{"ca.pem": pem})
			acctest.CreateSecret(t, name+"-tls", corev1.SecretTypeTLS, map[string]string{"tls.crt": pem, "tls.key": "unused", "ca.crt": pem})
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: acctest.RegistryConfig(name, "CA sources", "ca_certificate { openshift_ai_bundle = true }"),
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.mysql.sslRootCertificateConfigMap.name": "odh-trusted-ca-bundle",
						"spec.mysql.sslRootCertificateConfigMap.key":  "odh-ca-bundle.crt",
					}),
					resource.TestCheckResourceAttr(address, "ca_certificate.openshift_ai_bundle", "true"),
				),
			},
			{
				Config: acctest.RegistryConfig(name, "CA sources", fmt.Sprintf("ca_certificate {\n  config_map {\n    name = %q\n    key  = \"root.pem\"\n  }\n}", cmName)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				Check: checkRegistryOnCluster(t, name, map[string]any{
					"spec.mysql.sslRootCertificateConfigMap.name": cmName,
					"spec.mysql.sslRootCertificateConfigMap.key":  "root.pem",
				}),
			},
			{
				Config: acctest.RegistryConfig(name, "CA sources", fmt.Sprintf("ca_certificate {\n  secret {\n    name = %q\n    key  = \"ca.pem\"\n  }\n}", secretName)),
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.mysql.sslRootCertificateSecret.name":    secretName,
						"spec.mysql.sslRootCertificateSecret.key":     "ca.pem",
						"spec.mysql.sslRootCertificateConfigMap.name": nil,
					}),
				),
			},
			{
				Config:      acctest.RegistryConfig(name, "CA sources", fmt.Sprintf("ca_certificate {\n  config_map {\n    name = %q\n    key  = \"missing.pem\"\n  }\n}", cmName)),
				ExpectError: regexp.MustCompile(`(?s)ConfigMap\s+` + acctest.Namespace + `/` + cmName + `\s+has\s+no\s+key\s+"missing.pem".*"root.pem"`),
			},
			{
				Config:      acctest.RegistryConfig(name, "CA sources", "ca_certificate {\n  config_map {\n    name = \"no-such-configmap\"\n    key  = \"ca.crt\"\n  }\n}"),
				ExpectError: regexp.MustCompile(`ConfigMap\s+"no-such-configmap"\s+does\s+not\s+exist\s+in\s+namespace`),
			},
			{
				Config:      acctest.RegistryConfig(name, "CA sources", fmt.Sprintf("ca_certificate {\n  secret {\n    name = %q\n    key  = \"ca.crt\"\n  }\n}", name+"-tls")),
				ExpectError: regexp.MustCompile(`has\s+type\s+kubernetes.io/tls;\s+the\s+registry\s+reads\s+CA\s+certificates\s+only\s+from\s+Opaque`),
			},
			{
				// Removing the CA removes the reference.
				Config: acctest.RegistryConfig(name, "CA sources", ""),
				Check: checkRegistryOnCluster(t, name, map[string]any{
					"spec.mysql.sslRootCertificateSecret":    nil,
					"spec.mysql.sslRootCertificateConfigMap": nil,
				}),
			},
		},
	})
}

func TestAccModelRegistry_drift(t *testing.T) {
	name := acctest.RegistryName("drift")
	pem := acctest.CA(t)
	const address = "openshiftai_model_registry.test"
	config := acctest.RegistryConfig(name, "Drift", fmt.Sprintf("ca_certificate { pem = %q }", pem))
	expectUpdate := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Operator-style defaulting and status changes are no drift.
				PreConfig: func() {
					acctest.DashboardPatch(t, name, `{"spec":{"rest":{"port":8443},"kubeRBACProxy":{"port":8443}},"metadata":{"labels":{"extra":"label"}}}`)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The dashboard renames it, changes the host and swaps the CA for a Secret.
				PreConfig: func() {
					acctest.DashboardPatch(t, name, `{"metadata":{"annotations":{"openshift.io/display-name":"Renamed","openshift.io/description":"edited"}},`+
						`"spec":{"mysql":{"host":"other.example.com","sslRootCertificateConfigMap":null,"sslRootCertificateSecret":{"name":"x","key":"y"}}}}`)
				},
				Config:           config,
				ConfigPlanChecks: expectUpdate,
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.mysql.host":                             "mysql.db.svc.cluster.local",
						"spec.mysql.sslRootCertificateSecret":         nil,
						"spec.mysql.sslRootCertificateConfigMap.name": name + "-db-credential",
						"metadata.annotations":                        map[string]any{"openshift.io/display-name": "Drift", "openshift.io/description": "Models of the test"},
					}),
				),
			},
			{
				// The password Secret and the CA ConfigMap deleted by hand are written again.
				PreConfig: func() {
					ctx := context.Background()
					if err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Delete(ctx, name+"-db-password", metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					if err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).Delete(ctx, name+"-db-credential", metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectUpdate,
				Check: func(*terraform.State) error {
					ctx := context.Background()
					secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(ctx, name+"-db-password", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if string(secret.Data["database-password"]) != testPassword {
						return fmt.Errorf("password Secret written again without the password")
					}
					cm, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).Get(ctx, name+"-db-credential", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if cm.Data["ca.crt"] != pem {
						return fmt.Errorf("CA ConfigMap written again with %q", cm.Data["ca.crt"])
					}
					return nil
				},
			},
			{
				// A registry deleted out of band is created again.
				PreConfig: func() {
					ctx := context.Background()
					err := acctest.Cluster.Client.Delete(ctx, registry.GroupVersionResource, acctest.Namespace, name, "")
					if err != nil {
						t.Fatal(err)
					}
					if _, err := acctest.Cluster.Client.Wait(ctx, registry.GroupVersionResource, acctest.Namespace, name, func(obj *unstructured.Unstructured) (bool, error) {
						return obj == nil, nil
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
				},
				Check: checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.host": "mysql.db.svc.cluster.local"}),
			},
		},
	})
}

func TestAccModelRegistry_replaceAndDefaults(t *testing.T) {
	suffix := acctest.RegistryName("x")[2:]
	const address = "openshiftai_model_registry.test"
	config := func(displayName, extra string) string {
		return fmt.Sprintf(`
resource "openshiftai_model_registry" "test" {
  name = %q
  database {
    host        = "10.0.0.12"
    username    = "mr"
    database    = "mr"
    password_wo = "pw"
  }
%s
}
`, displayName, extra)
	}
	derived := "team-" + strings.ToLower(suffix) + "-models"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				// resource_name comes from the display name as the dashboard derives it.
				Config: config("Team "+suffix+" Models!", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownValue(address, tfjsonpath.New("resource_name"), knownvalue.StringExact(derived))},
				},
				Check: checkRegistryOnCluster(t, derived, map[string]any{"spec.mysql.host": "10.0.0.12"}),
			},
			{
				// Renaming the display name keeps the Kubernetes name.
				Config: config("Team "+suffix+" models v2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config("Team "+suffix+" models v2", `  resource_name = "`+derived+`-b"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, derived+"-b", map[string]any{"spec.mysql.host": "10.0.0.12"}),
					checkGone("old registry", func() error {
						_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, derived)
						return err
					}),
					checkGone("old password Secret", secretGetter(derived+"-db-password")),
				),
			},
			{
				Config: config("Team "+suffix+" models v2", `  resource_name = "`+derived+`-b"`+"\n  deletion_protection = true"),
			},
			{
				Config:      config("Team "+suffix+" models v2", `  resource_name = "`+derived+`-c"`+"\n  deletion_protection = true"),
				ExpectError: regexp.MustCompile(`(?s)This change replaces model registry.*deletion_protection = true`),
			},
			{
				Config:      config("Team "+suffix+" models v2", `  resource_name = "`+derived+`-b"`+"\n  deletion_protection = true"),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)deletion_protection = true, so it cannot be destroyed`),
			},
			{
				Config: config("Team "+suffix+" models v2", `  resource_name = "`+derived+`-b"`+"\n  deletion_protection = false"),
			},
		},
	})
}

func TestAccModelRegistry_configurationError(t *testing.T) {
	name := acctest.RegistryName("conferr")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      strings.Replace(acctest.RegistryConfig(name, "Bad host", ""), "mysql.db.svc.cluster.local", "mysql.example.invalid", 1),
				ExpectError: regexp.MustCompile(`(?s)Model registry configuration error.*database configuration error: dial tcp: lookup\s+mysql.example.invalid`),
			},
		},
	})
}

func TestAccModelRegistry_neverReady(t *testing.T) {
	name := acctest.RegistryName("stall")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      strings.Replace(acctest.RegistryConfig(name, "Never ready", `  timeouts { create = "3s" }`), "mysql.db.svc.cluster.local", "mysql.stall.test", 1),
				ExpectError: regexp.MustCompile(`(?s)Timed out waiting for the model registry.*Last seen: Available=False\s+\(DeploymentUnavailable`),
			},
			{
				// The registry is in state (tainted), so nothing is orphaned: fixing the host replaces it.
				Config: acctest.RegistryConfig(name, "Never ready", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("openshiftai_model_registry.test", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ready"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccModelRegistry_deleteWithoutOperator(t *testing.T) {
	name := acctest.RegistryName("stuck")
	config := acctest.RegistryConfig(name, "Stuck", `  timeouts { delete = "2s" }`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { acctest.Cluster.StandIn.Ignore(acctest.Namespace, name) },
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Timed out deleting the model registry.*modelregistry.opendatahub.io/finalizer.*operator must be running`),
			},
			{
				// With the operator back, it removes its finalizer and the registry goes; the next
				// apply creates it again. (The test waits for it to go: an apply whose refresh
				// still saw it would plan nothing, and its plan afterwards the create.)
				PreConfig: func() {
					acctest.Cluster.StandIn.Unignore(acctest.Namespace, name)
					acctest.WaitRegistryGone(t, acctest.Namespace, name)
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ready"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// TestAccModelRegistry_createRejected makes the API server accept the dry run
// but reject the real create of the registry, after the password Secret and
// CA ConfigMap were written: the create must remove them again.
func TestAccModelRegistry_createRejected(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.RegistryName("rejected")
	installRejectPolicy(t)
	pem := acctest.CA(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: strings.Replace(acctest.RegistryConfig(name, "Rejected", fmt.Sprintf("ca_certificate { pem = %q }", pem)),
					"mysql.db.svc.cluster.local", "reject.after-dry-run.test", 1),
				ExpectError: regexp.MustCompile(`(?s)Cannot create the model registry.*rejected\s+by\s+the\s+test\s+policy.*was\s+removed\s+again`),
			},
			{
				Config:   acctest.RegistryConfig(name, "Rejected", ""),
				PlanOnly: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					checkGone("password Secret", secretGetter(name+"-db-password")),
					checkGone("CA ConfigMap", configMapGetter(name+"-db-credential")),
				),
			},
		},
	})
	// PlanOnly steps skip Check; assert directly as well.
	for _, get := range []func() error{secretGetter(name + "-db-password"), configMapGetter(name + "-db-credential")} {
		if err := get(); !apierrors.IsNotFound(err) {
			t.Errorf("an object of the rejected registry was left behind (err=%v)", err)
		}
	}
}

// passwordConfig feeds the password through an ephemeral variable, as users
// do, so that the configuration itself holds no secret.
func passwordConfig(name string, version int) string {
	return `
variable "database_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + acctest.Registry{Name: "Secret", ResourceName: name, Database: acctest.Database{
		Host: "mysql.db.svc.cluster.local", Username: "mruser", Database: "model_registry",
		Password: "var.database_password", PasswordVersion: version,
	}}.HCL()
}

func TestAccModelRegistry_passwordNeverStored(t *testing.T) {
	name := acctest.RegistryName("secret")
	const address = "openshiftai_model_registry.test"
	noPassword := func(where string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if strings.Contains(string(raw), testPassword) {
			return fmt.Errorf("the database password appears in the %s", where)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:          passwordConfig(name, 1),
				ConfigVariables: config.Variables{"database_password": config.StringVariable(testPassword)},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{acctest.PlanCheck(func(plan *tfjson.Plan) error { return noPassword("plan JSON", plan) })},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateCheck(func(state *tfjson.State) error { return noPassword("state", state) })},
				Check: func(s *terraform.State) error {
					if err := noPassword("state file", s); err != nil {
						return err
					}
					secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), name+"-db-password", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if string(secret.Data["database-password"]) != testPassword {
						return fmt.Errorf("the password did not reach the cluster")
					}
					return nil
				},
			},
			{
				// Rotation: a new version writes the new password.
				Config:          passwordConfig(name, 2),
				ConfigVariables: config.Variables{"database_password": config.StringVariable("rotated-password")},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						acctest.PlanCheck(func(plan *tfjson.Plan) error { return noPassword("plan JSON", plan) }),
					},
				},
				Check: func(s *terraform.State) error {
					secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(context.Background(), name+"-db-password", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if got := string(secret.Data["database-password"]); got != "rotated-password" {
						return fmt.Errorf("password after rotation is %q", got)
					}
					if secret.Annotations[registry.AnnotationPasswordVersion] != "2" {
						return fmt.Errorf("password version annotation = %q", secret.Annotations[registry.AnnotationPasswordVersion])
					}
					return nil
				},
			},
			{
				// Import of a provider-made registry knows the password version from the Secret.
				Config:                  passwordConfig(name, 2),
				ConfigVariables:         config.Variables{"database_password": config.StringVariable("rotated-password")},
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

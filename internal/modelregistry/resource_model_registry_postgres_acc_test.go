package modelregistry_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/pgtest"
)

var pgDatabase = acctest.Database{
	Type: "postgres", Host: "pg.db.svc.cluster.local", Username: "mruser", Database: "model_registry",
	Password: `"correct horse battery staple"`, PasswordVersion: 1,
}

// checkAbsent asserts that the registry on the cluster has no such field.
func checkAbsent(t *testing.T, name string, fields ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := acctest.GetRegistry(t, name)
		if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, fields...); found {
			return fmt.Errorf("registry %s has %v: %v", name, fields, obj.Object["spec"])
		}
		return nil
	}
}

// An external PostgreSQL registry: written as spec.postgres with the port
// planned by type, the CRD's defaults no drift, updated in place, imported
// with a clean plan, and replaced when its type changes.
func TestAccModelRegistry_postgres(t *testing.T) {
	name := acctest.RegistryName("pg")
	const address = "openshiftai_model_registry.test"
	pg := pgDatabase
	pg.SSLMode = "require"
	ca := "ca_certificate {\n  openshift_ai_bundle = true\n}"
	byAddress := pgDatabase
	byAddress.Host, byAddress.HostAddress = "", "10.20.30.40"
	mysql := acctest.RegistryDatabase
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: acctest.Registry{Name: "Postgres models", ResourceName: name, Database: pg, Extra: ca}.HCL(),
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{
						"spec.postgres.host": "pg.db.svc.cluster.local", "spec.postgres.port": int64(5432),
						"spec.postgres.sslMode": "require", "spec.postgres.username": "mruser",
						"spec.postgres.passwordSecret.name":             registry.PasswordSecretName(name),
						"spec.postgres.sslRootCertificateConfigMap.key": registry.TrustedCABundleOpenShiftKey,
					}),
					checkAbsent(t, name, "spec", "mysql"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("database_type"), knownvalue.StringExact("postgres")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("database").AtMapKey("port"), knownvalue.Int64Exact(5432)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("default_database"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("default_database_secret_name"), knownvalue.Null()),
				},
			},
			{
				// host_address instead of host, ssl_mode left to the CRD's default: in place.
				Config: acctest.Registry{Name: "Postgres models", ResourceName: name, Database: byAddress}.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{"spec.postgres.hostAddress": "10.20.30.40", "spec.postgres.sslMode": "disable"}),
					checkAbsent(t, name, "spec", "postgres", "host"),
					checkAbsent(t, name, "spec", "postgres", "sslRootCertificateConfigMap"),
				),
			},
			{
				Config: acctest.Registry{Name: "Postgres models", ResourceName: name, Database: byAddress, Extra: "deletion_protection = true"}.HCL(),
			},
			{
				// Deletion protection also stops a replacement by a type change, at plan.
				Config:      acctest.Registry{Name: "Postgres models", ResourceName: name, Database: mysql, Extra: "deletion_protection = true"}.HCL(),
				ExpectError: regexp.MustCompile(`(?s)Deletion protection is on.*database.type`),
			},
			{
				Config: acctest.Registry{Name: "Postgres models", ResourceName: name, Database: byAddress}.HCL(),
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           acctest.Namespace + "/" + name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"database.password_wo_version", "timeouts"},
			},
			{
				// The dashboard locks the type: changing it replaces the registry.
				Config: acctest.Registry{Name: "Postgres models", ResourceName: name, Database: mysql}.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.host": "mysql.db.svc.cluster.local", "spec.mysql.port": int64(3306)}),
					checkAbsent(t, name, "spec", "postgres"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("database_type"), knownvalue.StringExact("mysql")),
				},
			},
		},
	})
}

// The default database: spec.postgres.generateDeployment and nothing else,
// the operator's objects made by the stand-in, updated in place, replaced
// when switched to an external database, destroyed with them.
func TestAccModelRegistry_defaultDatabase(t *testing.T) {
	name := acctest.RegistryName("dev")
	const address = "openshiftai_model_registry.test"
	operatorObjects := map[string]func() error{
		"credentials Secret": secretGetter(registry.DefaultDatabaseSecretName(name)),
		"PVC": func() error {
			_, err := acctest.Cluster.Typed.CoreV1().PersistentVolumeClaims(acctest.Namespace).Get(context.Background(), registry.DefaultDatabaseStorageName(name), metav1.GetOptions{})
			return err
		},
		"Service": func() error {
			_, err := acctest.Cluster.Typed.CoreV1().Services(acctest.Namespace).Get(context.Background(), name+"-postgres", metav1.GetOptions{})
			return err
		},
		"Deployment": func() error {
			_, err := acctest.Cluster.Typed.AppsV1().Deployments(acctest.Namespace).Get(context.Background(), name+"-postgres", metav1.GetOptions{})
			return err
		},
	}
	checkOperatorObjects := func(*terraform.State) error {
		for what, get := range operatorObjects {
			if err := get(); err != nil {
				return fmt.Errorf("the default database's %s: %v", what, err)
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy: checkGone("registry", func() error {
			_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: acctest.Registry{Name: "Dev models", ResourceName: name, DefaultDatabase: true}.HCL(),
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{"spec.postgres.generateDeployment": true}),
					checkAbsent(t, name, "spec", "mysql"),
					checkAbsent(t, name, "spec", "postgres", "host"),
					checkGone("password Secret", secretGetter(registry.PasswordSecretName(name))),
					checkOperatorObjects,
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("database_type"), knownvalue.StringExact("postgres")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("default_database_secret_name"), knownvalue.StringExact(name+"-postgres-credentials")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("password_secret_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("ready"), knownvalue.Bool(true)),
				},
			},
			{
				Config: acctest.Registry{Name: "Dev models", Description: "now described", ResourceName: name, DefaultDatabase: true}.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if got := acctest.GetRegistry(t, name).GetAnnotations()[registry.AnnotationDescription]; got != "now described" {
						return fmt.Errorf("description annotation %q", got)
					}
					return nil
				},
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: acctest.Registry{Name: "Dev models", ResourceName: name, Database: pgDatabase}.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRegistryOnCluster(t, name, map[string]any{"spec.postgres.host": "pg.db.svc.cluster.local"}),
					checkAbsent(t, name, "spec", "postgres", "generateDeployment"),
				),
			},
		},
	})
}

// createDashboardDBRegistry makes a registry as the dashboard does, with its
// field manager and the unused database type null.
func createDashboardDBRegistry(t *testing.T, name string, database map[string]any) {
	t.Helper()
	spec := map[string]any{"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{}, "mysql": nil, "postgres": nil}
	for k, v := range database {
		spec[k] = v
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": registry.GroupVersionKind.GroupVersion().String(), "kind": registry.Kind,
		"metadata": map[string]any{"name": name, "namespace": acctest.Namespace,
			"annotations": map[string]any{registry.AnnotationDisplayName: "Made in the dashboard"}},
		"spec": spec,
	}}
	if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(acctest.Namespace).
		Create(context.Background(), obj, metav1.CreateOptions{FieldManager: "odh-dashboard"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, acctest.Namespace, name, "")
	})
}

// Registries of both PostgreSQL kinds made in the dashboard import with a clean plan.
func TestAccModelRegistry_importDashboardPostgres(t *testing.T) {
	external, dev := acctest.RegistryName("dashpg"), acctest.RegistryName("dashdev")
	secretName := external + "-db-abcde"
	cfg := fmt.Sprintf(`
resource "openshiftai_model_registry" "external" {
  name          = "Made in the dashboard"
  resource_name = %[1]q
  database {
    type     = "postgres"
    host     = "pg.example.com"
    username = "mr"
    database = "mr"
    existing_password_secret {
      name = %[2]q
      key  = "database-password"
    }
  }
  ca_certificate {
    cluster_bundle = true
  }
}

resource "openshiftai_model_registry" "dev" {
  name             = "Made in the dashboard"
  resource_name    = %[3]q
  default_database = true
}

data "openshiftai_model_registry" "external" {
  resource_name = openshiftai_model_registry.external.resource_name
}

data "openshiftai_model_registry" "dev" {
  resource_name = openshiftai_model_registry.dev.resource_name
}
`, external, secretName, dev)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			acctest.CreateSecret(t, secretName, corev1.SecretTypeOpaque, map[string]string{
				"database-name": "mr", "database-user": "mr", "database-password": "dashboard-password",
			})
			createDashboardDBRegistry(t, external, map[string]any{"postgres": map[string]any{
				"host": "pg.example.com", "database": "mr", "username": "mr",
				"passwordSecret":              map[string]any{"name": secretName, "key": "database-password"},
				"sslRootCertificateConfigMap": map[string]any{"name": registry.TrustedCABundleConfigMap, "key": registry.TrustedCABundleClusterKey},
			}})
			createDashboardDBRegistry(t, dev, map[string]any{"postgres": map[string]any{"generateDeployment": true}})
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: cfg, ResourceName: "openshiftai_model_registry.external", ImportState: true, ImportStateId: external, ImportStatePersist: true,
			},
			{
				Config: cfg, ResourceName: "openshiftai_model_registry.dev", ImportState: true, ImportStateId: dev, ImportStatePersist: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openshiftai_model_registry.external", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("openshiftai_model_registry.dev", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.external", tfjsonpath.New("database_type"), knownvalue.StringExact("postgres")),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.external", tfjsonpath.New("database").AtMapKey("ssl_mode"), knownvalue.StringExact("disable")),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.external", tfjsonpath.New("database").AtMapKey("port"), knownvalue.Int64Exact(5432)),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.dev", tfjsonpath.New("default_database"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.dev", tfjsonpath.New("database"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.dev", tfjsonpath.New("default_database_secret_name"), knownvalue.StringExact(dev+"-postgres-credentials")),
				},
			},
		},
	})
}

// pgVerifyConfig is a PostgreSQL registry that checks its database before writing anything.
func pgVerifyConfig(name string, server *pgtest.Server, user, database, extra string) string {
	return `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + acctest.Registry{Name: "Verified", ResourceName: name, Extra: extra, Database: acctest.Database{
		Type: "postgres", Host: server.Host, Port: server.Port, Username: user, Database: database, Password: "var.password",
		Extra: "    verify_connection = true",
	}}.HCL()
}

// Each pre-flight failure of a PostgreSQL database fails the apply before
// anything is written; the right settings then create the registry.
func TestAccModelRegistry_verifyConnectionPostgres(t *testing.T) {
	acctest.PreCheck(t)
	plain := pgtest.Start(t, pgtest.Options{})
	secure := pgtest.Start(t, pgtest.Options{TLS: true})
	user, database := pgtest.UniqueName("mr"), pgtest.UniqueName("registry")
	for _, s := range []*pgtest.Server{plain, secure} {
		s.CreateUser(t, user, "good-password")
		s.CreateDatabase(t, database, user)
	}
	stranger := pgtest.UniqueName("stranger")
	plain.CreateUser(t, stranger, "good-password")
	good := config.Variables{"password": config.StringVariable("good-password")}
	name := acctest.RegistryName("pgverify")
	failures := []struct {
		config    string
		variables config.Variables
		want      string
	}{
		{pgVerifyConfig(name, plain, user, database, ""), config.Variables{"password": config.StringVariable("wrong-password")}, `step authenticate.*rejected\s+user`},
		{pgVerifyConfig(name, plain, user, "no_such_db", ""), good, `step database.*"no_such_db"\s+does\s+not\s+exist`},
		{pgVerifyConfig(name, plain, stranger, database, ""), good, `step database.*GRANT\s+CREATE\s+ON\s+SCHEMA\s+public`},
		{pgVerifyConfig(name, &pgtest.Server{Host: "127.0.0.1", Port: 1}, user, database, ""), good, `step connect.*127.0.0.1:1\s+was\s+refused`},
		{pgVerifyConfig(name, secure, user, database, ""), good, `step tls.*accepts\s+only\s+TLS`},
		{pgVerifyConfig(name, secure, user, database, fmt.Sprintf("ca_certificate { pem = %q }", acctest.CA(t))), good, `step tls.*not\s+signed\s+by\s+the\s+configured\s+CA`},
	}
	// Each step but the first checks, before it runs, that the failure before it wrote nothing.
	nothingWritten := func() { checkNothingWritten(t, name) }
	steps := make([]resource.TestStep, 0, len(failures)+1)
	for _, f := range failures {
		steps = append(steps, resource.TestStep{
			PreConfig: nothingWritten,
			Config:    f.config, ConfigVariables: f.variables,
			ExpectError: regexp.MustCompile(`(?s)Database check failed at ` + f.want + `.*Nothing was written`),
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig:       nothingWritten,
		Config:          pgVerifyConfig(name, secure, user, database, fmt.Sprintf("ca_certificate { pem = %q }", secure.CAPEM)),
		ConfigVariables: good,
		Check:           checkRegistryOnCluster(t, name, map[string]any{"spec.postgres.port": int64(secure.Port), "spec.postgres.host": "127.0.0.1"}),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: steps})
}

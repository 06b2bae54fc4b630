package modelregistry_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/mariadbtest"
)

// verifyConfig is a registry that checks its database before writing anything.
func verifyConfig(name string, server *mariadbtest.Server, user, database, extra string, databaseExtra ...string) string {
	return `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + acctest.Registry{Name: "Verified", ResourceName: name, Extra: extra, Database: acctest.Database{
		Host: server.Host, Port: server.Port, Username: user, Database: database, Password: "var.password",
		Extra: "    verify_connection = true\n" + strings.Join(databaseExtra, "\n"),
	}}.HCL()
}

// checkNothingWritten asserts that a failed verification left nothing on the cluster.
func checkNothingWritten(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	if _, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, acctest.Namespace, name); !apierrors.IsNotFound(err) {
		t.Errorf("registry %s was written although verification failed (err=%v)", name, err)
	}
	if err := secretGetter(registry.PasswordSecretName(name))(); !apierrors.IsNotFound(err) {
		t.Errorf("password Secret of %s was written although verification failed (err=%v)", name, err)
	}
	if err := configMapGetter(registry.CAConfigMapName(name))(); !apierrors.IsNotFound(err) {
		t.Errorf("CA ConfigMap of %s was written although verification failed (err=%v)", name, err)
	}
}

func TestAccModelRegistry_verifyConnection(t *testing.T) {
	acctest.PreCheck(t)
	plain := mariadbtest.Start(t, mariadbtest.Options{})
	user, database := mariadbtest.UniqueName("mr"), mariadbtest.UniqueName("registry")
	plain.CreateUser(t, user, "good-password", "ALL ON *.*")
	name := acctest.RegistryName("verified")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				// Wrong password: nothing is written.
				Config:          verifyConfig(name, plain, user, database, ""),
				ConfigVariables: config.Variables{"password": config.StringVariable("wrong-password")},
				ExpectError:     regexp.MustCompile(`(?s)Database check failed at step authenticate.*access denied for user\s+"` + user + `"`),
			},
			{
				Config:          verifyConfig(name, plain, user, database, ""),
				ConfigVariables: config.Variables{"password": config.StringVariable("wrong-password")},
				PlanOnly:        true, ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error { checkNothingWritten(t, name); return nil },
			},
			{
				// Right password: the database may be created by the user, the registry is made.
				Config:          verifyConfig(name, plain, user, database, ""),
				ConfigVariables: config.Variables{"password": config.StringVariable("good-password")},
				Check:           checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.port": int64(plain.Port)}),
			},
		},
	})
	closedPortRegistry := acctest.RegistryName("closed")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			// A closed port fails fast and names host and port.
			Config:          verifyConfig(closedPortRegistry, &mariadbtest.Server{Host: "127.0.0.1", Port: 1}, user, database, ""),
			ConfigVariables: config.Variables{"password": config.StringVariable("good-password")},
			ExpectError:     regexp.MustCompile(`(?s)step connect.*127.0.0.1:1\s+was\s+refused`),
		}},
	})
	checkNothingWritten(t, closedPortRegistry)
}

func TestAccModelRegistry_verifyConnectionTLS(t *testing.T) {
	acctest.PreCheck(t)
	server := mariadbtest.Start(t, mariadbtest.Options{TLS: true, RequireSecureTransport: true})
	user, database := mariadbtest.UniqueName("mr"), mariadbtest.UniqueName("registry")
	server.CreateUser(t, user, "pw", "ALL ON *.*")
	server.CreateDatabase(t, database)
	name := acctest.RegistryName("tls")
	variables := config.Variables{"password": config.StringVariable("pw")}
	caConfigMap := name + "-server-ca"
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.CreateConfigMap(t, caConfigMap, map[string]string{"ca.pem": string(server.CAPEM)})
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				// The server requires TLS and no CA is set.
				Config:          verifyConfig(name, server, user, database, ""),
				ConfigVariables: variables,
				ExpectError:     regexp.MustCompile(`(?s)Database check failed.*TLS.*set\s+database.ca_certificate`),
			},
			{
				// A CA that did not sign the server's certificate.
				Config:          verifyConfig(name, server, user, database, fmt.Sprintf("ca_certificate { pem = %q }", mariadbtest.UnrelatedCAPEM(t))),
				ConfigVariables: variables,
				ExpectError:     regexp.MustCompile(`(?s)step tls.*not\s+signed\s+by\s+the\s+CA\s+in\s+ca_certificate`),
			},
			{
				// The right CA, read through the API from a ConfigMap in the registry's namespace.
				Config:          verifyConfig(name, server, user, database, fmt.Sprintf("ca_certificate {\n  config_map {\n    name = %q\n    key  = \"ca.pem\"\n  }\n}", caConfigMap)),
				ConfigVariables: variables,
				Check:           checkRegistryOnCluster(t, name, map[string]any{"spec.mysql.sslRootCertificateConfigMap.name": caConfigMap}),
			},
		},
	})
}

func TestAccModelRegistry_verifyConnectionMissingDatabase(t *testing.T) {
	acctest.PreCheck(t)
	server := mariadbtest.Start(t, mariadbtest.Options{})
	user := mariadbtest.UniqueName("mr")
	server.CreateUser(t, user, "pw", "SELECT ON *.*")
	missing := mariadbtest.UniqueName("missing")
	name := acctest.RegistryName("nodb")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:          verifyConfig(name, server, user, missing, ""),
				ConfigVariables: config.Variables{"password": config.StringVariable("pw")},
				ExpectError:     regexp.MustCompile(`(?s)step database.*` + missing + `.*may\s+not\s+create\s+it`),
			},
			{
				Config:          verifyConfig(name, server, user, missing, "", "skip_database_creation = true"),
				ConfigVariables: config.Variables{"password": config.StringVariable("pw")},
				ExpectError:     regexp.MustCompile(`(?s)step database.*` + missing + `.*does\s+not\s+exist.*skip_database_creation\s+is\s+true`),
			},
		},
	})
	checkNothingWritten(t, name)
}

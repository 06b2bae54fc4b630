package modelregistry_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestAccModelRegistryDataSource_dashboardRegistry(t *testing.T) {
	acctest.PreCheck(t)
	pem := acctest.CA(t)
	uploaded := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dsdash"), "Dashboard models", "Made in the dashboard",
		acctest.DashboardCA{PEM: pem})
	secretCA := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dssecret"), "Secret CA models", "",
		acctest.DashboardCA{Secret: &registry.KeyRef{Name: "db-ca", Key: "ca.pem"}})
	bundle := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dsbundle"), "Bundle models", "",
		acctest.DashboardCA{ConfigMap: &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleOpenShiftKey}})

	address := "data.openshiftai_model_registry.uploaded"
	attr := func(path ...string) tfjsonpath.Path {
		p := tfjsonpath.New(path[0])
		for _, step := range path[1:] {
			p = p.AtMapKey(step)
		}
		return p
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "openshiftai_model_registry" "uploaded" {
  resource_name = %[1]q
}

data "openshiftai_model_registry" "secret" {
  resource_name = %[2]q
  namespace     = %[4]q
}

data "openshiftai_model_registry" "bundle" {
  resource_name = %[3]q
}
`, uploaded.Name, secretCA.Name, bundle.Name, acctest.Namespace),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, attr("id"), knownvalue.StringExact(acctest.Namespace+"/"+uploaded.Name)),
				statecheck.ExpectKnownValue(address, attr("namespace"), knownvalue.StringExact(acctest.Namespace)),
				statecheck.ExpectKnownValue(address, attr("name"), knownvalue.StringExact("Dashboard models")),
				statecheck.ExpectKnownValue(address, attr("description"), knownvalue.StringExact("Made in the dashboard")),
				statecheck.ExpectKnownValue(address, attr("uid"), knownvalue.StringExact(uploaded.UID)),
				statecheck.ExpectKnownValue(address, attr("database"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"type":                   knownvalue.StringExact("mysql"),
					"host":                   knownvalue.StringExact("mysql.dashboard.svc.cluster.local"),
					"host_address":           knownvalue.Null(),
					"ssl_mode":               knownvalue.Null(),
					"port":                   knownvalue.Int64Exact(3307),
					"username":               knownvalue.StringExact("mruser"),
					"database":               knownvalue.StringExact("models"),
					"skip_database_creation": knownvalue.Bool(true),
					"existing_password_secret": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact(uploaded.SecretName),
						"key":  knownvalue.StringExact(registry.PasswordSecretKeyPassword),
					}),
				})),
				statecheck.ExpectKnownValue(address, attr("ca_certificate"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"pem":                 knownvalue.StringExact(pem),
					"cluster_bundle":      knownvalue.Null(),
					"openshift_ai_bundle": knownvalue.Null(),
					"config_map":          knownvalue.Null(),
					"secret":              knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(address, attr("ready"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(address, attr("kube_rbac_proxy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(address, attr("status", "reason"), knownvalue.StringExact(registry.ReasonDeploymentAvailable)),
				// The operator lists the gateway host (gateway mode), then the proxy's Route host first.
				statecheck.ExpectKnownValue(address, attr("endpoints"), hostsCheck(acctest.Hosts(uploaded.Name, acctest.Namespace, true))),
				statecheck.ExpectKnownValue(address, attr("rest_url"), knownvalue.StringExact("https://"+acctest.Hosts(uploaded.Name, acctest.Namespace, true)[0])),

				statecheck.ExpectKnownValue("data.openshiftai_model_registry.secret", attr("description"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.openshiftai_model_registry.secret", attr("ca_certificate"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"secret":              knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("db-ca"), "key": knownvalue.StringExact("ca.pem")}),
					"pem":                 knownvalue.Null(),
					"cluster_bundle":      knownvalue.Null(),
					"openshift_ai_bundle": knownvalue.Null(),
					"config_map":          knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue("data.openshiftai_model_registry.bundle", attr("ca_certificate", "openshift_ai_bundle"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registry.bundle", attr("ca_certificate", "config_map"), knownvalue.Null()),
			},
		}},
	})
}

// A registry the provider made reads back as the resource has it.
func TestAccModelRegistryDataSource_providerRegistry(t *testing.T) {
	name := acctest.RegistryName("dsprov")
	pem := acctest.CA(t)
	config := acctest.RegistryConfig(name, "Provider models", fmt.Sprintf("ca_certificate { pem = %q }", pem)) + `
data "openshiftai_model_registry" "test" {
  resource_name = openshiftai_model_registry.test.resource_name
}
`
	const data, managed = "data.openshiftai_model_registry.test", "openshiftai_model_registry.test"
	var pairs []resource.TestCheckFunc
	for _, attribute := range []string{
		"id", "namespace", "resource_name", "name", "description", "uid", "ready", "status.reason", "status.message",
		"endpoints.#", "endpoints.0", "rest_url", "database.host", "database.port", "database.username", "database.database",
		"database.skip_database_creation", "ca_certificate.pem",
	} {
		pairs = append(pairs, resource.TestCheckResourceAttrPair(data, attribute, managed, attribute))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(append(pairs,
				resource.TestCheckResourceAttr(data, "ready", "true"),
				resource.TestCheckResourceAttr(data, "ca_certificate.pem", pem),
				resource.TestCheckNoResourceAttr(data, "ca_certificate.config_map.name"),
				resource.TestCheckResourceAttr(data, "database.existing_password_secret.name", registry.PasswordSecretName(name)),
				resource.TestCheckResourceAttr(data, "database.existing_password_secret.key", registry.PasswordSecretKeyPassword),
			)...),
		}},
	})
}

func TestAccModelRegistryDataSource_missing(t *testing.T) {
	acctest.PreCheck(t)
	namespace := acctest.CreateNamespace(t, "dsmissing")
	empty := acctest.CreateNamespace(t, "dsempty")
	first := acctest.MakeDashboardRegistry(t, namespace, acctest.RegistryName("alpha"), "Fraud detection", "", acctest.DashboardCA{})
	second := acctest.MakeDashboardRegistry(t, namespace, acctest.RegistryName("beta"), "Churn", "", acctest.DashboardCA{})

	lookup := func(name, namespace string) string {
		return fmt.Sprintf(`
data "openshiftai_model_registry" "missing" {
  resource_name = %[1]q
  namespace     = %[2]q
}
`, name, namespace)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: lookup("nope", namespace),
				ExpectError: acctest.WrappedText(fmt.Sprintf(
					`There is no model registry "nope" in namespace %[1]q. The registries in namespace %[1]q are: %[2]q, %[3]q.`,
					namespace, first.Name, second.Name)),
			},
			{
				// The display name is not the registry's name; the error says which registry has it.
				Config:      lookup("Churn", namespace),
				ExpectError: acctest.WrappedText(fmt.Sprintf(`"Churn" is the display name of registry %q`, second.Name)),
			},
			{
				Config:      lookup("nope", empty),
				ExpectError: acctest.WrappedText(fmt.Sprintf(`Namespace %q has no model registries.`, empty)),
			},
		},
	})
}

// The data source's database and ca_certificate plug into the resource: a
// registry copied from a dashboard registry reuses its password Secret and CA.
func TestAccModelRegistryDataSource_copyIntoResource(t *testing.T) {
	acctest.PreCheck(t)
	pem := acctest.CA(t)
	dash := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dssource"), "Source", "", acctest.DashboardCA{PEM: pem})
	copyName := acctest.RegistryName("dscopy")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "openshiftai_model_registry" "source" {
  resource_name = %[1]q
}

resource "openshiftai_model_registry" "copy" {
  name          = "${data.openshiftai_model_registry.source.name} (copy)"
  resource_name = %[2]q
  database {
    host                     = data.openshiftai_model_registry.source.database.host
    port                     = data.openshiftai_model_registry.source.database.port
    username                 = data.openshiftai_model_registry.source.database.username
    database                 = "${data.openshiftai_model_registry.source.database.database}_copy"
    existing_password_secret {
      name = data.openshiftai_model_registry.source.database.existing_password_secret.name
      key  = data.openshiftai_model_registry.source.database.existing_password_secret.key
    }
  }
  ca_certificate {
    pem = data.openshiftai_model_registry.source.ca_certificate.pem
  }
}
`, dash.Name, copyName),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "name", "Source (copy)"),
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "ca_certificate.pem", pem),
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "ca_config_map_name", registry.CAConfigMapName(copyName)),
				checkRegistryOnCluster(t, copyName, map[string]any{
					"spec.mysql.host":                "mysql.dashboard.svc.cluster.local",
					"spec.mysql.port":                3307,
					"spec.mysql.database":            "models_copy",
					"spec.mysql.passwordSecret.name": dash.SecretName,
				}),
			),
		}},
	})
}

// hostsCheck expects exactly these hosts, in this order.
func hostsCheck(hosts []string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(hosts))
	for i, host := range hosts {
		checks[i] = knownvalue.StringExact(host)
	}
	return knownvalue.ListExact(checks)
}

// Data sources read the registries from one list per provider process, and a
// registry this process creates reaches that list: in one apply, a data source
// read before a registry's create (the list is made then) and one read after
// it both find theirs, with the new one's UID.
func TestAccModelRegistryDataSource_readsWhatTheApplyCreated(t *testing.T) {
	first, second := acctest.RegistryName("dsfirst"), acctest.RegistryName("dssecond")
	registries := acctest.Registry{Label: "first", Name: "First", ResourceName: first, Database: acctest.RegistryDatabase,
		Extra: "  wait_for_ready = false"}.HCL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: registries},
			{
				// The order in the apply: the permission, the data source of the first registry
				// (it lists the registries), the second registry, the data source of the second.
				Config: registries + `
resource "openshiftai_model_registry_permission" "p" {
  registry = openshiftai_model_registry.first.resource_name
  user     = "alice"
}

data "openshiftai_model_registry" "first" {
  resource_name = openshiftai_model_registry.first.resource_name
  depends_on    = [openshiftai_model_registry_permission.p]
}
` + acctest.Registry{Label: "second", Name: "Second", ResourceName: second, Database: acctest.RegistryDatabase,
					Extra: "  wait_for_ready = false\n  depends_on = [data.openshiftai_model_registry.first]"}.HCL() + `
data "openshiftai_model_registry" "second" {
  resource_name = openshiftai_model_registry.second.resource_name
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.first", tfjsonpath.New("name"), knownvalue.StringExact("First")),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.second", tfjsonpath.New("name"), knownvalue.StringExact("Second")),
					statecheck.CompareValuePairs("data.openshiftai_model_registry.second", tfjsonpath.New("uid"),
						"openshiftai_model_registry.second", tfjsonpath.New("uid"), compare.ValuesSame()),
				},
			},
		},
	})
}

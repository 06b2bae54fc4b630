package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

// dsDashboardCA is the CA choice of a registry made as the dashboard makes it.
type dsDashboardCA struct {
	// pem is uploaded into the ConfigMap <name>-db-credential.
	pem string
	// configMap or secret is referenced as it is.
	configMap, secret *registry.KeyRef
}

// dsDashboardRegistry is what makeDashboardRegistry made.
type dsDashboardRegistry struct {
	name, namespace, secretName string
	uid                         string
}

// makeDashboardRegistry makes a registry with plain API calls in the order
// and shape the dashboard uses: a password Secret with generateName, an
// uploaded CA ConfigMap, then a ModelRegistry without the provider's labels.
// It waits until the operator stand-in reports the registry available.
func makeDashboardRegistry(t *testing.T, namespace, name, displayName, description string, ca dsDashboardCA) dsDashboardRegistry {
	t.Helper()
	ctx := context.Background()
	core := acctest.Cluster.Typed.CoreV1()
	secret, err := core.Secrets(namespace).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: name + "-db-", Namespace: namespace,
			Labels: map[string]string{registry.LabelRegistryManaged: "true", registry.LabelRegistryName: name},
		},
		Type: corev1.SecretTypeOpaque,
		StringData: map[string]string{
			registry.PasswordSecretKeyDatabase: "models", registry.PasswordSecretKeyUser: "mruser", registry.PasswordSecretKeyPassword: "s3cret",
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the dashboard's password Secret: %v", err)
	}
	t.Cleanup(func() { _ = core.Secrets(namespace).Delete(context.Background(), secret.Name, metav1.DeleteOptions{}) })

	mysql := map[string]any{
		"host": "mysql.dashboard.svc.cluster.local", "port": int64(3307), "database": "models", "username": "mruser",
		"skipDBCreation": true,
		"passwordSecret": map[string]any{"name": secret.Name, "key": registry.PasswordSecretKeyPassword},
	}
	switch {
	case ca.pem != "":
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: registry.CAConfigMapName(name), Namespace: namespace},
			Data:       map[string]string{registry.CAConfigMapKey: ca.pem},
		}
		if _, err := core.ConfigMaps(namespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating the dashboard's CA ConfigMap: %v", err)
		}
		t.Cleanup(func() { _ = core.ConfigMaps(namespace).Delete(context.Background(), cm.Name, metav1.DeleteOptions{}) })
		mysql["sslRootCertificateConfigMap"] = map[string]any{"name": cm.Name, "key": registry.CAConfigMapKey}
	case ca.configMap != nil:
		mysql["sslRootCertificateConfigMap"] = map[string]any{"name": ca.configMap.Name, "key": ca.configMap.Key}
	case ca.secret != nil:
		mysql["sslRootCertificateSecret"] = map[string]any{"name": ca.secret.Name, "key": ca.secret.Key}
	}
	annotations := map[string]any{registry.AnnotationDisplayName: displayName}
	if description != "" {
		annotations[registry.AnnotationDescription] = description
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": registry.GroupVersionKind.GroupVersion().String(),
		"kind":       registry.Kind,
		"metadata":   map[string]any{"name": name, "namespace": namespace, "annotations": annotations},
		"spec":       map[string]any{"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{}, "mysql": mysql},
	}}
	if namespace != testNamespace && acctest.Cluster.StandIn != nil {
		// The operator's webhook admits registries in the registries namespace only; one elsewhere
		// is a registry from before the webhook existed.
		acctest.Cluster.StandIn.AllowElsewhere(namespace, name)
	}
	registries := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace)
	created, err := registries.Create(ctx, obj, metav1.CreateOptions{FieldManager: "odh-dashboard"})
	if err != nil {
		t.Fatalf("creating the dashboard's registry %s/%s: %v", namespace, name, err)
	}
	t.Cleanup(func() { _ = registries.Delete(context.Background(), name, metav1.DeleteOptions{}) })
	waitRegistryReady(t, namespace, name)
	return dsDashboardRegistry{name: name, namespace: namespace, secretName: secret.Name, uid: string(created.GetUID())}
}

func waitRegistryReady(t *testing.T, namespace, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		obj, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, namespace, name)
		if err == nil && registry.ParseModelRegistry(obj).Ready() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("registry %s/%s did not become ready", namespace, name)
}

// testAccSetUp is the PreCheck of a test that makes objects before
// resource.Test runs: it skips without TF_ACC, as resource.Test does, and
// fails when TF_ACC is set but the cluster is not running.
func testAccSetUp(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	acctest.PreCheck(t)
}

// wrappedText matches text in an error message that Terraform may have wrapped at any space.
func wrappedText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// createTestNamespace makes a namespace of its own for a test that counts registries.
func createTestNamespace(t *testing.T, prefix string) string {
	t.Helper()
	name := prefix + "-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
	namespaces := acctest.Cluster.Typed.CoreV1().Namespaces()
	if _, err := namespaces.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	// Without a namespace controller the namespace stays Terminating; its objects are deleted one by one.
	t.Cleanup(func() { _ = namespaces.Delete(context.Background(), name, metav1.DeleteOptions{}) })
	return name
}

func TestAccModelRegistryDataSource_dashboardRegistry(t *testing.T) {
	testAccSetUp(t)
	pem := testCA(t)
	uploaded := makeDashboardRegistry(t, testNamespace, testRegistryName("dsdash"), "Dashboard models", "Made in the dashboard",
		dsDashboardCA{pem: pem})
	secretCA := makeDashboardRegistry(t, testNamespace, testRegistryName("dssecret"), "Secret CA models", "",
		dsDashboardCA{secret: &registry.KeyRef{Name: "db-ca", Key: "ca.pem"}})
	bundle := makeDashboardRegistry(t, testNamespace, testRegistryName("dsbundle"), "Bundle models", "",
		dsDashboardCA{configMap: &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleOpenShiftKey}})

	address := "data.openshiftai_model_registry.uploaded"
	attr := func(path ...string) tfjsonpath.Path {
		p := tfjsonpath.New(path[0])
		for _, step := range path[1:] {
			p = p.AtMapKey(step)
		}
		return p
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
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
`, uploaded.name, secretCA.name, bundle.name, testNamespace),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, attr("id"), knownvalue.StringExact(testNamespace+"/"+uploaded.name)),
				statecheck.ExpectKnownValue(address, attr("namespace"), knownvalue.StringExact(testNamespace)),
				statecheck.ExpectKnownValue(address, attr("name"), knownvalue.StringExact("Dashboard models")),
				statecheck.ExpectKnownValue(address, attr("description"), knownvalue.StringExact("Made in the dashboard")),
				statecheck.ExpectKnownValue(address, attr("uid"), knownvalue.StringExact(uploaded.uid)),
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
						"name": knownvalue.StringExact(uploaded.secretName),
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
				// The operator lists the proxy's Route host first.
				statecheck.ExpectKnownValue(address, attr("endpoints"), knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.StringExact(uploaded.name + "-rest." + controlplane.AppsDomain),
					1: knownvalue.StringExact(uploaded.name + "." + testNamespace + ".svc.cluster.local"),
				})),

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
	name := testRegistryName("dsprov")
	pem := testCA(t)
	config := registryConfig(name, "Provider models", fmt.Sprintf("ca_certificate { pem = %q }", pem)) + `
data "openshiftai_model_registry" "test" {
  resource_name = openshiftai_model_registry.test.resource_name
}
`
	const data, managed = "data.openshiftai_model_registry.test", "openshiftai_model_registry.test"
	var pairs []resource.TestCheckFunc
	for _, attribute := range []string{
		"id", "namespace", "resource_name", "name", "description", "uid", "ready", "status.reason", "status.message",
		"endpoints.#", "endpoints.0", "database.host", "database.port", "database.username", "database.database",
		"database.skip_database_creation", "ca_certificate.pem",
	} {
		pairs = append(pairs, resource.TestCheckResourceAttrPair(data, attribute, managed, attribute))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: testFactories,
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
	testAccSetUp(t)
	namespace := createTestNamespace(t, "dsmissing")
	empty := createTestNamespace(t, "dsempty")
	first := makeDashboardRegistry(t, namespace, testRegistryName("alpha"), "Fraud detection", "", dsDashboardCA{})
	second := makeDashboardRegistry(t, namespace, testRegistryName("beta"), "Churn", "", dsDashboardCA{})

	lookup := func(name, namespace string) string {
		return fmt.Sprintf(`
data "openshiftai_model_registry" "missing" {
  resource_name = %[1]q
  namespace     = %[2]q
}
`, name, namespace)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: lookup("nope", namespace),
				ExpectError: wrappedText(fmt.Sprintf(
					`There is no model registry "nope" in namespace %[1]q. The registries in namespace %[1]q are: %[2]q, %[3]q.`,
					namespace, first.name, second.name)),
			},
			{
				// The display name is not the registry's name; the error says which registry has it.
				Config:      lookup("Churn", namespace),
				ExpectError: wrappedText(fmt.Sprintf(`"Churn" is the display name of registry %q`, second.name)),
			},
			{
				Config:      lookup("nope", empty),
				ExpectError: wrappedText(fmt.Sprintf(`Namespace %q has no model registries.`, empty)),
			},
		},
	})
}

// The data source's database and ca_certificate plug into the resource: a
// registry copied from a dashboard registry reuses its password Secret and CA.
func TestAccModelRegistryDataSource_copyIntoResource(t *testing.T) {
	testAccSetUp(t)
	pem := testCA(t)
	dash := makeDashboardRegistry(t, testNamespace, testRegistryName("dssource"), "Source", "", dsDashboardCA{pem: pem})
	copyName := testRegistryName("dscopy")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
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
`, dash.name, copyName),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "name", "Source (copy)"),
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "ca_certificate.pem", pem),
				resource.TestCheckResourceAttr("openshiftai_model_registry.copy", "ca_config_map_name", registry.CAConfigMapName(copyName)),
				checkRegistryOnCluster(t, copyName, map[string]any{
					"spec.mysql.host":                "mysql.dashboard.svc.cluster.local",
					"spec.mysql.port":                3307,
					"spec.mysql.database":            "models_copy",
					"spec.mysql.passwordSecret.name": dash.secretName,
				}),
			),
		}},
	})
}

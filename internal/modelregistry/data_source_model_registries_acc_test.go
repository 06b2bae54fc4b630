package modelregistry_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The list holds registries made by the provider and in the dashboard alike,
// in name order, and name_prefix narrows it.
func TestAccModelRegistriesDataSource(t *testing.T) {
	acctest.PreCheck(t)
	namespace := acctest.CreateNamespace(t, "dslist")
	// Names sort as listed: a-dash, b-prov, c-dash, then other-dash outside the prefix.
	suffix := acctest.RegistryName("")
	dashA := acctest.MakeDashboardRegistry(t, namespace, "a-dash"+suffix, "Dashboard A", "Uploaded CA", acctest.DashboardCA{PEM: acctest.CA(t)})
	dashC := acctest.MakeDashboardRegistry(t, namespace, "c-dash"+suffix, "Dashboard C", "",
		acctest.DashboardCA{ConfigMap: &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleClusterKey}})
	other := acctest.MakeDashboardRegistry(t, namespace, "other-dash"+suffix, "Other", "", acctest.DashboardCA{})
	// A registry as made before the auth proxy was always sent: the list tells it apart. An
	// operator that forces the proxy (v0.3.14) puts it back, and the list says so.
	if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Patch(context.Background(),
		other.Name, k8stypes.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	provName := "b-prov" + suffix
	if acctest.Cluster.StandIn != nil {
		// The operator's webhook admits registries in the registries namespace only.
		acctest.Cluster.StandIn.AllowElsewhere(namespace, provName)
	}
	caSecret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db-ca", Namespace: namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"ca.pem": acctest.CA(t)},
	}
	if _, err := acctest.Cluster.Typed.CoreV1().Secrets(namespace).Create(context.Background(), caSecret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Typed.CoreV1().Secrets(namespace).Delete(context.Background(), caSecret.Name, metav1.DeleteOptions{})
	})

	config := fmt.Sprintf(`
resource "openshiftai_model_registry" "b" {
  name          = "Provider B"
  resource_name = %[1]q
  namespace     = %[2]q
  database {
    host                = "mysql.provider.svc"
    port                = 3308
    username            = "provuser"
    database            = "provdb"
    password_wo         = "s3cret"
    password_wo_version = 1
  }
  ca_certificate {
    secret {
      name = "db-ca"
      key  = "ca.pem"
    }
  }
}

data "openshiftai_model_registries" "all" {
  namespace  = %[2]q
  depends_on = [openshiftai_model_registry.b]
}

data "openshiftai_model_registries" "prefixed" {
  namespace   = %[2]q
  name_prefix = "other-"
  depends_on  = [openshiftai_model_registry.b]
}

data "openshiftai_model_registries" "none" {
  namespace   = %[2]q
  name_prefix = "nothing-"
}
`, provName, namespace)

	ref := func(name, key string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact(name), "key": knownvalue.StringExact(key)})
	}
	database := func(host string, port int64, username, db string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"type": knownvalue.StringExact("mysql"), "host": knownvalue.StringExact(host), "host_address": knownvalue.Null(),
			"port": knownvalue.Int64Exact(port), "username": knownvalue.StringExact(username), "database": knownvalue.StringExact(db),
		})
	}
	dashboardDB := database("mysql.dashboard.svc.cluster.local", 3307, "mruser", "models")
	endpoints := func(proxy bool, name, namespace string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, host := range acctest.Hosts(name, namespace, proxy) {
			checks = append(checks, knownvalue.StringExact(host))
		}
		return knownvalue.ListExact(checks)
	}
	// The REST URL is the first external host: the gateway's in gateway mode, else the Route's.
	restURL := func(proxy bool, name string) knownvalue.Check {
		if hosts := acctest.Hosts(name, namespace, proxy); hosts[0] != registry.InClusterHosts(name, namespace)[0] {
			return knownvalue.StringExact("https://" + hosts[0])
		}
		return knownvalue.Null()
	}
	entryWithProxy := func(proxy bool, name, display string, description knownvalue.Check, db knownvalue.Check, caSource string, caRef knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"resource_name":    knownvalue.StringExact(name),
			"name":             knownvalue.StringExact(display),
			"description":      description,
			"database":         db,
			"database_type":    knownvalue.StringExact("mysql"),
			"default_database": knownvalue.Bool(false),
			"ca_source":        knownvalue.StringExact(caSource),
			"ca_reference":     caRef,
			"ready":            knownvalue.Bool(true),
			"kube_rbac_proxy":  knownvalue.Bool(proxy),
			"endpoints":        endpoints(proxy, name, namespace),
			"rest_url":         restURL(proxy, name),
		})
	}
	entry := func(name, display string, description knownvalue.Check, db knownvalue.Check, caSource string, caRef knownvalue.Check) knownvalue.Check {
		return entryWithProxy(true, name, display, description, db, caSource, caRef)
	}
	otherEntry := entryWithProxy(acctest.Generation().ForcesProxy(), other.Name, "Other", knownvalue.Null(), dashboardDB, "", knownvalue.Null())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("id"), knownvalue.StringExact(namespace)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("registries"), knownvalue.ListExact([]knownvalue.Check{
					entry(dashA.Name, "Dashboard A", knownvalue.StringExact("Uploaded CA"), dashboardDB, "pem", ref(registry.CAConfigMapName(dashA.Name), "ca.crt")),
					entry(provName, "Provider B", knownvalue.Null(), database("mysql.provider.svc", 3308, "provuser", "provdb"), "secret", ref("db-ca", "ca.pem")),
					entry(dashC.Name, "Dashboard C", knownvalue.Null(), dashboardDB, "cluster_bundle", ref("odh-trusted-ca-bundle", "ca-bundle.crt")),
					otherEntry,
				})),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.prefixed", tfjsonpath.New("registries"), knownvalue.ListExact([]knownvalue.Check{otherEntry})),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.none", tfjsonpath.New("registries"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// Without namespace the provider's registries namespace is listed.
func TestAccModelRegistriesDataSource_defaultNamespace(t *testing.T) {
	acctest.PreCheck(t)
	dash := acctest.MakeDashboardRegistry(t, acctest.Namespace, acctest.RegistryName("dsdefault"), "Default namespace", "", acctest.DashboardCA{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "openshiftai_model_registries" "default" {
  name_prefix = %q
}
`, dash.Name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.default", tfjsonpath.New("namespace"), knownvalue.StringExact(acctest.Namespace)),
				statecheck.ExpectKnownValue("data.openshiftai_model_registries.default", tfjsonpath.New("registries"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"resource_name": knownvalue.StringExact(dash.Name),
						"name":          knownvalue.StringExact("Default namespace"),
					}),
				})),
			},
		}},
	})
}

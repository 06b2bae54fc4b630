package acceptance_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The rules a provider identity needs are in examples/rbac, which the
// permissions guide shows; these tests run the provider as an identity that
// holds exactly those rules, and as identities that lack one of them.

func readRBAC(t *testing.T, file string, into any) {
	t.Helper()
	f, err := os.Open("../../examples/rbac/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := yaml.NewYAMLOrJSONDecoder(f, 4096).Decode(into); err != nil {
		t.Fatalf("examples/rbac/%s: %v", file, err)
	}
}

func providerRules(t *testing.T) (clusterRules, namespaceRules []rbacv1.PolicyRule) {
	t.Helper()
	var clusterRole rbacv1.ClusterRole
	var role rbacv1.Role
	readRBAC(t, "provider-clusterrole.yaml", &clusterRole)
	readRBAC(t, "provider-role.yaml", &role)
	if role.Namespace != acctest.Namespace {
		t.Fatalf("examples/rbac/provider-role.yaml is for namespace %q, the tests use %q", role.Namespace, acctest.Namespace)
	}
	return clusterRole.Rules, role.Rules
}

// grantedKubeconfig makes user hold exactly the rules given, cluster-wide and
// in the registries namespace, and returns a kubeconfig that authenticates as user.
func grantedKubeconfig(t *testing.T, user string, clusterRules, namespaceRules []rbacv1.PolicyRule) string {
	t.Helper()
	ctx := context.Background()
	rbac := acctest.Cluster.Typed.RbacV1()
	subject := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}}
	meta := metav1.ObjectMeta{Name: user}
	if _, err := rbac.ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: meta, Rules: clusterRules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: meta, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: user}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	namespaced := metav1.ObjectMeta{Name: user, Namespace: acctest.Namespace}
	if _, err := rbac.Roles(acctest.Namespace).Create(ctx, &rbacv1.Role{ObjectMeta: namespaced, Rules: namespaceRules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.RoleBindings(acctest.Namespace).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: namespaced, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: user}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = rbac.RoleBindings(acctest.Namespace).Delete(ctx, user, metav1.DeleteOptions{})
		_ = rbac.Roles(acctest.Namespace).Delete(ctx, user, metav1.DeleteOptions{})
		_ = rbac.ClusterRoleBindings().Delete(ctx, user, metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(ctx, user, metav1.DeleteOptions{})
	})
	kubeconfig, err := acctest.Cluster.ControlPlane.UserKubeconfig(user)
	if err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

// leastPrivilegeConfig is every path of the provider: two registries (a PEM
// CA and a ConfigMap CA), permissions for a user, a group and a project, and
// with dataSources the three data sources.
func leastPrivilegeConfig(kubeconfig, name, caConfigMap, description string, dataSources bool) string {
	config := fmt.Sprintf(`
provider "openshiftai" {
  config_path = %[1]q
}

resource "openshiftai_model_registry" "pem" {
  name          = "Least privilege PEM"
  resource_name = "%[2]s-pem"
  description   = %[4]q
  database {
    host                = "mysql.db.svc.cluster.local"
    username            = "mruser"
    database            = "model_registry"
    password_wo         = "least-privilege"
    password_wo_version = 1
  }
  ca_certificate { pem = %[5]q }
}

resource "openshiftai_model_registry" "config_map" {
  name          = "Least privilege ConfigMap"
  resource_name = "%[2]s-cm"
  description   = %[4]q
  database {
    host                = "mysql.db.svc.cluster.local"
    username            = "mruser"
    database            = "model_registry"
    password_wo         = "least-privilege"
    password_wo_version = 1
  }
  ca_certificate {
    config_map {
      name = %[3]q
      key  = "ca.crt"
    }
  }
}

resource "openshiftai_model_registry_permission" "user" {
  registry = openshiftai_model_registry.pem.resource_name
  user     = "alice"
}

resource "openshiftai_model_registry_permission" "group" {
  registry = openshiftai_model_registry.pem.resource_name
  group    = "data-scientists"
}

resource "openshiftai_model_registry_permission" "project" {
  registry = openshiftai_model_registry.config_map.resource_name
  project  = "team-a"
}
`, kubeconfig, name, caConfigMap, description, leastPrivilegeCA)
	if dataSources {
		config += `
data "openshiftai_model_registries" "all" {
  name_prefix = openshiftai_model_registry.pem.resource_name
}

data "openshiftai_model_registry" "config_map" {
  resource_name = openshiftai_model_registry.config_map.resource_name
}

data "openshiftai_model_registry_permissions" "pem" {
  registry   = openshiftai_model_registry.pem.resource_name
  depends_on = [openshiftai_model_registry_permission.user, openshiftai_model_registry_permission.group]
}
`
	}
	return config
}

// leastPrivilegeCA is set once per test binary: a PEM CA valid now.
var leastPrivilegeCA string

func TestAccLeastPrivilege_rulesSuffice(t *testing.T) {
	acctest.PreCheck(t)
	leastPrivilegeCA = acctest.CA(t)
	clusterRules, namespaceRules := providerRules(t)
	kubeconfig := grantedKubeconfig(t, "terraform-provider", clusterRules, namespaceRules)
	name := acctest.RegistryName("lp")
	caConfigMap := name + "-ca"
	acctest.CreateConfigMap(t, caConfigMap, map[string]string{"ca.crt": leastPrivilegeCA})
	pemName, cmName := name+"-pem", name+"-cm"
	userBinding := registry.Permission{Registry: pemName, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: leastPrivilegeConfig(kubeconfig, name, caConfigMap, "first", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.pem", tfjsonpath.New("ready"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("openshiftai_model_registry.config_map", tfjsonpath.New("ready"), knownvalue.Bool(true)),
					// Found through the DataScienceCluster, which the identity may list.
					statecheck.ExpectKnownValue("openshiftai_model_registry.pem", tfjsonpath.New("namespace"), knownvalue.StringExact(acctest.Namespace)),
				},
				Check: func(*terraform.State) error {
					checkOwnedObjects(t, pemName)
					return nil
				},
			},
			{
				Config: leastPrivilegeConfig(kubeconfig, name, caConfigMap, "second", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openshiftai_model_registries.all", tfjsonpath.New("registries"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("data.openshiftai_model_registry.config_map", tfjsonpath.New("description"), knownvalue.StringExact("second")),
					// The user's and the group's, and the operator's own binding of its group.
					statecheck.ExpectKnownValue("data.openshiftai_model_registry_permissions.pem", tfjsonpath.New("permissions"), knownvalue.ListSizeExact(3)),
				},
			},
			{
				Config:                  leastPrivilegeConfig(kubeconfig, name, caConfigMap, "second", true),
				ResourceName:            "openshiftai_model_registry.config_map",
				ImportState:             true,
				ImportStateId:           cmName,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:            leastPrivilegeConfig(kubeconfig, name, caConfigMap, "second", true),
				ResourceName:      "openshiftai_model_registry_permission.user",
				ImportState:       true,
				ImportStateId:     acctest.Namespace + "/" + userBinding,
				ImportStateVerify: true,
			},
			{
				Config:                  leastPrivilegeConfig(kubeconfig, name, caConfigMap, "second", true),
				ResourceName:            "openshiftai_model_registry_permission.group",
				ImportState:             true,
				ImportStateId:           acctest.Namespace + "/" + pemName + "/group/data-scientists",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			checkNoObjects(t, pemName)
			checkNoObjects(t, cmName)
			return nil
		},
	})
}

// without returns rules without the rule for resource in group, or without
// only verb of it when verb is not empty.
func without(t *testing.T, rules []rbacv1.PolicyRule, group, resource, verb string) []rbacv1.PolicyRule {
	t.Helper()
	var out []rbacv1.PolicyRule
	found := false
	for _, rule := range rules {
		rule = *rule.DeepCopy()
		if slices.Contains(rule.APIGroups, group) && slices.Contains(rule.Resources, resource) {
			found = true
			switch {
			case verb != "":
				rule.Verbs = slices.DeleteFunc(rule.Verbs, func(v string) bool { return v == verb })
			case len(rule.Resources) > 1:
				rule.Resources = slices.DeleteFunc(rule.Resources, func(r string) bool { return r == resource })
			default:
				continue
			}
		}
		out = append(out, rule)
	}
	if !found {
		t.Fatalf("the rules in examples/rbac have no rule for %s.%s", resource, group)
	}
	return out
}

// TestAccLeastPrivilege_eachRuleIsNeeded takes one rule or verb away at a time
// and shows a path of the provider that then fails, or, for the rules the
// guide calls optional, that everything still works.
func TestAccLeastPrivilege_eachRuleIsNeeded(t *testing.T) {
	acctest.PreCheck(t)
	if leastPrivilegeCA == "" {
		leastPrivilegeCA = acctest.CA(t)
	}
	clusterRules, namespaceRules := providerRules(t)
	const (
		mr   = "modelregistry.opendatahub.io"
		rbac = "rbac.authorization.k8s.io"
	)
	type removal struct {
		cluster          bool
		group, res, verb string
		step             string // create, destroy or permissions-data-source
		want             string // the error; empty for an optional rule
	}
	removals := map[string]removal{
		"list modelregistries cluster-wide": {cluster: true, group: mr, res: "modelregistries", step: "create",
			want: `may not access modelregistries.modelregistry.opendatahub.io`},
		"modelregistries in the namespace": {group: mr, res: "modelregistries", step: "create",
			want: `may not access modelregistries.modelregistry.opendatahub.io`},
		"delete modelregistries": {group: mr, res: "modelregistries", verb: "delete", step: "destroy",
			want: `Cannot delete the model registry`},
		"secrets": {group: "", res: "secrets", step: "create", want: `may not access secrets`},
		// The rule grants create on Secrets and ConfigMaps alike: the ConfigMap's dry run,
		// before the Secret is written, is the first to be refused.
		"create secrets": {group: "", res: "secrets", verb: "create", step: "create",
			want: `may not access (secrets|configmaps)`},
		"configmaps": {group: "", res: "configmaps", step: "create", want: `may not access configmaps`},
		"rolebindings": {group: rbac, res: "rolebindings", step: "permission",
			want: `Not allowed to write the permission's RoleBinding`},
		"list rolebindings": {group: rbac, res: "rolebindings", verb: "list", step: "permissions-data-source",
			want: `may not access rolebindings`},
		"bind registry-user roles": {group: rbac, res: "roles", step: "permission",
			want: `Not allowed to grant access to the model registry.*resourceNames`},
		// Optional: the provider warns or stays silent and carries on.
		"list datascienceclusters (optional)": {cluster: true, group: "datasciencecluster.opendatahub.io", res: "datascienceclusters", step: "permission"},
		"get groups (optional)":               {cluster: true, group: "user.openshift.io", res: "groups", step: "permission"},
		"get namespaces (optional)":           {cluster: true, group: "", res: "namespaces", step: "permission"},
		// Without watch the wait for readiness reads the registry until it is ready.
		"watch modelregistries (optional)": {group: mr, res: "modelregistries", verb: "watch", step: "create"},
	}
	for what, r := range removals {
		t.Run(what, func(t *testing.T) {
			cluster, namespaced := clusterRules, namespaceRules
			if r.cluster {
				cluster = without(t, cluster, r.group, r.res, r.verb)
			} else {
				namespaced = without(t, namespaced, r.group, r.res, r.verb)
			}
			user := "terraform-provider-without-" + strings.Trim(regexp.MustCompile(`[^a-z]+`).ReplaceAllString(what, "-"), "-")
			kubeconfig := grantedKubeconfig(t, user, cluster, namespaced)
			name := acctest.RegistryName("lpx")
			reduced := fmt.Sprintf("provider \"openshiftai\" {\n  config_path = %q\n}\n", kubeconfig)
			registryConfig := fmt.Sprintf(`
resource "openshiftai_model_registry" "r" {
  name          = "Least privilege"
  resource_name = %q
  database {
    host                = "mysql.db.svc.cluster.local"
    username            = "mruser"
    database            = "model_registry"
    password_wo         = "least-privilege"
    password_wo_version = 1
  }
  ca_certificate { pem = %q }
}
`, name, leastPrivilegeCA)
			var expectError *regexp.Regexp
			if r.want != "" {
				expectError = regexp.MustCompile(`(?s)` + strings.ReplaceAll(r.want, " ", `\s+`))
			}
			// adminRegistry makes the registry as the admin: test cases that share
			// the in-process provider server cannot use a second provider configuration.
			adminRegistry := func() {
				t.Helper()
				desired := registry.Registry{Name: name, Namespace: acctest.Namespace, DisplayName: "Least privilege",
					Database: registry.Database{Host: "mysql.db.svc.cluster.local", Port: 3306, Database: "d", Username: "u",
						PasswordSecret: registry.KeyRef{Name: "unused", Key: "password"}}}
				if _, err := acctest.Cluster.Client.Apply(context.Background(), desired.ModelRegistry(), kube.ApplyOptions{}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, acctest.Namespace, name, "")
					checkNoObjects(t, name)
				})
				// The permission needs the operator's Role registry-user-<name>.
				for range 100 {
					if _, err := acctest.Cluster.Typed.RbacV1().Roles(acctest.Namespace).Get(context.Background(), registry.UserRoleName(name), metav1.GetOptions{}); err == nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
				t.Fatalf("the stand-in made no Role %s", registry.UserRoleName(name))
			}
			var steps []resource.TestStep
			switch r.step {
			case "create":
				step := resource.TestStep{Config: reduced + registryConfig, ExpectError: expectError}
				if expectError == nil {
					step.ConfigStateChecks = []statecheck.StateCheck{
						statecheck.ExpectKnownValue("openshiftai_model_registry.r", tfjsonpath.New("ready"), knownvalue.Bool(true)),
					}
				}
				steps = []resource.TestStep{step}
			case "destroy":
				steps = []resource.TestStep{
					{Config: reduced + registryConfig},
					{Config: reduced + registryConfig, Destroy: true, ExpectError: expectError},
					{
						// Given the rule back, the identity cleans up after itself.
						PreConfig: func() {
							role, err := acctest.Cluster.Typed.RbacV1().Roles(acctest.Namespace).Get(context.Background(), user, metav1.GetOptions{})
							if err != nil {
								t.Fatal(err)
							}
							role.Rules = namespaceRules
							if _, err := acctest.Cluster.Typed.RbacV1().Roles(acctest.Namespace).Update(context.Background(), role, metav1.UpdateOptions{}); err != nil {
								t.Fatal(err)
							}
						},
						Config: reduced + registryConfig,
					},
				}
			case "permission":
				steps = []resource.TestStep{{PreConfig: adminRegistry, Config: reduced + fmt.Sprintf(`
resource "openshiftai_model_registry_permission" "p" {
  registry = %q
  group    = "data-scientists"
}
`, name), ExpectError: expectError}}
			case "permissions-data-source":
				steps = []resource.TestStep{{PreConfig: adminRegistry, Config: reduced + fmt.Sprintf(`
data "openshiftai_model_registry_permissions" "p" {
  registry = %q
}
`, name), ExpectError: expectError}}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps:                    steps,
			})
			if r.step == "create" || r.step == "destroy" {
				checkNoObjects(t, name)
			}
		})
	}
}

// TestAccLeastPrivilege_tls: the API server's certificate is verified unless
// insecure = true, which warns.
func TestAccLeastPrivilege_tls(t *testing.T) {
	acctest.PreCheck(t)
	// Only the provider block configures the connection: no CA from a kubeconfig.
	t.Setenv("KUBE_CONFIG_PATH", "")
	kubeconfigPath, err := acctest.Cluster.ControlPlane.UserKubeconfig("terraform-provider-tls", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := clientcmd.LoadFromFile(kubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	auth := kubeconfig.AuthInfos[kubeconfig.Contexts[kubeconfig.CurrentContext].AuthInfo]
	host := kubeconfig.Clusters[kubeconfig.Contexts[kubeconfig.CurrentContext].Cluster].Server
	providerBlock := func(tls string) string {
		return fmt.Sprintf(`
provider "openshiftai" {
  host                 = %q
  client_certificate   = %q
  client_key           = %q
  registries_namespace = %q
  %s
}
`, host, auth.ClientCertificateData, auth.ClientKeyData, acctest.Namespace, tls)
	}
	permission := `
resource "openshiftai_model_registry_permission" "p" {
  registry = "tls-check"
  user     = "alice"
}
`
	// Without a CA the server's certificate cannot be verified: the apply fails.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      providerBlock("") + permission,
			ExpectError: regexp.MustCompile(`(?s)x509:\s+certificate\s+signed\s+by\s+unknown\s+authority`),
		}},
	})

	// insecure = true connects and says it is insecure: the warning needs the real terraform to be seen.
	tf := newTerraformRun(t, buildProvider(t), "KUBE_CONFIG_PATH=")
	tf.writeConfig(providerBlock("insecure = true") + `
data "openshiftai_model_registries" "all" {}
`)
	out := tf.run("plan", "-no-color")
	if !regexp.MustCompile(`(?s)Warning: TLS verification of the API server is off`).MatchString(out) {
		t.Errorf("insecure = true plans without the warning:\n%s", out)
	}
}

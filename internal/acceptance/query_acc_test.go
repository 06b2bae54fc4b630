package acceptance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// dashboardFleet is what the query tests adopt: registries made in the
// dashboard (one with an uploaded CA, one with a cluster bundle, one without),
// a permission on each, and users an administrator added to one Group.
type dashboardFleet struct {
	namespace  string
	registries []acctest.DashboardRegistry
	bindings   []string
	groupOf    string
}

func makeDashboardFleet(t *testing.T, prefix string) dashboardFleet {
	t.Helper()
	fleet := dashboardFleet{namespace: acctest.CreateNamespace(t, prefix)}
	cas := []acctest.DashboardCA{
		{PEM: acctest.CA(t)},
		{ConfigMap: &registry.KeyRef{Name: registry.TrustedCABundleConfigMap, Key: registry.TrustedCABundleOpenShiftKey}},
		{},
	}
	for i, ca := range cas {
		name := acctest.RegistryName(fmt.Sprintf("%s%d", prefix, i))
		made := acctest.MakeDashboardRegistry(t, fleet.namespace, name, fmt.Sprintf("Team %d models", i), "", ca)
		fleet.registries = append(fleet.registries, made)
		subject := rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: fmt.Sprintf("user-%d", i)}
		createDashboardBindingIn(t, fleet.namespace, name, types.UID(made.UID), subject, false)
	}
	for _, b := range listBindings(t, fleet.namespace) {
		if b.Labels[registry.LabelDashboard] == "true" {
			fleet.bindings = append(fleet.bindings, b.Name)
		}
	}
	fleet.groupOf = fleet.registries[0].Name
	addGroupUsers(t, fleet.groupOf, "alice", "bob")
	return fleet
}

func listBindings(t *testing.T, namespace string) []rbacv1.RoleBinding {
	t.Helper()
	list, err := acctest.Cluster.Typed.RbacV1().RoleBindings(namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// addGroupUsers adds users to the registry's Group in OpenShift, as an administrator does.
func addGroupUsers(t *testing.T, registryName string, users ...string) {
	t.Helper()
	groups := acctest.Cluster.Dynamic.Resource(registry.OpenShiftGroupResource)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		group, err := groups.Get(context.Background(), registry.UsersGroupName(registryName), metav1.GetOptions{})
		if err == nil {
			if err := unstructured.SetNestedStringSlice(group.Object, users, "users"); err != nil {
				t.Fatal(err)
			}
			if _, err = groups.Update(context.Background(), group, metav1.UpdateOptions{FieldManager: "oc"}); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("adding users to Group %s: %v", registry.UsersGroupName(registryName), err)
		}
	}
}

// registryIdentityCheck is the identity a query result of a registry-scoped resource has.
func identityCheck(namespace, key, value string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"namespace": knownvalue.StringExact(namespace), key: knownvalue.StringExact(value)}
}

// terraform query lists, with identities, the registries, permissions, permission
// lists and group members made in the dashboard, and filters them by who made
// them: a registry this provider made shows only under made_by = "provider";
// the operator's own binding never shows.
func TestAccQuery_dashboardMadeObjects(t *testing.T) {
	acctest.PreCheck(t)
	skipBelowTerraform1_14(t, "terraform query")
	fleet := makeDashboardFleet(t, "query")
	ns := fleet.namespace
	mine := acctest.RegistryName("querymine")
	if acctest.Cluster.StandIn != nil {
		acctest.Cluster.StandIn.AllowElsewhere(ns, mine)
	}
	provider := fmt.Sprintf("provider \"openshiftai\" {\n  registries_namespace = %q\n}\n", ns)
	mineConfig := provider + acctest.Registry{Name: "Made by Terraform", ResourceName: mine, Database: acctest.RegistryDatabase}.HCL()
	var queryChecks []querycheck.QueryResultCheck
	for _, r := range fleet.registries {
		queryChecks = append(queryChecks,
			querycheck.ExpectIdentity("openshiftai_model_registry.dashboard", identityCheck(ns, "name", r.Name)),
			querycheck.ExpectIdentity("openshiftai_model_registry_permissions.all", identityCheck(ns, "registry", r.Name)))
	}
	for _, b := range fleet.bindings {
		queryChecks = append(queryChecks, querycheck.ExpectIdentity("openshiftai_model_registry_permission.all", identityCheck(ns, "name", b)))
	}
	queryChecks = append(queryChecks,
		querycheck.ExpectLength("openshiftai_model_registry.dashboard", len(fleet.registries)),
		querycheck.ExpectLength("openshiftai_model_registry.mine", 1),
		querycheck.ExpectIdentity("openshiftai_model_registry.mine", identityCheck(ns, "name", mine)),
		querycheck.ExpectLength("openshiftai_model_registry.all", len(fleet.registries)+1),
		querycheck.ExpectLength("openshiftai_model_registry_permission.all", len(fleet.bindings)),
		querycheck.ExpectLength("openshiftai_model_registry_permissions.all", len(fleet.registries)),
		querycheck.ExpectLength("openshiftai_model_registry_group_members.all", 1),
		querycheck.ExpectIdentity("openshiftai_model_registry_group_members.all", identityCheck(ns, "registry", fleet.groupOf)),
	)
	list := func(resourceType, label, config string) string {
		return fmt.Sprintf("list %q %q {\n  provider = openshiftai\n  config {\n%s\n  }\n}\n", resourceType, label, config)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_14, "terraform query")},
		Steps: []resource.TestStep{
			{Config: mineConfig},
			{
				// The query runs beside the first step's configuration, whose provider block it uses.
				Query: true,
				Config: list("openshiftai_model_registry", "dashboard", `    made_by = "dashboard"`) +
					list("openshiftai_model_registry", "mine", `    made_by = "provider"`) +
					list("openshiftai_model_registry", "all", fmt.Sprintf("    namespace = %q", ns)) +
					list("openshiftai_model_registry_permission", "all", "") +
					list("openshiftai_model_registry_permissions", "all", "") +
					list("openshiftai_model_registry_group_members", "all", ""),
				QueryResultChecks: queryChecks,
			},
		},
	})
}

// The first day with Terraform 1.14 and later: terraform query
// -generate-config-out over a namespace of dashboard-made registries (each
// CA choice), their permissions and group members writes configuration and
// import blocks that apply as imports only, with an empty plan after. No
// password or token is written into it: each registry refers to the password
// Secret the dashboard made.
func TestAccQuery_generateConfigAdoptsTheDashboard(t *testing.T) {
	acctest.PreCheck(t)
	skipBelowTerraform1_14(t, "terraform query")
	tf := newTerraformRun(t, buildProvider(t), "KUBE_CONFIG_PATH="+acctest.Cluster.ControlPlane.KubeconfigPath)
	fleet := makeDashboardFleet(t, "adopt")
	tf.writeConfig(fmt.Sprintf("provider \"openshiftai\" {\n  registries_namespace = %q\n}\n", fleet.namespace))
	query := ""
	for _, resourceType := range []string{"openshiftai_model_registry", "openshiftai_model_registry_permission", "openshiftai_model_registry_group_members"} {
		query += fmt.Sprintf("list %q \"dashboard\" {\n  provider = openshiftai\n  include_resource = true\n  config {\n    made_by = \"dashboard\"\n  }\n}\n", resourceType)
	}
	if err := os.WriteFile(filepath.Join(tf.dir, "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	tf.run("init", "-no-color")
	tf.run("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cret"} {
		if regexp.MustCompile(`"` + secret + `"`).Match(generated) {
			t.Errorf("the generated configuration holds the password %q:\n%s", secret, generated)
		}
	}
	for _, r := range fleet.registries {
		if !strings.Contains(string(generated), fmt.Sprintf("%q", r.SecretName)) {
			t.Errorf("the generated configuration does not refer to registry %s's password Secret %s:\n%s", r.Name, r.SecretName, generated)
		}
	}
	if err := os.Remove(filepath.Join(tf.dir, "adopt.tfquery.hcl")); err != nil {
		t.Fatal(err)
	}
	tf.run("plan", "-no-color", "-out=adopt.tfplan")
	var plan tfjson.Plan
	if err := json.Unmarshal([]byte(tf.run("show", "-json", "adopt.tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	if err := checkImported(&plan, map[string]int{
		"openshiftai_model_registry":               len(fleet.registries),
		"openshiftai_model_registry_permission":    len(fleet.bindings),
		"openshiftai_model_registry_group_members": 1,
	}); err != nil {
		t.Fatalf("%v\ngenerated configuration:\n%s", err, generated)
	}
	tf.run("apply", "-no-color", "adopt.tfplan")
	if out, err := tf.try("plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after the apply is not empty (%v):\n%s", err, out)
	}
	for _, r := range fleet.registries {
		obj, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, fleet.namespace, r.Name)
		if err != nil {
			t.Fatal(err)
		}
		if string(obj.GetUID()) != r.UID {
			t.Errorf("registry %s has UID %s after the adoption, %s before", r.Name, obj.GetUID(), r.UID)
		}
	}
}

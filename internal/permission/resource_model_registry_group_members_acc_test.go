package permission_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/faultproxy"
)

const membersAddress = "openshiftai_model_registry_group_members.team"

func membersConfig(users ...string) string {
	return fmt.Sprintf(`
resource "openshiftai_model_registry_group_members" "team" {
  registry = openshiftai_model_registry.r.resource_name
  users    = %s
}
`, hclSet(users...))
}

func getGroup(t *testing.T, registryName string) *unstructured.Unstructured {
	t.Helper()
	group, err := acctest.Cluster.Dynamic.Resource(registry.OpenShiftGroupResource).Get(context.Background(),
		registry.UsersGroupName(registryName), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading Group %s: %v", registry.UsersGroupName(registryName), err)
	}
	return group
}

// expectGroupUsers checks the users of the registry's Group, and that the
// Group is still the one the operator made (same UID, the operator's labels).
func expectGroupUsers(t *testing.T, registryName string, uid *types.UID, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		group := getGroup(t, registryName)
		if got := registry.GroupUsers(group); !slices.Equal(got, registry.SortedUnique(want)) {
			return fmt.Errorf("Group %s has users %v; want %v", group.GetName(), got, registry.SortedUnique(want))
		}
		if !registry.GroupIsOperators(group, registryName) {
			return fmt.Errorf("Group %s has labels %v; want the operator's", group.GetName(), group.GetLabels())
		}
		if *uid == "" {
			*uid = group.GetUID()
		} else if group.GetUID() != *uid {
			return fmt.Errorf("Group %s was recreated (UID %s, was %s); the provider must never create it", group.GetName(), group.GetUID(), *uid)
		}
		return nil
	}
}

// The users of the operator's Group: written in the apply that creates the
// registry (after the operator made the Group), drift shown and repaired,
// imported, and emptied on destroy with the Group left to the operator.
func TestAccModelRegistryGroupMembers_lifecycle(t *testing.T) {
	name := registryName("members")
	var groupUID types.UID
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: registryConfig(name) + membersConfig("alice", "bob"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddress, tfjsonpath.New("group_name"), knownvalue.StringExact(name+"-users")),
					statecheck.ExpectKnownValue(membersAddress, tfjsonpath.New("id"), knownvalue.StringExact(namespace+"/"+name)),
				},
				Check: expectGroupUsers(t, name, &groupUID, "alice", "bob"),
			},
			{
				// Someone edits the Group in OpenShift: bob out, mallory in.
				PreConfig: func() {
					group := getGroup(t, name)
					if err := unstructured.SetNestedStringSlice(group.Object, []string{"alice", "mallory"}, "users"); err != nil {
						t.Fatal(err)
					}
					if _, err := acctest.Cluster.Dynamic.Resource(registry.OpenShiftGroupResource).Update(context.Background(), group,
						metav1.UpdateOptions{FieldManager: "oc"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: registryConfig(name) + membersConfig("alice", "bob"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(membersAddress, plancheck.ResourceActionUpdate),
					expectPlannedRemoval(membersAddress, "users", "mallory"),
					expectPlannedAddition(membersAddress, "users", "bob"),
				}},
				Check: expectGroupUsers(t, name, &groupUID, "alice", "bob"),
			},
			{
				Config:                               registryConfig(name) + membersConfig("alice", "bob"),
				ResourceName:                         membersAddress,
				ImportState:                          true,
				ImportStateId:                        namespace + "/" + name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
			},
			{
				Config: registryConfig(name) + membersConfig("carol"),
				Check:  expectGroupUsers(t, name, &groupUID, "carol"),
			},
			{
				// Destroyed: the Group stays the operator's, with no users.
				Config: registryConfig(name),
				Check:  expectGroupUsers(t, name, &groupUID),
			},
		},
	})
}

// A cluster without user.openshift.io (external OIDC) gets an error that
// points to openshiftai_model_registry_permissions.
func TestAccModelRegistryGroupMembers_noGroupAPI(t *testing.T) {
	acctest.PreCheck(t)
	name := registryName("nogroups")
	proxy, provider := proxiedProvider(t)
	proxy.Inject(&faultproxy.Fault{Path: regexp.MustCompile(`^/apis/user\.openshift\.io(/|$)`), Times: -1,
		Action: faultproxy.Action{Status: http.StatusNotFound, Reason: metav1.StatusReasonNotFound}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      provider + registryConfig(name) + membersConfig("alice"),
				ExpectError: regexp.MustCompile(`(?s)does not serve OpenShift Groups.*openshiftai_model_registry_permissions`),
			},
		},
	})
}

// The provider never creates the Group: while the operator has not made it,
// the create waits, writes nothing, and fails at its timeout.
func TestAccModelRegistryGroupMembers_waitsForTheOperator(t *testing.T) {
	acctest.PreCheck(t)
	if acctest.Cluster.StandIn == nil {
		t.Skip("the real operator makes a deleted Group again at once")
	}
	name := registryName("waits")
	groups := acctest.Cluster.Dynamic.Resource(registry.OpenShiftGroupResource)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: registryConfig(name)},
			{
				// The stand-in makes the Group when it reconciles the registry; nothing
				// changes the registry in this step, so the Group stays missing.
				PreConfig: func() {
					if err := groups.Delete(context.Background(), registry.UsersGroupName(name), metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: registryConfig(name) + `
resource "openshiftai_model_registry_group_members" "team" {
  registry = openshiftai_model_registry.r.resource_name
  users    = ["alice"]
  timeouts {
    create = "3s"
  }
}
`,
				ExpectError: regexp.MustCompile(`The operator has not created the registry's Group`),
			},
			{
				PreConfig: func() {
					if _, err := groups.Get(context.Background(), registry.UsersGroupName(name), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
						t.Errorf("Group %s exists after the failed create (err=%v); the provider must never create it",
							registry.UsersGroupName(name), err)
					}
				},
				Config: registryConfig(name),
			},
		},
	})
}

// proxiedProvider puts a fault proxy in front of the test cluster and returns
// it with a provider block that reaches the cluster through it.
func proxiedProvider(t *testing.T) (*faultproxy.Proxy, string) {
	t.Helper()
	proxy, err := faultproxy.Start(acctest.Cluster.ControlPlane.RESTConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	kubeconfig, err := proxy.WriteKubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return proxy, fmt.Sprintf(`
provider "openshiftai" {
  config_path          = %q
  registries_namespace = %q
}
`, kubeconfig, namespace)
}

// The write of the users never creates a Group: the apply carries the UID the
// provider read, and the API server creates no object with a given UID.
func TestAccModelRegistryGroupMembers_applyNeverCreates(t *testing.T) {
	acctest.PreCheck(t)
	ctx := context.Background()
	name := registryName("nocreate")
	groups := acctest.Cluster.Dynamic.Resource(registry.OpenShiftGroupResource)
	// The operator's Group, as it makes it.
	if _, err := groups.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "user.openshift.io/v1", "kind": "Group",
		"metadata": map[string]any{"name": registry.UsersGroupName(name)}, "users": []any{},
	}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := acctest.Cluster.Client.ApplyExisting(ctx, registry.OpenShiftGroupResource, registry.UsersGroupMembers(name, []string{"alice"}),
		func(_, desired *unstructured.Unstructured) {
			// The Group goes between the provider's read and its write.
			if err := groups.Delete(ctx, registry.UsersGroupName(name), metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	if !apierrors.IsNotFound(err) {
		t.Errorf("ApplyExisting onto a Group deleted meanwhile: %v; want NotFound", err)
	}
	if _, err := groups.Get(ctx, registry.UsersGroupName(name), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Group %s exists after ApplyExisting (err=%v); want it never created", registry.UsersGroupName(name), err)
	}
}

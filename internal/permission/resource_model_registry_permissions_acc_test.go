package permission_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const listAddress = "openshiftai_model_registry_permissions.all"

// listConfig declares the permission list of openshiftai_model_registry.r.
func listConfig(body string) string {
	return fmt.Sprintf(`
resource "openshiftai_model_registry_permissions" "all" {
  registry = openshiftai_model_registry.r.resource_name
%s
}
`, body)
}

// The list is authoritative: a subject added in the dashboard is named by the
// next plan and removed by the next apply; a removed subject loses only its
// binding; a listed subject's existing binding is adopted, not replaced; the
// operator's binding is never touched; import reads the whole list back.
func TestAccModelRegistryPermissions_authoritative(t *testing.T) {
	name := registryName("list")
	first := registryConfig(name) + listConfig(`  users    = ["alice", "bob"]
  groups   = ["data-scientists"]
  projects = ["team-a"]`)
	second := registryConfig(name) + listConfig(`  users    = ["alice", "carol"]
  groups   = ["data-scientists"]
  projects = ["team-a"]`)
	mallory := randomDashboardName()
	carol := randomDashboardName()
	operatorBinding := registry.UsersGroupName(name)
	alice := registry.Permission{Registry: name, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()
	var operatorBefore, aliceBefore, carolBefore bindingVersion

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(listAddress, tfjsonpath.New("id"), knownvalue.StringExact(namespace+"/"+name)),
					statecheck.ExpectKnownValue(listAddress, tfjsonpath.New("namespace"), knownvalue.StringExact(namespace)),
					statecheck.ExpectKnownValue(listAddress, tfjsonpath.New("users"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("alice"), knownvalue.StringExact("bob")})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectGranted(t, name, "User alice", "User bob", "Group data-scientists", "Group system:serviceaccounts:team-a"),
					func(*terraform.State) error {
						for bindingName, b := range bindingsOf(t, name) {
							if bindingName == operatorBinding {
								continue
							}
							if b.Annotations[registry.AnnotationMadeBy] != registry.MadeByPermissionList ||
								b.Labels[registry.LabelDashboard] != "true" || b.Labels[registry.LabelAppName] != name ||
								len(b.OwnerReferences) != 1 || b.OwnerReferences[0].Name != name {
								return fmt.Errorf("binding %s: annotations %v labels %v owners %v; want the dashboard's labels, "+
									"the registry as owner and the list's mark", bindingName, b.Annotations, b.Labels, b.OwnerReferences)
							}
						}
						operatorBefore = versionOf(t, operatorBinding)
						return nil
					},
				),
			},
			{
				// A user added in the dashboard is drift, named by the plan and removed by the apply.
				PreConfig: func() { dashboardBinding(t, name, mallory, userSubject("mallory"), nil) },
				Config:    first,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(listAddress, plancheck.ResourceActionUpdate),
					expectPlannedRemoval(listAddress, "users", "mallory"),
				}},
				Check: expectGranted(t, name, "User alice", "User bob", "Group data-scientists", "Group system:serviceaccounts:team-a"),
			},
			{
				// carol already has a dashboard binding: the list adopts it; bob loses only his binding.
				PreConfig: func() {
					dashboardBinding(t, name, carol, userSubject("carol"), nil)
					aliceBefore, carolBefore = versionOf(t, alice), versionOf(t, carol)
				},
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(listAddress, plancheck.ResourceActionUpdate),
					expectPlannedRemoval(listAddress, "users", "bob"),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectGranted(t, name, "User alice", "User carol", "Group data-scientists", "Group system:serviceaccounts:team-a"),
					func(*terraform.State) error {
						if got := versionOf(t, alice); got != aliceBefore {
							return fmt.Errorf("alice's binding changed from %+v to %+v; a removal elsewhere must not rewrite it", aliceBefore, got)
						}
						got := versionOf(t, carol)
						if got.UID != carolBefore.UID {
							return fmt.Errorf("carol's dashboard binding was replaced (UID %s, was %s); want it adopted", got.UID, carolBefore.UID)
						}
						if b := bindingsOf(t, name)[carol]; b.Annotations[registry.AnnotationMadeBy] != registry.MadeByPermissionList {
							return fmt.Errorf("adopted binding %s has annotations %v; want the list's mark", carol, b.Annotations)
						}
						if after := versionOf(t, operatorBinding); after != operatorBefore {
							return fmt.Errorf("the operator's binding %s changed from %+v to %+v", operatorBinding, operatorBefore, after)
						}
						return nil
					},
				),
			},
			{
				Config:                               second,
				ResourceName:                         listAddress,
				ImportState:                          true,
				ImportStateId:                        namespace + "/" + name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
			},
			{
				// An import block plans a no-op: the plan after the import is clean.
				Config:          second,
				ResourceName:    listAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   namespace + "/" + name,
			},
			{
				// Without the list, its bindings go and the operator's stays.
				Config: registryConfig(name),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectGranted(t, name),
					func(*terraform.State) error {
						if after := versionOf(t, operatorBinding); after != operatorBefore {
							return fmt.Errorf("the operator's binding %s changed from %+v to %+v", operatorBinding, operatorBefore, after)
						}
						return nil
					},
				),
			},
		},
	})
}

// One apply grants 100 subjects on one registry, and the next plan is empty.
func TestAccModelRegistryPermissions_hundredSubjects(t *testing.T) {
	name := registryName("hundred")
	config := registryConfig(name) + listConfig(`  users = [for i in range(100) : "user-${i}"]`)
	var want []string
	for i := range 100 {
		want = append(want, fmt.Sprintf("User user-%d", i))
	}
	var started time.Time
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: registryConfig(name)},
			{
				PreConfig: func() { started = time.Now() },
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						t.Logf("100 subjects applied in %s", time.Since(started).Round(time.Millisecond))
						return nil
					},
					expectGranted(t, name, want...),
				),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The list and single permissions exclude each other on one registry, and two
// single permissions must not grant one subject: in one configuration the plan
// fails, whichever the provider plans first; across configurations the
// bindings on the cluster tell.
func TestAccModelRegistryPermissions_exclusion(t *testing.T) {
	name := registryName("excl")
	single := func(label, subject string) string {
		return acctest.Permission{Label: label, Registry: "openshiftai_model_registry.r.resource_name", Subject: subject}.HCL()
	}
	list := listConfig(`  users = ["alice"]`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config:      registryConfig(name) + list + single("bob", `user = "bob"`),
				PlanOnly:    true,
				ExpectError: errorPattern(`(also granted one by one|managed by openshiftai_model_registry_permissions)`),
			},
			{
				Config:      registryConfig(name) + single("a", `group = "data-scientists"`) + single("b", `group = "data-scientists"`),
				PlanOnly:    true,
				ExpectError: errorPattern(`Two permissions grant the same subject`),
			},
			{
				// Another list for the same registry.
				Config: registryConfig(name) + list + `
resource "openshiftai_model_registry_permissions" "other" {
  registry = openshiftai_model_registry.r.resource_name
  users    = ["bob"]
}
`,
				PlanOnly:    true,
				ExpectError: errorPattern(`Two permission lists for one registry`),
			},
			{Config: registryConfig(name) + list, Check: expectGranted(t, name, "User alice")},
			{
				// A single permission in another configuration made a binding: the list's plan names it.
				PreConfig: func() {
					p := registry.Permission{Registry: name, Namespace: namespace, Kind: registry.SubjectUser, Subject: "eve"}
					dashboardBinding(t, name, p.BindingName(), userSubject("eve"),
						map[string]string{registry.AnnotationMadeBy: registry.MadeBySinglePermission})
				},
				Config:      registryConfig(name) + list,
				ExpectError: errorPattern(`made by openshiftai_model_registry_permission resources in another configuration:.*user "eve"`),
			},
		},
	})
}

// Across configurations: a single permission refuses a registry whose
// bindings a list wrote.
func TestAccModelRegistryPermission_refusesAListedRegistry(t *testing.T) {
	name := registryName("listed")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: registryConfig(name)},
			{
				PreConfig: func() {
					dashboardBinding(t, name, "listed-alice", userSubject("alice"),
						map[string]string{registry.AnnotationMadeBy: registry.MadeByPermissionList})
				},
				Config: registryConfig(name) + acctest.Permission{
					Label: "bob", Registry: "openshiftai_model_registry.r.resource_name", Subject: `user = "bob"`}.HCL(),
				ExpectError: errorPattern(`managed by openshiftai_model_registry_permissions.*listed-alice`),
			},
		},
	})
}

// No silent sharing: a single permission whose binding exists already fails
// with the import command, unless its own interrupted create left it.
func TestAccModelRegistryPermission_noSilentSharing(t *testing.T) {
	name := registryName("share")
	alice := registry.Permission{Registry: name, Namespace: namespace, Kind: registry.SubjectUser, Subject: "alice"}
	bob := registry.Permission{Registry: name, Namespace: namespace, Kind: registry.SubjectUser, Subject: "bob"}
	single := func(label, subject string) string {
		return acctest.Permission{Label: label, Registry: "openshiftai_model_registry.r.resource_name", Subject: subject}.HCL()
	}
	var bobBefore bindingVersion
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: registryConfig(name)},
			{
				// Another configuration's permission made alice's binding.
				PreConfig: func() {
					dashboardBinding(t, name, alice.BindingName(), userSubject("alice"),
						map[string]string{registry.AnnotationMadeBy: registry.MadeBySinglePermission})
				},
				Config: registryConfig(name) + single("alice", `user = "alice"`),
				ExpectError: regexp.MustCompile(`(?s)exists already.*terraform import\s+openshiftai_model_registry_permission.<name>\s+` +
					regexp.QuoteMeta(namespace+"/"+alice.BindingName())),
			},
			{
				// bob's create was interrupted after its first write: the next create adopts the binding.
				PreConfig: func() {
					ctx := context.Background()
					registryObject, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, namespace, name)
					if err != nil {
						t.Fatal(err)
					}
					// The provider's first write of the create, under its field manager.
					if _, err := acctest.Cluster.Client.Apply(ctx, bob.PendingRoleBinding(registryObject.GetUID()), kube.ApplyOptions{}); err != nil {
						t.Fatal(err)
					}
					bobBefore = versionOf(t, bob.BindingName())
				},
				Config: registryConfig(name) + single("bob", `user = "bob"`),
				Check: func(*terraform.State) error {
					b := bindingsOf(t, name)[bob.BindingName()]
					if b.UID != bobBefore.UID {
						return fmt.Errorf("bob's binding was replaced; want the interrupted create's binding adopted")
					}
					if _, marked := b.Annotations[registry.AnnotationCreatePending]; marked {
						return fmt.Errorf("bob's binding keeps %s after the create", registry.AnnotationCreatePending)
					}
					return nil
				},
			},
		},
	})
}

// Misspelt or misplaced arguments fail at plan, naming the attribute and the fix.
func TestModelRegistryPermissions_badInput(t *testing.T) {
	for _, tc := range []struct {
		body string
		want string
		typ  string
	}{
		{body: `  member = ["alice"]`, want: `An argument named "member" is not expected here`, typ: "openshiftai_model_registry_group_members"},
		{body: `  users = ["alice", ""]`, want: `must not be empty`, typ: "openshiftai_model_registry_group_members"},
		{body: `  timeouts {
    craete = "1m"
  }`, want: `An argument named "craete" is not expected here`, typ: "openshiftai_model_registry_group_members"},
		{`  user = ["alice"]`, `An argument named "user" is not expected here`, ""},
		{`  groups = ["system:serviceaccounts:team-a"]`, `(?s)put "team-a" in projects`, ""},
		{`  users = [" alice"]`, `white space around it`, ""},
		{`  projects = ["Team_A"]`, `projects\[Value\("Team_A"\)\]`, ""},
		{`  timeouts {
    craete = "1m"
  }`, `An argument named "craete" is not expected here`, ""},
	} {
		typ := tc.typ
		if typ == "" {
			typ = "openshiftai_model_registry_permissions"
		}
		t.Run(typ+"/"+tc.want, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config: `
resource "` + typ + `" "all" {
  registry = "fraud"
` + tc.body + `
}
`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

package permission_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	rbacclient "k8s.io/client-go/kubernetes/typed/rbac/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func getBinding(name string) (*rbacv1.RoleBinding, error) {
	return acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace).Get(context.Background(), name, metav1.GetOptions{})
}

// checkBinding asserts the binding on the cluster is exactly what the
// dashboard would make for p, owned by the registry.
func checkBinding(t *testing.T, p registry.Permission) resource.TestCheckFunc {
	return func(*terraform.State) error {
		t.Helper()
		got, err := getBinding(p.BindingName())
		if err != nil {
			return fmt.Errorf("binding of %s %q: %w", p.Kind, p.Subject, err)
		}
		registryUID, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, p.Namespace, p.Registry)
		if err != nil {
			return err
		}
		want := p.RoleBinding(registryUID.GetUID())
		if diff := cmp.Diff(want.Labels, got.Labels); diff != "" {
			return fmt.Errorf("binding %s labels (-want +got):\n%s", got.Name, diff)
		}
		if diff := cmp.Diff(want.OwnerReferences, got.OwnerReferences); diff != "" {
			return fmt.Errorf("binding %s owner references (-want +got):\n%s", got.Name, diff)
		}
		if diff := cmp.Diff(want.RoleRef, got.RoleRef); diff != "" {
			return fmt.Errorf("binding %s roleRef (-want +got):\n%s", got.Name, diff)
		}
		if diff := cmp.Diff(want.Subjects, got.Subjects); diff != "" {
			return fmt.Errorf("binding %s subjects (-want +got):\n%s", got.Name, diff)
		}
		return nil
	}
}

func checkBindingGone(name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, err := getBinding(name); !apierrors.IsNotFound(err) {
			return fmt.Errorf("RoleBinding %s still exists (err=%v)", name, err)
		}
		return nil
	}
}

// bindingsGone checks that the bindings of users user-0 to user-<n-1> on registry are gone.
func bindingsGone(registryName string, n int) []resource.TestCheckFunc {
	var checks []resource.TestCheckFunc
	for i := range n {
		p := registry.Permission{Registry: registryName, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: fmt.Sprintf("user-%d", i)}
		checks = append(checks, checkBindingGone(p.BindingName()))
	}
	return checks
}

func checkBindingExists(name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := getBinding(name)
		return err
	}
}

func TestAccModelRegistryPermission_subjectKinds(t *testing.T) {
	name := acctest.RegistryName("perm")
	perm := func(kind registry.SubjectKind, subject string) registry.Permission {
		return registry.Permission{Registry: name, Namespace: acctest.Namespace, Kind: kind, Subject: subject}
	}
	user := perm(registry.SubjectUser, "kube:admin")
	group := perm(registry.SubjectGroup, "data-scientists")
	everyone := perm(registry.SubjectGroup, "system:authenticated")
	project := perm(registry.SubjectProject, "team-a")
	all := []registry.Permission{user, group, everyone, project}
	config := acctest.PermissionRegistryConfig(name) +
		acctest.PermissionConfig("user", `user = "kube:admin"`) +
		acctest.PermissionConfig("group", `group = "data-scientists"`) +
		acctest.PermissionConfig("everyone", `group = "system:authenticated"`) +
		acctest.PermissionConfig("project", `project = "team-a"`)

	stateChecks := []statecheck.StateCheck{}
	for label, p := range map[string]registry.Permission{"user": user, "group": group, "everyone": everyone, "project": project} {
		address := "openshiftai_model_registry_permission." + label
		stateChecks = append(stateChecks,
			statecheck.ExpectKnownValue(address, tfjsonpath.New("binding_name"), knownvalue.StringExact(p.BindingName())),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(acctest.Namespace+"/"+p.BindingName())),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("namespace"), knownvalue.StringExact(acctest.Namespace)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("registry"), knownvalue.StringExact(name)),
		)
	}
	stateChecks = append(stateChecks,
		statecheck.ExpectKnownValue("openshiftai_model_registry_permission.project", tfjsonpath.New("project"), knownvalue.StringExact("team-a")),
		statecheck.ExpectKnownValue("openshiftai_model_registry_permission.project", tfjsonpath.New("group"), knownvalue.Null()),
		statecheck.ExpectKnownValue("openshiftai_model_registry_permission.everyone", tfjsonpath.New("group"), knownvalue.StringExact("system:authenticated")),
	)
	var checks []resource.TestCheckFunc
	for _, p := range all {
		checks = append(checks, checkBinding(t, p))
	}

	importStep := func(label, id string) resource.TestStep {
		return resource.TestStep{
			ResourceName:      "openshiftai_model_registry_permission." + label,
			ImportState:       true,
			ImportStateId:     id,
			ImportStateVerify: true,
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			// The registry and its permissions went in one run.
			if _, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name); !apierrors.IsNotFound(err) {
				return fmt.Errorf("registry %s still exists (err=%v)", name, err)
			}
			for _, p := range all {
				if err := checkBindingGone(p.BindingName())(nil); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The binding's name is known at plan time; the namespace comes from the cluster at apply.
					plancheck.ExpectKnownValue("openshiftai_model_registry_permission.user", tfjsonpath.New("binding_name"), knownvalue.StringExact(user.BindingName())),
					plancheck.ExpectUnknownValue("openshiftai_model_registry_permission.user", tfjsonpath.New("namespace")),
				}},
				ConfigStateChecks: stateChecks,
				Check:             resource.ComposeAggregateTestCheckFunc(checks...),
			},
			importStep("user", acctest.Namespace+"/"+name+"/user/kube:admin"),
			importStep("everyone", acctest.Namespace+"/"+name+"/group/system:authenticated"),
			importStep("project", acctest.Namespace+"/"+name+"/project/team-a"),
			importStep("group", acctest.Namespace+"/"+group.BindingName()),
			{
				// Removing the permissions leaves the operator's own binding of its group.
				Config: acctest.PermissionRegistryConfig(name),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkBindingGone(user.BindingName()),
					checkBindingGone(group.BindingName()),
					checkBindingGone(everyone.BindingName()),
					checkBindingGone(project.BindingName()),
					checkBindingExists(registry.UsersGroupName(name)),
				),
			},
			{
				// Permissions and registry are destroyed together by the test's final destroy.
				Config: config,
				Check:  resource.ComposeAggregateTestCheckFunc(checks...),
			},
		},
	})
}

// A binding the dashboard made is adopted by import and keeps its name.
func TestAccModelRegistryPermission_adoptDashboardBinding(t *testing.T) {
	name := acctest.RegistryName("adopt")
	dashboardName := "dashboard-permissions-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
	config := acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("alice", `user = "alice"`)
	createDashboardBinding := func() {
		registryObject, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
		if err != nil {
			t.Fatal(err)
		}
		binding := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{
				Name: dashboardName, Namespace: acctest.Namespace,
				Labels: map[string]string{
					"opendatahub.io/dashboard": "true", "app": name, "component": "model-registry",
					"app.kubernetes.io/name": name, "app.kubernetes.io/component": "model-registry", "app.kubernetes.io/part-of": "model-registry",
				},
				OwnerReferences: []metav1.OwnerReference{registry.OwnerReference(name, registryObject.GetUID())},
			},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(name)},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "alice"}},
		}
		if _, err := acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace).Create(context.Background(), binding, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	const address = "openshiftai_model_registry_permission.alice"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             checkBindingGone(dashboardName),
		Steps: []resource.TestStep{
			{Config: acctest.PermissionRegistryConfig(name)},
			{
				PreConfig:          createDashboardBinding,
				Config:             config,
				ResourceName:       address,
				ImportState:        true,
				ImportStateId:      acctest.Namespace + "/" + dashboardName,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					// The registry from the first step is in the state too.
					var imported []*terraform.InstanceState
					for _, state := range states {
						if _, ok := state.Attributes["binding_name"]; ok {
							imported = append(imported, state)
						}
					}
					if len(imported) != 1 {
						return fmt.Errorf("imported %d permissions; want 1", len(imported))
					}
					want := map[string]string{
						"id": acctest.Namespace + "/" + dashboardName, "binding_name": dashboardName,
						"registry": name, "namespace": acctest.Namespace, "user": "alice",
					}
					for attribute, value := range want {
						if got := imported[0].Attributes[attribute]; got != value {
							return fmt.Errorf("imported %s = %q; want %q", attribute, got, value)
						}
					}
					return nil
				},
			},
			{
				// The adopted binding matches the configuration: nothing to do.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("binding_name"), knownvalue.StringExact(dashboardName)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkBindingExists(dashboardName),
					checkBindingGone(registry.Permission{Registry: name, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()),
				),
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     acctest.Namespace + "/" + dashboardName,
				ImportStateVerify: true,
			},
			{
				// The subject form finds the dashboard's binding by its labels.
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     acctest.Namespace + "/" + name + "/user/alice",
				ImportStateVerify: true,
			},
			{
				// The operator's own binding is not a permission to adopt.
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: acctest.Namespace + "/" + registry.UsersGroupName(name),
				ExpectError:   regexp.MustCompile(`is the model-registry\s+operator's own binding`),
			},
			{
				// Removing the adopted permission deletes the dashboard's binding.
				Config: acctest.PermissionRegistryConfig(name),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkBindingGone(dashboardName),
					checkBindingExists(registry.UsersGroupName(name)),
				),
			},
		},
	})
}

// Out-of-band changes are planned back: a deleted binding is created again, an
// edited subject or role replaces the binding.
func TestAccModelRegistryPermission_drift(t *testing.T) {
	name := acctest.RegistryName("drift")
	config := acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("alice", `user = "alice"`)
	p := registry.Permission{Registry: name, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: "alice"}
	const address = "openshiftai_model_registry_permission.alice"
	var bindingUID types.UID
	bindings := func() rbacclient.RoleBindingInterface {
		return acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             checkBindingGone(p.BindingName()),
		Steps: []resource.TestStep{
			{Config: config, Check: checkBinding(t, p)},
			{
				PreConfig: func() {
					if err := bindings().Delete(context.Background(), p.BindingName(), metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate),
				}},
				Check: checkBinding(t, p),
			},
			{
				PreConfig: func() {
					b, err := getBinding(p.BindingName())
					if err != nil {
						t.Fatal(err)
					}
					b.Subjects[0].Name = "mallory"
					if _, err := bindings().Update(context.Background(), b, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("user"), knownvalue.StringExact("alice")),
				}},
				Check: checkBinding(t, p),
			},
			{
				// roleRef is immutable: someone recreated the binding with another role.
				PreConfig: func() {
					b, err := getBinding(p.BindingName())
					if err != nil {
						t.Fatal(err)
					}
					if err := bindings().Delete(context.Background(), b.Name, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					b.ObjectMeta = metav1.ObjectMeta{Name: b.Name, Namespace: b.Namespace, Labels: b.Labels}
					b.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"}
					if _, err := bindings().Create(context.Background(), b, metav1.CreateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("registry"), knownvalue.StringExact(name)),
				}},
				Check: checkBinding(t, p),
			},
			{
				// A second subject added by hand is not this permission any more either.
				PreConfig: func() {
					b, err := getBinding(p.BindingName())
					if err != nil {
						t.Fatal(err)
					}
					b.Subjects = append(b.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "system:authenticated"})
					if _, err := bindings().Update(context.Background(), b, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: checkBinding(t, p),
			},
			{
				// Timeouts change in place; the binding stays.
				PreConfig: func() {
					b, err := getBinding(p.BindingName())
					if err != nil {
						t.Fatal(err)
					}
					bindingUID = b.UID
				},
				Config: acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("alice", `user = "alice"
  timeouts {
    create = "1m"
    delete = "1m"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					b, err := getBinding(p.BindingName())
					if err != nil {
						return err
					}
					if b.UID != bindingUID {
						return fmt.Errorf("binding %s was recreated for a timeouts change", b.Name)
					}
					return nil
				},
			},
		},
	})
}

// Many permissions on one registry apply in parallel without conflicts.
func TestAccModelRegistryPermission_many(t *testing.T) {
	name := acctest.RegistryName("many")
	const count = 30
	config := acctest.PermissionRegistryConfig(name) + `
resource "openshiftai_model_registry_permission" "users" {
  count    = 30
  registry = openshiftai_model_registry.r.resource_name
  user     = "user-${count.index}@example.com"
}
`
	countBindings := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			list, err := acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace).List(context.Background(), metav1.ListOptions{
				LabelSelector: "app.kubernetes.io/managed-by=terraform-provider-openshiftai,app.kubernetes.io/name=" + name,
			})
			if err != nil {
				return err
			}
			if len(list.Items) != want {
				return fmt.Errorf("%d permission bindings of registry %s; want %d", len(list.Items), name, want)
			}
			return nil
		}
	}
	var checks []resource.TestCheckFunc
	for i := range count {
		checks = append(checks, checkBinding(t, registry.Permission{
			Registry: name, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: fmt.Sprintf("user-%d@example.com", i),
		}))
	}
	checks = append(checks, countBindings(count), checkBindingExists(registry.UsersGroupName(name)))
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             countBindings(0),
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)},
		},
	})
}

func TestAccModelRegistryPermission_registryMissing(t *testing.T) {
	name := acctest.RegistryName("absent")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "openshiftai_model_registry_permission" "p" {
  registry = %q
  user     = "alice"
}
`, name),
			ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(fmt.Sprintf(
				"The model registry %q does not exist in namespace %q", name, acctest.Namespace)), " ", `\s+`)),
		}},
	})
}

func TestAccModelRegistryPermission_importErrors(t *testing.T) {
	name := acctest.RegistryName("imperr")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: acctest.PermissionRegistryConfig(name)},
			{
				Config:        acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("p", `user = "nobody"`),
				ResourceName:  "openshiftai_model_registry_permission.p",
				ImportState:   true,
				ImportStateId: acctest.Namespace + "/" + name + "/user/nobody",
				ExpectError:   regexp.MustCompile(`no RoleBinding in namespace\s+"[a-z-]+"\s+grants\s+user\s+"nobody"`),
			},
			{
				Config:        acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("p", `user = "nobody"`),
				ResourceName:  "openshiftai_model_registry_permission.p",
				ImportState:   true,
				ImportStateId: name + "/user/nobody",
				ExpectError:   regexp.MustCompile(`(?s)has 3 fields; use`),
			},
		},
	})
}

// requestCounter records the API requests of the provider under test.
type requestCounter struct {
	mu       sync.Mutex
	requests []string
}

func (c *requestCounter) RoundTripper(next http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.requests = append(c.requests, req.Method+" "+req.URL.Path)
		c.mu.Unlock()
		return next.RoundTrip(req)
	})
}

func (c *requestCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = nil
}

func (c *requestCounter) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.requests)
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// countingProviderFactories serve a provider whose requests counter records.
func countingProviderFactories(counter *requestCounter) map[string]func() (tfprotov6.ProviderServer, error) {
	connect := func(cfg kube.Config) (kube.Cluster, error) {
		restConfig, err := cfg.RESTConfig()
		if err != nil {
			return nil, err
		}
		restConfig.Wrap(counter.RoundTripper)
		return kube.NewForConfig(restConfig)
	}
	return acctest.Factories(provider.NewWithConnect("test", connect)())
}

// A plan with nothing to change reads each permission's binding once and writes nothing.
func TestAccModelRegistryPermission_noOpPlanReadsOnce(t *testing.T) {
	name := acctest.RegistryName("noop")
	counter := &requestCounter{}
	config := acctest.PermissionRegistryConfig(name) + `
resource "openshiftai_model_registry_permission" "users" {
  count    = 5
  registry = openshiftai_model_registry.r.resource_name
  user     = "user-${count.index}"
}
`
	bindingPath := "/apis/rbac.authorization.k8s.io/v1/namespaces/" + acctest.Namespace + "/rolebindings"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: countingProviderFactories(counter),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A plan-only step runs one plan without and one with refresh.
				PreConfig: counter.reset,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// The refresh lists the namespace's bindings once and reads all five from that list.
					lists, gets := 0, 0
					for _, request := range counter.snapshot() {
						method, path, _ := strings.Cut(request, " ")
						if method != http.MethodGet {
							t.Errorf("a no-op plan sent %s", request)
						}
						path, _, _ = strings.Cut(path, "?")
						switch {
						case path == bindingPath:
							lists++
						case strings.HasPrefix(path, bindingPath+"/"):
							gets++
						}
					}
					// A plan-only step plans twice (without and with refresh); each plan is its own provider process.
					if lists > 2 || gets != 0 {
						t.Errorf("a no-op plan of 5 permissions sent %d LISTs and %d GETs of RoleBindings, want at most one LIST a plan and no GET", lists, gets)
					}
					if lists == 0 {
						t.Error("a no-op plan did not read the RoleBindings at all")
					}
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				// Destroy the five: each delete takes its binding from the apply's one list.
				PreConfig: counter.reset,
				Config:    acctest.PermissionRegistryConfig(name),
				Check:     resource.ComposeAggregateTestCheckFunc(bindingsGone(name, 5)...),
			},
			{
				PreConfig: func() {
					lists, gets, deletes := 0, 0, 0
					for _, request := range counter.snapshot() {
						method, path, _ := strings.Cut(request, " ")
						path, _, _ = strings.Cut(path, "?")
						switch {
						case method == http.MethodGet && path == bindingPath:
							lists++
						case method == http.MethodGet && strings.HasPrefix(path, bindingPath+"/"):
							gets++
						case method == http.MethodDelete && strings.HasPrefix(path, bindingPath+"/"):
							deletes++
						}
					}
					// One LIST in the plan's refresh, one in the apply.
					if deletes != 5 || gets != 0 || lists > 2 {
						t.Errorf("destroying 5 permissions sent %d DELETEs, %d GETs and %d LISTs of RoleBindings, want 5 DELETEs, no GET and at most 2 LISTs",
							deletes, gets, lists)
					}
				},
				Config:   acctest.PermissionRegistryConfig(name),
				PlanOnly: true,
			},
		},
	})
}

// Every resource of the family has an identity from the create on: a single
// permission its RoleBinding's namespace and name, a permission list and group
// members the registry's namespace and name. An import block with that
// identity adopts each with a plan that changes nothing.
func TestAccPermissionFamily_identity(t *testing.T) {
	name, listed := registryName("ident"), registryName("identlist")
	config := registryConfig(name) +
		acctest.Registry{Label: "listed", Name: "Access test " + listed, ResourceName: listed, Database: acctest.Database{
			Host: "mysql.example.com", Username: "mr", Database: "mr", Password: `"s3cret"`, PasswordVersion: 1,
		}}.HCL() +
		acctest.Permission{Label: "alice", Registry: "openshiftai_model_registry.r.resource_name", Subject: `user = "alice"`}.HCL() +
		membersConfig("bob") + `
resource "openshiftai_model_registry_permissions" "all" {
  registry = openshiftai_model_registry.listed.resource_name
  users    = ["carol"]
}
`
	alice := registry.Permission{Registry: name, Namespace: namespace, Kind: registry.SubjectUser, Subject: "alice"}.BindingName()
	importByIdentity := func(address string) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_12, "Resource identity")},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("openshiftai_model_registry_permission.alice", map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "name": knownvalue.StringExact(alice),
					}),
					statecheck.ExpectIdentity(membersAddress, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "registry": knownvalue.StringExact(name),
					}),
					statecheck.ExpectIdentity(listAddress, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(namespace), "registry": knownvalue.StringExact(listed),
					}),
				},
			},
			importByIdentity("openshiftai_model_registry_permission.alice"),
			importByIdentity(membersAddress),
			importByIdentity(listAddress),
		},
	})
}

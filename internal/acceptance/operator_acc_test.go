package acceptance_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The tests in this file look at what the operator (or its stand-in) does with what the
// provider writes: the objects it makes, the status it reports, the webhook's verdicts.

// operatorObject is one object the operator makes for a registry.
type operatorObject struct {
	gvr       schema.GroupVersionResource
	kind      string
	name      string
	namespace bool
}

var (
	opServiceAccounts = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	opServices        = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	opConfigMaps      = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	opDeployments     = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	opNetworkPolicies = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	opRoles           = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	opRoleBindings    = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	opClusterBindings = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}
	opRoutes          = schema.GroupVersionResource{Group: "route.openshift.io", Version: "v1", Resource: "routes"}
)

// operatorObjectsOf are the objects DOMAIN.md says the operator makes for a registry with
// the auth proxy.
func operatorObjectsOf(name string) []operatorObject {
	return []operatorObject{
		{opServiceAccounts, "ServiceAccount", name, true},
		{opDeployments, "Deployment", name, true},
		{opServices, "Service", name, true},
		{opRoles, "Role", registry.UserRoleName(name), true},
		{opRoleBindings, "RoleBinding", registry.UsersGroupName(name), true},
		{opRoutes, "Route", name + "-https", true},
		{opNetworkPolicies, "NetworkPolicy", name + "-https-route", true},
		{opConfigMaps, "ConfigMap", name + "-kube-rbac-proxy-config", true},
		{registry.OpenShiftGroupResource, "Group", registry.UsersGroupName(name), false},
		{opClusterBindings, "ClusterRoleBinding", name + "-auth-delegator", false},
	}
}

func (o operatorObject) get(namespace string) (*unstructured.Unstructured, error) {
	if !o.namespace {
		namespace = ""
	}
	return acctest.Cluster.Dynamic.Resource(o.gvr).Namespace(namespace).Get(context.Background(), o.name, metav1.GetOptions{})
}

// operatorMade lists the kinds of the operator's objects found for registry name, each with
// the name relative to the registry's ("<name>" stands for it).
func operatorMade(t *testing.T, name string) ([]string, error) {
	t.Helper()
	var found []string
	for _, o := range operatorObjectsOf(name) {
		obj, err := o.get(acctest.Namespace)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if o.namespace {
			if owners := obj.GetOwnerReferences(); len(owners) != 1 || owners[0].Name != name || owners[0].Kind != registry.Kind {
				return nil, fmt.Errorf("%s %s is not owned by registry %s: %v", o.kind, o.name, name, owners)
			}
		}
		found = append(found, o.kind+"/"+strings.ReplaceAll(o.name, name, "<name>"))
	}
	return found, nil
}

func registryConditionTypes(name string) ([]string, error) {
	mr, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
	if err != nil {
		return nil, err
	}
	var types []string
	for _, c := range registry.ParseModelRegistry(mr).Conditions {
		types = append(types, c.Type)
	}
	slices.Sort(types)
	return types, nil
}

// createDashboardRegistry makes a registry with plain API calls as the dashboard's create
// form does: a password Secret with generateName <name>-db-, then the registry with grpc,
// rest and kubeRBACProxy empty and the external MySQL database.
func createDashboardRegistry(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{GenerateName: name + "-db-", Namespace: acctest.Namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"database-name": "model_registry", "database-user": "mruser", "database-password": "dashboard"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mr := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": registry.GroupVersionKind.GroupVersion().String(), "kind": registry.Kind,
		"metadata": map[string]any{"name": name, "namespace": acctest.Namespace, "annotations": map[string]any{
			registry.AnnotationDisplayName: "Made in the dashboard", registry.AnnotationDescription: "",
		}},
		"spec": map[string]any{
			"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
			"mysql": map[string]any{
				"host": "mysql.db.svc.cluster.local", "port": int64(3306), "database": "model_registry", "username": "mruser",
				"skipDBCreation": false, "passwordSecret": map[string]any{"name": secret.Name, "key": "database-password"},
			},
			"postgres": nil,
		},
	}}
	if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(acctest.Namespace).Create(ctx, mr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, acctest.Namespace, name, "")
		_ = acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Delete(context.Background(), secret.Name, metav1.DeleteOptions{})
	})
}

// waitFor polls check until it returns nil, failing after a minute with its last error.
func waitFor(what string, check func() error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A registry made by the provider and one made the dashboard's way from the same form get
// the same operator-made objects and the same condition types, the proxy's included; the
// plan after apply is empty although the webhook and the operator wrote defaults and status;
// destroy completes through the finalizer and the garbage collector removes what the
// registry owned.
func TestAccOperator_providerAndDashboardRegistriesAlike(t *testing.T) {
	name := acctest.RegistryName("alike")
	dashboard := acctest.RegistryName("alike")
	var providerObjects []string
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			createDashboardRegistry(t, dashboard)
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			return waitFor("the registry's objects collected", func() error {
				for _, o := range operatorObjectsOf(name) {
					if !o.namespace {
						continue
					}
					if _, err := o.get(acctest.Namespace); !apierrors.IsNotFound(err) {
						return fmt.Errorf("%s %s still there (%v)", o.kind, o.name, err)
					}
				}
				_, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
				if !apierrors.IsNotFound(err) {
					return fmt.Errorf("registry still there (%v)", err)
				}
				return nil
			})
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.RegistryConfig(name, "Made by Terraform", ""),
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						mr, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, name)
						if err != nil {
							return err
						}
						if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
							return fmt.Errorf("finalizers %v, want %s", mr.GetFinalizers(), registry.Finalizer)
						}
						if port, _, _ := unstructured.NestedInt64(mr.Object, "spec", "kubeRBACProxy", "port"); port != 8443 {
							return fmt.Errorf("spec.kubeRBACProxy.port = %d: the webhook's default is missing", port)
						}
						return nil
					},
					func(*terraform.State) error {
						var err error
						providerObjects, err = operatorMade(t, name)
						return err
					},
					func(*terraform.State) error {
						return waitFor("the dashboard's registry available", func() error {
							mr, err := acctest.Cluster.Client.Get(context.Background(), registry.GroupVersionResource, acctest.Namespace, dashboard)
							if err != nil {
								return err
							}
							if o := registry.ParseModelRegistry(mr); !o.Ready() {
								return fmt.Errorf("not ready: %s", o.LastCondition())
							}
							return nil
						})
					},
					func(*terraform.State) error {
						dashboardObjects, err := operatorMade(t, dashboard)
						if err != nil {
							return err
						}
						if !slices.Equal(providerObjects, dashboardObjects) {
							return fmt.Errorf("operator objects of the provider's registry %v, of the dashboard's %v", providerObjects, dashboardObjects)
						}
						for _, want := range []string{"Route/<name>-https", "NetworkPolicy/<name>-https-route", "Deployment/<name>"} {
							if !slices.Contains(providerObjects, want) {
								return fmt.Errorf("operator objects %v lack %s: the registry has no auth proxy", providerObjects, want)
							}
						}
						providerTypes, err := registryConditionTypes(name)
						if err != nil {
							return err
						}
						dashboardTypes, err := registryConditionTypes(dashboard)
						if err != nil {
							return err
						}
						if !slices.Equal(providerTypes, dashboardTypes) || !slices.Contains(providerTypes, "KubeRBACProxyAvailable") {
							return fmt.Errorf("condition types of the provider's registry %v, of the dashboard's %v; want the same, KubeRBACProxyAvailable included",
								providerTypes, dashboardTypes)
						}
						return nil
					},
				),
			},
			{
				Config: acctest.RegistryConfig(name, "Made by Terraform", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	// Cluster-scoped, so nothing collects it: the operator leaves it behind.
	if _, err := (operatorObject{opClusterBindings, "ClusterRoleBinding", name + "-auth-delegator", false}).get(""); err != nil {
		t.Errorf("ClusterRoleBinding %s-auth-delegator after destroy: %v, want it left behind", name, err)
	}
}

// A registry deleted out of band (its RoleBindings collected with it) is planned for
// creation again, and so is its permission.
func TestAccOperator_deletedOutOfBand(t *testing.T) {
	name := acctest.RegistryName("oob")
	config := acctest.PermissionRegistryConfig(name) + acctest.PermissionConfig("alice", `user = "alice"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					ctx := context.Background()
					bindings, err := acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace).List(ctx, metav1.ListOptions{LabelSelector: registry.LabelAppName + "=" + name})
					if err != nil || len(bindings.Items) < 2 {
						t.Fatalf("before deletion: %d bindings of %s (%v), want the operator's and the permission's", len(bindings.Items), name, err)
					}
					if err := acctest.Cluster.Client.Delete(ctx, registry.GroupVersionResource, acctest.Namespace, name, ""); err != nil {
						t.Fatal(err)
					}
					if err := waitFor("bindings collected", func() error {
						bindings, err := acctest.Cluster.Typed.RbacV1().RoleBindings(acctest.Namespace).List(ctx, metav1.ListOptions{LabelSelector: registry.LabelAppName + "=" + name})
						if err != nil {
							return err
						}
						if n := len(bindings.Items); n != 0 {
							return fmt.Errorf("%d RoleBindings of %s left", n, name)
						}
						if _, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, acctest.Namespace, name); !apierrors.IsNotFound(err) {
							return fmt.Errorf("registry still there (%v)", err)
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("openshiftai_model_registry.r", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("openshiftai_model_registry_permission.alice", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

// A registry in another namespace than the registries namespace fails with the webhook's
// reason and leaves nothing behind, not even its password Secret.
func TestAccOperator_otherNamespaceRejected(t *testing.T) {
	name := acctest.RegistryName("ns")
	const namespace = "openshiftai-test-not-registries"
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			if stand := acctest.Cluster.StandIn; stand != nil && !stand.Webhooks() {
				t.Skip("the operator's admission is not modelled on this cluster: its API server cannot call the stand-in's loopback webhook")
			}
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
			if _, err := acctest.Cluster.Typed.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatal(err)
			}
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      acctest.RegistryConfig(name, "Elsewhere", fmt.Sprintf("  namespace = %q", namespace)),
			ExpectError: regexp.MustCompile(`namespace must be ` + acctest.Namespace),
		}, {
			// Nothing of the failed create is left: no registry, no Secret.
			Config:             acctest.RegistryConfig(name, "Elsewhere", fmt.Sprintf("  namespace = %q", namespace)),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			PreConfig: func() {
				ctx := context.Background()
				if _, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, namespace, name); !apierrors.IsNotFound(err) {
					t.Errorf("registry %s/%s: %v, want none", namespace, name, err)
				}
				secrets, err := acctest.Cluster.Typed.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range secrets.Items {
					if strings.HasPrefix(s.Name, name) {
						t.Errorf("Secret %s/%s left behind", namespace, s.Name)
					}
				}
			},
		}},
	})
}

// A name that a registry has in another namespace fails at plan: the operator's webhook
// would reject it, names being unique across the cluster.
func TestAccOperator_nameInAnotherNamespace(t *testing.T) {
	name := acctest.RegistryName("dup")
	const namespace = "openshiftai-test-older-registries"
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			if acctest.Cluster.StandIn == nil {
				t.Skip("needs a registry outside the registries namespace, which only the stand-in can admit")
			}
			ctx := context.Background()
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
			if _, err := acctest.Cluster.Typed.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatal(err)
			}
			// A registry from before the webhook existed, as on a cluster whose registries namespace moved.
			acctest.Cluster.StandIn.AllowElsewhere(namespace, name)
			mr := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": registry.GroupVersionKind.GroupVersion().String(), "kind": registry.Kind,
				"metadata": map[string]any{"name": name, "namespace": namespace},
				"spec": map[string]any{"rest": map[string]any{}, "kubeRBACProxy": map[string]any{},
					"mysql": map[string]any{"host": "mysql.example.com", "database": "mr", "username": "mr"}},
			}}
			if _, err := acctest.Cluster.Dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Create(ctx, mr, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, namespace, name, "")
			})
		},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      acctest.RegistryConfig(name, "Second", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)already exists in namespace\s+"` + namespace + `"`),
		}},
	})
}

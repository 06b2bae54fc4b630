package permission_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Main(m))
}

// factories serve the provider in the test process.
var factories = acctest.Factories(provider.New("test")())

const namespace = registry.DefaultNamespace

// registryName is a unique registry name for one test.
func registryName(prefix string) string {
	return prefix + "-" + tfacctest.RandStringFromCharSet(6, tfacctest.CharSetAlphaNum)
}

// registryConfig declares registry name as openshiftai_model_registry.r.
func registryConfig(name string) string {
	return acctest.Registry{Label: "r", Name: "Access test " + name, ResourceName: name, Database: acctest.Database{
		Host: "mysql.example.com", Username: "mr", Database: "mr", Password: `"s3cret"`, PasswordVersion: 1,
	}}.HCL()
}

// hclSet renders a list of strings as an HCL set expression.
func hclSet(values ...string) string {
	out := "["
	for i, v := range values {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", v)
	}
	return out + "]"
}

// bindingsOf are the RoleBindings of the registry's user role, by name.
func bindingsOf(t *testing.T, registryName string) map[string]rbacv1.RoleBinding {
	t.Helper()
	list, err := acctest.Cluster.Typed.RbacV1().RoleBindings(namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing RoleBindings: %v", err)
	}
	out := map[string]rbacv1.RoleBinding{}
	for _, b := range list.Items {
		if b.RoleRef.Kind == "Role" && b.RoleRef.Name == registry.UserRoleName(registryName) {
			out[b.Name] = b
		}
	}
	return out
}

// grantedSubjects are "kind name" of every subject of the registry's bindings
// other than the operator's, sorted.
func grantedSubjects(t *testing.T, registryName string) []string {
	t.Helper()
	var out []string
	for name, b := range bindingsOf(t, registryName) {
		if name == registry.UsersGroupName(registryName) {
			continue
		}
		for _, s := range b.Subjects {
			out = append(out, s.Kind+" "+s.Name)
		}
	}
	sort.Strings(out)
	return out
}

// expectGranted checks that the registry's bindings grant exactly want
// ("User alice", "Group data-scientists"), one binding per subject.
func expectGranted(t *testing.T, registryName string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := grantedSubjects(t, registryName)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("registry %s grants %v; want %v", registryName, got, want)
		}
		return nil
	}
}

// dashboardBinding makes the binding the dashboard makes for one subject.
func dashboardBinding(t *testing.T, registryName, bindingName string, subject rbacv1.Subject, annotations map[string]string) *rbacv1.RoleBinding {
	t.Helper()
	ctx := context.Background()
	registryObject, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, namespace, registryName)
	if err != nil {
		t.Fatal(err)
	}
	labels := registry.CommonLabels(registryName)
	labels[registry.LabelDashboard] = "true"
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: bindingName, Namespace: namespace, Labels: labels, Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{registry.OwnerReference(registryName, registryObject.GetUID())},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(registryName)},
		Subjects: []rbacv1.Subject{subject},
	}
	created, err := acctest.Cluster.Typed.RbacV1().RoleBindings(namespace).Create(ctx, binding, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating RoleBinding %s: %v", bindingName, err)
	}
	return created
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}
}

func randomDashboardName() string {
	return "dashboard-permissions-" + tfacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")
}

// bindingVersion is a binding's UID and resourceVersion.
type bindingVersion struct {
	UID             types.UID
	ResourceVersion string
}

func versionOf(t *testing.T, name string) bindingVersion {
	t.Helper()
	b, err := acctest.Cluster.Typed.RbacV1().RoleBindings(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading RoleBinding %s: %v", name, err)
	}
	return bindingVersion{UID: b.UID, ResourceVersion: b.ResourceVersion}
}

// expectPlannedRemoval checks that the plan of address drops value from attribute.
func expectPlannedRemoval(address, attribute, value string) plancheck.PlanCheck {
	return acctest.PlanCheck(func(plan *tfjson.Plan) error {
		for _, rc := range plan.ResourceChanges {
			if rc.Address != address {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			if !contains(before[attribute], value) {
				return fmt.Errorf("%s.%s before the plan is %v; want it to name %q", address, attribute, before[attribute], value)
			}
			if contains(after[attribute], value) {
				return fmt.Errorf("%s.%s after the plan is %v; want %q removed", address, attribute, after[attribute], value)
			}
			return nil
		}
		return fmt.Errorf("the plan has no change of %s", address)
	})
}

// expectPlannedAddition checks that the plan of address adds value to attribute.
func expectPlannedAddition(address, attribute, value string) plancheck.PlanCheck {
	return acctest.PlanCheck(func(plan *tfjson.Plan) error {
		for _, rc := range plan.ResourceChanges {
			if rc.Address != address {
				continue
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			if contains(before[attribute], value) || !contains(after[attribute], value) {
				return fmt.Errorf("%s.%s is %v before and %v after the plan; want %q added", address, attribute,
					before[attribute], after[attribute], value)
			}
			return nil
		}
		return fmt.Errorf("the plan has no change of %s", address)
	})
}

// errorPattern matches text in an error however Terraform wraps its lines.
func errorPattern(text string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(text, " ", `\s+`))
}

func contains(list any, value string) bool {
	items, _ := list.([]any)
	for _, item := range items {
		if item == value {
			return true
		}
	}
	return false
}

package modelregistry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// installRejectPolicy makes the API server reject the real create of a
// registry whose database host starts with "reject.after-dry-run" while
// accepting its dry run, so a create fails after the Secret and ConfigMap.
func installRejectPolicy(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	name := "openshiftai-test-reject-after-dry-run"
	api := acctest.Cluster.Typed.AdmissionregistrationV1()
	fail := admissionv1.Deny
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &[]admissionv1.FailurePolicyType{admissionv1.Fail}[0],
			MatchConstraints: &admissionv1.MatchResources{
				ResourceRules: []admissionv1.NamedRuleWithOperations{{
					RuleWithOperations: admissionv1.RuleWithOperations{
						Operations: []admissionv1.OperationType{admissionv1.Create},
						Rule: admissionv1.Rule{
							APIGroups: []string{registry.Group}, APIVersions: []string{"*"}, Resources: []string{registry.Resource},
						},
					},
				}},
			},
			Validations: []admissionv1.Validation{{
				Expression: `request.dryRun || !object.spec.mysql.host.startsWith("reject.after-dry-run")`,
				Message:    "rejected by the test policy",
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{fail},
		},
	}
	if _, err := api.ValidatingAdmissionPolicies().Create(ctx, policy, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the test admission policy: %v", err)
	}
	if _, err := api.ValidatingAdmissionPolicyBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatalf("binding the test admission policy: %v", err)
	}
	t.Cleanup(func() {
		_ = api.ValidatingAdmissionPolicyBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
		_ = api.ValidatingAdmissionPolicies().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	// Policies take effect asynchronously; wait until a real create is refused.
	waitForPolicy(t)
}

func waitForPolicy(t *testing.T) {
	t.Helper()
	probe := registry.Registry{
		Name: "policy-probe", Namespace: acctest.Namespace, DisplayName: "probe",
		Database: registry.Database{Host: "reject.after-dry-run.probe", Port: 3306, Database: "d", Username: "u",
			PasswordSecret: registry.KeyRef{Name: "x", Key: "y"}},
	}
	for i := 0; i < 100; i++ {
		_, err := acctest.Cluster.Client.Apply(context.Background(), probe.ModelRegistry(), kube.ApplyOptions{})
		if err != nil && strings.Contains(err.Error(), "rejected by the test policy") {
			return
		}
		if err != nil {
			t.Fatalf("probing the test admission policy: %v", err)
		}
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, acctest.Namespace, probe.Name, "")
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the test admission policy never took effect")
}

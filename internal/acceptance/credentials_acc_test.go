package acceptance_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/faultproxy"
)

// tokenProvider reaches the cluster through the fault proxy with host and
// token, as an HCP Terraform workspace with dynamic credentials configures the
// provider. The proxy forwards with its own credentials, so the token is only
// rejected when a fault says so.
func tokenProvider(proxy *faultproxy.Proxy) string {
	return fmt.Sprintf(`
provider "openshiftai" {
  host                   = %[1]q
  cluster_ca_certificate = %[2]q
  token                  = "workload-identity-token"
  registries_namespace   = %[3]q
}
`, proxy.URL, string(proxy.CACertificatePEM()), acctest.Namespace)
}

// A token that expires during an apply: the API server answers 401 from the
// first watch or read of the registry after its create on. The apply fails with an error
// that names the token argument as the credential and says how to renew it
// (never the token itself: provider_credential_test.go); the registry stays in state, so the next apply,
// with a valid token, converges.
func TestAccCredentials_tokenExpiresDuringApply(t *testing.T) {
	acctest.PreCheck(t)
	proxy, _ := startFaultProxy(t)
	name := acctest.RegistryName("expired")
	config := tokenProvider(proxy) + acctest.RegistryConfig(name, "Expired token", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// The wait for readiness watches the registry, and reads it when the watch fails.
					proxy.Inject(
						&faultproxy.Fault{Method: http.MethodGet, Path: namespaceRegistryListPath, Query: watchQuery, Times: -1,
							Action: faultproxy.Action{Status: http.StatusUnauthorized, Reason: metav1.StatusReasonUnauthorized}},
						&faultproxy.Fault{Method: http.MethodGet, Path: registryPath(name), Times: -1,
							Action: faultproxy.Action{Status: http.StatusUnauthorized, Reason: metav1.StatusReasonUnauthorized}},
					)
				},
				Config:      config,
				ExpectError: acctest.WrappedText("The credential came from the token argument of the provider block. A bearer token is valid for a limited time"),
			},
			{
				// With a valid token again, the next apply converges: the registry stayed in state.
				PreConfig: proxy.Clear,
				Config:    config,
				Check: func(*terraform.State) error {
					if got := acctest.GetRegistry(t, name).GetName(); got != name {
						return fmt.Errorf("registry %s not found after the token was renewed", name)
					}
					return nil
				},
			},
			{
				// A refresh with a refused token says the same.
				PreConfig: func() {
					proxy.Inject(&faultproxy.Fault{Times: -1,
						Action: faultproxy.Action{Status: http.StatusUnauthorized, Reason: metav1.StatusReasonUnauthorized}})
				},
				Config:      config,
				PlanOnly:    true,
				ExpectError: acctest.WrappedText("The credential came from the token argument of the provider block."),
			},
			{
				// A valid token for the destroy at the end.
				PreConfig: proxy.Clear,
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
}

// The HCP Terraform example as a workspace runs it: the token file HCP
// Terraform writes (here a bound service account token) reaches the provider
// through tfc_kubernetes_dynamic_credentials and token, with no kubeconfig. The
// apply creates the registry as that identity; once the token is revoked, the
// real API server answers 401 and the next plan fails naming the token
// argument, without the token in its output.
func TestAccCredentials_hcpTerraformExample(t *testing.T) {
	acctest.PreCheck(t)
	example, err := os.ReadFile("../../examples/hcp-terraform/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	secrets := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace)
	if _, err := secrets.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "fraud-db", Namespace: acctest.Namespace},
		StringData: map[string]string{"database-password": "s3cret"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = secrets.Delete(context.Background(), "fraud-db", metav1.DeleteOptions{}) })
	t.Cleanup(func() {
		_ = acctest.Cluster.Client.Delete(context.Background(), registry.GroupVersionResource, acctest.Namespace, "fraud-models", "")
	})

	account := acctest.RegistryName("hcp-workspace")
	token := serviceAccountToken(t, account)
	tokenPath := filepath.Join(t.TempDir(), "kubernetes-token")
	if err := os.WriteFile(tokenPath, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	restConfig := acctest.Cluster.ControlPlane.RESTConfig
	tf := newTerraformRun(t, buildProvider(t),
		"KUBE_CONFIG_PATH=", // the workspace has no kubeconfig: only the token authenticates
		"TF_VAR_cluster_host="+restConfig.Host,
		"TF_VAR_cluster_ca_certificate="+string(restConfig.CAData),
		fmt.Sprintf("TF_VAR_tfc_kubernetes_dynamic_credentials={default = {token_path = %q}, aliases = {}}", tokenPath),
	)
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), example, 0o600); err != nil {
		t.Fatal(err)
	}
	tf.run("apply", "-auto-approve", "-no-color")
	// With no kubeconfig, only the token can have created it.
	if ready, _ := acctest.GetRegistry(t, "fraud-models").Object["status"].(map[string]any); ready == nil {
		t.Fatal("the registry has no status: the apply did not wait for it")
	}

	// Revoked: a bound token is refused once its service account is gone.
	if err := acctest.Cluster.Typed.CoreV1().ServiceAccounts(acctest.Namespace).Delete(ctx, account, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// The API server caches a token it accepted for a few seconds.
	var out string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(2 * time.Second) {
		if out, err = tf.try("plan", "-no-color"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the plan with a revoked token succeeded:\n%s", out)
		}
	}
	if !acctest.WrappedText("The credential came from the token argument of the provider block.").MatchString(out) {
		t.Errorf("the plan's error does not name the token argument:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("the plan's output contains the token")
	}
}

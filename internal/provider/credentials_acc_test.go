package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
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
`, proxy.URL, string(proxy.CACertificatePEM()), testNamespace)
}

// A token that expires during an apply: the API server answers 401 from the
// first read of the registry after its create on. The apply fails with an error
// that names the token argument as the credential and says how to renew it
// (never the token itself: provider_credential_test.go); the registry stays in state, so the next apply,
// with a valid token, converges.
func TestAccCredentials_tokenExpiresDuringApply(t *testing.T) {
	acctest.PreCheck(t)
	proxy, _ := startFaultProxy(t)
	name := testRegistryName("expired")
	config := tokenProvider(proxy) + registryConfig(name, "Expired token", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.Inject(&faultproxy.Fault{Method: http.MethodGet, Path: registryPath(name), Times: -1,
						Action: faultproxy.Action{Status: http.StatusUnauthorized, Reason: metav1.StatusReasonUnauthorized}})
				},
				Config:      config,
				ExpectError: wrappedText("The credential came from the token argument of the provider block. A bearer token is valid for a limited time"),
			},
			{
				// With a valid token again, the next apply converges: the registry stayed in state.
				PreConfig: proxy.Clear,
				Config:    config,
				Check: func(*terraform.State) error {
					if got := getRegistry(t, name).GetName(); got != name {
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
				ExpectError: wrappedText("The credential came from the token argument of the provider block."),
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

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The setting that supplied the credential is what a 401 names; the
// credential itself never appears.
func TestCredentialSource(t *testing.T) {
	kubeconfig := writeKubeconfig(t, testKubeconfig)
	cases := []struct {
		name  string
		model providerModel
		env   map[string]string
		want  string
	}{
		{"token argument, as HCP Terraform dynamic credentials hand it over",
			providerModel{Host: types.StringValue("https://api.example.com"), Token: types.StringValue("secret-token")}, nil,
			"the token argument of the provider block"},
		{"KUBE_TOKEN", providerModel{}, map[string]string{envHost: "https://api.example.com", envToken: "secret-token"},
			"the KUBE_TOKEN environment variable"},
		{"token argument wins over KUBE_TOKEN", providerModel{Token: types.StringValue("secret-token")}, map[string]string{envToken: "secret-env"},
			"the token argument of the provider block"},
		{"exec block", providerModel{Host: types.StringValue("https://api.example.com"), Exec: []execModel{{
			APIVersion: types.StringValue("client.authentication.k8s.io/v1"), Command: types.StringValue("oc-login"),
			Args: types.ListNull(types.StringType), Env: types.MapNull(types.StringType)}}}, nil,
			`the exec block of the provider block (command "oc-login")`},
		{"client certificate", providerModel{ClientCertificate: types.StringValue("cert"), ClientKey: types.StringValue("key")}, nil,
			"the client_certificate and client_key arguments"},
		{"config_path with its current context", providerModel{ConfigPath: types.StringValue(kubeconfig)}, nil,
			"the user of the kubeconfig " + kubeconfig + " (config_path, its current context)"},
		{"KUBE_CONFIG_PATH and KUBE_CTX", providerModel{}, map[string]string{envConfigPath: kubeconfig, envContext: "dev-viewer"},
			"the user of the kubeconfig " + kubeconfig + ` (KUBE_CONFIG_PATH, context "dev-viewer")`},
		{"in a pod", providerModel{}, map[string]string{inClusterEnvForTest: "10.0.0.1"},
			"the pod's service account token"},
		{"nothing", providerModel{}, nil, "no credential"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearKubeEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, diags := tc.model.clusterConfig(context.Background(), "test")
			if diags.HasError() {
				t.Fatalf("clusterConfig: %v", diags)
			}
			if !strings.HasPrefix(cfg.Credential, tc.want) {
				t.Errorf("credential source %q, want it to start with %q", cfg.Credential, tc.want)
			}
			if strings.Contains(cfg.Credential, "secret") {
				t.Errorf("credential source %q contains the credential", cfg.Credential)
			}
		})
	}
}

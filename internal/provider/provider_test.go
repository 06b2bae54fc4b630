package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://prod.example.com:6443", insecure-skip-tls-verify: true}
- name: dev
  cluster: {server: "https://dev.example.com:6443", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: admin-token}
- name: viewer
  user: {token: viewer-token}
contexts:
- name: prod-admin
  context: {cluster: prod, user: admin}
- name: dev-viewer
  context: {cluster: dev, user: viewer}
current-context: prod-admin
`

func writeKubeconfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// clearKubeEnv unsets every variable the provider reads, for the test's duration.
func clearKubeEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{envConfigPath, envConfigPaths, envContext, envContextAuthInfo, envContextCluster, envHost,
		envToken, envClientCertificate, envClientKey, envClusterCACertificate, envInsecure, envTLSServerName, envProxyURL,
		envRegistriesNamespace, inClusterEnvForTest} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

const inClusterEnvForTest = "KUBERNETES_SERVICE_HOST"

func TestProviderConfigurationWays(t *testing.T) {
	kubeconfig := writeKubeconfig(t, testKubeconfig)
	cases := []struct {
		name      string
		model     providerModel
		env       map[string]string
		wantHost  string
		wantToken string
		wantQPS   float32
		wantBurst int
	}{
		{
			name:     "config_path uses the current context",
			model:    providerModel{ConfigPath: types.StringValue(kubeconfig)},
			wantHost: "https://prod.example.com:6443", wantToken: "admin-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "config_context picks another context",
			model:    providerModel{ConfigPath: types.StringValue(kubeconfig), ConfigContext: types.StringValue("dev-viewer")},
			wantHost: "https://dev.example.com:6443", wantToken: "viewer-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name: "config_context_auth_info and config_context_cluster override the context's",
			model: providerModel{ConfigPath: types.StringValue(kubeconfig),
				ConfigContextAuthInfo: types.StringValue("viewer"), ConfigContextCluster: types.StringValue("dev")},
			wantHost: "https://dev.example.com:6443", wantToken: "viewer-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "KUBE_CONFIG_PATH and KUBE_CTX",
			env:      map[string]string{envConfigPath: kubeconfig, envContext: "dev-viewer"},
			wantHost: "https://dev.example.com:6443", wantToken: "viewer-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "KUBE_CONFIG_PATHS",
			env:      map[string]string{envConfigPaths: kubeconfig + string(os.PathListSeparator) + filepath.Join(t.TempDir(), "missing-is-an-error")},
			wantHost: "error",
		},
		{
			name:     "host and token, as in Terraform Cloud",
			model:    providerModel{Host: types.StringValue("https://api.cluster.example.com:6443"), Token: types.StringValue("sha256~abc"), Insecure: types.BoolValue(true)},
			wantHost: "https://api.cluster.example.com:6443", wantToken: "sha256~abc", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "KUBE_HOST and KUBE_TOKEN",
			env:      map[string]string{envHost: "https://env.example.com", envToken: "env-token", envInsecure: "true"},
			wantHost: "https://env.example.com", wantToken: "env-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "attributes win over the environment",
			model:    providerModel{Host: types.StringValue("https://attr.example.com"), Token: types.StringValue("attr-token"), Insecure: types.BoolValue(true)},
			env:      map[string]string{envHost: "https://env.example.com", envToken: "env-token"},
			wantHost: "https://attr.example.com", wantToken: "attr-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name:     "host overrides the kubeconfig's server",
			model:    providerModel{ConfigPath: types.StringValue(kubeconfig), Host: types.StringValue("https://other.example.com")},
			wantHost: "https://other.example.com", wantToken: "admin-token", wantQPS: 1000, wantBurst: 2000,
		},
		{
			name: "qps and burst",
			model: providerModel{ConfigPath: types.StringValue(kubeconfig),
				QPS: types.Float64Value(50), Burst: types.Int64Value(75)},
			wantHost: "https://prod.example.com:6443", wantToken: "admin-token", wantQPS: 50, wantBurst: 75,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearKubeEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			m := tc.model
			cfg, diags := m.clusterConfig(context.Background(), "test")
			if diags.HasError() {
				t.Fatalf("clusterConfig: %v", diags)
			}
			rc, err := cfg.RESTConfig()
			if tc.wantHost == "error" {
				if err == nil || !strings.Contains(err.Error(), "missing-is-an-error") {
					t.Fatalf("want an error naming the missing kubeconfig, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rc.Host != tc.wantHost || rc.BearerToken != tc.wantToken {
				t.Errorf("host %q token %q, want %q %q", rc.Host, rc.BearerToken, tc.wantHost, tc.wantToken)
			}
			if rc.QPS != tc.wantQPS || rc.Burst != tc.wantBurst {
				t.Errorf("qps %v burst %v, want %v %v", rc.QPS, rc.Burst, tc.wantQPS, tc.wantBurst)
			}
			if !strings.HasPrefix(rc.UserAgent, "terraform-provider-openshiftai/") {
				t.Errorf("user agent %q", rc.UserAgent)
			}
		})
	}
}

func TestProviderConfigurationExecAndCertificates(t *testing.T) {
	clearKubeEnv(t)
	m := providerModel{
		Host:                 types.StringValue("https://api.example.com"),
		ClusterCACertificate: types.StringValue("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		TLSServerName:        types.StringValue("api.internal"),
		ProxyURL:             types.StringValue("http://proxy.example.com:3128"),
		Exec: []execModel{{
			APIVersion: types.StringValue("client.authentication.k8s.io/v1"),
			Command:    types.StringValue("get-token"),
			Args:       types.ListValueMust(types.StringType, []attr.Value{types.StringValue("--cluster"), types.StringValue("prod")}),
			Env:        types.MapValueMust(types.StringType, map[string]attr.Value{"B": types.StringValue("2"), "A": types.StringValue("1")}),
		}},
	}
	cfg, diags := m.clusterConfig(context.Background(), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	rc, err := cfg.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if rc.ExecProvider == nil || rc.ExecProvider.Command != "get-token" || strings.Join(rc.ExecProvider.Args, " ") != "--cluster prod" {
		t.Fatalf("exec provider = %+v", rc.ExecProvider)
	}
	if len(rc.ExecProvider.Env) != 2 || rc.ExecProvider.Env[0].Name != "A" {
		t.Errorf("exec env = %+v, want A and B in order", rc.ExecProvider.Env)
	}
	if rc.ServerName != "api.internal" || !strings.Contains(string(rc.CAData), "BEGIN CERTIFICATE") {
		t.Errorf("TLS config = %+v", rc.TLSClientConfig)
	}
	if rc.Proxy == nil {
		t.Error("proxy_url not applied")
	}
}

func TestProviderConfigurationNothingConfigured(t *testing.T) {
	clearKubeEnv(t)
	cfg, _ := providerModel{}.clusterConfig(context.Background(), "test")
	_, err := cfg.RESTConfig()
	if err == nil || !strings.Contains(err.Error(), "set config_path (or KUBE_CONFIG_PATH)") {
		t.Fatalf("want an error saying how to configure the cluster, got %v", err)
	}
	// In a pod, the service account is tried.
	t.Setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
	t.Setenv("KUBERNETES_SERVICE_PORT", "443")
	_, err = cfg.RESTConfig()
	if err == nil || !strings.Contains(err.Error(), "pod's service account") {
		t.Fatalf("want the in-cluster configuration to be tried, got %v", err)
	}
}

// countingServer is an API server stand-in that only counts requests.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var count atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		count.Add(1)
		http.Error(w, "not a real cluster", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

// Configuring the provider and planning resources that need no cluster makes no request.
func TestProviderConfigureMakesNoAPICall(t *testing.T) {
	clearKubeEnv(t)
	srv, count := countingServer(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "openshiftai" {
  host                 = "` + srv.URL + `"
  token                = "t"
  insecure             = true
  registries_namespace = "rhoai-model-registries"
}
resource "openshiftai_model_registry_permission" "p" {
  registry = "fraud"
  group    = "system:authenticated"
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if n := count.Load(); n != 0 {
		t.Fatalf("configuring and planning made %d API requests, want 0", n)
	}
}

// A new registry plans even when the cluster cannot be reached, with a warning.
func TestRegistryPlansWithoutCluster(t *testing.T) {
	clearKubeEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "openshiftai" {
  host     = "https://127.0.0.1:1"
  token    = "t"
  insecure = true
}
resource "openshiftai_model_registry" "r" {
  name = "Fraud models"
  database {
    host        = "mysql.example.com"
    username    = "mr"
    database    = "mr"
    password_wo = "pw"
  }
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

func TestProviderConflictsArePlanErrors(t *testing.T) {
	clearKubeEnv(t)
	kubeconfig := writeKubeconfig(t, testKubeconfig)
	cases := map[string]struct {
		block string
		want  string
	}{
		"config_path and config_paths": {
			block: `config_path = "` + kubeconfig + `"` + "\n" + `config_paths = ["` + kubeconfig + `"]`,
			want:  `(?s)config_path.*config_paths`,
		},
		"client_certificate without client_key": {
			block: `host = "https://api.example.com"` + "\n" + `client_certificate = file("` + writeKubeconfig(t, testCertPEM(t)) + `")`,
			want:  `(?s)client_certificate.*client_key`,
		},
		"insecure with cluster_ca_certificate": {
			block: `host = "https://api.example.com"` + "\n" + `insecure = true` + "\n" + `cluster_ca_certificate = file("` + writeKubeconfig(t, testCertPEM(t)) + `")`,
			want:  `(?s)insecure.*cluster_ca_certificate`,
		},
		"host is not a URL": {
			block: `host = "api.example.com:6443"`,
			want:  `(?s)host.*must be a URL`,
		},
		"qps not positive": {
			block: `qps = 0`,
			want:  `(?s)qps.*positive`,
		},
		"KUBE_INSECURE is not a boolean": {
			block: `host = "https://api.example.com"`,
			want:  `(?s)KUBE_INSECURE="maybe" is not a boolean`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(tc.want, "KUBE_INSECURE") {
				t.Setenv(envInsecure, "maybe")
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: "provider \"openshiftai\" {\n" + tc.block + "\n}\n" + `
resource "openshiftai_model_registry_permission" "p" {
  registry  = "fraud"
  namespace = "rhoai-model-registries"
  user      = "alice"
}
`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func testCertPEM(t *testing.T) string {
	t.Helper()
	return acctest.CA(t)
}

// A provider block that depends on a cluster made in the same apply plans
// without failing: the cluster checks wait for apply.
func TestProviderUnknownConfigurationPlans(t *testing.T) {
	clearKubeEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "cluster" {
  input = "https://127.0.0.1:1"
}
provider "openshiftai" {
  host     = terraform_data.cluster.output
  token    = "t"
  insecure = true
}
resource "openshiftai_model_registry" "r" {
  name = "Fraud models"
  database {
    host        = "mysql.example.com"
    username    = "mr"
    database    = "mr"
    password_wo = "pw"
  }
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// Every resource type has an identity and a list resource for `terraform
// query`, and the framework accepts all their schemas.
func TestProviderIdentityAndListSchemas(t *testing.T) {
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range schemas.Diagnostics {
		t.Errorf("%s: %s", d.Summary, d.Detail)
	}
	identities, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range identities.Diagnostics {
		t.Errorf("%s: %s", d.Summary, d.Detail)
	}
	for resourceType := range schemas.ResourceSchemas {
		if _, ok := schemas.ListResourceSchemas[resourceType]; !ok {
			t.Errorf("%s has no list resource", resourceType)
		}
		identity := identities.IdentitySchemas[resourceType]
		if identity == nil {
			t.Errorf("%s has no identity", resourceType)
			continue
		}
		var names []string
		for _, a := range identity.IdentityAttributes {
			names = append(names, a.Name)
			if !a.RequiredForImport {
				t.Errorf("%s: identity attribute %s is not required for import", resourceType, a.Name)
			}
		}
		if len(names) != 2 || !slices.Contains(names, "namespace") {
			t.Errorf("%s: identity attributes %v, want namespace and one key", resourceType, names)
		}
	}
	for _, name := range []string{"openshiftai_model_registry_verify_database", "openshiftai_model_registry_wait_ready"} {
		if _, ok := schemas.ActionSchemas[name]; !ok {
			t.Errorf("action %s is missing", name)
		}
	}
	if len(schemas.ListResourceSchemas) != len(schemas.ResourceSchemas) {
		t.Errorf("%d list resources for %d resource types", len(schemas.ListResourceSchemas), len(schemas.ResourceSchemas))
	}
}

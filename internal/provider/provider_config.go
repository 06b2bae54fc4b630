package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// providerModel is the provider block.
type providerModel struct {
	ConfigPath            types.String  `tfsdk:"config_path"`
	ConfigPaths           types.List    `tfsdk:"config_paths"`
	ConfigContext         types.String  `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String  `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String  `tfsdk:"config_context_cluster"`
	Host                  types.String  `tfsdk:"host"`
	Token                 types.String  `tfsdk:"token"`
	ClientCertificate     types.String  `tfsdk:"client_certificate"`
	ClientKey             types.String  `tfsdk:"client_key"`
	ClusterCACertificate  types.String  `tfsdk:"cluster_ca_certificate"`
	Insecure              types.Bool    `tfsdk:"insecure"`
	TLSServerName         types.String  `tfsdk:"tls_server_name"`
	ProxyURL              types.String  `tfsdk:"proxy_url"`
	RegistriesNamespace   types.String  `tfsdk:"registries_namespace"`
	QPS                   types.Float64 `tfsdk:"qps"`
	Burst                 types.Int64   `tfsdk:"burst"`
	Exec                  []execModel   `tfsdk:"exec"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// Environment variables, the same as the hashicorp/kubernetes provider's.
const (
	envConfigPath           = "KUBE_CONFIG_PATH"
	envConfigPaths          = "KUBE_CONFIG_PATHS"
	envContext              = "KUBE_CTX"
	envContextAuthInfo      = "KUBE_CTX_AUTH_INFO"
	envContextCluster       = "KUBE_CTX_CLUSTER"
	envHost                 = "KUBE_HOST"
	envToken                = "KUBE_TOKEN"
	envClientCertificate    = "KUBE_CLIENT_CERT_DATA"
	envClientKey            = "KUBE_CLIENT_KEY_DATA"
	envClusterCACertificate = "KUBE_CLUSTER_CA_CERT_DATA"
	envInsecure             = "KUBE_INSECURE"
	envTLSServerName        = "KUBE_TLS_SERVER_NAME"
	envProxyURL             = "KUBE_PROXY_URL"
	envRegistriesNamespace  = "OPENSHIFTAI_REGISTRIES_NAMESPACE"
)

func (p *openshiftAIProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Insecure.ValueBool() && !config.ClusterCACertificate.IsNull() && !config.ClusterCACertificate.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("insecure"), "Conflicting TLS settings",
			"insecure = true skips verification of the API server's certificate, so cluster_ca_certificate would be ignored. "+
				"Remove insecure to verify the server with cluster_ca_certificate, or remove cluster_ca_certificate.")
	}
}

// stringSetting is an attribute's value, or its environment variable's when the attribute is null.
func stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// clusterConfig turns the provider block and the environment into client settings.
func (m providerModel) clusterConfig(ctx context.Context, version string) (kube.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	cfg := kube.Config{
		ConfigPath:           stringSetting(m.ConfigPath, envConfigPath),
		ConfigContext:        stringSetting(m.ConfigContext, envContext),
		ConfigContextUser:    stringSetting(m.ConfigContextAuthInfo, envContextAuthInfo),
		ConfigContextCluster: stringSetting(m.ConfigContextCluster, envContextCluster),
		Host:                 stringSetting(m.Host, envHost),
		Token:                stringSetting(m.Token, envToken),
		ClientCertificate:    stringSetting(m.ClientCertificate, envClientCertificate),
		ClientKey:            stringSetting(m.ClientKey, envClientKey),
		ClusterCACertificate: stringSetting(m.ClusterCACertificate, envClusterCACertificate),
		TLSServerName:        stringSetting(m.TLSServerName, envTLSServerName),
		ProxyURL:             stringSetting(m.ProxyURL, envProxyURL),
		QPS:                  float32(m.QPS.ValueFloat64()),
		Burst:                int(m.Burst.ValueInt64()),
		UserAgent:            "terraform-provider-openshiftai/" + version,
	}
	if !m.ConfigPaths.IsNull() {
		diags.Append(m.ConfigPaths.ElementsAs(ctx, &cfg.ConfigPaths, false)...)
	} else if env := os.Getenv(envConfigPaths); env != "" {
		cfg.ConfigPaths = filepath.SplitList(env)
	}
	if cfg.ConfigPath != "" && len(cfg.ConfigPaths) > 0 {
		diags.AddAttributeError(path.Root("config_path"), "Conflicting kubeconfig settings",
			fmt.Sprintf("config_path (or %s) and config_paths (or %s) are both set; set only one of them.", envConfigPath, envConfigPaths))
	}
	if !m.Insecure.IsNull() {
		cfg.Insecure = m.Insecure.ValueBool()
	} else if env := os.Getenv(envInsecure); env != "" {
		insecure, err := strconv.ParseBool(env)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid environment variable",
				fmt.Sprintf("%s=%q is not a boolean; use true or false.", envInsecure, env))
		}
		cfg.Insecure = insecure
	}
	if (cfg.ClientCertificate == "") != (cfg.ClientKey == "") {
		diags.AddAttributeError(path.Root("client_certificate"), "Incomplete client certificate",
			fmt.Sprintf("client_certificate (or %s) and client_key (or %s) must be set together.", envClientCertificate, envClientKey))
	}
	if cfg.Insecure {
		diags.AddAttributeWarning(path.Root("insecure"), "TLS verification of the API server is off",
			"insecure = true skips verification of the API server's certificate: anyone on the network path can read "+
				"the database passwords the provider writes. Set cluster_ca_certificate instead.")
	}
	if len(m.Exec) == 1 {
		e := m.Exec[0]
		exec := &kube.ExecConfig{APIVersion: e.APIVersion.ValueString(), Command: e.Command.ValueString()}
		diags.Append(e.Args.ElementsAs(ctx, &exec.Args, false)...)
		diags.Append(e.Env.ElementsAs(ctx, &exec.Env, false)...)
		cfg.Exec = exec
	}
	cfg.Credential = credentialSource(m, cfg)
	tflog.Debug(ctx, "cluster settings", map[string]any{
		"config_path": cfg.ConfigPath, "config_paths": strings.Join(cfg.ConfigPaths, string(filepath.ListSeparator)),
		"context": cfg.ConfigContext, "host": cfg.Host, "token_set": cfg.Token != "", "client_certificate_set": cfg.ClientCertificate != "",
		"exec_set": cfg.Exec != nil, "insecure": cfg.Insecure,
	})
	return cfg, diags
}

func (p *openshiftAIProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.Config.Raw.IsFullyKnown() {
		// The cluster is made in this same apply: plan without it and connect at apply time.
		tflog.Info(ctx, "provider configuration is not yet known; cluster checks wait for apply")
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		data := providerdata.NewUnknown()
		resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = data, data, data, data
		return
	}
	cfg, diags := config.clusterConfig(ctx, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace := stringSetting(config.RegistriesNamespace, envRegistriesNamespace)
	data := providerdata.New(cfg, namespace, p.connect)
	resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = data, data, data, data
}

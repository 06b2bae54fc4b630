// Package provider is what Terraform sees of OpenShift AI: the provider block,
// the resources and data sources, their schemas, plan-time validation, plan
// modifiers, diagnostics and state.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalogsource"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/modelregistry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/permission"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ provider.Provider                     = &openshiftAIProvider{}
	_ provider.ProviderWithConfigValidators = &openshiftAIProvider{}
	_ provider.ProviderWithValidateConfig   = &openshiftAIProvider{}
	_ provider.ProviderWithFunctions        = &openshiftAIProvider{}
	_ provider.ProviderWithListResources    = &openshiftAIProvider{}
	_ provider.ProviderWithActions          = &openshiftAIProvider{}
)

// openshiftAIProvider is the provider; connect builds cluster clients and is
// replaced in tests that must prove no connection is made; now is the clock
// certificates are checked against.
type openshiftAIProvider struct {
	version string
	connect providerdata.Connect
	now     func() time.Time
}

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &openshiftAIProvider{version: version, connect: providerdata.DefaultConnect, now: time.Now}
	}
}

// NewWithConnect is New with connect building the cluster clients, for tests
// that watch or fault the provider's requests.
func NewWithConnect(version string, connect providerdata.Connect) func() provider.Provider {
	return func() provider.Provider {
		return &openshiftAIProvider{version: version, connect: connect, now: time.Now}
	}
}

func (p *openshiftAIProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "openshiftai"
	resp.Version = p.version
}

func (p *openshiftAIProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages OpenShift AI model registries and who may use them, exactly as the dashboard's " +
			"Model registry settings do. The connection settings are those of the `hashicorp/kubernetes` provider, " +
			"with the same `KUBE_*` environment variables, so existing configurations carry over.",
		Attributes: map[string]schema.Attribute{
			"config_path": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a kubeconfig file. Environment variable: `KUBE_CONFIG_PATH`.",
			},
			"config_paths": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Paths to kubeconfig files, merged as kubectl merges them. Environment variable: `KUBE_CONFIG_PATHS` (separated by `:`).",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validators.NotBlank())},
			},
			"config_context": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Context of the kubeconfig to use. Environment variable: `KUBE_CTX`.",
			},
			"config_context_auth_info": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "User of the kubeconfig to use instead of the context's. Environment variable: `KUBE_CTX_AUTH_INFO`.",
			},
			"config_context_cluster": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Cluster of the kubeconfig to use instead of the context's. Environment variable: `KUBE_CTX_CLUSTER`.",
			},
			"host": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "URL of the Kubernetes API server, such as `https://api.cluster.example.com:6443`. Environment variable: `KUBE_HOST`.",
				Validators:          []validator.String{validators.URL("https")},
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Bearer token, such as the output of `oc whoami -t` or a service account token. Environment variable: `KUBE_TOKEN`.",
			},
			"client_certificate": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "PEM client certificate for TLS authentication; needs `client_key`. Environment variable: `KUBE_CLIENT_CERT_DATA`.",
				Validators:          []validator.String{validators.PEMCertificates(p.now)},
			},
			"client_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "PEM private key of `client_certificate`. Environment variable: `KUBE_CLIENT_KEY_DATA`.",
			},
			"cluster_ca_certificate": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "PEM CA certificate that signed the API server's certificate. Environment variable: `KUBE_CLUSTER_CA_CERT_DATA`.",
				Validators:          []validator.String{validators.PEMCertificates(p.now)},
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip verification of the API server's certificate. Never do this outside a throwaway cluster. Environment variable: `KUBE_INSECURE`.",
			},
			"tls_server_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Server name to verify the API server's certificate against, when it differs from the host. Environment variable: `KUBE_TLS_SERVER_NAME`.",
			},
			"proxy_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "URL of a proxy for all API requests (`http`, `https` or `socks5`). Environment variable: `KUBE_PROXY_URL`.",
				Validators:          []validator.String{validators.URL("http", "https", "socks5")},
			},
			"registries_namespace": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Namespace of the model registries. When unset, the provider reads it from the cluster's " +
					"DataScienceCluster (`status.components.modelregistry.registriesNamespace`), then from the AIHub `default-aihub` " +
					"(`components.platform.opendatahub.io`, `spec.instancesNamespace`) of later platforms, and falls back to " +
					"`rhoai-model-registries`. Open Data Hub uses `odh-model-registries`. Environment variable: `OPENSHIFTAI_REGISTRIES_NAMESPACE`.",
				Validators: []validator.String{validators.NamespaceName()},
			},
			"qps": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit of API requests per second. Defaults to 1000, far above what a " +
					"1000-resource apply sends at Terraform's default parallelism, so the API server's own fairness rules decide.",
				Validators: []validator.Float64{validators.PositiveFloat()},
			},
			"burst": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Client-side burst of API requests above `qps`. Defaults to 2000.",
				Validators:          []validator.Int64{validators.PositiveInt()},
			},
		},
		Blocks: map[string]schema.Block{
			"exec": schema.ListNestedBlock{
				MarkdownDescription: "Credential plugin that prints an ExecCredential, as a kubeconfig's `exec` section.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"api_version": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "API version of the ExecCredential, such as `client.authentication.k8s.io/v1`.",
							Validators:          []validator.String{validators.NotBlank()},
						},
						"command": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Command to run.",
							Validators:          []validator.String{validators.NotBlank()},
						},
						"args": schema.ListAttribute{
							ElementType:         types.StringType,
							Optional:            true,
							MarkdownDescription: "Arguments of the command.",
						},
						"env": schema.MapAttribute{
							ElementType:         types.StringType,
							Optional:            true,
							MarkdownDescription: "Environment variables for the command.",
						},
					},
				},
			},
		},
	}
}

func (p *openshiftAIProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("config_path"), path.MatchRoot("config_paths")),
		providervalidator.RequiredTogether(path.MatchRoot("client_certificate"), path.MatchRoot("client_key")),
	}
}

func (p *openshiftAIProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewResourceNameFunction}
}

func (p *openshiftAIProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		modelregistry.NewModelRegistryResource,
		permission.NewModelRegistryPermissionResource,
		catalogsource.NewModelCatalogSourceResource,
		catalogsource.NewModelCatalogDefaultSourceResource,
		catalogsource.NewMCPCatalogSourceResource,
		catalogsource.NewMCPCatalogDefaultSourceResource,
		permission.NewModelRegistryPermissionsResource,
		permission.NewModelRegistryGroupMembersResource,
	}
}

// ListResources are what `terraform query` lists (Terraform 1.14+): one per resource type.
func (p *openshiftAIProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		modelregistry.NewModelRegistryListResource,
		permission.NewModelRegistryPermissionListResource,
		permission.NewModelRegistryPermissionsListResource,
		permission.NewModelRegistryGroupMembersListResource,
		catalogsource.NewModelCatalogSourceListResource,
		catalogsource.NewModelCatalogDefaultSourceListResource,
		catalogsource.NewMCPCatalogSourceListResource,
		catalogsource.NewMCPCatalogDefaultSourceListResource,
	}
}

// Actions are what an administrator runs on demand (Terraform 1.14+).
func (p *openshiftAIProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		modelregistry.NewVerifyDatabaseAction,
		modelregistry.NewWaitReadyAction,
	}
}

func (p *openshiftAIProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		modelregistry.NewModelRegistryDataSource,
		modelregistry.NewModelRegistriesDataSource,
		permission.NewModelRegistryPermissionsDataSource,
		catalogsource.NewModelCatalogSourcesDataSource,
		catalogsource.NewMCPCatalogSourcesDataSource,
	}
}

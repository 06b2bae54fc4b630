package modelregistry

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ datasource.DataSource              = &modelRegistriesDataSource{}
	_ datasource.DataSourceWithConfigure = &modelRegistriesDataSource{}
)

// NewModelRegistriesDataSource is the openshiftai_model_registries data source.
func NewModelRegistriesDataSource() datasource.DataSource { return &modelRegistriesDataSource{} }

// modelRegistriesDataSource lists the registries of a namespace with one request.
type modelRegistriesDataSource struct {
	data *providerdata.Data
}

type modelRegistriesDataModel struct {
	ID         types.String           `tfsdk:"id"`
	Namespace  types.String           `tfsdk:"namespace"`
	NamePrefix types.String           `tfsdk:"name_prefix"`
	Registries []registrySummaryModel `tfsdk:"registries"`
}

type registrySummaryModel struct {
	ResourceName    types.String          `tfsdk:"resource_name"`
	Name            types.String          `tfsdk:"name"`
	Description     types.String          `tfsdk:"description"`
	DatabaseType    types.String          `tfsdk:"database_type"`
	DefaultDatabase types.Bool            `tfsdk:"default_database"`
	Database        *databaseSummaryModel `tfsdk:"database"`
	CASource        types.String          `tfsdk:"ca_source"`
	CAReference     *keyRefModel          `tfsdk:"ca_reference"`
	Ready           types.Bool            `tfsdk:"ready"`
	Endpoints       types.List            `tfsdk:"endpoints"`
	RESTURL         types.String          `tfsdk:"rest_url"`
	KubeRBACProxy   types.Bool            `tfsdk:"kube_rbac_proxy"`
}

type databaseSummaryModel struct {
	Type        types.String `tfsdk:"type"`
	HostAddress types.String `tfsdk:"host_address"`
	Host        types.String `tfsdk:"host"`
	Port        types.Int64  `tfsdk:"port"`
	Username    types.String `tfsdk:"username"`
	Database    types.String `tfsdk:"database"`
}

func (d *modelRegistriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registries"
}

func (d *modelRegistriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (d *modelRegistriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the model registries of a namespace, made in the dashboard or by the provider, with one " +
			"`list` request on `modelregistries.modelregistry.opendatahub.io`. For every attribute of one registry, such as the " +
			"content of an uploaded CA certificate or its status message, read it with the `openshiftai_model_registry` data source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The namespace that was listed.",
			},
			"namespace": tfutil.RegistryNamespaceAttribute("the registries"),
			"name_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only list registries whose Kubernetes name (`resource_name`) starts with this prefix.",
			},
			"registries": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The registries, ordered by `resource_name`. Empty when there are none.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: withListedStatus(map[string]schema.Attribute{
						"resource_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Kubernetes name of the registry."},
						"name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Display name (annotation `openshift.io/display-name`); the Kubernetes name when the annotation is missing.",
						},
						"description": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "Description (annotation `openshift.io/description`); null when there is none.",
						},
						"database_type":    schema.StringAttribute{Computed: true, MarkdownDescription: databaseTypeDataDescription},
						"default_database": schema.BoolAttribute{Computed: true, MarkdownDescription: defaultDatabaseDataDescription},
						"database": schema.SingleNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Where the registry's external database is (`spec.mysql` or `spec.postgres`); null with the default database.",
							Attributes: map[string]schema.Attribute{
								"type":         schema.StringAttribute{Computed: true, MarkdownDescription: "`mysql` or `postgres`."},
								"host":         schema.StringAttribute{Computed: true, MarkdownDescription: "Host name or IP address of the database; null when a PostgreSQL registry names only `host_address`."},
								"host_address": schema.StringAttribute{Computed: true, MarkdownDescription: "PostgreSQL only: the IP address of the database (`hostAddress`); null when unset."},
								"port":         schema.Int64Attribute{Computed: true, MarkdownDescription: "TCP port of the database; `3306` (MySQL) or `5432` (PostgreSQL) when the registry does not set one."},
								"username":     schema.StringAttribute{Computed: true, MarkdownDescription: "Database user the registry connects as."},
								"database":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the database (schema)."},
							},
						},
						"ca_source": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "Where the CA certificate for the database comes from, named as the attributes of " +
								"`openshiftai_model_registry`'s `ca_certificate`: `cluster_bundle`, `openshift_ai_bundle`, `config_map`, " +
								"`secret`, `pem` (uploaded into ConfigMap `<resource_name>-db-credential`), or `\"\"` when the registry has none.",
						},
						"ca_reference": schema.SingleNestedAttribute{
							Computed: true,
							MarkdownDescription: "The ConfigMap key (a Secret key for `ca_source = \"secret\"`) the registry mounts as " +
								"its CA certificate; null when it has none.",
							Attributes: computedKeyRefAttributes("ConfigMap or Secret"),
						},
					}),
				},
			},
		},
	}
}

// withListedStatus adds what the operator reports to a listed registry's
// attributes, all but its uid and status message.
func withListedStatus(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	status := dataStatusSchema.attributes()
	for _, name := range []string{"ready", "endpoints", "rest_url", "kube_rbac_proxy"} {
		attributes[name] = status[name]
	}
	return attributes
}

func (d *modelRegistriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config modelRegistriesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, namespace, diags := d.data.ClientAndNamespace(ctx, config.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	items, err := client.List(ctx, registry.GroupVersionResource, namespace, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the model registries", err.Error())
		return
	}
	observed := make([]registry.Observed, 0, len(items))
	for i := range items {
		observed = append(observed, registry.ParseModelRegistry(&items[i]))
	}
	state := modelRegistriesDataModel{
		ID:         types.StringValue(namespace),
		Namespace:  types.StringValue(namespace),
		NamePrefix: config.NamePrefix,
		Registries: registrySummaries(observed, config.NamePrefix.ValueString()),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// registrySummaries are the registries whose name starts with prefix, in name order.
func registrySummaries(observed []registry.Observed, prefix string) []registrySummaryModel {
	summaries := make([]registrySummaryModel, 0, len(observed))
	for _, o := range observed {
		if !strings.HasPrefix(o.Name, prefix) {
			continue
		}
		var summary registrySummaryModel
		flattenRegistrySummary(&summary, o)
		summaries = append(summaries, summary)
	}
	sort.Slice(summaries, func(i, j int) bool {
		return summaries[i].ResourceName.ValueString() < summaries[j].ResourceName.ValueString()
	})
	return summaries
}

package modelregistry

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ datasource.DataSource              = &modelRegistryDataSource{}
	_ datasource.DataSourceWithConfigure = &modelRegistryDataSource{}
)

// NewModelRegistryDataSource is the openshiftai_model_registry data source.
func NewModelRegistryDataSource() datasource.DataSource { return &modelRegistryDataSource{} }

// modelRegistryDataSource reads one model registry, whoever made it.
type modelRegistryDataSource struct {
	data *providerdata.Data
}

type modelRegistryDataModel struct {
	ID              types.String       `tfsdk:"id"`
	ResourceName    types.String       `tfsdk:"resource_name"`
	Namespace       types.String       `tfsdk:"namespace"`
	Name            types.String       `tfsdk:"name"`
	Description     types.String       `tfsdk:"description"`
	DatabaseType    types.String       `tfsdk:"database_type"`
	DefaultDatabase types.Bool         `tfsdk:"default_database"`
	DefaultDBSecret types.String       `tfsdk:"default_database_secret_name"`
	Database        *databaseDataModel `tfsdk:"database"`
	CACertificate   *caModel           `tfsdk:"ca_certificate"`
	registryStatus
}

// databaseDataModel is the resource's database attribute without the password
// and the settings that only steer the provider's writes.
type databaseDataModel struct {
	Type                   types.String `tfsdk:"type"`
	HostAddress            types.String `tfsdk:"host_address"`
	SSLMode                types.String `tfsdk:"ssl_mode"`
	Host                   types.String `tfsdk:"host"`
	Port                   types.Int64  `tfsdk:"port"`
	Username               types.String `tfsdk:"username"`
	Database               types.String `tfsdk:"database"`
	SkipDatabaseCreation   types.Bool   `tfsdk:"skip_database_creation"`
	ExistingPasswordSecret *keyRefModel `tfsdk:"existing_password_secret"`
}

func (d *modelRegistryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry"
}

func (d *modelRegistryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

// computedKeyRefAttributes describe a ConfigMap or Secret key read from the cluster.
func computedKeyRefAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("Name of the %s, in the registry's namespace.", what)},
		"key":  schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("Key of the %s that holds the value.", what)},
	}
}

// dataStatusSchema is statusSchema in the data sources' schema types.
var dataStatusSchema = statusSchema[schema.Attribute]{
	String: func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} },
	Bool:   func(d string) schema.Attribute { return schema.BoolAttribute{Computed: true, MarkdownDescription: d} },
	StringList: func(d string) schema.Attribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: d}
	},
	Object: func(d string, attributes map[string]schema.Attribute) schema.Attribute {
		return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: d, Attributes: attributes}
	},
}

func (d *modelRegistryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one model registry of OpenShift AI: its display name, description, database settings, " +
			"CA certificate source and status. It reads registries made in the dashboard as well as those made by " +
			"`openshiftai_model_registry`. The database password is never read; `database.existing_password_secret` " +
			"names the Secret that holds it.\n\n" +
			"Reading a registry needs `get` on `modelregistries.modelregistry.opendatahub.io` in its namespace, `list` " +
			"on them for the error message of a missing registry, and `get` on ConfigMaps when its CA certificate was uploaded.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<resource_name>`.",
			},
			"resource_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kubernetes name of the registry (`metadata.name`), not its display name. A registry that " +
					"does not exist is an error.",
				Validators: []validator.String{validators.NotBlank()},
			},
			"namespace": tfutil.RegistryNamespaceAttribute("the registry"),
			"name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Display name shown by the dashboard (annotation `openshift.io/display-name`); " +
					"the Kubernetes name when the annotation is missing.",
			},
			"description": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Description shown by the dashboard (annotation `openshift.io/description`); null when there is none.",
			},
			"database_type":    schema.StringAttribute{Computed: true, MarkdownDescription: databaseTypeDataDescription},
			"default_database": schema.BoolAttribute{Computed: true, MarkdownDescription: defaultDatabaseDataDescription},
			"default_database_secret_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "With the default database, the Secret in which the operator keeps its user and password " +
					"(`<resource_name>-postgres-credentials`); null otherwise.",
			},
			"database": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The external database of the registry (`spec.mysql` or `spec.postgres`); null with the default database.",
				Attributes: map[string]schema.Attribute{
					"type":         schema.StringAttribute{Computed: true, MarkdownDescription: "`mysql` or `postgres`."},
					"host":         schema.StringAttribute{Computed: true, MarkdownDescription: "Host name or IP address of the database; null when a PostgreSQL registry names only `host_address`."},
					"host_address": schema.StringAttribute{Computed: true, MarkdownDescription: "PostgreSQL only: the IP address of the database (`hostAddress`); null when unset."},
					"ssl_mode":     schema.StringAttribute{Computed: true, MarkdownDescription: "PostgreSQL only: `sslMode` (`disable` when the registry sets none); null for MySQL."},
					"port":         schema.Int64Attribute{Computed: true, MarkdownDescription: "TCP port of the database; `3306` (MySQL) or `5432` (PostgreSQL) when the registry does not set one."},
					"username":     schema.StringAttribute{Computed: true, MarkdownDescription: "Database user the registry connects as."},
					"database":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the database (schema)."},
					"skip_database_creation": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "Whether the database must exist already (`true`) or the registry creates it (`false`).",
					},
					"existing_password_secret": schema.SingleNestedAttribute{
						Computed: true,
						MarkdownDescription: "The Secret key holding the database password, as the registry references it " +
							"(`spec.mysql.passwordSecret`): `<resource_name>-db-password` for a registry the provider made, " +
							"`<resource_name>-db-<random>` for one the dashboard made. Pass it to `openshiftai_model_registry`'s " +
							"`database.existing_password_secret` to reuse the password.",
						Attributes: computedKeyRefAttributes("Secret"),
					},
				},
			},
			"ca_certificate": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "The CA certificate the registry verifies its database with, in the form of " +
					"`openshiftai_model_registry`'s `ca_certificate`: exactly one attribute is set. Null when the registry " +
					"has none.",
				Attributes: map[string]schema.Attribute{
					"cluster_bundle": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "`true` for the cluster-wide CA bundle (ConfigMap `odh-trusted-ca-bundle`, key `ca-bundle.crt`).",
					},
					"openshift_ai_bundle": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "`true` for the OpenShift AI CA bundle (ConfigMap `odh-trusted-ca-bundle`, key `odh-ca-bundle.crt`).",
					},
					"config_map": schema.SingleNestedAttribute{
						Computed:            true,
						MarkdownDescription: "A ConfigMap key holding the CA certificate.",
						Attributes:          computedKeyRefAttributes("ConfigMap"),
					},
					"secret": schema.SingleNestedAttribute{
						Computed:            true,
						MarkdownDescription: "A Secret key holding the CA certificate.",
						Attributes:          computedKeyRefAttributes("Secret"),
					},
					"pem": schema.StringAttribute{
						Computed: true,
						MarkdownDescription: "The uploaded CA certificate: the content of key `ca.crt` of the ConfigMap " +
							"`<resource_name>-db-credential`, where the dashboard and the provider store an uploaded PEM. When that " +
							"ConfigMap is missing, `config_map` names it instead and a warning says so.",
					},
				},
			},
		},
	}
	for name, attribute := range dataStatusSchema.attributes() {
		resp.Schema.Attributes[name] = attribute
	}
}

func (d *modelRegistryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config modelRegistryDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, namespace, diags := d.data.ClientAndNamespace(ctx, config.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The registry and its CA ConfigMap come from the process's one list of each kind: a plan
	// that reads N registries (examples/fleet-import) sends a few LISTs, not N GETs of each.
	observed, err := lifecycle.Find(ctx, d.data.Listed(client), namespace, config.ResourceName.ValueString(), lifecycle.GatherOptions{CAConfigMap: true})
	if err != nil {
		for _, p := range lifecycle.Problems(err, lifecycle.SummaryRead) {
			resp.Diagnostics.AddError(p.Summary, p.Detail)
		}
		return
	}

	resp.Diagnostics.Append(flattenModelRegistryData(&config, *observed)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

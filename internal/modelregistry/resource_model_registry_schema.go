package modelregistry

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

// Descriptions of what the operator reports, the same in the resource and the data sources.
const (
	uidDescription           = "UID of the ModelRegistry object."
	readyDescription         = "Whether the operator reports the registry available (`Available=True`)."
	statusDescription        = "Reason and message of the registry's `Available` condition; both null before the operator reports one."
	statusReasonDescription  = "Reason, such as `DeploymentAvailable` or `ConfigurationError`."
	statusMessageDescription = "Message of the operator."
	endpointsDescription     = "Hosts of the registry exactly as the operator lists them (`status.hosts`): first the external host " +
		"(in gateway mode the gateway host with its path, `<gateway domain>/model-registry/<resource_name>`, then the Route " +
		"host; otherwise the auth proxy's Route host `<resource_name>-rest.<apps domain>` when its route is enabled), then " +
		"the Service's in-cluster names. Use `rest_url` rather than parsing them."
	restURLDescription = "The registry's external REST URL, `https://<host>[/<path>]`, from the first external host of " +
		"`endpoints`: the gateway host with its path in gateway mode (`https://<gateway domain>/model-registry/<resource_name>`), " +
		"else the auth proxy's Route (`https://<resource_name>-rest.<apps domain>`). Null while the operator reports no " +
		"external host: before it has reconciled the registry, or when the registry has no proxy Route."
	kubeRBACProxyDescription = "Whether the registry has the operator's auth proxy (`spec.kubeRBACProxy`), which checks " +
		"every caller against the registry's role and so gives the permissions their meaning. Without it, operators before " +
		"0.3.14 serve the registry to anyone who reaches its Service."
	// kubeRBACProxyResourceDescription is what the resource does about it.
	kubeRBACProxyResourceDescription = " The provider always writes it, as the dashboard does; a registry found without it " +
		"(made by an earlier provider version, or with the deprecated `oauthProxy`) plans an in-place update that adds it."
)

// statusSchema builds the attributes of what the operator reports in one
// schema package's types, so that every registry schema has them alike.
type statusSchema[A any] struct {
	String, Bool, StringList func(description string) A
	Object                   func(description string, attributes map[string]A) A
}

// attributes are uid, ready, status, endpoints, rest_url and kube_rbac_proxy.
func (k statusSchema[A]) attributes() map[string]A {
	return map[string]A{
		"uid":   k.String(uidDescription),
		"ready": k.Bool(readyDescription),
		"status": k.Object(statusDescription, map[string]A{
			"reason":  k.String(statusReasonDescription),
			"message": k.String(statusMessageDescription),
		}),
		"endpoints":       k.StringList(endpointsDescription),
		"rest_url":        k.String(restURLDescription),
		"kube_rbac_proxy": k.Bool(kubeRBACProxyDescription),
	}
}

// resourceStatusSchema is statusSchema in the resource's schema types.
var resourceStatusSchema = statusSchema[schema.Attribute]{
	String: func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} },
	Bool:   func(d string) schema.Attribute { return schema.BoolAttribute{Computed: true, MarkdownDescription: d} },
	StringList: func(d string) schema.Attribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: d}
	},
	Object: func(d string, attributes map[string]schema.Attribute) schema.Attribute {
		return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: d, Attributes: attributes}
	},
}

// resourceStatusAttributes are the status attributes of the resource: its uid
// stays known across updates, and its kube_rbac_proxy says what the provider does about it.
func resourceStatusAttributes() map[string]schema.Attribute {
	attributes := resourceStatusSchema.attributes()
	attributes["uid"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: uidDescription,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attributes["kube_rbac_proxy"] = schema.BoolAttribute{Computed: true, MarkdownDescription: kubeRBACProxyDescription + kubeRBACProxyResourceDescription}
	return attributes
}

const (
	databaseTypeDataDescription    = "Type of the registry's database: `mysql` or `postgres` (the default database is PostgreSQL)."
	defaultDatabaseDataDescription = "Whether the registry uses the operator's default database (`spec.postgres.generateDeployment`), " +
		"a PostgreSQL the operator runs for development and testing; `database` is then null."
)

var keyRefValidators = []validator.Object{validators.BlockRequires("name", "key")}

var statusAttrTypes = map[string]attr.Type{"reason": types.StringType, "message": types.StringType}

// keyRefAttributes are the arguments of a {name, key} block. They are optional
// in the schema and required by keyRefValidators: an optional block cannot have
// Required arguments.
func keyRefAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Required. Name of the %s, in the registry's namespace.", what),
			Validators:          []validator.String{validators.ObjectName()},
		},
		"key": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Required. Key of the %s that holds the value.", what),
			Validators:          []validator.String{validators.DataKey()},
		},
	}
}

func (r *modelRegistryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A model registry of OpenShift AI, as the dashboard's **Settings → Model registry settings** " +
			"creates it: a `ModelRegistry` (`modelregistry.opendatahub.io/v1beta1`) in the registries namespace backed by an " +
			"external MySQL or PostgreSQL database (`database`), with a Secret holding the database password and, for an uploaded " +
			"CA certificate, a ConfigMap; or backed by the operator's default database (`default_database = true`). The " +
			"model-registry operator then deploys the registry.\n\n" +
			"**Destroying a registry with an external database deletes the registry and the Secret and ConfigMap the provider made, " +
			"never the database or its data.** A new registry pointed at the same database finds its models again. " +
			"**Destroying a registry with the default database deletes that database with it, and every model's metadata.**",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<resource_name>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Display name shown by the dashboard (annotation `openshift.io/display-name`). " +
					"Changing it updates the registry in place.",
				Validators: []validator.String{validators.NotBlank()},
			},
			"resource_name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Kubernetes name of the registry. Defaults to `name` turned into a Kubernetes name the way the " +
					"dashboard does it (lower case, spaces to dashes, other characters dropped, cut to 40 characters; " +
					"`provider::openshiftai::resource_name(name)` returns it). It must start with a letter and have at most " +
					fmt.Sprintf("%d characters, because the operator makes a Service `<resource_name>` and a Route host `<resource_name>-rest`. ", registry.MaxResourceNameLength) +
					fmt.Sprintf("Operators before v0.3.14 cannot run names over %d characters (the label of their ConfigMap "+
						"`<resource_name>-kube-rbac-proxy-config` would pass 63 characters), and in gateway mode the limit is %d "+
						"(HTTPRoute `model-registry-<resource_name>`): for a longer name the plan asks the cluster which applies and fails "+
						"with the reason, or warns under the strictest rule when the cluster cannot be reached, and the apply checks again "+
						"before writing anything. ", registry.MaxProxyConfigNameLength, registry.MaxGatewayNameLength) +
					"Registry names are unique across the cluster. Changing it replaces the registry.",
				Validators:    []validator.String{validators.ResourceName()},
				PlanModifiers: []planmodifier.String{resourceNameFromDisplayName(), stringplanmodifier.RequiresReplace()},
			},
			"namespace": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Namespace of the registry; defaults to the provider's registries namespace. The operator accepts " +
					"registries only in that namespace. Changing it replaces the registry.",
				Validators:    []validator.String{validators.NamespaceName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Description shown by the dashboard (annotation `openshift.io/description`).",
			},
			"default_database": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Use the operator's default database, the dashboard's \"Default database (non-production)\": the " +
					"operator runs a PostgreSQL for the registry (Deployment and Service `<resource_name>-postgres`, PVC " +
					"`<resource_name>-postgres-storage` of 5Gi, credentials in Secret `<resource_name>-postgres-credentials`). It is " +
					"for development and testing only. **Destroying or replacing the registry deletes the PVC and every model's " +
					"metadata in it**: set `deletion_protection = true`; a plan that destroys or replaces such a registry warns. " +
					"Exclusive with `database` and `ca_certificate`; with it `resource_name` may have at most " +
					fmt.Sprintf("%d characters. Changing it replaces the registry.", registry.MaxDefaultDatabaseResourceNameLength),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"database_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Type of the registry's database: `mysql` or `postgres` (the default database is PostgreSQL).",
			},
			"default_database_secret_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "With `default_database`, the Secret in which the operator keeps the default database's user and " +
					"password (`<resource_name>-postgres-credentials`); null otherwise.",
			},
			"wait_for_ready": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Wait on create and update until the operator reports the registry available. Defaults to `true`.",
			},
			"deletion_protection": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, destroying or replacing the registry fails. Set it to `false` and apply first to delete.",
			},
			"password_secret_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the password Secret the provider made; null with `existing_password_secret` or the default database.",
			},
			"ca_config_map_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the CA ConfigMap the provider made for `ca_certificate.pem`; null otherwise.",
			},
		},
		Blocks: map[string]schema.Block{
			"database": schema.SingleNestedBlock{
				Validators: []validator.Object{validators.BlockRequires("username", "database")},
				MarkdownDescription: "The external database that stores the registry's metadata: MySQL (5.x or newer, or MariaDB) or " +
					"PostgreSQL. Exactly one of `database` and `default_database = true` must be set.",
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Optional: true,
						Computed: true,
						Default:  stringdefault.StaticString(string(registry.DatabaseMySQL)),
						MarkdownDescription: "`mysql` (default; `spec.mysql`) or `postgres` (`spec.postgres`). The dashboard does not let " +
							"a registry change its database type: changing it replaces the registry.",
						Validators:    []validator.String{stringvalidator.OneOf(string(registry.DatabaseMySQL), string(registry.DatabasePostgres))},
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
					},
					"host": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Host name or IP address of the database, as the registry's pods reach it. A database in the " +
							"cluster is `<service>` (same namespace) or `<service>.<namespace>.svc.cluster.local`. Required, except that " +
							"PostgreSQL may take `host_address` instead.",
						Validators: []validator.String{validators.DatabaseHost()},
					},
					"host_address": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "PostgreSQL only: the numeric IP address of the database (`spec.postgres.hostAddress`), " +
							"instead of `host`.",
						Validators: []validator.String{validators.HostAddress()},
					},
					"port": schema.Int64Attribute{
						Optional:            true,
						Computed:            true,
						MarkdownDescription: "TCP port of the database. Defaults to `3306` for MySQL and `5432` for PostgreSQL.",
						Validators:          []validator.Int64{int64validator.Between(1, 65535)},
						PlanModifiers:       []planmodifier.Int64{portByType()},
					},
					"username": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Required. Database user the registry connects as. Must not contain `?`, `@` or `/`.",
						Validators:          []validator.String{validators.NotBlank(), validators.DatabaseUser()},
					},
					"database": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Required. Name of the database (schema). Must not contain `?`, `@` or `/`.",
						Validators:          []validator.String{validators.DatabaseName()},
					},
					"ssl_mode": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "PostgreSQL only: `sslmode` of the connection, one of `disable`, `allow`, `prefer`, `require`, " +
							"`verify-ca` and `verify-full` (`spec.postgres.sslMode`). Unset, the operator uses `disable`. Whenever " +
							"`ca_certificate` is set the registry server connects with `require`, whatever `ssl_mode` says.",
						Validators: []validator.String{stringvalidator.OneOf(registry.SSLModes...)},
					},
					"skip_database_creation": schema.BoolAttribute{
						Optional:            true,
						Computed:            true,
						Default:             booldefault.StaticBool(false),
						MarkdownDescription: "When `false` (default) the registry creates the database if it does not exist; when `true` it must exist.",
					},
					"password_wo": schema.StringAttribute{
						Optional:  true,
						WriteOnly: true,
						MarkdownDescription: "Password of `username`. Write-only: it is sent to the cluster in a Secret the provider makes " +
							"(`<resource_name>-db-password`, keys `database-name`, `database-user`, `database-password`, as the dashboard makes it) " +
							"and never stored in the Terraform plan or state. Requires Terraform 1.11 or later. Exactly one of `password_wo` " +
							"and `existing_password_secret` must be set. Must not contain `?`, `@` or `/`: the operator puts it into the " +
							"database URL without escaping it.",
					},
					"password_wo_version": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Change this number to write a new `password_wo` to the cluster. Terraform cannot see " +
							"write-only values change, so a rotation needs a new version.",
					},
					"verify_connection": schema.BoolAttribute{
						Optional: true,
						Computed: true,
						Default:  booldefault.StaticBool(false),
						MarkdownDescription: "Before writing anything, connect to the database from where Terraform runs and check the " +
							"connection, TLS with the configured CA, the credentials, the server version and the database. Off by " +
							"default, because databases are often reachable only from inside the cluster.",
					},
				},
				Blocks: map[string]schema.Block{
					"existing_password_secret": schema.SingleNestedBlock{
						MarkdownDescription: "A Secret in the registry's namespace that already holds the password, for example the " +
							"one the dashboard made. The provider references it and never changes or deletes it.",
						Attributes: keyRefAttributes("Secret"),
						Validators: keyRefValidators,
					},
				},
			},
			"ca_certificate": schema.SingleNestedBlock{
				MarkdownDescription: "CA certificate the registry uses to verify the database's TLS certificate, for MySQL and " +
					"PostgreSQL alike. Set exactly one source. Without it the registry connects without TLS verification.",
				Attributes: map[string]schema.Attribute{
					"cluster_bundle": schema.BoolAttribute{
						Optional: true,
						MarkdownDescription: "Use the cluster-wide CA bundle (ConfigMap `odh-trusted-ca-bundle`, key `ca-bundle.crt`). " +
							"Set to `true`.",
					},
					"openshift_ai_bundle": schema.BoolAttribute{
						Optional: true,
						MarkdownDescription: "Use the OpenShift AI CA bundle (ConfigMap `odh-trusted-ca-bundle`, key `odh-ca-bundle.crt`). " +
							"Set to `true`.",
					},
					"pem": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "One or more PEM CA certificates, uploaded as the dashboard does into the ConfigMap " +
							"`<resource_name>-db-credential` (key `ca.crt`), which the provider makes and deletes.",
						Validators: []validator.String{validators.CABundle(r.now)},
					},
				},
				Blocks: map[string]schema.Block{
					"config_map": schema.SingleNestedBlock{
						MarkdownDescription: "An existing ConfigMap key in the registry's namespace holding the CA certificate.",
						Attributes:          keyRefAttributes("ConfigMap"),
						Validators:          keyRefValidators,
					},
					"secret": schema.SingleNestedBlock{
						MarkdownDescription: "An existing Opaque Secret key in the registry's namespace holding the CA certificate.",
						Attributes:          keyRefAttributes("Secret"),
						Validators:          keyRefValidators,
					},
				},
			},
			"timeouts": tfutil.TimeoutsBlock(map[string]string{
				"create": "How long creating may take, the wait for readiness included (a duration such as `30s` or `15m`). Default `10m`.",
				"update": "How long updating may take, the wait for readiness included. Default `10m`.",
				"delete": "How long deleting may take, the wait for the operator's finalizer included. Default `5m`.",
			}),
		},
	}
	for name, attribute := range resourceStatusAttributes() {
		resp.Schema.Attributes[name] = attribute
	}
}

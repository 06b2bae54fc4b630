package modelregistry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/dbcheck"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ action.Action              = &verifyDatabaseAction{}
	_ action.ActionWithConfigure = &verifyDatabaseAction{}
)

type verifyDatabaseAction struct {
	data *providerdata.Data
}

// NewVerifyDatabaseAction is the openshiftai_model_registry_verify_database action (Terraform 1.14+).
func NewVerifyDatabaseAction() action.Action { return &verifyDatabaseAction{} }

func (a *verifyDatabaseAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_verify_database"
}

func (a *verifyDatabaseAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

// registryAttributes are the arguments that name a registry in the actions.
func registryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"registry": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Resource name of the registry (`resource_name` of `openshiftai_model_registry`).",
		},
		"namespace": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Namespace of the registry. Defaults to the provider's registries namespace.",
			Validators:          []validator.String{validators.NamespaceName()},
		},
	}
}

func (a *verifyDatabaseAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks a registry's external database from where Terraform runs, with the settings the registry " +
			"has on the cluster now (host, port, user, the password in its password Secret, database, CA certificate): " +
			"DNS, TCP, TLS, authentication, the server version and that the database exists or may be created. It changes " +
			"neither the registry nor the database. Run it before a maintenance window, after rotating the password " +
			"outside Terraform, or when the operator reports a configuration error, to learn which step fails without " +
			"waiting for the registry's pods. It is the check `database.verify_connection` runs before a write. " +
			"Needs Terraform 1.14 or later (`terraform apply -invoke=action.openshiftai_model_registry_verify_database.<name>`).",
		Attributes: registryAttributes(),
	}
}

type registryActionModel struct {
	Registry  types.String `tfsdk:"registry"`
	Namespace types.String `tfsdk:"namespace"`
}

// readActionRegistry reads the registry an action names, as it is on the cluster now.
func readActionRegistry(ctx context.Context, data *providerdata.Data, config registryActionModel) (kube.Interface, registry.Observed, diag.Diagnostics) {
	client, namespace, diags := data.ClientAndNamespace(ctx, config.Namespace)
	if diags.HasError() {
		return nil, registry.Observed{}, diags
	}
	name := config.Registry.ValueString()
	obj, err := client.Get(ctx, registry.GroupVersionResource, namespace, name)
	switch {
	case apierrors.IsNotFound(err) && !kube.IsMissingResourceType(err):
		diags.AddAttributeError(path.Root("registry"), "Model registry not found",
			fmt.Sprintf("Namespace %q has no model registry %q. Set registry to the registry's resource_name and namespace to its namespace.", namespace, name))
	case err != nil:
		diags.AddError("Cannot read the model registry", err.Error())
	default:
		return client, registry.ParseModelRegistry(obj), diags
	}
	return nil, registry.Observed{}, diags
}

func (a *verifyDatabaseAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config registryActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, observed, diags := readActionRegistry(ctx, a.data, config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := observed.Namespace + "/" + observed.Name
	db := observed.Database
	if db.Generated {
		resp.Diagnostics.AddAttributeError(path.Root("registry"), "Nothing to check from here",
			fmt.Sprintf("Model registry %s uses the operator's default database, which runs inside the cluster and is "+
				"reachable only from there. The registry's status says whether it works: read the ready and status "+
				"attributes of openshiftai_model_registry or data.openshiftai_model_registry.", id))
		return
	}
	host := db.Host
	if host == "" {
		host = db.HostAddress
	}
	progress(resp, fmt.Sprintf("Checking the %s database %q of model registry %s at %s:%d as %q (password from Secret %s, key %s)",
		db.Type, db.Database, id, host, db.Port, db.Username, db.PasswordSecret.Name, db.PasswordSecret.Key))
	result, err := checkDatabase(ctx, client, observed.Registry, "")
	if err != nil {
		var checkErr *dbcheck.Error
		var input *checkInputError
		switch {
		case errors.As(err, &checkErr):
			resp.Diagnostics.AddError("Database check failed at step "+string(checkErr.Step)+": "+checkErr.Summary,
				fmt.Sprintf("%s\n\nModel registry %s was not changed. Fix the database or the registry's database settings, then run the action again.", checkErr.Detail, id))
		case errors.As(err, &input):
			resp.Diagnostics.AddError(input.summary, fmt.Sprintf("Model registry %s: %s.", id, strings.TrimSuffix(input.err.Error(), ".")))
		default:
			resp.Diagnostics.AddError("Database check failed", err.Error())
		}
		return
	}
	exists := "exists"
	if !result.DatabaseExists {
		exists = "does not exist yet; the user may create it"
	}
	progress(resp, fmt.Sprintf("The database of model registry %s is reachable: %s %s, database %q %s.",
		id, result.Flavor, result.ServerVersion, db.Database, exists))
}

// progress tells the user what an action is doing; Terraform prints it as it comes.
func progress(resp *action.InvokeResponse, message string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: message})
	}
}

package modelregistry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

var (
	_ resource.Resource                    = &modelRegistryResource{}
	_ resource.ResourceWithConfigure       = &modelRegistryResource{}
	_ resource.ResourceWithImportState     = &modelRegistryResource{}
	_ resource.ResourceWithModifyPlan      = &modelRegistryResource{}
	_ resource.ResourceWithValidateConfig  = &modelRegistryResource{}
	_ resource.ResourceWithMoveState       = &modelRegistryResource{}
	_ resource.ResourceWithIdentity        = &modelRegistryResource{}
	_ resource.ResourceWithUpgradeIdentity = &modelRegistryResource{}
)

// registryIdentity is the registry's resource identity: its namespace and resource name.
var registryIdentity = tfutil.Identity{Key: "name", KeyDescription: "The registry's resource name (`resource_name`).", TakesMoves: true}

// Default timeouts of the registry's operations.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
	// planCheckTimeout bounds the plan-time look-ups, so an unreachable cluster
	// costs a plan seconds, not minutes.
	planCheckTimeout = 15 * time.Second
)

type modelRegistryResource struct {
	data *providerdata.Data
	// now is the clock the CA certificates are checked against.
	now func() time.Time
}

// NewModelRegistryResource is the openshiftai_model_registry resource.
func NewModelRegistryResource() resource.Resource { return &modelRegistryResource{now: time.Now} }

func (r *modelRegistryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry"
}

func (r *modelRegistryResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	registryIdentity.Schema(ctx, req, resp)
}

func (r *modelRegistryResource) UpgradeIdentity(ctx context.Context) map[int64]resource.IdentityUpgrader {
	return registryIdentity.Upgraders(ctx)
}

func (r *modelRegistryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (r *modelRegistryResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// In a module any value may be unknown until apply, so each is read on its own.
	raw := req.Config.Raw
	name, resourceName := stringAt(raw, "name"), stringAt(raw, "resource_name")
	database := presenceAt(raw, "database")
	passwordWO := stringAt(raw, "database", "password_wo")
	passwordVersion := int64At(raw, "database", "password_wo_version")
	existingSecret := presenceAt(raw, "database", "existing_password_secret")
	ca := presenceAt(raw, "ca_certificate")
	clusterBundle, openShiftBundle := boolAt(raw, "ca_certificate", "cluster_bundle"), boolAt(raw, "ca_certificate", "openshift_ai_bundle")
	configMap, secret := presenceAt(raw, "ca_certificate", "config_map"), presenceAt(raw, "ca_certificate", "secret")
	pem := stringAt(raw, "ca_certificate", "pem")
	defaultDatabase := boolAt(raw, "default_database")
	if resp.Diagnostics.HasError() {
		return
	}
	validateDatabaseChoice(database, ca, defaultDatabase, resourceName, &resp.Diagnostics)
	if !database.IsNull() && !database.IsUnknown() {
		validatePasswordSource(passwordWO, passwordVersion, existingSecret, &resp.Diagnostics)
		validateDatabaseType(raw, &resp.Diagnostics)
		if !passwordWO.IsNull() && !passwordWO.IsUnknown() && registry.PasswordBreaksURL(passwordWO.ValueString()) {
			resp.Diagnostics.AddAttributeError(passwordWOPath, "Invalid database password",
				"database.password_wo contains '?', '@' or '/', which break the database URL the operator builds without escaping. "+
					"Change the database user's password to one without them.")
		}
	}
	if !ca.IsNull() && !ca.IsUnknown() {
		validateCASource(map[string]configured{
			"cluster_bundle": clusterBundle, "openshift_ai_bundle": openShiftBundle,
			"config_map": configMap, "secret": secret, "pem": pem,
		}, &resp.Diagnostics)
	}
	if resourceName.IsNull() && !name.IsUnknown() && !name.IsNull() {
		if _, err := registry.ResourceNameFromDisplayName(name.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot derive a registry name",
				fmt.Sprintf("Name: %s. Set resource_name to a name that starts with a letter and has at most %d lowercase letters, digits and dashes.",
					err, registry.MaxResourceNameLength))
		}
	}
}

// validateDatabaseChoice checks that the registry has exactly one database:
// an external one (database) or the operator's (default_database).
func validateDatabaseChoice(database, ca configured, defaultDatabase types.Bool, resourceName types.String, diags *diag.Diagnostics) {
	if database.IsUnknown() || defaultDatabase.IsUnknown() {
		return
	}
	hasDefault := defaultDatabase.ValueBool()
	switch {
	case database.IsNull() && !hasDefault:
		diags.AddAttributeError(path.Root("database"), "Missing database",
			"The registry needs a database: add a database block for an external MySQL or PostgreSQL database, or set "+
				"default_database = true to have the operator run a PostgreSQL database (for development and testing).")
	case !database.IsNull() && hasDefault:
		diags.AddAttributeError(path.Root("default_database"), "Two databases",
			"default_database = true and a database block are both set. Remove the database block to use the operator's default "+
				"database, or remove default_database to use the external database.")
	}
	if !hasDefault {
		return
	}
	if !ca.IsNull() && !ca.IsUnknown() {
		diags.AddAttributeError(path.Root("ca_certificate"), "CA certificate with the default database",
			"ca_certificate applies to an external database; the operator's default database takes none. Remove ca_certificate "+
				"or use a database block.")
	}
	if !resourceName.IsNull() && !resourceName.IsUnknown() {
		if problems := registry.ValidateDefaultDatabaseResourceName(resourceName.ValueString()); len(problems) > 0 {
			diags.AddAttributeError(path.Root("resource_name"), "Registry name too long for the default database",
				fmt.Sprintf("resource_name %q %s. Choose a shorter resource_name.", resourceName.ValueString(), strings.Join(problems, "; ")))
		}
	}
}

// validateDatabaseType checks the arguments that depend on database.type.
func validateDatabaseType(raw tftypes.Value, diags *diag.Diagnostics) {
	databaseType := stringAt(raw, "database", "type")
	host, hostAddress := stringAt(raw, "database", "host"), stringAt(raw, "database", "host_address")
	sslMode := stringAt(raw, "database", "ssl_mode")
	dbPath := path.Root("database")
	if databaseType.IsUnknown() {
		return
	}
	postgres := databaseType.ValueString() == string(registry.DatabasePostgres)
	if !postgres {
		for name, value := range map[string]types.String{"ssl_mode": sslMode, "host_address": hostAddress} {
			if !value.IsNull() {
				diags.AddAttributeError(dbPath.AtName(name), "PostgreSQL-only argument",
					fmt.Sprintf("database.%s applies to PostgreSQL only. Set database.type = \"postgres\" for a PostgreSQL database, or remove database.%s.", name, name))
			}
		}
	}
	switch {
	case host.IsUnknown() || hostAddress.IsUnknown():
	case !host.IsNull() && !hostAddress.IsNull():
		diags.AddAttributeError(dbPath.AtName("host_address"), "Two database hosts",
			"database.host and database.host_address are both set; set one: host for a host name, host_address for an IP address.")
	case host.IsNull() && hostAddress.IsNull() && postgres:
		diags.AddAttributeError(dbPath.AtName("host"), "Missing database host",
			"Set database.host to the database's host name, or database.host_address to its IP address.")
	case host.IsNull() && hostAddress.IsNull():
		diags.AddAttributeError(dbPath.AtName("host"), "Missing database host",
			"Set database.host to the database's host name or IP address.")
	}
}

func validatePasswordSource(passwordWO types.String, version types.Int64, existingSecret configured, diags *diag.Diagnostics) {
	if passwordWO.IsUnknown() || existingSecret.IsUnknown() {
		return
	}
	hasWO, hasSecret := !passwordWO.IsNull(), !existingSecret.IsNull()
	switch {
	case hasWO && hasSecret:
		diags.AddAttributeError(passwordWOPath, "Two password sources",
			"database.password_wo and database.existing_password_secret are both set. Set exactly one: password_wo to let the provider write the password Secret, or existing_password_secret to reference a Secret that already holds it.")
	case !hasWO && !hasSecret:
		diags.AddAttributeError(path.Root("database"), "Missing database password",
			"Set exactly one of database.password_wo (the password, write-only, Terraform 1.11+) and database.existing_password_secret (a Secret in the registry's namespace that holds it).")
	case hasSecret && !version.IsNull():
		diags.AddAttributeError(path.Root("database").AtName("password_wo_version"), "Password version without password",
			"database.password_wo_version only rotates database.password_wo; remove it when using database.existing_password_secret.")
	}
}

// configured is what validation needs of a configured value.
type configured interface {
	IsUnknown() bool
	IsNull() bool
}

func validateCASource(sources map[string]configured, diags *diag.Diagnostics) {
	caPath := path.Root("ca_certificate")
	var set []string
	for name, value := range sources {
		if value.IsUnknown() {
			return
		}
		if value.IsNull() {
			continue
		}
		set = append(set, name)
		if flag, ok := value.(types.Bool); ok && !flag.ValueBool() {
			diags.AddAttributeError(caPath.AtName(name), "Invalid CA source",
				fmt.Sprintf("ca_certificate.%s = false selects nothing. Set it to true to use that bundle, or remove it.", name))
		}
	}
	slices.Sort(set)
	switch {
	case len(set) == 0:
		diags.AddAttributeError(caPath, "Missing CA source",
			"ca_certificate needs exactly one of cluster_bundle = true, openshift_ai_bundle = true, config_map, secret or pem. Remove ca_certificate to connect without a CA.")
	case len(set) > 1:
		diags.AddAttributeError(caPath, "Several CA sources",
			fmt.Sprintf("ca_certificate sets %s; set exactly one of cluster_bundle, openshift_ai_bundle, config_map, secret and pem.", strings.Join(set, " and ")))
	}
}

// resourceNameFromDisplayName plans resource_name: the configured value, the
// name in state, or for a new registry the name derived from the display name.
type resourceNameModifier struct{}

func resourceNameFromDisplayName() planmodifier.String { return resourceNameModifier{} }

func (resourceNameModifier) Description(context.Context) string {
	return "defaults to the display name made into a Kubernetes name"
}
func (m resourceNameModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (resourceNameModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if !req.StateValue.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	var displayName types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &displayName)...)
	if displayName.IsUnknown() || displayName.IsNull() {
		resp.PlanValue = types.StringUnknown()
		return
	}
	resp.PlanValue = types.StringValue(registry.DeriveResourceName(displayName.ValueString()))
}

// portByType plans database.port: the configured port, else the default of
// the database type, 3306 for MySQL and 5432 for PostgreSQL.
type portModifier struct{}

func portByType() planmodifier.Int64 { return portModifier{} }

func (portModifier) Description(context.Context) string {
	return "defaults to 3306 for MySQL and 5432 for PostgreSQL"
}
func (m portModifier) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (portModifier) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var databaseType types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, req.Path.ParentPath().AtName("type"), &databaseType)...)
	switch {
	case databaseType.IsUnknown():
		resp.PlanValue = types.Int64Unknown()
	case databaseType.ValueString() == string(registry.DatabasePostgres):
		resp.PlanValue = types.Int64Value(registry.DefaultPostgresPort)
	default:
		resp.PlanValue = types.Int64Value(registry.DefaultMySQLPort)
	}
}

// plannedRegistry is what ModifyPlan needs of a plan, read from the raw value
// because nested objects may still be unknown.
type plannedRegistry struct {
	ResourceName, Namespace, PEM, DatabaseType types.String
	DefaultDatabase                            types.Bool
	ExistingSecret, Database                   presence
}

func readPlanned(raw tftypes.Value) plannedRegistry {
	return plannedRegistry{
		ResourceName:    stringAt(raw, "resource_name"),
		Namespace:       stringAt(raw, "namespace"),
		PEM:             stringAt(raw, "ca_certificate", "pem"),
		DatabaseType:    stringAt(raw, "database", "type"),
		DefaultDatabase: boolAt(raw, "default_database"),
		ExistingSecret:  presenceAt(raw, "database", "existing_password_secret"),
		Database:        presenceAt(raw, "database"),
	}
}

func (r *modelRegistryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		// Destroy.
		if boolAt(req.State.Raw, "deletion_protection").ValueBool() {
			resp.Diagnostics.AddError("Deletion protection is on",
				fmt.Sprintf("Model registry %s has deletion_protection = true, so it cannot be destroyed. Set deletion_protection = false and apply, then destroy.",
					stringAt(req.State.Raw, "id").ValueString()))
			return
		}
		warnDefaultDatabaseLoss(req.State.Raw, "destroys", &resp.Diagnostics)
		return
	}
	plan := readPlanned(req.Plan.Raw)
	set := map[string]tftypes.Value{}
	defer func() {
		raw, err := withAttributes(resp.Plan.Raw, set)
		if err != nil {
			resp.Diagnostics.AddError("Cannot plan the model registry", "Setting planned values failed; this is a bug in the provider: "+err.Error())
			return
		}
		resp.Plan.Raw = raw
	}()
	planOwnedObjects(plan, set)
	planDatabase(plan, set)
	planAuthProxy(req.State.Raw, set)
	if !req.State.Raw.IsNull() {
		state := readPlanned(req.State.Raw)
		if r.data != nil && !plan.Namespace.IsUnknown() && !plan.ResourceName.IsUnknown() && !plan.Namespace.Equal(state.Namespace) {
			r.data.NoteMove(state.Namespace.ValueString(), plan.ResourceName.ValueString())
		}
		replaced := replacedAttributes(plan, state)
		if r.data != nil && !plan.ResourceName.IsUnknown() && !plan.ResourceName.Equal(state.ResourceName) && !plan.Namespace.IsUnknown() {
			// A new name is a new registry: the operator must be able to run it.
			checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
			defer cancel()
			r.checkNameAgainstOperator(checkCtx, plan.Namespace.ValueString(), plan.ResourceName.ValueString(), false, &resp.Diagnostics)
		}
		if boolAt(req.State.Raw, "deletion_protection").ValueBool() && len(replaced) > 0 {
			resp.Diagnostics.AddError("Deletion protection is on",
				fmt.Sprintf("This change replaces model registry %s (it changes %s), which has deletion_protection = true. Set deletion_protection = false and apply first.",
					stringAt(req.State.Raw, "id").ValueString(), strings.Join(replaced, " and ")))
		} else if len(replaced) > 0 {
			warnDefaultDatabaseLoss(req.State.Raw, "replaces", &resp.Diagnostics)
		}
		return
	}
	if r.data == nil {
		return
	}
	if plan.Namespace.IsNull() || plan.Namespace.IsUnknown() {
		longName := !plan.ResourceName.IsUnknown() && nameNeedsOperatorCheck(plan.ResourceName.ValueString())
		if r.data.Unknown() {
			if longName {
				strictestRuleWarning(&resp.Diagnostics, plan.ResourceName.ValueString(), "the provider configuration is not known until apply")
			}
			return
		}
		checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
		defer cancel()
		namespace, diags := r.data.RegistriesNamespace(checkCtx)
		if diags.HasError() {
			resp.Diagnostics.AddWarning("Cluster not checked", fmt.Sprintf(
				"The cluster could not be reached at plan time (%s), so the registries namespace and the uniqueness of resource_name are checked at apply.", tfutil.Summary(diags)))
			if longName {
				strictestRuleWarning(&resp.Diagnostics, plan.ResourceName.ValueString(), "the cluster could not be reached")
			}
			return
		}
		resp.Diagnostics.Append(diags...)
		plan.Namespace = types.StringValue(namespace)
		set["namespace"] = rawString(plan.Namespace)
	}
	if !plan.ResourceName.IsUnknown() && !plan.Namespace.IsUnknown() {
		set["id"] = rawString(types.StringValue(plan.Namespace.ValueString() + "/" + plan.ResourceName.ValueString()))
		r.checkNameIsFree(ctx, plan, resp)
		checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
		defer cancel()
		r.checkNameAgainstOperator(checkCtx, plan.Namespace.ValueString(), plan.ResourceName.ValueString(), false, &resp.Diagnostics)
	}
}

// warnDefaultDatabaseLoss warns when a plan destroys or replaces a registry
// with the default database: the operator deletes the database's PVC with it.
func warnDefaultDatabaseLoss(state tftypes.Value, verb string, diags *diag.Diagnostics) {
	if !boolAt(state, "default_database").ValueBool() {
		return
	}
	name := stringAt(state, "resource_name").ValueString()
	diags.AddWarning("The default database is deleted with the registry",
		fmt.Sprintf("This plan %s model registry %s, which uses the operator's default database: the operator deletes PVC %s and "+
			"with it every model's metadata in the registry. Set deletion_protection = true to prevent this.",
			verb, stringAt(state, "id").ValueString(), registry.DefaultDatabaseStorageName(name)))
}

// planDatabase plans database_type and default_database_secret_name.
func planDatabase(plan plannedRegistry, set map[string]tftypes.Value) {
	databaseType, secret := types.StringUnknown(), types.StringUnknown()
	switch {
	case plan.DefaultDatabase.IsUnknown() || plan.Database.IsUnknown():
	case plan.DefaultDatabase.ValueBool():
		databaseType = types.StringValue(string(registry.DatabasePostgres))
		if !plan.ResourceName.IsUnknown() {
			secret = types.StringValue(registry.DefaultDatabaseSecretName(plan.ResourceName.ValueString()))
		}
	default:
		secret = types.StringNull()
		if !plan.DatabaseType.IsUnknown() {
			databaseType = types.StringValue(string(registry.DatabaseMySQL))
			if plan.DatabaseType.ValueString() == string(registry.DatabasePostgres) {
				databaseType = plan.DatabaseType
			}
		}
	}
	set["database_type"] = rawString(databaseType)
	set["default_database_secret_name"] = rawString(secret)
}

// planOwnedObjects plans the names of the Secret and ConfigMap the provider
// makes; a name missing from state (deleted out of band) is a change to apply.
func planOwnedObjects(plan plannedRegistry, set map[string]tftypes.Value) {
	if plan.ResourceName.IsUnknown() || plan.ExistingSecret.IsUnknown() || plan.PEM.IsUnknown() {
		return
	}
	name := plan.ResourceName.ValueString()
	secretName := types.StringNull()
	if plan.ExistingSecret.IsNull() && !plan.Database.IsNull() {
		secretName = types.StringValue(registry.PasswordSecretName(name))
	}
	configMapName := types.StringNull()
	if !plan.PEM.IsNull() {
		configMapName = types.StringValue(registry.CAConfigMapName(name))
	}
	set["password_secret_name"] = rawString(secretName)
	set["ca_config_map_name"] = rawString(configMapName)
}

// planAuthProxy plans the auth proxy on every registry: one read without it
// (state false) then shows as an in-place update. Adding it rolls the
// registry out again, so what the operator reports is unknown until applied.
func planAuthProxy(state tftypes.Value, set map[string]tftypes.Value) {
	set["kube_rbac_proxy"] = tftypes.NewValue(tftypes.Bool, true)
	if state.IsNull() || boolAt(state, "kube_rbac_proxy").ValueBool() {
		return
	}
	set["ready"] = tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)
	set["status"] = tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"reason": tftypes.String, "message": tftypes.String,
	}}, tftypes.UnknownValue)
	set["endpoints"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, tftypes.UnknownValue)
	set["rest_url"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
}

// checkNameIsFree fails the plan when a registry of that name exists anywhere:
// the operator's webhook rejects duplicate names across namespaces.
func (r *modelRegistryResource) checkNameIsFree(ctx context.Context, plan plannedRegistry, resp *resource.ModifyPlanResponse) {
	checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
	defer cancel()
	byName, err := r.data.RegistriesByName(checkCtx)
	if err != nil {
		resp.Diagnostics.AddWarning("Cluster not checked", fmt.Sprintf("Listing model registries failed (%v), so the uniqueness of resource_name is checked at apply.", err))
		return
	}
	client, clientErr := r.data.Client()
	for _, obj := range byName[plan.ResourceName.ValueString()] {
		if clientErr == nil && r.protocol(client).InterruptedCreate(checkCtx, obj, plan.Namespace.ValueString()) {
			resp.Diagnostics.AddAttributeWarning(path.Root("resource_name"), "Adopting an interrupted create",
				fmt.Sprintf("Model registry %s/%s was written by a create of this provider that never finished (Terraform or the provider "+
					"stopped before it returned), so no state holds it. This apply adopts it.", obj.GetNamespace(), obj.GetName()))
			continue
		}
		if obj.GetNamespace() != plan.Namespace.ValueString() && r.data.Moving(obj.GetNamespace(), obj.GetName()) {
			// This plan moves that registry here: Terraform plans the create of the
			// replacement without its state, after planning the change with it.
			continue
		}
		if obj.GetNamespace() == plan.Namespace.ValueString() && obj.GetLabels()[registry.LabelAppManagedBy] == registry.ManagedByProvider {
			// Possibly this very resource, tainted and about to be replaced (Terraform
			// plans a tainted resource as a create); Create checks again after the destroy.
			resp.Diagnostics.AddAttributeWarning(path.Root("resource_name"), "Model registry already exists",
				fmt.Sprintf("A model registry named %q made by Terraform exists in namespace %q. If this plan replaces it, that is expected; "+
					"otherwise another configuration manages it and the apply will fail.", obj.GetName(), obj.GetNamespace()))
			continue
		}
		// When the cluster cannot say, the registry is taken to be there.
		if clientErr == nil && !r.protocol(client).StillExists(checkCtx, obj) {
			continue
		}
		appendProblems(&resp.Diagnostics, lifecycle.NameTaken(obj), lifecycle.SummaryNameTaken)
	}
	tflog.Debug(ctx, "registry name is free", map[string]any{"resource_name": plan.ResourceName.ValueString()})
}

func (r *modelRegistryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := registryIdentity.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name, found := strings.Cut(importID, "/")
	if !found {
		name, namespace = namespace, ""
		if r.data != nil {
			var diags diag.Diagnostics
			namespace, diags = r.data.RegistriesNamespace(ctx)
			resp.Diagnostics.Append(diags...)
		}
	}
	if name == "" || namespace == "" || strings.Contains(name, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q is not a registry ID; use <namespace>/<resource_name> (for example rhoai-model-registries/fraud-models) or <resource_name>.", importID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), namespace+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), namespace)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("resource_name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_ready"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	registryIdentity.SetFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// MoveState takes over a registry from a kubernetes_manifest of hashicorp/kubernetes (resource_model_registry_move.go).
func (r *modelRegistryResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveFromManifest}}
}

// replacedAttributes lists the attributes whose change replaces the registry.
func replacedAttributes(plan, state plannedRegistry) []string {
	var replaced []string
	for _, a := range []struct {
		name        string
		plan, state types.String
	}{{"resource_name", plan.ResourceName, state.ResourceName}, {"namespace", plan.Namespace, state.Namespace}} {
		if a.plan.IsUnknown() || !a.plan.Equal(a.state) {
			replaced = append(replaced, a.name)
		}
	}
	// The dashboard locks the database: its type and the default database replace
	// too (unknown values are left to Delete, which checks deletion_protection again).
	switch {
	case plan.DefaultDatabase.IsUnknown() || plan.DatabaseType.IsUnknown():
	case plan.DefaultDatabase.ValueBool() != state.DefaultDatabase.ValueBool():
		replaced = append(replaced, "default_database")
	case !plan.Database.IsNull() && !state.Database.IsNull() && plan.DatabaseType.ValueString() != state.DatabaseType.ValueString():
		replaced = append(replaced, "database.type")
	}
	return replaced
}

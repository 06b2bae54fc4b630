package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The schemas below are those of internal/provider (resource_model_registry_schema.go,
// resource_model_registry_permission.go) with the same attributes, types, flags,
// defaults and plan modifiers, but no descriptions and no validators. To update them
// after a change of the provider's schemas, run `go test ./internal/bench/floor`: it
// names every attribute path that differs and how; change the floor until it passes.

// defaultNamespace is what the real provider resolves an unset namespace to on the
// bench's control plane (the DataScienceCluster's registries namespace).
const defaultNamespace = "rhoai-model-registries"

var statusAttrTypes = map[string]attr.Type{"reason": types.StringType, "message": types.StringType}

func keyRef() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{Optional: true},
		"key":  schema.StringAttribute{Optional: true},
	}
}

func timeoutsBlock(operations ...string) schema.Block {
	attributes := map[string]schema.Attribute{}
	for _, op := range operations {
		attributes[op] = schema.StringAttribute{Optional: true}
	}
	return schema.SingleNestedBlock{Attributes: attributes}
}

var (
	keepState = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace   = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	// keepStateReplace is namespace's: the state's value first, so unset is no change.
	keepStateReplace = []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
)

type registryResource struct{}

type registryModel struct {
	ID                 types.String   `tfsdk:"id"`
	Name               types.String   `tfsdk:"name"`
	ResourceName       types.String   `tfsdk:"resource_name"`
	Namespace          types.String   `tfsdk:"namespace"`
	Description        types.String   `tfsdk:"description"`
	Database           *databaseModel `tfsdk:"database"`
	CACertificate      *caModel       `tfsdk:"ca_certificate"`
	DefaultDatabase    types.Bool     `tfsdk:"default_database"`
	DatabaseType       types.String   `tfsdk:"database_type"`
	DefaultDBSecret    types.String   `tfsdk:"default_database_secret_name"`
	WaitForReady       types.Bool     `tfsdk:"wait_for_ready"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	Timeouts           types.Object   `tfsdk:"timeouts"`
	UID                types.String   `tfsdk:"uid"`
	Ready              types.Bool     `tfsdk:"ready"`
	Status             types.Object   `tfsdk:"status"`
	Endpoints          types.List     `tfsdk:"endpoints"`
	RESTURL            types.String   `tfsdk:"rest_url"`
	KubeRBACProxy      types.Bool     `tfsdk:"kube_rbac_proxy"`
	PasswordSecretName types.String   `tfsdk:"password_secret_name"`
	CAConfigMapName    types.String   `tfsdk:"ca_config_map_name"`
}

type databaseModel struct {
	Type                   types.String `tfsdk:"type"`
	HostAddress            types.String `tfsdk:"host_address"`
	SSLMode                types.String `tfsdk:"ssl_mode"`
	Host                   types.String `tfsdk:"host"`
	Port                   types.Int64  `tfsdk:"port"`
	Username               types.String `tfsdk:"username"`
	Database               types.String `tfsdk:"database"`
	SkipDatabaseCreation   types.Bool   `tfsdk:"skip_database_creation"`
	PasswordWO             types.String `tfsdk:"password_wo"`
	PasswordWOVersion      types.Int64  `tfsdk:"password_wo_version"`
	ExistingPasswordSecret *keyRefModel `tfsdk:"existing_password_secret"`
	VerifyConnection       types.Bool   `tfsdk:"verify_connection"`
}

type caModel struct {
	ClusterBundle     types.Bool   `tfsdk:"cluster_bundle"`
	OpenShiftAIBundle types.Bool   `tfsdk:"openshift_ai_bundle"`
	ConfigMap         *keyRefModel `tfsdk:"config_map"`
	Secret            *keyRefModel `tfsdk:"secret"`
	PEM               types.String `tfsdk:"pem"`
}

type keyRefModel struct {
	Name types.String `tfsdk:"name"`
	Key  types.String `tfsdk:"key"`
}

func (r *registryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry"
}

func (r *registryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":                  schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"name":                schema.StringAttribute{Required: true},
			"resource_name":       schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{resourceNameFromName{}, stringplanmodifier.RequiresReplace()}},
			"namespace":           schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepStateReplace},
			"description":         schema.StringAttribute{Optional: true},
			"wait_for_ready":      schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
			"deletion_protection": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			"uid":                 schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"ready":               schema.BoolAttribute{Computed: true},
			"status": schema.SingleNestedAttribute{
				Computed: true,
				Attributes: map[string]schema.Attribute{
					"reason":  schema.StringAttribute{Computed: true},
					"message": schema.StringAttribute{Computed: true},
				},
			},
			"endpoints":            schema.ListAttribute{Computed: true, ElementType: types.StringType},
			"rest_url":             schema.StringAttribute{Computed: true},
			"kube_rbac_proxy":      schema.BoolAttribute{Computed: true},
			"password_secret_name": schema.StringAttribute{Computed: true},
			"ca_config_map_name":   schema.StringAttribute{Computed: true},
			"default_database": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()}},
			"database_type":                schema.StringAttribute{Computed: true},
			"default_database_secret_name": schema.StringAttribute{Computed: true},
		},
		Blocks: map[string]schema.Block{
			"database": schema.SingleNestedBlock{
				Attributes: map[string]schema.Attribute{
					"type":                   schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("mysql"), PlanModifiers: replace},
					"host":                   schema.StringAttribute{Optional: true},
					"host_address":           schema.StringAttribute{Optional: true},
					"ssl_mode":               schema.StringAttribute{Optional: true},
					"port":                   schema.Int64Attribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.Int64{portByType{}}},
					"username":               schema.StringAttribute{Optional: true},
					"database":               schema.StringAttribute{Optional: true},
					"skip_database_creation": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
					"password_wo":            schema.StringAttribute{Optional: true, WriteOnly: true},
					"password_wo_version":    schema.Int64Attribute{Optional: true},
					"verify_connection":      schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
				},
				Blocks: map[string]schema.Block{
					"existing_password_secret": schema.SingleNestedBlock{Attributes: keyRef()},
				},
			},
			"ca_certificate": schema.SingleNestedBlock{
				Attributes: map[string]schema.Attribute{
					"cluster_bundle":      schema.BoolAttribute{Optional: true},
					"openshift_ai_bundle": schema.BoolAttribute{Optional: true},
					"pem":                 schema.StringAttribute{Optional: true},
				},
				Blocks: map[string]schema.Block{
					"config_map": schema.SingleNestedBlock{Attributes: keyRef()},
					"secret":     schema.SingleNestedBlock{Attributes: keyRef()},
				},
			},
			"timeouts": timeoutsBlock("create", "update", "delete"),
		},
	}
}

// Create reads the write-only password from the configuration, as the provider does,
// and stores the plan with the values a ready registry would have.
func (r *registryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m registryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("database").AtName("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.fillComputed()...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read returns the state unchanged: the framework has copied it into the response.
func (r *registryResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *registryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m registryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.fillComputed()...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete has nothing to delete; the framework removes the state.
func (r *registryResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// fillComputed sets every value the plan left unknown, as the operator's ready registry has them.
func (m *registryModel) fillComputed() diag.Diagnostics {
	var diags diag.Diagnostics
	if m.ResourceName.IsUnknown() {
		m.ResourceName = types.StringValue(deriveResourceName(m.Name.ValueString()))
	}
	if m.Namespace.IsUnknown() {
		m.Namespace = types.StringValue(defaultNamespace)
	}
	name, namespace := m.ResourceName.ValueString(), m.Namespace.ValueString()
	if m.ID.IsUnknown() {
		m.ID = types.StringValue(namespace + "/" + name)
	}
	if m.UID.IsUnknown() {
		m.UID = types.StringValue(newUID())
	}
	m.Ready = types.BoolValue(true)
	var ds diag.Diagnostics
	m.Status, ds = types.ObjectValue(statusAttrTypes, map[string]attr.Value{
		"reason": types.StringValue("DeploymentAvailable"), "message": types.StringValue("Deployment for " + name + " is available"),
	})
	diags.Append(ds...)
	m.Endpoints, ds = types.ListValueFrom(context.Background(), types.StringType,
		[]string{name + "-rest.apps.openshiftai.local", name + "." + namespace + ".svc.cluster.local", name + "." + namespace, name})
	diags.Append(ds...)
	m.RESTURL = types.StringValue("https://" + name + "-rest.apps.openshiftai.local")
	m.KubeRBACProxy = types.BoolValue(true)
	m.PasswordSecretName = types.StringNull()
	if m.Database != nil && m.Database.ExistingPasswordSecret == nil {
		m.PasswordSecretName = types.StringValue(name + "-db-password")
	}
	m.CAConfigMapName = types.StringNull()
	if m.CACertificate != nil && !m.CACertificate.PEM.IsNull() {
		m.CAConfigMapName = types.StringValue(name + "-db-credential")
	}
	m.DatabaseType, m.DefaultDBSecret = types.StringValue("postgres"), types.StringValue(name+"-postgres-credentials")
	if m.Database != nil {
		m.DatabaseType, m.DefaultDBSecret = m.Database.Type, types.StringNull()
	}
	return diags
}

// portByType plans database.port as the provider does: 3306 for MySQL, 5432 for PostgreSQL.
type portByType struct{}

// Description is the provider's, so that schema_test.go can match the two modifiers.
func (portByType) Description(context.Context) string {
	return "defaults to 3306 for MySQL and 5432 for PostgreSQL"
}

func (m portByType) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (portByType) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var databaseType types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, req.Path.ParentPath().AtName("type"), &databaseType)...)
	switch {
	case databaseType.IsUnknown():
		resp.PlanValue = types.Int64Unknown()
	case databaseType.ValueString() == "postgres":
		resp.PlanValue = types.Int64Value(5432)
	default:
		resp.PlanValue = types.Int64Value(3306)
	}
}

var (
	whitespace  = regexp.MustCompile(`\s+`)
	notNameChar = regexp.MustCompile(`[^a-z0-9-]`)
	dashes      = regexp.MustCompile(`-{2,}`)
)

// deriveResourceName is registry.DeriveResourceName (schema_test.go checks they agree),
// kept here so that the floor links none of the provider's packages.
func deriveResourceName(displayName string) string {
	name := strings.ToLower(strings.TrimSpace(displayName))
	name = whitespace.ReplaceAllString(name, "-")
	name = notNameChar.ReplaceAllString(name, "")
	name = dashes.ReplaceAllString(name, "-")
	return strings.Trim(name, "-")
}

// newUID is a random UUID, as the API server gives every object.
func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// resourceNameFromName plans resource_name as the provider's modifier does: the
// configured value, the state's, or for a new registry the one derived from name.
type resourceNameFromName struct{}

// Description is the provider's, so that schema_test.go can match the two modifiers.
func (resourceNameFromName) Description(context.Context) string {
	return "defaults to the display name made into a Kubernetes name"
}

func (m resourceNameFromName) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (resourceNameFromName) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
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
	resp.PlanValue = types.StringValue(deriveResourceName(displayName.ValueString()))
}

type permissionResource struct{}

type permissionModel struct {
	ID          types.String `tfsdk:"id"`
	BindingName types.String `tfsdk:"binding_name"`
	Registry    types.String `tfsdk:"registry"`
	Namespace   types.String `tfsdk:"namespace"`
	User        types.String `tfsdk:"user"`
	Group       types.String `tfsdk:"group"`
	Project     types.String `tfsdk:"project"`
	Timeouts    types.Object `tfsdk:"timeouts"`
}

func (r *permissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permission"
}

func (r *permissionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"binding_name": schema.StringAttribute{Computed: true, PlanModifiers: keepState},
			"registry":     schema.StringAttribute{Required: true, PlanModifiers: replace},
			"namespace":    schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepStateReplace},
			"user":         schema.StringAttribute{Optional: true, PlanModifiers: replace},
			"group":        schema.StringAttribute{Optional: true, PlanModifiers: replace},
			"project":      schema.StringAttribute{Optional: true, PlanModifiers: replace},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock("create", "read", "delete"),
		},
	}
}

// Create stores the plan with the binding's name and ID.
func (r *permissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m permissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Namespace.IsUnknown() {
		m.Namespace = types.StringValue(defaultNamespace)
	}
	kind, subject := "user", m.User.ValueString()
	switch {
	case !m.Group.IsNull():
		kind, subject = "group", m.Group.ValueString()
	case !m.Project.IsNull():
		kind, subject = "project", m.Project.ValueString()
	}
	sum := sha256.Sum256([]byte(kind + "/" + subject))
	m.BindingName = types.StringValue(fmt.Sprintf("%s-%s-%x", m.Registry.ValueString(), kind, sum[:4]))
	m.ID = types.StringValue(m.Namespace.ValueString() + "/" + m.BindingName.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read returns the state unchanged.
func (r *permissionResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update changes only timeouts (every other argument replaces the binding): the plan is the state.
func (r *permissionResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *permissionResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

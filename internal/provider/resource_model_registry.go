package provider

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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var (
	_ resource.Resource                   = &modelRegistryResource{}
	_ resource.ResourceWithConfigure      = &modelRegistryResource{}
	_ resource.ResourceWithImportState    = &modelRegistryResource{}
	_ resource.ResourceWithModifyPlan     = &modelRegistryResource{}
	_ resource.ResourceWithValidateConfig = &modelRegistryResource{}
)

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
	data *providerData
}

// NewModelRegistryResource is the openshiftai_model_registry resource.
func NewModelRegistryResource() resource.Resource { return &modelRegistryResource{} }

func (r *modelRegistryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry"
}

func (r *modelRegistryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// configuredData checks the type of what the provider's Configure handed over.
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", raw))
		return nil
	}
	return data
}

func (r *modelRegistryResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config modelRegistryModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.Database != nil {
		validatePasswordSource(config.Database, &resp.Diagnostics)
	}
	if config.CACertificate != nil {
		validateCASource(config.CACertificate, &resp.Diagnostics)
	}
	if config.ResourceName.IsNull() && !config.Name.IsUnknown() && !config.Name.IsNull() {
		derived := registry.DeriveResourceName(config.Name.ValueString())
		if problems := registry.ValidateResourceName(derived); len(problems) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot derive a registry name",
				fmt.Sprintf("The Kubernetes name derived from name %q is %q, which %s. Set resource_name to a name that starts with a letter and has at most %d lowercase letters, digits and dashes.",
					config.Name.ValueString(), derived, strings.Join(problems, "; it "), registry.MaxResourceNameLength))
		}
	}
}

func validatePasswordSource(db *databaseModel, diags *diag.Diagnostics) {
	hasWO := !db.PasswordWO.IsNull()
	hasSecret := db.ExistingPasswordSecret != nil
	switch {
	case hasWO && hasSecret:
		diags.AddAttributeError(path.Root("database").AtName("password_wo"), "Two password sources",
			"database.password_wo and database.existing_password_secret are both set. Set exactly one: password_wo to let the provider write the password Secret, or existing_password_secret to reference a Secret that already holds it.")
	case !hasWO && !hasSecret:
		diags.AddAttributeError(path.Root("database"), "Missing database password",
			"Set exactly one of database.password_wo (the password, write-only, Terraform 1.11+) and database.existing_password_secret (a Secret in the registry's namespace that holds it).")
	case hasSecret && !db.PasswordWOVersion.IsNull():
		diags.AddAttributeError(path.Root("database").AtName("password_wo_version"), "Password version without password",
			"database.password_wo_version only rotates database.password_wo; remove it when using database.existing_password_secret.")
	}
}

func validateCASource(ca *caModel, diags *diag.Diagnostics) {
	caPath := path.Root("ca_certificate")
	var set []string
	for name, isSet := range map[string]bool{
		"cluster_bundle":      !ca.ClusterBundle.IsNull(),
		"openshift_ai_bundle": !ca.OpenShiftAIBundle.IsNull(),
		"config_map":          ca.ConfigMap != nil,
		"secret":              ca.Secret != nil,
		"pem":                 !ca.PEM.IsNull(),
	} {
		if isSet {
			set = append(set, name)
		}
	}
	for _, flag := range []struct {
		name  string
		value types.Bool
	}{{"cluster_bundle", ca.ClusterBundle}, {"openshift_ai_bundle", ca.OpenShiftAIBundle}} {
		if !flag.value.IsNull() && !flag.value.IsUnknown() && !flag.value.ValueBool() {
			diags.AddAttributeError(caPath.AtName(flag.name), "Invalid CA source",
				fmt.Sprintf("ca_certificate.%s = false selects nothing. Set it to true to use that bundle, or remove it.", flag.name))
		}
	}
	switch {
	case len(set) == 0:
		diags.AddAttributeError(caPath, "Missing CA source",
			"ca_certificate needs exactly one of cluster_bundle = true, openshift_ai_bundle = true, config_map, secret or pem. Remove ca_certificate to connect without a CA.")
	case len(set) > 1:
		slices.Sort(set)
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

func (r *modelRegistryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		// Destroy.
		var state modelRegistryModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.DeletionProtection.ValueBool() {
			resp.Diagnostics.AddError("Deletion protection is on",
				fmt.Sprintf("Model registry %s has deletion_protection = true, so it cannot be destroyed. Set deletion_protection = false and apply, then destroy.", state.ID.ValueString()))
		}
		return
	}
	var plan modelRegistryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating {
		var state modelRegistryModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.DeletionProtection.ValueBool() && len(resp.RequiresReplace) > 0 {
			resp.Diagnostics.AddError("Deletion protection is on",
				fmt.Sprintf("This change replaces model registry %s (it changes %s), which has deletion_protection = true. Set deletion_protection = false and apply first.",
					state.ID.ValueString(), describePaths(resp.RequiresReplace)))
		}
		r.planOwnedObjects(ctx, &plan, resp)
		return
	}
	if r.data == nil {
		return
	}
	if plan.Namespace.IsNull() || plan.Namespace.IsUnknown() {
		if r.data.unknown {
			return
		}
		checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
		defer cancel()
		namespace, diags := r.data.RegistriesNamespace(checkCtx)
		if diags.HasError() {
			resp.Diagnostics.AddWarning("Cluster not checked", fmt.Sprintf(
				"The cluster could not be reached at plan time (%s), so the registries namespace and the uniqueness of resource_name are checked at apply.", summary(diags)))
			return
		}
		resp.Diagnostics.Append(diags...)
		plan.Namespace = types.StringValue(namespace)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("namespace"), plan.Namespace)...)
	}
	if !plan.ResourceName.IsUnknown() && !plan.Namespace.IsUnknown() {
		plan.ID = types.StringValue(plan.Namespace.ValueString() + "/" + plan.ResourceName.ValueString())
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.ID)...)
		r.checkNameIsFree(ctx, plan, resp)
	}
	r.planOwnedObjects(ctx, &plan, resp)
}

// planOwnedObjects plans the names of the Secret and ConfigMap the provider
// makes; a name missing from state (deleted out of band) is a change to apply.
func (r *modelRegistryResource) planOwnedObjects(ctx context.Context, plan *modelRegistryModel, resp *resource.ModifyPlanResponse) {
	if plan.ResourceName.IsUnknown() || plan.Database == nil {
		return
	}
	name := plan.ResourceName.ValueString()
	secretName := types.StringNull()
	if plan.Database.managesPassword() {
		secretName = types.StringValue(registry.PasswordSecretName(name))
	}
	configMapName := types.StringNull()
	if plan.CACertificate != nil && !plan.CACertificate.PEM.IsNull() {
		configMapName = types.StringValue(registry.CAConfigMapName(name))
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("password_secret_name"), secretName)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ca_config_map_name"), configMapName)...)
}

// checkNameIsFree fails the plan when a registry of that name exists anywhere:
// the operator's webhook rejects duplicate names across namespaces.
func (r *modelRegistryResource) checkNameIsFree(ctx context.Context, plan modelRegistryModel, resp *resource.ModifyPlanResponse) {
	client, err := r.data.Client()
	if err != nil {
		resp.Diagnostics.AddWarning("Cluster not checked", fmt.Sprintf("Could not connect to the cluster (%v), so the uniqueness of resource_name is checked at apply.", err))
		return
	}
	checkCtx, cancel := context.WithTimeout(ctx, planCheckTimeout)
	defer cancel()
	existing, err := client.ListByName(checkCtx, registry.GroupVersionResource, plan.ResourceName.ValueString())
	if err != nil {
		resp.Diagnostics.AddWarning("Cluster not checked", fmt.Sprintf("Listing model registries failed (%v), so the uniqueness of resource_name is checked at apply.", err))
		return
	}
	for _, obj := range existing {
		resp.Diagnostics.AddAttributeError(path.Root("resource_name"), "Model registry already exists",
			fmt.Sprintf("A model registry named %q already exists in namespace %q, and registry names are unique across the cluster. "+
				"Choose another resource_name, or bring the existing registry under Terraform with:\n  terraform import <address> %s/%s",
				obj.GetName(), obj.GetNamespace(), obj.GetNamespace(), obj.GetName()))
	}
	tflog.Debug(ctx, "registry name is free", map[string]any{"resource_name": plan.ResourceName.ValueString()})
}

func (r *modelRegistryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	namespace, name, found := strings.Cut(req.ID, "/")
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
			fmt.Sprintf("%q is not a registry ID; use <namespace>/<resource_name> (for example rhoai-model-registries/fraud-models) or <resource_name>.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), namespace+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), namespace)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("resource_name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_ready"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
}

// timeoutOr reads one of the resource's timeouts.
func timeoutOr(get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), ctx context.Context, def time.Duration, diags *diag.Diagnostics) time.Duration {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	return d
}

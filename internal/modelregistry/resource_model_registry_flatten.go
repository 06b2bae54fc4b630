package modelregistry

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// registryView is a registry as the cluster has it, in Terraform values: the
// one mapping from the observed objects, from which the resource (Read, import
// and the list resource) and both data sources fill their models.
type registryView struct {
	ID, ResourceName, Namespace, Name, Description types.String
	DatabaseType                                   types.String
	DefaultDatabase                                types.Bool
	DefaultDBSecret                                types.String
	// Database is the external database as the registry names it; nil with the default database.
	Database *databaseDataModel
	// CA is the registry's CA source; an uploaded certificate whose ConfigMap
	// was read is CAPEM with its content.
	CA registry.CASource
	// CAUploaded is true when the registry mounts the ConfigMap of an uploaded certificate.
	CAUploaded bool
	// CAConfigMapName names the uploaded certificate's ConfigMap when it was read; null otherwise.
	CAConfigMapName types.String
	// CAConfigMapMissing is true when the uploaded certificate's ConfigMap was looked for and not found.
	CAConfigMapMissing bool
	registryStatus
}

// registryStatus is what the operator reports, embedded alike in the resource's
// and the data source's models.
type registryStatus struct {
	UID           types.String `tfsdk:"uid"`
	Ready         types.Bool   `tfsdk:"ready"`
	Status        types.Object `tfsdk:"status"`
	Endpoints     types.List   `tfsdk:"endpoints"`
	RESTURL       types.String `tfsdk:"rest_url"`
	KubeRBACProxy types.Bool   `tfsdk:"kube_rbac_proxy"`
}

// registryViewFrom maps the observed objects to the view. It makes no request;
// a ConfigMap that could not be read for another reason than absence is an error.
func registryViewFrom(observed lifecycle.Observed) (registryView, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := observed.Registry
	v := registryView{
		ID:              types.StringValue(o.Namespace + "/" + o.Name),
		ResourceName:    types.StringValue(o.Name),
		Namespace:       types.StringValue(o.Namespace),
		Name:            types.StringValue(o.DisplayName),
		Description:     optionalString(o.Description),
		DatabaseType:    types.StringValue(string(o.Database.Type)),
		DefaultDatabase: types.BoolValue(o.Database.Generated),
		DefaultDBSecret: types.StringNull(),
		CA:              o.CA,
		CAConfigMapName: types.StringNull(),
		registryStatus:  registryStatusFrom(o),
	}
	if o.Database.Generated {
		v.DefaultDBSecret = types.StringValue(registry.DefaultDatabaseSecretName(o.Name))
	} else {
		v.Database = databaseViewFrom(o.Database)
	}
	caRef, uploaded := lifecycle.UploadedCA(o)
	v.CAUploaded = uploaded
	switch cm, err := observed.CAConfigMap, observed.CAConfigMapErr; {
	case errors.Is(err, lifecycle.ErrNotRead):
	case err == nil:
		v.CA = registry.CASource{Kind: registry.CAPEM, PEM: cm.Data[caRef.Key]}
		v.CAConfigMapName = types.StringValue(cm.Name)
	case apierrors.IsNotFound(err):
		v.CAConfigMapMissing = true
	default:
		diags.AddError("Cannot read the registry's CA certificate", fmt.Sprintf(
			"Reading ConfigMap %s/%s, which holds the CA certificate of model registry %s/%s, failed: %s",
			o.Namespace, caRef.Name, o.Namespace, o.Name, tfutil.Sentence(err)))
	}
	return v, diags
}

// databaseViewFrom is an external database as the registry names it; ssl_mode
// is the one PostgreSQL uses, the CRD's default when the registry sets none.
func databaseViewFrom(db registry.Database) *databaseDataModel {
	m := &databaseDataModel{
		Type:                 types.StringValue(string(db.Type)),
		Host:                 optionalString(db.Host),
		HostAddress:          optionalString(db.HostAddress),
		SSLMode:              types.StringNull(),
		Port:                 types.Int64Value(db.Port),
		Username:             types.StringValue(db.Username),
		Database:             types.StringValue(db.Database),
		SkipDatabaseCreation: types.BoolValue(db.SkipDatabaseCreation),
	}
	if db.Type == registry.DatabasePostgres {
		m.SSLMode = types.StringValue(registry.DefaultSSLMode)
		if db.SSLMode != "" {
			m.SSLMode = types.StringValue(db.SSLMode)
		}
	}
	if db.PasswordSecret.Name != "" {
		m.ExistingPasswordSecret = keyRefFrom(db.PasswordSecret)
	}
	return m
}

// registryStatusFrom is what the operator reports: the Available condition,
// the hosts as listed and the REST URL made from the first external one.
func registryStatusFrom(o registry.Observed) registryStatus {
	reason, message := types.StringNull(), types.StringNull()
	if o.Available != nil {
		reason, message = types.StringValue(o.Available.Reason), types.StringValue(o.Available.Message)
	}
	hosts := make([]attr.Value, 0, len(o.Hosts))
	for _, h := range o.Hosts {
		hosts = append(hosts, types.StringValue(h))
	}
	return registryStatus{
		UID:           types.StringValue(string(o.UID)),
		Ready:         types.BoolValue(o.Ready()),
		Status:        types.ObjectValueMust(statusAttrTypes, map[string]attr.Value{"reason": reason, "message": message}),
		Endpoints:     types.ListValueMust(types.StringType, hosts),
		RESTURL:       optionalString(registry.RESTURL(o.Name, o.Namespace, o.Hosts)),
		KubeRBACProxy: types.BoolValue(o.KubeRBACProxy),
	}
}

// setStatus copies what the operator reports into the computed attributes.
func (m *modelRegistryModel) setStatus(o registry.Observed) {
	m.registryStatus = registryStatusFrom(o)
}

// gatherFor says which of a registry's own objects a read with this prior
// state needs: the password Secret unless the configuration names its own, the
// uploaded CA ConfigMap unless the configuration names that ConfigMap itself.
func gatherFor(prior modelRegistryModel) lifecycle.GatherOptions {
	return lifecycle.GatherOptions{
		PasswordSecret: prior.Database == nil || prior.Database.managesPassword(),
		CAConfigMap:    prior.CACertificate == nil || prior.CACertificate.ConfigMap == nil,
	}
}

// flattenModelRegistry fills the resource's model from the view over what m
// holds (the state, or the bare identity of an import): only the fields the
// provider owns, so that the operator's defaults never show as drift.
func flattenModelRegistry(m *modelRegistryModel, observed lifecycle.Observed) diag.Diagnostics {
	v, diags := registryViewFrom(observed)
	priorDB := m.Database
	m.ID, m.Namespace, m.ResourceName, m.Name = v.ID, v.Namespace, v.ResourceName, v.Name
	if !v.Description.IsNull() || m.Description.ValueString() != "" {
		// Keep "" or null as configured: both mean no description.
		m.Description = v.Description
	}
	m.DefaultDatabase, m.DatabaseType, m.DefaultDBSecret = v.DefaultDatabase, v.DatabaseType, v.DefaultDBSecret
	var dbDiags diag.Diagnostics
	m.Database, m.PasswordSecretName, dbDiags = databaseFrom(priorDB, v.Database, observed)
	diags.Append(dbDiags...)
	m.CACertificate, m.CAConfigMapName = caFrom(v)
	if m.WaitForReady.IsNull() {
		m.WaitForReady = types.BoolValue(true)
	}
	if m.DeletionProtection.IsNull() {
		m.DeletionProtection = types.BoolValue(false)
	}
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = tfutil.NullTimeouts("create", "update", "delete")
	}
	m.registryStatus = v.registryStatus
	return diags
}

// databaseFrom is the database attribute and password_secret_name for what the
// cluster has; which Secret is the provider's depends on the prior state.
func databaseFrom(priorDB *databaseModel, view *databaseDataModel, observed lifecycle.Observed) (*databaseModel, types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	if view == nil {
		return nil, types.StringNull(), diags
	}
	db := &databaseModel{
		Type:                 view.Type,
		Host:                 view.Host,
		HostAddress:          view.HostAddress,
		Port:                 view.Port,
		Username:             view.Username,
		Database:             view.Database,
		SSLMode:              sslModeFrom(priorDB, view.SSLMode),
		SkipDatabaseCreation: view.SkipDatabaseCreation,
		PasswordWO:           types.StringNull(),
		PasswordWOVersion:    types.Int64Null(),
		VerifyConnection:     types.BoolValue(false),
	}
	if priorDB != nil {
		db.VerifyConnection = priorDB.VerifyConnection
		db.PasswordWOVersion = priorDB.PasswordWOVersion
	}
	secretName := types.StringNull()
	// The resource names the registry's Secret reference even when it is empty, so the plan shows it.
	existing := keyRefFrom(observed.Registry.Database.PasswordSecret)
	secret, err := observed.PasswordSecret, observed.PasswordSecretErr
	switch {
	case errors.Is(err, lifecycle.ErrNotRead):
		db.ExistingPasswordSecret = existing
		db.PasswordWOVersion = types.Int64Null()
	case err == nil && (priorDB != nil || secret.Labels[registry.LabelAppManagedBy] == registry.ManagedByProvider):
		secretName = types.StringValue(secret.Name)
		if version, err := strconv.ParseInt(secret.Annotations[registry.AnnotationPasswordVersion], 10, 64); err == nil && priorDB == nil {
			db.PasswordWOVersion = types.Int64Value(version)
		}
	case err == nil:
		db.ExistingPasswordSecret = existing
	case apierrors.IsNotFound(err) && priorDB != nil:
		// Deleted out of band: the plan writes it again.
	case apierrors.IsNotFound(err):
		db.ExistingPasswordSecret = existing
	default:
		diags.AddError("Cannot read the password Secret", err.Error())
	}
	return db, secretName, diags
}

// optionalString is null for "", so an unset host or host_address reads back unset.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// sslModeFrom is the resource's ssl_mode for the one the registry uses: the
// CRD's default, disable, reads as unset unless the configuration set it, so it
// never shows as drift.
func sslModeFrom(priorDB *databaseModel, used types.String) types.String {
	if used.ValueString() == registry.DefaultSSLMode && (priorDB == nil || priorDB.SSLMode.IsNull()) {
		return types.StringNull()
	}
	return used
}

// caFrom is the resource's ca_certificate and ca_config_map_name: an uploaded
// CA reads back as pem, unless the configuration names that ConfigMap itself
// (then it was not gathered); a missing one reads as an empty pem, which the
// plan writes again.
func caFrom(v registryView) (*caModel, types.String) {
	source := v.CA
	if v.CAConfigMapMissing {
		source = registry.CASource{Kind: registry.CAPEM}
	}
	ca := caModelFrom(source)
	if ca != nil && source.Kind == registry.CAPEM && source.PEM == "" {
		ca.PEM = types.StringNull()
	}
	return ca, v.CAConfigMapName
}

// flattenModelRegistryData fills the openshiftai_model_registry data source's
// model from the view; a missing uploaded CA ConfigMap is a warning.
func flattenModelRegistryData(m *modelRegistryDataModel, observed lifecycle.Observed) diag.Diagnostics {
	v, diags := registryViewFrom(observed)
	*m = modelRegistryDataModel{
		ID: v.ID, ResourceName: v.ResourceName, Namespace: v.Namespace, Name: v.Name, Description: v.Description,
		DatabaseType: v.DatabaseType, DefaultDatabase: v.DefaultDatabase, DefaultDBSecret: v.DefaultDBSecret,
		Database: v.Database, CACertificate: caModelFrom(v.CA),
		registryStatus: v.registryStatus,
	}
	if v.CAConfigMapMissing {
		ref, _ := lifecycle.UploadedCA(observed.Registry)
		diags.AddAttributeWarning(path.Root("ca_certificate"), "Uploaded CA certificate not found", fmt.Sprintf(
			"Model registry %s/%s uses the CA certificate in ConfigMap %q, key %q, which does not exist, so the registry cannot "+
				"verify its database. ca_certificate.config_map names the ConfigMap; ca_certificate.pem is null.",
			v.Namespace.ValueString(), v.ResourceName.ValueString(), ref.Name, ref.Key))
	}
	return diags
}

// flattenRegistrySummary fills one entry of the openshiftai_model_registries
// data source from the view of a listed registry. An uploaded CA certificate is
// told apart by its ConfigMap's name, without reading the ConfigMap.
func flattenRegistrySummary(s *registrySummaryModel, o registry.Observed) {
	v, _ := registryViewFrom(lifecycle.Observed{Registry: o, PasswordSecretErr: lifecycle.ErrNotRead, CAConfigMapErr: lifecycle.ErrNotRead})
	*s = registrySummaryModel{
		ResourceName: v.ResourceName, Name: v.Name, Description: v.Description,
		DatabaseType: v.DatabaseType, DefaultDatabase: v.DefaultDatabase,
		Ready: v.Ready, Endpoints: v.Endpoints, RESTURL: v.RESTURL, KubeRBACProxy: v.KubeRBACProxy,
	}
	if db := v.Database; db != nil {
		s.Database = &databaseSummaryModel{
			Type: db.Type, Host: db.Host, HostAddress: db.HostAddress, Port: db.Port, Username: db.Username, Database: db.Database,
		}
	}
	effective := o.Registry
	if v.CAUploaded {
		effective.CA = registry.CASource{Kind: registry.CAPEM}
	}
	s.CASource = types.StringValue(string(effective.CA.Kind))
	if ref, _, ok := effective.CAObject(); ok {
		s.CAReference = keyRefFrom(ref)
	}
}

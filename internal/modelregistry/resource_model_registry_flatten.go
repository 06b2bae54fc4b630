package modelregistry

import (
	"errors"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// gatherFor says which of a registry's own objects a read with this prior
// state needs: the password Secret unless the configuration names its own, the
// uploaded CA ConfigMap unless the configuration names that ConfigMap itself.
func gatherFor(prior modelRegistryModel) lifecycle.GatherOptions {
	return lifecycle.GatherOptions{
		PasswordSecret: prior.Database == nil || prior.Database.managesPassword(),
		CAConfigMap:    prior.CACertificate == nil || prior.CACertificate.ConfigMap == nil,
	}
}

// registryModelFrom maps what the cluster has onto the prior model (the state,
// or the bare identity of an import): only the fields the provider owns, so that
// the operator's defaults never show as drift. It makes no request.
func registryModelFrom(prior modelRegistryModel, observed lifecycle.Observed) (modelRegistryModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := prior
	o := observed.Registry
	priorDB := m.Database
	m.ID = types.StringValue(o.Namespace + "/" + o.Name)
	m.Namespace = types.StringValue(o.Namespace)
	m.ResourceName = types.StringValue(o.Name)
	m.Name = types.StringValue(o.DisplayName)
	switch {
	case o.Description != "":
		m.Description = types.StringValue(o.Description)
	case m.Description.ValueString() == "":
		// Keep "" or null as configured: both mean no description.
	default:
		m.Description = types.StringNull()
	}
	var dbDiags, caDiags diag.Diagnostics
	m.DefaultDatabase = types.BoolValue(o.Database.Generated)
	m.DatabaseType, m.DefaultDBSecret = types.StringValue(string(o.Database.Type)), types.StringNull()
	if o.Database.Generated {
		m.DefaultDBSecret = types.StringValue(registry.DefaultDatabaseSecretName(o.Name))
	}
	m.Database, m.PasswordSecretName, dbDiags = databaseFrom(priorDB, observed)
	m.CACertificate, m.CAConfigMapName, caDiags = caFrom(observed)
	diags.Append(dbDiags...)
	diags.Append(caDiags...)
	if m.WaitForReady.IsNull() {
		m.WaitForReady = types.BoolValue(true)
	}
	if m.DeletionProtection.IsNull() {
		m.DeletionProtection = types.BoolValue(false)
	}
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = tfutil.NullTimeouts("create", "update", "delete")
	}
	m.setStatus(o)
	return m, diags
}

// databaseFrom is the database attribute and password_secret_name for what the
// cluster has; which Secret is the provider's depends on the prior state.
func databaseFrom(priorDB *databaseModel, observed lifecycle.Observed) (*databaseModel, types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := observed.Registry
	if o.Database.Generated {
		return nil, types.StringNull(), diags
	}
	db := &databaseModel{
		Type:                 types.StringValue(string(o.Database.Type)),
		Host:                 optionalString(o.Database.Host),
		HostAddress:          optionalString(o.Database.HostAddress),
		Port:                 types.Int64Value(o.Database.Port),
		Username:             types.StringValue(o.Database.Username),
		Database:             types.StringValue(o.Database.Database),
		SSLMode:              sslModeFrom(priorDB, o.Database),
		SkipDatabaseCreation: types.BoolValue(o.Database.SkipDatabaseCreation),
		PasswordWO:           types.StringNull(),
		PasswordWOVersion:    types.Int64Null(),
		VerifyConnection:     types.BoolValue(false),
	}
	if priorDB != nil {
		db.VerifyConnection = priorDB.VerifyConnection
		db.PasswordWOVersion = priorDB.PasswordWOVersion
	}
	secretName := types.StringNull()
	ref := o.Database.PasswordSecret
	secret, err := observed.PasswordSecret, observed.PasswordSecretErr
	switch {
	case errors.Is(err, lifecycle.ErrNotRead):
		db.ExistingPasswordSecret = keyRefFrom(ref)
		db.PasswordWOVersion = types.Int64Null()
	case err == nil && (priorDB != nil || secret.Labels[registry.LabelAppManagedBy] == registry.ManagedByProvider):
		secretName = types.StringValue(secret.Name)
		if version, err := strconv.ParseInt(secret.Annotations[registry.AnnotationPasswordVersion], 10, 64); err == nil && priorDB == nil {
			db.PasswordWOVersion = types.Int64Value(version)
		}
	case err == nil:
		db.ExistingPasswordSecret = keyRefFrom(ref)
	case apierrors.IsNotFound(err) && priorDB != nil:
		// Deleted out of band: the plan writes it again.
	case apierrors.IsNotFound(err):
		db.ExistingPasswordSecret = keyRefFrom(ref)
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

// sslModeFrom is ssl_mode for what the cluster has: the CRD's default, disable,
// reads as unset unless the configuration set it, so it never shows as drift.
func sslModeFrom(priorDB *databaseModel, db registry.Database) types.String {
	if db.Type != registry.DatabasePostgres {
		return types.StringNull()
	}
	mode := db.SSLMode
	if mode == "" {
		mode = registry.DefaultSSLMode
	}
	if mode == registry.DefaultSSLMode && (priorDB == nil || priorDB.SSLMode.IsNull()) {
		return types.StringNull()
	}
	return types.StringValue(mode)
}

// caFrom is the ca_certificate attribute and ca_config_map_name for what the
// cluster has: an uploaded CA reads back as pem, unless the configuration
// names that ConfigMap itself (then it was not gathered).
func caFrom(observed lifecycle.Observed) (*caModel, types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := observed.Registry
	configMapName := types.StringNull()
	source := o.CA
	// An uploaded CA reads back as pem, unless the configuration names that ConfigMap itself.
	switch cm, err := observed.CAConfigMap, observed.CAConfigMapErr; {
	case errors.Is(err, lifecycle.ErrNotRead):
	case err == nil:
		source = registry.CASource{Kind: registry.CAPEM, PEM: cm.Data[registry.CAConfigMapKey]}
		configMapName = types.StringValue(cm.Name)
	case apierrors.IsNotFound(err):
		// Deleted out of band: the plan writes it again.
		source = registry.CASource{Kind: registry.CAPEM}
	default:
		source = registry.CASource{Kind: registry.CAPEM}
		diags.AddError("Cannot read the CA ConfigMap", err.Error())
	}
	ca := caModelFrom(source)
	if ca != nil && source.Kind == registry.CAPEM && source.PEM == "" {
		ca.PEM = types.StringNull()
	}
	return ca, configMapName, diags
}

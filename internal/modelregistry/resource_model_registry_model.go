package modelregistry

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

type modelRegistryModel struct {
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
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
	registryStatus
	PasswordSecretName types.String `tfsdk:"password_secret_name"`
	CAConfigMapName    types.String `tfsdk:"ca_config_map_name"`
}

type databaseModel struct {
	Type                   types.String `tfsdk:"type"`
	Host                   types.String `tfsdk:"host"`
	HostAddress            types.String `tfsdk:"host_address"`
	Port                   types.Int64  `tfsdk:"port"`
	Username               types.String `tfsdk:"username"`
	Database               types.String `tfsdk:"database"`
	SSLMode                types.String `tfsdk:"ssl_mode"`
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

func (k *keyRefModel) ref() registry.KeyRef {
	return registry.KeyRef{Name: k.Name.ValueString(), Key: k.Key.ValueString()}
}

func keyRefFrom(ref registry.KeyRef) *keyRefModel {
	return &keyRefModel{Name: types.StringValue(ref.Name), Key: types.StringValue(ref.Key)}
}

// managesPassword reports whether the provider writes the password Secret:
// for an external database without existing_password_secret.
func (d *databaseModel) managesPassword() bool { return d != nil && d.ExistingPasswordSecret == nil }

// databaseType is the type the database block asks for.
func (d *databaseModel) databaseType() registry.DatabaseType {
	if d.Type.ValueString() == string(registry.DatabasePostgres) {
		return registry.DatabasePostgres
	}
	return registry.DatabaseMySQL
}

// caSource translates the ca_certificate attribute into the domain's CA source.
func (c *caModel) caSource() registry.CASource {
	switch {
	case c == nil:
		return registry.CASource{}
	case c.ClusterBundle.ValueBool():
		return registry.CASource{Kind: registry.CAClusterBundle}
	case c.OpenShiftAIBundle.ValueBool():
		return registry.CASource{Kind: registry.CAOpenShiftAI}
	case c.ConfigMap != nil:
		return registry.CASource{Kind: registry.CAConfigMap, Ref: c.ConfigMap.ref()}
	case c.Secret != nil:
		return registry.CASource{Kind: registry.CASecret, Ref: c.Secret.ref()}
	case !c.PEM.IsNull():
		return registry.CASource{Kind: registry.CAPEM, PEM: c.PEM.ValueString()}
	}
	return registry.CASource{}
}

// caModelFrom is the ca_certificate attribute for a CA source read from the cluster.
func caModelFrom(source registry.CASource) *caModel {
	m := &caModel{
		ClusterBundle:     types.BoolNull(),
		OpenShiftAIBundle: types.BoolNull(),
		PEM:               types.StringNull(),
	}
	switch source.Kind {
	case registry.CANone:
		return nil
	case registry.CAClusterBundle:
		m.ClusterBundle = types.BoolValue(true)
	case registry.CAOpenShiftAI:
		m.OpenShiftAIBundle = types.BoolValue(true)
	case registry.CAConfigMap:
		m.ConfigMap = keyRefFrom(source.Ref)
	case registry.CASecret:
		m.Secret = keyRefFrom(source.Ref)
	case registry.CAPEM:
		m.PEM = types.StringValue(source.PEM)
	}
	return m
}

// desired is the registry the plan asks for.
func (m *modelRegistryModel) desired() registry.Registry {
	r := registry.Registry{
		Name:        m.ResourceName.ValueString(),
		Namespace:   m.Namespace.ValueString(),
		DisplayName: m.Name.ValueString(),
		Description: m.Description.ValueString(),
	}
	if m.Database == nil || m.DefaultDatabase.ValueBool() {
		// default_database: the operator runs the database and keeps its credentials.
		r.Database = registry.Database{Type: registry.DatabasePostgres, Generated: true}
		return r
	}
	r.Database = registry.Database{
		Type:                 m.Database.databaseType(),
		Host:                 m.Database.Host.ValueString(),
		HostAddress:          m.Database.HostAddress.ValueString(),
		Port:                 m.Database.Port.ValueInt64(),
		Database:             m.Database.Database.ValueString(),
		Username:             m.Database.Username.ValueString(),
		SSLMode:              m.Database.SSLMode.ValueString(),
		SkipDatabaseCreation: m.Database.SkipDatabaseCreation.ValueBool(),
	}
	r.CA = m.CACertificate.caSource()
	if m.Database.managesPassword() {
		r.Database.PasswordSecret = registry.KeyRef{Name: registry.PasswordSecretName(r.Name), Key: registry.PasswordSecretKeyPassword}
	} else {
		r.Database.PasswordSecret = m.Database.ExistingPasswordSecret.ref()
	}
	return r
}

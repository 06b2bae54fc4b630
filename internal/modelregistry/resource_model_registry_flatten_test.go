package modelregistry

import (
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// providerRegistry is a registry as the provider writes it, with its own
// password Secret (labelled, version 3) and an uploaded CA, as Gather finds them.
func providerRegistry() lifecycle.Observed {
	r := registry.Registry{
		Name: "fraud", Namespace: registry.DefaultNamespace, DisplayName: "Fraud",
		Database: registry.Database{Host: "db", Port: 3306, Database: "d", Username: "u",
			PasswordSecret: registry.KeyRef{Name: registry.PasswordSecretName("fraud"), Key: registry.PasswordSecretKeyPassword}},
		CA: registry.CASource{Kind: registry.CAPEM, PEM: "pem"},
	}
	secret := r.PasswordSecret("s3cret", "3")
	return lifecycle.Observed{
		Registry:       registry.ParseModelRegistry(r.ModelRegistry()),
		PasswordSecret: secret,
		CAConfigMap:    r.CAConfigMap(),
	}
}

func TestRegistryModelFrom_import(t *testing.T) {
	// An import starts from the identity alone.
	m, diags := registryModelFrom(modelRegistryModel{}, providerRegistry())
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != registry.DefaultNamespace+"/fraud" || m.Name.ValueString() != "Fraud" || !m.Description.IsNull() {
		t.Errorf("identity %s %s %s", m.ID, m.Name, m.Description)
	}
	if m.PasswordSecretName.ValueString() != "fraud-db-password" || m.Database.ExistingPasswordSecret != nil ||
		m.Database.PasswordWOVersion.ValueInt64() != 3 || !m.Database.PasswordWO.IsNull() {
		t.Errorf("password: secret %s existing %+v version %s", m.PasswordSecretName, m.Database.ExistingPasswordSecret, m.Database.PasswordWOVersion)
	}
	if m.CACertificate.PEM.ValueString() != "pem" || m.CAConfigMapName.ValueString() != "fraud-db-credential" {
		t.Errorf("CA %+v in %s", m.CACertificate, m.CAConfigMapName)
	}
	if !m.WaitForReady.ValueBool() || m.DeletionProtection.ValueBool() || !m.Timeouts.IsNull() {
		t.Errorf("defaults wait %s protection %s timeouts %v", m.WaitForReady, m.DeletionProtection, m.Timeouts)
	}
}

func TestRegistryModelFrom_secretOfTheDashboard(t *testing.T) {
	// A Secret of that name without the provider's label is the user's, on import.
	o := providerRegistry()
	o.PasswordSecret.Labels = nil
	m, _ := registryModelFrom(modelRegistryModel{}, o)
	if !m.PasswordSecretName.IsNull() || m.Database.ExistingPasswordSecret == nil ||
		m.Database.ExistingPasswordSecret.Name.ValueString() != "fraud-db-password" {
		t.Errorf("secret %s existing %+v", m.PasswordSecretName, m.Database.ExistingPasswordSecret)
	}
}

func TestRegistryModelFrom_keepsWhatTheClusterDoesNotHold(t *testing.T) {
	prior, _ := registryModelFrom(modelRegistryModel{}, providerRegistry())
	prior.Database.PasswordWOVersion = types.Int64Value(7)
	prior.Database.VerifyConnection = types.BoolValue(true)
	prior.Description = types.StringValue("")
	m, _ := registryModelFrom(prior, providerRegistry())
	if m.Database.PasswordWOVersion.ValueInt64() != 7 || !m.Database.VerifyConnection.ValueBool() {
		t.Errorf("the configured version %s and verify_connection %s must stay", m.Database.PasswordWOVersion, m.Database.VerifyConnection)
	}
	if m.Description.IsNull() {
		t.Error(`description "" must stay "" when the registry has none`)
	}
}

func TestRegistryModelFrom_missingObjects(t *testing.T) {
	prior, _ := registryModelFrom(modelRegistryModel{}, providerRegistry())
	gone := providerRegistry()
	gone.PasswordSecret, gone.PasswordSecretErr = nil, apierrors.NewNotFound(corev1.Resource("secrets"), "fraud-db-password")
	gone.CAConfigMap, gone.CAConfigMapErr = nil, apierrors.NewNotFound(corev1.Resource("configmaps"), "fraud-db-credential")
	m, diags := registryModelFrom(prior, gone)
	if diags.HasError() {
		t.Fatal(diags)
	}
	// Deleted out of band: the plan writes them again.
	if !m.PasswordSecretName.IsNull() || m.Database.ExistingPasswordSecret != nil {
		t.Errorf("a deleted own Secret reads as %s / %+v", m.PasswordSecretName, m.Database.ExistingPasswordSecret)
	}
	if m.CACertificate == nil || !m.CACertificate.PEM.IsNull() || !m.CAConfigMapName.IsNull() {
		t.Errorf("a deleted CA ConfigMap reads as %+v in %s", m.CACertificate, m.CAConfigMapName)
	}

	broken := providerRegistry()
	broken.PasswordSecret, broken.PasswordSecretErr = nil, errors.New("forbidden")
	broken.CAConfigMap, broken.CAConfigMapErr = nil, errors.New("forbidden")
	if _, diags := registryModelFrom(prior, broken); diags.ErrorsCount() != 2 {
		t.Errorf("want both failed reads reported, got %v", diags)
	}
}

func TestRegistryModelFrom_notGathered(t *testing.T) {
	// A configuration that names the objects itself: they are the user's.
	o := providerRegistry()
	o.PasswordSecret, o.PasswordSecretErr = nil, lifecycle.ErrNotRead
	o.CAConfigMap, o.CAConfigMapErr = nil, lifecycle.ErrNotRead
	m, _ := registryModelFrom(modelRegistryModel{}, o)
	if m.Database.ExistingPasswordSecret == nil || !m.PasswordSecretName.IsNull() || !m.Database.PasswordWOVersion.IsNull() {
		t.Errorf("password %+v %s", m.Database.ExistingPasswordSecret, m.PasswordSecretName)
	}
	if m.CACertificate.ConfigMap == nil || m.CACertificate.ConfigMap.Name.ValueString() != "fraud-db-credential" || !m.CAConfigMapName.IsNull() {
		t.Errorf("CA %+v", m.CACertificate)
	}
}

// setField sets a field of an object built in the test; the path exists.
func setField(obj map[string]any, value any, fields ...string) {
	if err := unstructured.SetNestedField(obj, value, fields...); err != nil {
		panic(err)
	}
}

// A dashboard-made PostgreSQL registry, with the CRD's defaults as the API server adds them.
func dashboardPostgres(sslMode string) lifecycle.Observed {
	r := registry.Registry{
		Name: "vision", Namespace: registry.DefaultNamespace, DisplayName: "Vision",
		Database: registry.Database{Type: registry.DatabasePostgres, HostAddress: "10.0.0.9", Port: 5432, Database: "d", Username: "u",
			SSLMode: sslMode, PasswordSecret: registry.KeyRef{Name: "vision-db-x7k2p", Key: registry.PasswordSecretKeyPassword}},
		CA: registry.CASource{Kind: registry.CAClusterBundle},
	}
	obj := r.ModelRegistry()
	setField(obj.Object, nil, "spec", "mysql")
	if sslMode == "" {
		setField(obj.Object, registry.DefaultSSLMode, "spec", "postgres", "sslMode")
	}
	return lifecycle.Observed{Registry: registry.ParseModelRegistry(obj), PasswordSecretErr: lifecycle.ErrNotRead, CAConfigMapErr: lifecycle.ErrNotRead}
}

func TestRegistryModelFrom_postgres(t *testing.T) {
	m, diags := registryModelFrom(modelRegistryModel{}, dashboardPostgres(""))
	if diags.HasError() {
		t.Fatal(diags)
	}
	db := m.Database
	if db.Type.ValueString() != "postgres" || !db.Host.IsNull() || db.HostAddress.ValueString() != "10.0.0.9" || db.Port.ValueInt64() != 5432 {
		t.Errorf("database %+v", db)
	}
	// The CRD's default sslMode is no drift for a configuration without ssl_mode.
	if !db.SSLMode.IsNull() {
		t.Errorf("ssl_mode = %s, want null for the CRD default", db.SSLMode)
	}
	if m.DatabaseType.ValueString() != "postgres" || m.DefaultDatabase.ValueBool() || !m.DefaultDBSecret.IsNull() {
		t.Errorf("database_type %s default_database %s secret %s", m.DatabaseType, m.DefaultDatabase, m.DefaultDBSecret)
	}
	if m.CACertificate == nil || !m.CACertificate.ClusterBundle.ValueBool() {
		t.Errorf("CA %+v", m.CACertificate)
	}
	// A configured ssl_mode = "disable" stays; another mode set out of band shows.
	prior := m
	prior.Database = &databaseModel{SSLMode: types.StringValue("disable")}
	if got, _ := registryModelFrom(prior, dashboardPostgres("")); got.Database.SSLMode.ValueString() != "disable" {
		t.Errorf("configured disable read back as %s", got.Database.SSLMode)
	}
	if got, _ := registryModelFrom(m, dashboardPostgres("verify-full")); got.Database.SSLMode.ValueString() != "verify-full" {
		t.Errorf("sslMode set out of band read back as %s", got.Database.SSLMode)
	}
}

func TestRegistryModelFrom_defaultDatabase(t *testing.T) {
	r := registry.Registry{Name: "dev", Namespace: registry.DefaultNamespace, DisplayName: "Dev",
		Database: registry.Database{Type: registry.DatabasePostgres, Generated: true}}
	obj := r.ModelRegistry()
	setField(obj.Object, int64(5432), "spec", "postgres", "port")
	m, diags := registryModelFrom(modelRegistryModel{}, lifecycle.Gather(t.Context(), nil, obj, gatherFor(modelRegistryModel{})))
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Database != nil || m.CACertificate != nil || !m.PasswordSecretName.IsNull() {
		t.Errorf("database %+v CA %+v password secret %s", m.Database, m.CACertificate, m.PasswordSecretName)
	}
	if !m.DefaultDatabase.ValueBool() || m.DatabaseType.ValueString() != "postgres" || m.DefaultDBSecret.ValueString() != "dev-postgres-credentials" {
		t.Errorf("default_database %s database_type %s secret %s", m.DefaultDatabase, m.DatabaseType, m.DefaultDBSecret)
	}
	if d := m.desired().Database; !d.Generated || d.Type != registry.DatabasePostgres {
		t.Errorf("desired database %+v", d)
	}
}

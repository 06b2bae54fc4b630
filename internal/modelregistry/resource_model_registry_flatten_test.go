package modelregistry

import (
	"errors"
	"fmt"
	"strings"
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

func TestFlattenModelRegistry_import(t *testing.T) {
	// An import starts from the identity alone.
	m := modelRegistryModel{}
	diags := flattenModelRegistry(&m, providerRegistry())
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

func TestFlattenModelRegistry_secretOfTheDashboard(t *testing.T) {
	// A Secret of that name without the provider's label is the user's, on import.
	o := providerRegistry()
	o.PasswordSecret.Labels = nil
	m := modelRegistryModel{}
	flattenModelRegistry(&m, o)
	if !m.PasswordSecretName.IsNull() || m.Database.ExistingPasswordSecret == nil ||
		m.Database.ExistingPasswordSecret.Name.ValueString() != "fraud-db-password" {
		t.Errorf("secret %s existing %+v", m.PasswordSecretName, m.Database.ExistingPasswordSecret)
	}
}

func TestFlattenModelRegistry_keepsWhatTheClusterDoesNotHold(t *testing.T) {
	prior := modelRegistryModel{}
	flattenModelRegistry(&prior, providerRegistry())
	prior.Database.PasswordWOVersion = types.Int64Value(7)
	prior.Database.VerifyConnection = types.BoolValue(true)
	prior.Description = types.StringValue("")
	m := prior
	flattenModelRegistry(&m, providerRegistry())
	if m.Database.PasswordWOVersion.ValueInt64() != 7 || !m.Database.VerifyConnection.ValueBool() {
		t.Errorf("the configured version %s and verify_connection %s must stay", m.Database.PasswordWOVersion, m.Database.VerifyConnection)
	}
	if m.Description.IsNull() {
		t.Error(`description "" must stay "" when the registry has none`)
	}
}

func TestFlattenModelRegistry_missingObjects(t *testing.T) {
	prior := modelRegistryModel{}
	flattenModelRegistry(&prior, providerRegistry())
	gone := providerRegistry()
	gone.PasswordSecret, gone.PasswordSecretErr = nil, apierrors.NewNotFound(corev1.Resource("secrets"), "fraud-db-password")
	gone.CAConfigMap, gone.CAConfigMapErr = nil, apierrors.NewNotFound(corev1.Resource("configmaps"), "fraud-db-credential")
	m := prior
	diags := flattenModelRegistry(&m, gone)
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
	read := prior
	if diags := flattenModelRegistry(&read, broken); diags.ErrorsCount() != 2 {
		t.Errorf("want both failed reads reported, got %v", diags)
	}
}

func TestFlattenModelRegistry_notGathered(t *testing.T) {
	// A configuration that names the objects itself: they are the user's.
	o := providerRegistry()
	o.PasswordSecret, o.PasswordSecretErr = nil, lifecycle.ErrNotRead
	o.CAConfigMap, o.CAConfigMapErr = nil, lifecycle.ErrNotRead
	m := modelRegistryModel{}
	flattenModelRegistry(&m, o)
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

func TestFlattenModelRegistry_postgres(t *testing.T) {
	m := modelRegistryModel{}
	diags := flattenModelRegistry(&m, dashboardPostgres(""))
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
	got := prior
	flattenModelRegistry(&got, dashboardPostgres(""))
	if got.Database.SSLMode.ValueString() != "disable" {
		t.Errorf("configured disable read back as %s", got.Database.SSLMode)
	}
	got = m
	flattenModelRegistry(&got, dashboardPostgres("verify-full"))
	if got.Database.SSLMode.ValueString() != "verify-full" {
		t.Errorf("sslMode set out of band read back as %s", got.Database.SSLMode)
	}
}

func TestFlattenModelRegistry_defaultDatabase(t *testing.T) {
	r := registry.Registry{Name: "dev", Namespace: registry.DefaultNamespace, DisplayName: "Dev",
		Database: registry.Database{Type: registry.DatabasePostgres, Generated: true}}
	obj := r.ModelRegistry()
	setField(obj.Object, int64(5432), "spec", "postgres", "port")
	m := modelRegistryModel{}
	diags := flattenModelRegistry(&m, lifecycle.Gather(t.Context(), nil, obj, gatherFor(modelRegistryModel{})))
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

// viewsOf is what the resource (on import), the data source and the list show
// for the same observed objects, with the shared view they are filled from.
func viewsOf(t *testing.T, o lifecycle.Observed) (registryView, modelRegistryModel, modelRegistryDataModel, registrySummaryModel) {
	t.Helper()
	v, _ := registryViewFrom(o)
	resource := modelRegistryModel{}
	flattenModelRegistry(&resource, o)
	var data modelRegistryDataModel
	flattenModelRegistryData(&data, o)
	var listed registrySummaryModel
	flattenRegistrySummary(&listed, o.Registry)
	return v, resource, data, listed
}

func TestRegistryViewFrom_databaseKinds(t *testing.T) {
	defaultDB := registry.Registry{Name: "dev", Namespace: registry.DefaultNamespace, DisplayName: "Dev",
		Database: registry.Database{Type: registry.DatabasePostgres, Generated: true}}
	for _, tc := range []struct {
		name        string
		observed    lifecycle.Observed
		wantType    string
		wantDefault bool
		// want is the database as all three show it: type host host_address port username database ssl_mode; "" for a null database.
		want string
		// wantResourceSSL is the resource's ssl_mode on import: the CRD's default reads as unset.
		wantResourceSSL string
		wantSecret      string
	}{
		{"MySQL of the dashboard", observedWith(dashboardRegistry("fraud", nil, nil), nil), "mysql", false,
			`"mysql" "mysql.db.svc" <null> 3307 "mr" "models" <null>`, "<null>", "fraud-db-x7k2p"},
		{"PostgreSQL by address, CRD default sslMode", dashboardPostgres(""), "postgres", false,
			`"postgres" <null> "10.0.0.9" 5432 "u" "d" "disable"`, "<null>", "vision-db-x7k2p"},
		{"PostgreSQL with verify-full", dashboardPostgres("verify-full"), "postgres", false,
			`"postgres" <null> "10.0.0.9" 5432 "u" "d" "verify-full"`, `"verify-full"`, "vision-db-x7k2p"},
		{"default database", lifecycle.Observed{Registry: registry.ParseModelRegistry(defaultDB.ModelRegistry()),
			PasswordSecretErr: lifecycle.ErrNotRead, CAConfigMapErr: lifecycle.ErrNotRead}, "postgres", true, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, resource, data, listed := viewsOf(t, tc.observed)
			for view, got := range map[string][2]string{
				"view":       {v.DatabaseType.String(), v.DefaultDatabase.String()},
				"resource":   {resource.DatabaseType.String(), resource.DefaultDatabase.String()},
				"data":       {data.DatabaseType.String(), data.DefaultDatabase.String()},
				"registries": {listed.DatabaseType.String(), listed.DefaultDatabase.String()},
			} {
				if want := [2]string{`"` + tc.wantType + `"`, fmt.Sprint(tc.wantDefault)}; got != want {
					t.Errorf("%s: database_type, default_database = %v, want %v", view, got, want)
				}
			}
			if tc.want == "" {
				if v.Database != nil || resource.Database != nil || data.Database != nil || listed.Database != nil {
					t.Errorf("database: view %+v resource %+v data %+v list %+v, want null everywhere", v.Database, resource.Database, data.Database, listed.Database)
				}
				secret := registry.DefaultDatabaseSecretName(tc.observed.Registry.Name)
				if v.DefaultDBSecret.ValueString() != secret || resource.DefaultDBSecret.ValueString() != secret || data.DefaultDBSecret.ValueString() != secret {
					t.Errorf("default_database_secret_name: view %s resource %s data %s, want %s", v.DefaultDBSecret, resource.DefaultDBSecret, data.DefaultDBSecret, secret)
				}
				return
			}
			d, r, l := data.Database, resource.Database, listed.Database
			if got := fmt.Sprint(d.Type, " ", d.Host, " ", d.HostAddress, " ", d.Port, " ", d.Username, " ", d.Database, " ", d.SSLMode); got != tc.want {
				t.Errorf("data source database = %s, want %s", got, tc.want)
			}
			if got := fmt.Sprint(l.Type, " ", l.Host, " ", l.HostAddress, " ", l.Port, " ", l.Username, " ", l.Database, " ", d.SSLMode); got != tc.want {
				t.Errorf("listed database = %s, want %s", got, tc.want)
			}
			if got := fmt.Sprint(r.Type, " ", r.Host, " ", r.HostAddress, " ", r.Port, " ", r.Username, " ", r.Database, " ", r.SSLMode); got != strings.TrimSuffix(tc.want, d.SSLMode.String())+tc.wantResourceSSL {
				t.Errorf("resource database = %s, want %s with ssl_mode %s", got, tc.want, tc.wantResourceSSL)
			}
			if d.ExistingPasswordSecret.Name.ValueString() != tc.wantSecret || r.ExistingPasswordSecret.Name.ValueString() != tc.wantSecret {
				t.Errorf("existing_password_secret: data %+v resource %+v, want %s", d.ExistingPasswordSecret, r.ExistingPasswordSecret, tc.wantSecret)
			}
			if !v.DefaultDBSecret.IsNull() || !resource.DefaultDBSecret.IsNull() || !data.DefaultDBSecret.IsNull() {
				t.Errorf("default_database_secret_name must be null with an external database")
			}
		})
	}
}

// Every CA kind as the view, the resource on import, the data source and the list show it.
func TestRegistryViewFrom_caKinds(t *testing.T) {
	pem := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	uploaded := map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "fraud-db-credential", "key": "ca.crt"}}
	caString := func(c *caModel) string {
		if c == nil {
			return "null"
		}
		s := fmt.Sprint("cluster_bundle=", c.ClusterBundle, " openshift_ai_bundle=", c.OpenShiftAIBundle, " pem=", len(c.PEM.ValueString()))
		for name, ref := range map[string]*keyRefModel{"config_map": c.ConfigMap, "secret": c.Secret} {
			if ref != nil {
				s += fmt.Sprint(" ", name, "=", ref.Name.ValueString(), "/", ref.Key.ValueString())
			}
		}
		return s
	}
	const (
		bundle   = "cluster_bundle=true openshift_ai_bundle=<null> pem=0"
		odh      = "cluster_bundle=<null> openshift_ai_bundle=true pem=0"
		none     = "cluster_bundle=<null> openshift_ai_bundle=<null> pem=0"
		uploadCM = none + " config_map=fraud-db-credential/ca.crt"
	)
	asPEM := fmt.Sprint("cluster_bundle=<null> openshift_ai_bundle=<null> pem=", len(pem))
	for _, tc := range []struct {
		name                             string
		observed                         lifecycle.Observed
		wantResource, wantData, wantList string
		wantConfigMapName                string
	}{
		{"none", observedWith(dashboardRegistry("fraud", nil, nil), nil), "null", "null", `"" <nil>`, "<null>"},
		{"cluster bundle", observedWith(dashboardRegistry("fraud", nil, map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "odh-trusted-ca-bundle", "key": "ca-bundle.crt"}}), nil),
			bundle, bundle, `"cluster_bundle" odh-trusted-ca-bundle/ca-bundle.crt`, "<null>"},
		{"OpenShift AI bundle", observedWith(dashboardRegistry("fraud", nil, map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "odh-trusted-ca-bundle", "key": "odh-ca-bundle.crt"}}), nil),
			odh, odh, `"openshift_ai_bundle" odh-trusted-ca-bundle/odh-ca-bundle.crt`, "<null>"},
		{"existing ConfigMap", observedWith(dashboardRegistry("fraud", nil, map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "corporate-ca", "key": "ca.crt"}}), nil),
			none + " config_map=corporate-ca/ca.crt", none + " config_map=corporate-ca/ca.crt", `"config_map" corporate-ca/ca.crt`, "<null>"},
		{"existing Secret", observedWith(dashboardRegistry("fraud", nil, map[string]any{"sslRootCertificateSecret": map[string]any{"name": "corporate-ca", "key": "ca.crt"}}), nil),
			none + " secret=corporate-ca/ca.crt", none + " secret=corporate-ca/ca.crt", `"secret" corporate-ca/ca.crt`, "<null>"},
		{"uploaded PEM, read", observedWith(dashboardRegistry("fraud", nil, uploaded), &pem),
			asPEM, asPEM, `"pem" fraud-db-credential/ca.crt`, `"fraud-db-credential"`},
		// The resource plans to write it again; the data source names the ConfigMap the registry mounts.
		{"uploaded PEM whose ConfigMap is gone", observedWith(dashboardRegistry("fraud", nil, uploaded), nil),
			none, uploadCM, `"pem" fraud-db-credential/ca.crt`, "<null>"},
		// A configuration that names the uploaded ConfigMap itself keeps that form.
		{"uploaded PEM, not read", func() lifecycle.Observed {
			o := observedWith(dashboardRegistry("fraud", nil, uploaded), nil)
			o.CAConfigMapErr = lifecycle.ErrNotRead
			return o
		}(), uploadCM, uploadCM, `"pem" fraud-db-credential/ca.crt`, "<null>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, resource, data, listed := viewsOf(t, tc.observed)
			if got := caString(resource.CACertificate); got != tc.wantResource {
				t.Errorf("resource ca_certificate = %s, want %s", got, tc.wantResource)
			}
			if got := caString(data.CACertificate); got != tc.wantData {
				t.Errorf("data source ca_certificate = %s, want %s", got, tc.wantData)
			}
			ref := "<nil>"
			if listed.CAReference != nil {
				ref = listed.CAReference.Name.ValueString() + "/" + listed.CAReference.Key.ValueString()
			}
			if got := listed.CASource.String() + " " + ref; got != tc.wantList {
				t.Errorf("listed ca_source, ca_reference = %s, want %s", got, tc.wantList)
			}
			if v.CAConfigMapName.String() != tc.wantConfigMapName || resource.CAConfigMapName.String() != tc.wantConfigMapName {
				t.Errorf("ca_config_map_name: view %s resource %s, want %s", v.CAConfigMapName, resource.CAConfigMapName, tc.wantConfigMapName)
			}
		})
	}
}

func TestRegistryViewFrom_caConfigMapUnreadable(t *testing.T) {
	uploaded := map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "fraud-db-credential", "key": "ca.crt"}}
	o := observedWith(dashboardRegistry("fraud", nil, uploaded), nil)
	o.CAConfigMapErr = apierrors.NewForbidden(corev1.Resource("configmaps"), "fraud-db-credential", errors.New("no get"))
	_, diags := registryViewFrom(o)
	if diags.ErrorsCount() != 1 || !strings.Contains(diags[0].Detail(), "ConfigMap rhoai-model-registries/fraud-db-credential") {
		t.Fatalf("want one error naming the ConfigMap, got %v", diags)
	}
	var data modelRegistryDataModel
	if diags := flattenModelRegistryData(&data, o); !diags.HasError() {
		t.Error("the data source must fail on it")
	}
	read := modelRegistryModel{}
	if diags := flattenModelRegistry(&read, o); !diags.HasError() {
		t.Error("the resource must fail on it")
	}
}

// What the operator reports reads the same in the resource, the data source and the list.
func TestRegistryStatusFrom_conditions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		conditions []any
		proxy      bool
		wantReady  bool
		wantStatus string
	}{
		{"before the operator reports", nil, true, false, `{"message":<null>,"reason":<null>}`},
		{"available", []any{map[string]any{"type": "Available", "status": "True", "reason": "DeploymentAvailable", "message": "up"}}, true, true,
			`{"message":"up","reason":"DeploymentAvailable"}`},
		{"configuration error, without the auth proxy", []any{
			map[string]any{"type": "Progressing", "status": "True", "reason": "CreatedDeployment", "message": "creating"},
			map[string]any{"type": "Available", "status": "False", "reason": "ConfigurationError", "message": "bad host"},
		}, false, false, `{"message":"bad host","reason":"ConfigurationError"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj := dashboardRegistry("fraud", nil, nil)
			setField(obj.Object, tc.conditions, "status", "conditions")
			if !tc.proxy {
				unstructured.RemoveNestedField(obj.Object, "spec", "kubeRBACProxy")
			}
			v, resource, data, listed := viewsOf(t, observedWith(obj, nil))
			for view, got := range map[string][2]string{
				"view":       {v.Ready.String(), v.KubeRBACProxy.String()},
				"resource":   {resource.Ready.String(), resource.KubeRBACProxy.String()},
				"data":       {data.Ready.String(), data.KubeRBACProxy.String()},
				"registries": {listed.Ready.String(), listed.KubeRBACProxy.String()},
			} {
				if want := [2]string{fmt.Sprint(tc.wantReady), fmt.Sprint(tc.proxy)}; got != want {
					t.Errorf("%s: ready, kube_rbac_proxy = %v, want %v", view, got, want)
				}
			}
			if resource.Status.String() != tc.wantStatus || data.Status.String() != tc.wantStatus {
				t.Errorf("status: resource %s data %s, want %s", resource.Status, data.Status, tc.wantStatus)
			}
			if resource.UID.ValueString() != "uid-fraud" || data.UID.ValueString() != "uid-fraud" {
				t.Errorf("uid: resource %s data %s", resource.UID, data.UID)
			}
		})
	}
}

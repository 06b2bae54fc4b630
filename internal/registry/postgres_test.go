package registry

import (
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func postgresRegistry(ca CASource) Registry {
	r := testRegistry(ca)
	r.Database.Type, r.Database.Host, r.Database.Port, r.Database.SSLMode = DatabasePostgres, "pg.db.svc.cluster.local", 5432, "require"
	return r
}

func defaultDatabaseRegistry() Registry {
	r := testRegistry(CASource{})
	r.Database = Database{Type: DatabasePostgres, Generated: true}
	return r
}

func TestPostgresModelRegistryObject(t *testing.T) {
	got := asYAML(t, postgresRegistry(CASource{Kind: CASecret, Ref: KeyRef{Name: "pg-ca", Key: "ca.crt"}}).ModelRegistry().Object["spec"])
	want := `grpc: {}
kubeRBACProxy: {}
postgres:
  database: model_registry
  host: pg.db.svc.cluster.local
  passwordSecret:
    key: database-password
    name: fraud-db-password
  port: 5432
  skipDBCreation: false
  sslMode: require
  sslRootCertificateSecret:
    key: ca.crt
    name: pg-ca
  username: mr
rest: {}
`
	if got != want {
		t.Errorf("spec:\n%s\nwant:\n%s", got, want)
	}
}

func TestDefaultDatabaseModelRegistryObject(t *testing.T) {
	got := asYAML(t, defaultDatabaseRegistry().ModelRegistry().Object["spec"])
	want := `grpc: {}
kubeRBACProxy: {}
postgres:
  generateDeployment: true
rest: {}
`
	if got != want {
		t.Errorf("spec:\n%s\nwant:\n%s", got, want)
	}
}

// The written registry reads back as the same database, with the CRD's
// defaults (as the API server adds them) changing nothing.
func TestParsePostgres(t *testing.T) {
	written := postgresRegistry(CASource{Kind: CAOpenShiftAI})
	written.Database.HostAddress, written.Database.Host, written.Database.SSLMode = "10.1.2.3", "", ""
	obj := written.ModelRegistry()
	if err := unstructured.SetNestedField(obj.Object, DefaultSSLMode, "spec", "postgres", "sslMode"); err != nil {
		t.Fatal(err)
	}
	got := ParseModelRegistry(obj)
	want := written.Database
	want.SSLMode = DefaultSSLMode
	if !reflect.DeepEqual(got.Database, want) || got.CA.Kind != CAOpenShiftAI {
		t.Errorf("read back %+v (CA %v), want %+v", got.Database, got.CA, want)
	}

	generated := defaultDatabaseRegistry().ModelRegistry()
	for field, value := range map[string]any{"port": int64(5432), "sslMode": "disable"} {
		if err := unstructured.SetNestedField(generated.Object, value, "spec", "postgres", field); err != nil {
			t.Fatal(err)
		}
	}
	if err := unstructured.SetNestedField(generated.Object, nil, "spec", "mysql"); err != nil {
		t.Fatal(err)
	}
	if db := ParseModelRegistry(generated).Database; !db.Generated || db.Type != DatabasePostgres || db.Host != "" || db.PasswordSecret.Name != "" {
		t.Errorf("default database read back as %+v", db)
	}

	// Both set: the operator uses postgres.
	both := postgresRegistry(CASource{}).ModelRegistry()
	if err := unstructured.SetNestedField(both.Object, map[string]any{"host": "mysql", "database": "d", "username": "u"}, "spec", "mysql"); err != nil {
		t.Fatal(err)
	}
	if db := ParseModelRegistry(both).Database; db.Type != DatabasePostgres || db.Host != "pg.db.svc.cluster.local" {
		t.Errorf("postgres and mysql read back as %+v", db)
	}
}

func patchOf(t *testing.T, r Registry, spec map[string]any) map[string]any {
	t.Helper()
	applied := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": r.Name}, "spec": spec}}
	body := r.ForeignFieldsPatch(applied)
	if body == nil {
		return nil
	}
	var patch map[string]any
	if err := json.Unmarshal(body, &patch); err != nil {
		t.Fatal(err)
	}
	return patch
}

func TestForeignFieldsPatchDatabaseTypes(t *testing.T) {
	mysqlSpec := map[string]any{"host": "mysql", "database": "d", "username": "u",
		"sslRootCertificateSecret": map[string]any{"name": "x", "key": "y"}}
	pgSpec := map[string]any{"host": "pg", "hostAddress": "10.0.0.1", "sslMode": "verify-full", "database": "d", "username": "u",
		"sslRootCertificateConfigMap": map[string]any{"name": "x", "key": "y"}}
	cases := map[string]struct {
		desired Registry
		spec    map[string]any
		want    map[string]any
	}{
		"mysql over a postgres block": {testRegistry(CASource{}), map[string]any{"mysql": mysqlSpec, "postgres": pgSpec},
			map[string]any{"spec": map[string]any{"postgres": nil, "mysql": map[string]any{"sslRootCertificateSecret": nil}}}},
		"postgres over a mysql block": {postgresRegistry(CASource{}), map[string]any{"mysql": mysqlSpec, "postgres": pgSpec},
			map[string]any{"spec": map[string]any{"mysql": nil, "postgres": map[string]any{"sslRootCertificateConfigMap": nil, "hostAddress": nil}}}},
		"postgres without ssl_mode over a foreign sslMode": {func() Registry { r := postgresRegistry(CASource{}); r.Database.SSLMode = ""; return r }(),
			map[string]any{"postgres": map[string]any{"host": "pg", "sslMode": "verify-full"}},
			map[string]any{"spec": map[string]any{"postgres": map[string]any{"sslMode": nil}}}},
		"postgres without ssl_mode and the CRD default": {func() Registry { r := postgresRegistry(CASource{}); r.Database.SSLMode = ""; return r }(),
			map[string]any{"postgres": map[string]any{"host": "pg", "sslMode": "disable"}}, nil},
		"default database over a mysql block": {defaultDatabaseRegistry(), map[string]any{"mysql": mysqlSpec, "postgres": map[string]any{"generateDeployment": true}},
			map[string]any{"spec": map[string]any{"mysql": nil}}},
		"default database alone": {defaultDatabaseRegistry(), map[string]any{"postgres": map[string]any{"generateDeployment": true, "port": int64(5432)}}, nil},
	}
	for name, tc := range cases {
		if got := patchOf(t, tc.desired, tc.spec); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: patch %v, want %v", name, got, tc.want)
		}
	}
}

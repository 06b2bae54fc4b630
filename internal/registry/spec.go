package registry

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// The Go types below are the one place that names the fields of a ModelRegistry
// the provider writes and reads; the JSON tags are the CRD's field names.

// Defaults the operator and the CRD give the database fields the provider may leave unset.
const (
	// DefaultMySQLPort is what the webhook defaults spec.mysql.port to.
	DefaultMySQLPort int64 = 3306
	// DefaultPostgresPort is the CRD's default of spec.postgres.port.
	DefaultPostgresPort int64 = 5432
	// DefaultSSLMode is the CRD's default of spec.postgres.sslMode.
	DefaultSSLMode = "disable"
)

// SSLModes are the values the CRD accepts in spec.postgres.sslMode.
var SSLModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// Field names used in merge patches; they match the JSON tags below.
const (
	fieldKubeRBACProxy               = "kubeRBACProxy"
	fieldOAuthProxy                  = "oauthProxy"
	fieldMySQL                       = "mysql"
	fieldPostgres                    = "postgres"
	fieldHost                        = "host"
	fieldHostAddress                 = "hostAddress"
	fieldSSLMode                     = "sslMode"
	fieldSSLRootCertificateConfigMap = "sslRootCertificateConfigMap"
	fieldSSLRootCertificateSecret    = "sslRootCertificateSecret"
)

// Empty is a block whose presence is what counts; the operator fills in its defaults.
type Empty struct{}

// ModelRegistrySpec is the part of spec the provider owns, plus the deprecated
// oauthProxy it reads to migrate a registry to the auth proxy.
type ModelRegistrySpec struct {
	Grpc          *Empty        `json:"grpc,omitempty"`
	Rest          *Empty        `json:"rest,omitempty"`
	KubeRBACProxy *Empty        `json:"kubeRBACProxy,omitempty"`
	OAuthProxy    *Empty        `json:"oauthProxy,omitempty"`
	MySQL         *MySQLSpec    `json:"mysql,omitempty"`
	Postgres      *PostgresSpec `json:"postgres,omitempty"`
}

// MySQLSpec is spec.mysql: an external MySQL database.
type MySQLSpec struct {
	Host                        string      `json:"host"`
	Port                        *int64      `json:"port,omitempty"`
	Database                    string      `json:"database"`
	Username                    string      `json:"username"`
	SkipDBCreation              bool        `json:"skipDBCreation"`
	PasswordSecret              *KeyRefSpec `json:"passwordSecret,omitempty"`
	SSLRootCertificateConfigMap *KeyRefSpec `json:"sslRootCertificateConfigMap,omitempty"`
	SSLRootCertificateSecret    *KeyRefSpec `json:"sslRootCertificateSecret,omitempty"`
}

// PostgresSpec is spec.postgres: an external PostgreSQL database, or with
// generateDeployment the default database the operator runs itself (then no
// other field is written).
type PostgresSpec struct {
	Host                        string      `json:"host,omitempty"`
	HostAddress                 string      `json:"hostAddress,omitempty"`
	Port                        *int64      `json:"port,omitempty"`
	Database                    string      `json:"database,omitempty"`
	Username                    string      `json:"username,omitempty"`
	SkipDBCreation              *bool       `json:"skipDBCreation,omitempty"`
	PasswordSecret              *KeyRefSpec `json:"passwordSecret,omitempty"`
	SSLMode                     string      `json:"sslMode,omitempty"`
	SSLRootCertificateConfigMap *KeyRefSpec `json:"sslRootCertificateConfigMap,omitempty"`
	SSLRootCertificateSecret    *KeyRefSpec `json:"sslRootCertificateSecret,omitempty"`
	GenerateDeployment          *bool       `json:"generateDeployment,omitempty"`
}

// KeyRefSpec is a {name, key} reference in a spec.
type KeyRefSpec struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

func keyRefSpec(ref *KeyRef) *KeyRefSpec {
	if ref == nil {
		return nil
	}
	return &KeyRefSpec{Name: ref.Name, Key: ref.Key}
}

func (k *KeyRefSpec) keyRef() KeyRef {
	if k == nil {
		return KeyRef{}
	}
	return KeyRef{Name: k.Name, Key: k.Key}
}

// objectMeta is the metadata the provider writes; metav1.ObjectMeta would add a
// null creationTimestamp to every apply.
type objectMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

type modelRegistryObject struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        objectMeta        `json:"metadata"`
	Spec            ModelRegistrySpec `json:"spec"`
}

func (m modelRegistryObject) unstructured() *unstructured.Unstructured {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&m)
	if err != nil {
		// Only a programming error in the types above can make the conversion fail.
		panic("registry: converting a ModelRegistry: " + err.Error())
	}
	return &unstructured.Unstructured{Object: obj}
}

// parseSpec reads spec leniently: a field of an unexpected type stays empty
// rather than failing the whole read.
func parseSpec(u *unstructured.Unstructured) ModelRegistrySpec {
	var spec ModelRegistrySpec
	raw, ok := u.Object["spec"]
	if !ok {
		return spec
	}
	body, err := json.Marshal(raw)
	if err != nil {
		return spec
	}
	_ = json.Unmarshal(body, &spec) //nolint:errcheck // partial results are wanted, see above
	return spec
}

// ForeignFieldsPatch is a JSON merge patch that removes what another field
// manager (the dashboard, oc edit) set in the fields the provider owns and the
// desired registry leaves empty: a second CA reference or a description.
// Server-side apply alone keeps them. It is nil when there is nothing to remove.
//
// The database type not in use is set to null as the dashboard does: the
// operator uses postgres when both are set.
func (r Registry) ForeignFieldsPatch(applied *unstructured.Unstructured) []byte {
	have := parseSpec(applied)
	cm, sec := r.CA.reference(r.Name)
	specPatch := map[string]any{}
	switch {
	case r.Database.Type == DatabasePostgres || r.Database.Generated:
		if have.MySQL != nil {
			specPatch[fieldMySQL] = nil
		}
		pg := have.Postgres
		if pg == nil {
			pg = &PostgresSpec{}
		}
		pgPatch := map[string]any{}
		if !r.Database.Generated {
			foreignCA(pgPatch, pg.SSLRootCertificateConfigMap != nil && cm == nil, pg.SSLRootCertificateSecret != nil && sec == nil)
			if pg.Host != "" && r.Database.Host == "" {
				pgPatch[fieldHost] = nil
			}
			if pg.HostAddress != "" && r.Database.HostAddress == "" {
				pgPatch[fieldHostAddress] = nil
			}
			if pg.SSLMode != "" && pg.SSLMode != DefaultSSLMode && r.Database.SSLMode == "" {
				// Null lets the CRD default it again.
				pgPatch[fieldSSLMode] = nil
			}
		}
		if len(pgPatch) > 0 {
			specPatch[fieldPostgres] = pgPatch
		}
	default:
		if have.Postgres != nil {
			specPatch[fieldPostgres] = nil
		}
		mysql := have.MySQL
		if mysql == nil {
			mysql = &MySQLSpec{}
		}
		mysqlPatch := map[string]any{}
		foreignCA(mysqlPatch, mysql.SSLRootCertificateConfigMap != nil && cm == nil, mysql.SSLRootCertificateSecret != nil && sec == nil)
		if len(mysqlPatch) > 0 {
			specPatch[fieldMySQL] = mysqlPatch
		}
	}
	patch := map[string]any{}
	if len(specPatch) > 0 {
		patch["spec"] = specPatch
	}
	if _, has := applied.GetAnnotations()[AnnotationDescription]; has && r.Description == "" {
		patch["metadata"] = map[string]any{"annotations": map[string]any{AnnotationDescription: nil}}
	}
	if len(patch) == 0 {
		return nil
	}
	return mustJSON(patch)
}

// foreignCA nulls CA references the desired registry does not make.
func foreignCA(patch map[string]any, configMap, secret bool) {
	if configMap {
		patch[fieldSSLRootCertificateConfigMap] = nil
	}
	if secret {
		patch[fieldSSLRootCertificateSecret] = nil
	}
}

func mustJSON(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic("registry: encoding a patch: " + err.Error())
	}
	return body
}

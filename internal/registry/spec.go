package registry

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// The Go types below are the one place that names the fields of a ModelRegistry
// the provider writes and reads; the JSON tags are the CRD's field names.

// DefaultMySQLPort is the port the operator's webhook defaults spec.mysql.port to.
const DefaultMySQLPort int64 = 3306

// Field names used in merge patches; they match the JSON tags below.
const (
	fieldKubeRBACProxy               = "kubeRBACProxy"
	fieldOAuthProxy                  = "oauthProxy"
	fieldMySQL                       = "mysql"
	fieldSSLRootCertificateConfigMap = "sslRootCertificateConfigMap"
	fieldSSLRootCertificateSecret    = "sslRootCertificateSecret"
)

// Empty is a block whose presence is what counts; the operator fills in its defaults.
type Empty struct{}

// ModelRegistrySpec is the part of spec the provider owns, plus the deprecated
// oauthProxy it reads to migrate a registry to the auth proxy.
type ModelRegistrySpec struct {
	Grpc          *Empty     `json:"grpc,omitempty"`
	Rest          *Empty     `json:"rest,omitempty"`
	KubeRBACProxy *Empty     `json:"kubeRBACProxy,omitempty"`
	OAuthProxy    *Empty     `json:"oauthProxy,omitempty"`
	MySQL         *MySQLSpec `json:"mysql,omitempty"`
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
func (r Registry) ForeignFieldsPatch(applied *unstructured.Unstructured) []byte {
	have := parseSpec(applied).MySQL
	if have == nil {
		have = &MySQLSpec{}
	}
	cm, sec := r.CA.reference(r.Name)
	mysqlPatch := map[string]any{}
	if have.SSLRootCertificateConfigMap != nil && cm == nil {
		mysqlPatch[fieldSSLRootCertificateConfigMap] = nil
	}
	if have.SSLRootCertificateSecret != nil && sec == nil {
		mysqlPatch[fieldSSLRootCertificateSecret] = nil
	}
	patch := map[string]any{}
	if len(mysqlPatch) > 0 {
		patch["spec"] = map[string]any{fieldMySQL: mysqlPatch}
	}
	if _, has := applied.GetAnnotations()[AnnotationDescription]; has && r.Description == "" {
		patch["metadata"] = map[string]any{"annotations": map[string]any{AnnotationDescription: nil}}
	}
	if len(patch) == 0 {
		return nil
	}
	return mustJSON(patch)
}

func mustJSON(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic("registry: encoding a patch: " + err.Error())
	}
	return body
}

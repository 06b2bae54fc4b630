package registry

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// CAKind names where a registry's database CA certificate comes from.
type CAKind string

// The CA sources the dashboard offers.
const (
	CANone          CAKind = ""
	CAClusterBundle CAKind = "cluster_bundle"
	CAOpenShiftAI   CAKind = "openshift_ai_bundle"
	CAConfigMap     CAKind = "config_map"
	CASecret        CAKind = "secret"
	CAPEM           CAKind = "pem"
)

// KeyRef names one key of a ConfigMap or Secret in the registry's namespace.
type KeyRef struct {
	Name string
	Key  string
}

// CASource is the CA certificate the registry uses to verify its database.
type CASource struct {
	Kind CAKind
	// Ref is the ConfigMap or Secret key for CAConfigMap and CASecret.
	Ref KeyRef
	// PEM is the uploaded certificate bundle for CAPEM.
	PEM string
}

// DatabaseType is the kind of database a registry stores its metadata in.
type DatabaseType string

// The database types of the CRD: spec.mysql and spec.postgres.
const (
	DatabaseMySQL    DatabaseType = "mysql"
	DatabasePostgres DatabaseType = "postgres"
)

// Database is the database of a registry: an external MySQL or PostgreSQL, or
// the default database, a PostgreSQL the operator runs itself (Generated; then
// no other field is used).
type Database struct {
	// Type is the database type; "" means DatabaseMySQL.
	Type      DatabaseType
	Generated bool
	Host      string
	// HostAddress is the IP address of a PostgreSQL database, used when Host is empty.
	HostAddress string
	Port        int64
	// SSLMode is spec.postgres.sslMode; "" leaves the CRD's default, disable.
	SSLMode              string
	Database             string
	Username             string
	SkipDatabaseCreation bool
	// PasswordSecret is where the password lives.
	PasswordSecret KeyRef
}

// Registry is what a user declares: a model registry and its database settings.
type Registry struct {
	Name        string
	Namespace   string
	DisplayName string
	Description string
	Database    Database
	CA          CASource
}

// reference is the ConfigMap or Secret key that spec.mysql points at.
func (c CASource) reference(registryName string) (configMap, secret *KeyRef) {
	switch c.Kind {
	case CAClusterBundle:
		return &KeyRef{Name: TrustedCABundleConfigMap, Key: TrustedCABundleClusterKey}, nil
	case CAOpenShiftAI:
		return &KeyRef{Name: TrustedCABundleConfigMap, Key: TrustedCABundleOpenShiftKey}, nil
	case CAConfigMap:
		ref := c.Ref
		return &ref, nil
	case CASecret:
		ref := c.Ref
		return nil, &ref
	case CAPEM:
		return &KeyRef{Name: CAConfigMapName(registryName), Key: CAConfigMapKey}, nil
	}
	return nil, nil
}

// CAObject is the ConfigMap or Secret key the registry's pods mount as the CA,
// with whether it is a Secret; ok is false when the registry has no CA.
func (r Registry) CAObject() (ref KeyRef, isSecret, ok bool) {
	cm, sec := r.CA.reference(r.Name)
	switch {
	case cm != nil:
		return *cm, false, true
	case sec != nil:
		return *sec, true, true
	}
	return KeyRef{}, false, false
}

// ModelRegistry builds the ModelRegistry the provider applies: only the fields
// the provider owns, shaped as the dashboard writes them.
func (r Registry) ModelRegistry() *unstructured.Unstructured {
	annotations := map[string]string{AnnotationDisplayName: r.DisplayName}
	if r.Description != "" {
		annotations[AnnotationDescription] = r.Description
	}
	spec := ModelRegistrySpec{
		Grpc: &Empty{},
		Rest: &Empty{},
		// Without the proxy, operators before 0.3.14 serve the registry over plain
		// HTTP with no check of the caller: permissions would protect nothing.
		KubeRBACProxy: &Empty{},
	}
	db := r.Database
	cm, sec := r.CA.reference(r.Name)
	switch {
	case db.Generated:
		generate := true
		spec.Postgres = &PostgresSpec{GenerateDeployment: &generate}
	case db.Type == DatabasePostgres:
		skip := db.SkipDatabaseCreation
		spec.Postgres = &PostgresSpec{
			Host:                        db.Host,
			HostAddress:                 db.HostAddress,
			Port:                        &db.Port,
			Database:                    db.Database,
			Username:                    db.Username,
			SkipDBCreation:              &skip,
			PasswordSecret:              keyRefSpec(&db.PasswordSecret),
			SSLMode:                     db.SSLMode,
			SSLRootCertificateConfigMap: keyRefSpec(cm),
			SSLRootCertificateSecret:    keyRefSpec(sec),
		}
	default:
		spec.MySQL = &MySQLSpec{
			Host:                        db.Host,
			Port:                        &db.Port,
			Database:                    db.Database,
			Username:                    db.Username,
			SkipDBCreation:              db.SkipDatabaseCreation,
			PasswordSecret:              keyRefSpec(&db.PasswordSecret),
			SSLRootCertificateConfigMap: keyRefSpec(cm),
			SSLRootCertificateSecret:    keyRefSpec(sec),
		}
	}
	return modelRegistryObject{
		TypeMeta: metav1.TypeMeta{APIVersion: GroupVersionKind.GroupVersion().String(), Kind: Kind},
		Metadata: objectMeta{
			Name:        r.Name,
			Namespace:   r.Namespace,
			Annotations: annotations,
			Labels:      map[string]string{LabelAppManagedBy: ManagedByProvider},
		},
		Spec: spec,
	}.unstructured()
}

// EnableKubeRBACProxyPatch is a JSON merge patch that puts the auth proxy on a
// registry that lacks it, dropping the deprecated oauthProxy in the same write:
// the CRD rejects a registry with both, so server-side apply alone cannot move
// a registry from one to the other.
func EnableKubeRBACProxyPatch() []byte {
	return mustJSON(map[string]any{"spec": map[string]any{fieldOAuthProxy: nil, fieldKubeRBACProxy: map[string]any{}}})
}

// AnnotationPasswordVersion records the password_wo_version of the password a
// Secret holds, so an imported registry knows which version it has.
const AnnotationPasswordVersion = "openshiftai.terraform.io/password-version"

// AnnotationCreatePending marks a registry whose create has not yet returned
// its state to Terraform; a registry that keeps it was left by an interrupted create.
const AnnotationCreatePending = "openshiftai.terraform.io/create-pending"

// PasswordSecret builds the Secret holding the database password, with the keys
// and labels the dashboard gives it. version is recorded when not empty.
func (r Registry) PasswordSecret(password, version string) *corev1.Secret {
	var annotations map[string]string
	if version != "" {
		annotations = map[string]string{AnnotationPasswordVersion: version}
	}
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        r.Database.PasswordSecret.Name,
			Namespace:   r.Namespace,
			Labels:      r.ownedObjectLabels(),
			Annotations: annotations,
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{
			PasswordSecretKeyDatabase: []byte(r.Database.Database),
			PasswordSecretKeyUser:     []byte(r.Database.Username),
			PasswordSecretKeyPassword: []byte(password),
		},
	}
}

// CAConfigMap builds the ConfigMap holding an uploaded CA certificate.
func (r Registry) CAConfigMap() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      CAConfigMapName(r.Name),
			Namespace: r.Namespace,
			Labels:    r.ownedObjectLabels(),
		},
		Data: map[string]string{CAConfigMapKey: r.CA.PEM},
	}
}

func (r Registry) ownedObjectLabels() map[string]string {
	return map[string]string{
		LabelRegistryManaged: "true",
		LabelRegistryName:    r.Name,
		LabelAppManagedBy:    ManagedByProvider,
	}
}

// OwnerReference points at the registry so that its objects go with it. It is
// not a controller reference: the operator controls the registry's own objects.
func OwnerReference(name string, uid types.UID) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: GroupVersionKind.GroupVersion().String(),
		Kind:       Kind,
		Name:       name,
		UID:        uid,
	}
}

// Condition is one status condition of a registry.
type Condition struct {
	Type, Status, Reason, Message string
}

// Observed is a registry as read from the cluster.
type Observed struct {
	Registry
	UID        types.UID
	Available  *Condition
	Conditions []Condition
	Hosts      []string
	// ManagedByProvider is true when the provider's label is on the registry.
	ManagedByProvider bool
	// KubeRBACProxy is true when spec.kubeRBACProxy is set: the operator then puts
	// kube-rbac-proxy in front of the registry, which enforces its role bindings.
	KubeRBACProxy bool
	// OAuthProxy is true when the deprecated spec.oauthProxy is set.
	OAuthProxy bool
}

// Ready reports whether the operator says the registry is available.
func (o Observed) Ready() bool {
	return o.Available != nil && o.Available.Status == string(metav1.ConditionTrue)
}

// ConfigurationError returns the operator's message when it rejected the
// database settings; waiting longer does not help then.
func (o Observed) ConfigurationError() (string, bool) {
	if o.Available != nil && o.Available.Status == string(metav1.ConditionFalse) && o.Available.Reason == ReasonConfigurationError {
		return o.Available.Message, true
	}
	return "", false
}

// LastCondition summarises the conditions for a timeout message.
func (o Observed) LastCondition() string {
	if len(o.Conditions) == 0 {
		return "the operator has reported no status conditions yet"
	}
	parts := make([]string, 0, len(o.Conditions))
	for _, c := range o.Conditions {
		s := fmt.Sprintf("%s=%s", c.Type, c.Status)
		if c.Reason != "" {
			s += " (" + c.Reason
			if c.Message != "" {
				s += ": " + c.Message
			}
			s += ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// ParseModelRegistry reads the fields the provider owns back from a ModelRegistry.
func ParseModelRegistry(u *unstructured.Unstructured) Observed {
	o := Observed{
		Registry: Registry{
			Name:        u.GetName(),
			Namespace:   u.GetNamespace(),
			DisplayName: u.GetAnnotations()[AnnotationDisplayName],
			Description: u.GetAnnotations()[AnnotationDescription],
		},
		UID:               u.GetUID(),
		ManagedByProvider: u.GetLabels()[LabelAppManagedBy] == ManagedByProvider,
	}
	if o.DisplayName == "" {
		o.DisplayName = o.Name
	}
	o.Database.Type, o.Database.Port = DatabaseMySQL, DefaultMySQLPort
	spec := parseSpec(u)
	o.KubeRBACProxy, o.OAuthProxy = spec.KubeRBACProxy != nil, spec.OAuthProxy != nil
	var cmSpec, secSpec *KeyRefSpec
	switch pg, mysql := spec.Postgres, spec.MySQL; {
	case pg != nil:
		// With both set, the operator uses postgres.
		db := &o.Database
		db.Type, db.Port = DatabasePostgres, DefaultPostgresPort
		if pg.GenerateDeployment != nil && *pg.GenerateDeployment {
			db.Generated = true
			break
		}
		db.Host, db.HostAddress, db.Database, db.Username = pg.Host, pg.HostAddress, pg.Database, pg.Username
		db.SkipDatabaseCreation = pg.SkipDBCreation != nil && *pg.SkipDBCreation
		db.PasswordSecret = pg.PasswordSecret.keyRef()
		db.SSLMode = pg.SSLMode
		if pg.Port != nil {
			db.Port = *pg.Port
		}
		cmSpec, secSpec = pg.SSLRootCertificateConfigMap, pg.SSLRootCertificateSecret
	case mysql != nil:
		db := &o.Database
		db.Host, db.Database, db.Username, db.SkipDatabaseCreation = mysql.Host, mysql.Database, mysql.Username, mysql.SkipDBCreation
		db.PasswordSecret = mysql.PasswordSecret.keyRef()
		if mysql.Port != nil {
			db.Port = *mysql.Port
		}
		cmSpec, secSpec = mysql.SSLRootCertificateConfigMap, mysql.SSLRootCertificateSecret
	}
	// The ConfigMap wins when both are set, as in the registry server.
	cm, sec := cmSpec.keyRef(), secSpec.keyRef()
	switch {
	case cm.Name == TrustedCABundleConfigMap && cm.Key == TrustedCABundleClusterKey:
		o.CA = CASource{Kind: CAClusterBundle}
	case cm.Name == TrustedCABundleConfigMap && cm.Key == TrustedCABundleOpenShiftKey:
		o.CA = CASource{Kind: CAOpenShiftAI}
	case cm.Name != "":
		o.CA = CASource{Kind: CAConfigMap, Ref: cm}
	case sec.Name != "":
		o.CA = CASource{Kind: CASecret, Ref: sec}
	}

	conditions, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, raw := range conditions {
		m, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		c := Condition{}
		c.Type, _, _ = unstructured.NestedString(m, "type")
		c.Status, _, _ = unstructured.NestedString(m, "status")
		c.Reason, _, _ = unstructured.NestedString(m, "reason")
		c.Message, _, _ = unstructured.NestedString(m, "message")
		o.Conditions = append(o.Conditions, c)
		if c.Type == ConditionAvailable {
			available := c
			o.Available = &available
		}
	}
	o.Hosts, _, _ = unstructured.NestedStringSlice(u.Object, "status", "hosts")
	return o
}

// IsUploadedCA reports whether a ConfigMap reference is the one an uploaded PEM
// of registry name is stored under.
func IsUploadedCA(name string, ref KeyRef) bool {
	return ref.Key == CAConfigMapKey && ref.Name == CAConfigMapName(name)
}

// Password is the database password the provider writes into the registry's own
// Secret, with the password_wo_version it records there ("" for none).
type Password struct {
	Value, Version string
}

// Objects are the objects the provider writes for one registry, by role.
type Objects struct {
	// Secret is the password Secret; nil when the user names their own Secret.
	Secret *corev1.Secret
	// CAConfigMap holds an uploaded CA certificate; nil for any other CA source.
	CAConfigMap *corev1.ConfigMap
	Registry    *unstructured.Unstructured
}

// Objects builds what the provider writes for the registry; password is nil
// when the registry reads the password from a Secret the user names.
func (r Registry) Objects(password *Password) Objects {
	var objs Objects
	if password != nil {
		objs.Secret = r.PasswordSecret(password.Value, password.Version)
	}
	if r.CA.Kind == CAPEM {
		objs.CAConfigMap = r.CAConfigMap()
	}
	objs.Registry = r.ModelRegistry()
	return objs
}

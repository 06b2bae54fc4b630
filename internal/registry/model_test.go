package registry

import (
	"encoding/json"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func testRegistry(ca CASource) Registry {
	return Registry{
		Name: "fraud", Namespace: DefaultNamespace, DisplayName: "Fraud models", Description: "Nightly",
		Database: Database{Host: "mysql.db.svc.cluster.local", Port: 3306, Database: "model_registry", Username: "mr",
			PasswordSecret: KeyRef{Name: PasswordSecretName("fraud"), Key: PasswordSecretKeyPassword}},
		CA: ca,
	}
}

// asYAML renders an object for comparison with the shape DOMAIN.md documents.
func asYAML(t *testing.T, obj any) string {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.JSONToYAML(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestModelRegistryObject(t *testing.T) {
	got := asYAML(t, testRegistry(CASource{Kind: CAPEM, PEM: "pem"}).ModelRegistry().Object)
	want := `apiVersion: modelregistry.opendatahub.io/v1beta1
kind: ModelRegistry
metadata:
  annotations:
    openshift.io/description: Nightly
    openshift.io/display-name: Fraud models
  labels:
    app.kubernetes.io/managed-by: terraform-provider-openshiftai
  name: fraud
  namespace: rhoai-model-registries
spec:
  grpc: {}
  kubeRBACProxy: {}
  mysql:
    database: model_registry
    host: mysql.db.svc.cluster.local
    passwordSecret:
      key: database-password
      name: fraud-db-password
    port: 3306
    skipDBCreation: false
    sslRootCertificateConfigMap:
      key: ca.crt
      name: fraud-db-credential
    username: mr
  rest: {}
`
	if got != want {
		t.Errorf("ModelRegistry:\n%s\nwant:\n%s", got, want)
	}
}

func TestCAReferences(t *testing.T) {
	cases := map[CAKind]struct {
		source      CASource
		field, name string
		key         string
	}{
		CAClusterBundle: {CASource{Kind: CAClusterBundle}, "sslRootCertificateConfigMap", "odh-trusted-ca-bundle", "ca-bundle.crt"},
		CAOpenShiftAI:   {CASource{Kind: CAOpenShiftAI}, "sslRootCertificateConfigMap", "odh-trusted-ca-bundle", "odh-ca-bundle.crt"},
		CAConfigMap:     {CASource{Kind: CAConfigMap, Ref: KeyRef{Name: "my-ca", Key: "root.pem"}}, "sslRootCertificateConfigMap", "my-ca", "root.pem"},
		CASecret:        {CASource{Kind: CASecret, Ref: KeyRef{Name: "my-ca", Key: "ca.pem"}}, "sslRootCertificateSecret", "my-ca", "ca.pem"},
		CAPEM:           {CASource{Kind: CAPEM, PEM: "x"}, "sslRootCertificateConfigMap", "fraud-db-credential", "ca.crt"},
	}
	for kind, tc := range cases {
		obj := testRegistry(tc.source).ModelRegistry()
		ref, found, _ := unstructured.NestedStringMap(obj.Object, "spec", "mysql", tc.field)
		if !found || ref["name"] != tc.name || ref["key"] != tc.key {
			t.Errorf("%s: spec.mysql.%s = %v", kind, tc.field, ref)
		}
		other := "sslRootCertificateSecret"
		if tc.field == other {
			other = "sslRootCertificateConfigMap"
		}
		if _, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "mysql", other); found {
			t.Errorf("%s: spec.mysql.%s must not be set", kind, other)
		}
		// Reading the object back gives the same CA source (an uploaded PEM reads as its ConfigMap).
		observed := ParseModelRegistry(obj)
		want := tc.source
		if kind == CAPEM {
			want = CASource{Kind: CAConfigMap, Ref: KeyRef{Name: "fraud-db-credential", Key: "ca.crt"}}
			if !IsUploadedCA("fraud", observed.CA.Ref) {
				t.Errorf("uploaded CA reference not recognised: %+v", observed.CA.Ref)
			}
		}
		if !reflect.DeepEqual(observed.CA, want) {
			t.Errorf("%s: read back %+v, want %+v", kind, observed.CA, want)
		}
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(testRegistry(CASource{}).ModelRegistry().Object, "spec", "mysql", "sslRootCertificateConfigMap"); found {
		t.Error("no CA must write no reference")
	}
}

func TestParseAuthProxy(t *testing.T) {
	obj := testRegistry(CASource{}).ModelRegistry()
	if o := ParseModelRegistry(obj); !o.KubeRBACProxy || o.OAuthProxy {
		t.Errorf("built registry reads back kubeRBACProxy=%v oauthProxy=%v, want true, false", o.KubeRBACProxy, o.OAuthProxy)
	}
	// The operator's defaults inside the proxy are still the proxy.
	if err := unstructured.SetNestedMap(obj.Object, map[string]any{"port": int64(8443), "routePort": int64(443), "serviceRoute": "enabled"}, "spec", "kubeRBACProxy"); err != nil {
		t.Fatal(err)
	}
	if !ParseModelRegistry(obj).KubeRBACProxy {
		t.Error("a defaulted kubeRBACProxy must read as set")
	}
	unstructured.RemoveNestedField(obj.Object, "spec", "kubeRBACProxy")
	if err := unstructured.SetNestedMap(obj.Object, map[string]any{"port": int64(8443)}, "spec", "oauthProxy"); err != nil {
		t.Fatal(err)
	}
	if o := ParseModelRegistry(obj); o.KubeRBACProxy || !o.OAuthProxy {
		t.Errorf("oauthProxy registry reads back kubeRBACProxy=%v oauthProxy=%v, want false, true", o.KubeRBACProxy, o.OAuthProxy)
	}
	var patch map[string]map[string]any
	if err := json.Unmarshal(EnableKubeRBACProxyPatch(), &patch); err != nil {
		t.Fatal(err)
	}
	if v, ok := patch["spec"]["oauthProxy"]; !ok || v != nil {
		t.Errorf("the patch must null oauthProxy: %s", EnableKubeRBACProxyPatch())
	}
	if v, ok := patch["spec"]["kubeRBACProxy"].(map[string]any); !ok || len(v) != 0 {
		t.Errorf("the patch must set kubeRBACProxy to {}: %s", EnableKubeRBACProxyPatch())
	}
}

func TestPasswordSecretAndCAConfigMap(t *testing.T) {
	r := testRegistry(CASource{Kind: CAPEM, PEM: "-----BEGIN CERTIFICATE-----"})
	secret := r.PasswordSecret("s3cret", "2")
	if secret.Type != corev1.SecretTypeOpaque || secret.Name != "fraud-db-password" || secret.Namespace != DefaultNamespace {
		t.Errorf("secret meta: %+v", secret.ObjectMeta)
	}
	wantData := map[string][]byte{"database-name": []byte("model_registry"), "database-user": []byte("mr"), "database-password": []byte("s3cret")}
	if !reflect.DeepEqual(secret.Data, wantData) {
		t.Errorf("secret data %q", secret.Data)
	}
	wantLabels := map[string]string{
		"modelregistry.opendatahub.io/managed": "true", "modelregistry.opendatahub.io/name": "fraud",
		"app.kubernetes.io/managed-by": "terraform-provider-openshiftai",
	}
	if !reflect.DeepEqual(secret.Labels, wantLabels) {
		t.Errorf("secret labels %v", secret.Labels)
	}
	if secret.Annotations[AnnotationPasswordVersion] != "2" {
		t.Errorf("secret annotations %v", secret.Annotations)
	}
	if r.PasswordSecret("s", "").Annotations != nil {
		t.Error("no version must write no annotation")
	}
	cm := r.CAConfigMap()
	if cm.Name != "fraud-db-credential" || cm.Data["ca.crt"] != "-----BEGIN CERTIFICATE-----" || !reflect.DeepEqual(cm.Labels, wantLabels) {
		t.Errorf("CA ConfigMap %+v", cm)
	}
	owner := OwnerReference("fraud", "uid-1")
	want := metav1.OwnerReference{APIVersion: "modelregistry.opendatahub.io/v1beta1", Kind: "ModelRegistry", Name: "fraud", UID: "uid-1"}
	if !reflect.DeepEqual(owner, want) {
		t.Errorf("owner reference %+v", owner)
	}
}

func TestParseModelRegistryStatus(t *testing.T) {
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(`
apiVersion: modelregistry.opendatahub.io/v1beta1
kind: ModelRegistry
metadata:
  name: dash
  namespace: rhoai-model-registries
  uid: u1
  finalizers: [modelregistry.opendatahub.io/finalizer]
spec:
  mysql: {host: db, database: d, username: u, passwordSecret: {name: dash-db-x1y2z, key: database-password}}
  rest: {port: 8080}
status:
  hosts: [dash.rhoai-model-registries.svc.cluster.local, dash]
  conditions:
  - {type: Progressing, status: "True", reason: UpdatingDeployment, message: rolling}
  - {type: Available, status: "False", reason: ConfigurationError, message: "database configuration error: bad password"}
`), &obj.Object); err != nil {
		t.Fatal(err)
	}
	o := ParseModelRegistry(obj)
	if o.DisplayName != "dash" {
		t.Errorf("a registry without display name shows its name, got %q", o.DisplayName)
	}
	if o.Database.Port != 3306 {
		t.Errorf("port defaults to 3306 when absent, got %d", o.Database.Port)
	}
	if o.Ready() {
		t.Error("not ready")
	}
	if msg, bad := o.ConfigurationError(); !bad || msg != "database configuration error: bad password" {
		t.Errorf("ConfigurationError() = %q, %v", msg, bad)
	}
	if got := o.LastCondition(); got != "Progressing=True (UpdatingDeployment: rolling), Available=False (ConfigurationError: database configuration error: bad password)" {
		t.Errorf("LastCondition() = %q", got)
	}
	if !reflect.DeepEqual(o.Hosts, []string{"dash.rhoai-model-registries.svc.cluster.local", "dash"}) || o.ManagedByProvider {
		t.Errorf("hosts %v managed %v", o.Hosts, o.ManagedByProvider)
	}
	if o.Database.PasswordSecret != (KeyRef{Name: "dash-db-x1y2z", Key: "database-password"}) {
		t.Errorf("password secret %+v", o.Database.PasswordSecret)
	}
}

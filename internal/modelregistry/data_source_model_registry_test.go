package modelregistry

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// dashboardRegistry is a ModelRegistry as the dashboard writes it, with the
// status the operator reports; mysql is merged over the dashboard's fields.
func dashboardRegistry(name string, annotations map[string]any, mysql map[string]any) *unstructured.Unstructured {
	spec := map[string]any{
		"host":           "mysql.db.svc",
		"port":           int64(3307),
		"database":       "models",
		"username":       "mr",
		"skipDBCreation": true,
		"passwordSecret": map[string]any{"name": name + "-db-x7k2p", "key": "database-password"},
	}
	for k, v := range mysql {
		spec[k] = v
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "modelregistry.opendatahub.io/v1beta1",
		"kind":       "ModelRegistry",
		"metadata": map[string]any{
			"name": name, "namespace": "rhoai-model-registries", "uid": "uid-" + name,
			"annotations": annotations,
		},
		"spec": map[string]any{"grpc": map[string]any{}, "rest": map[string]any{}, "kubeRBACProxy": map[string]any{}, "mysql": spec},
		"status": map[string]any{
			"conditions": []any{map[string]any{
				"type": "Available", "status": "True", "reason": "DeploymentAvailable", "message": "Deployment is available",
			}},
			"hosts": []any{name + ".rhoai-model-registries.svc.cluster.local", name},
		},
	}}
}

// observedWith is what Gather finds for obj: the uploaded CA ConfigMap with
// uploadedPEM, or missing when uploadedPEM is nil.
func observedWith(obj *unstructured.Unstructured, uploadedPEM *string) lifecycle.Observed {
	o := lifecycle.Observed{Registry: registry.ParseModelRegistry(obj), PasswordSecretErr: lifecycle.ErrNotRead, CAConfigMapErr: lifecycle.ErrNotRead}
	if ref, uploaded := lifecycle.UploadedCA(o.Registry); uploaded {
		o.CAConfigMapErr = apierrors.NewNotFound(corev1.Resource("configmaps"), ref.Name)
		if uploadedPEM != nil {
			o.CAConfigMap = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: ref.Name}, Data: map[string]string{ref.Key: *uploadedPEM}}
			o.CAConfigMapErr = nil
		}
	}
	return o
}

func TestFlattenModelRegistryData_dashboardRegistry(t *testing.T) {
	obj := dashboardRegistry("fraud", map[string]any{
		registry.AnnotationDisplayName: "Fraud models",
		registry.AnnotationDescription: "Scored nightly",
	}, map[string]any{"sslRootCertificateSecret": map[string]any{"name": "db-ca", "key": "ca.pem"}})
	var m modelRegistryDataModel
	flattenModelRegistryData(&m, observedWith(obj, nil))

	for attribute, got := range map[string]fmt.Stringer{
		"id": m.ID, "resource_name": m.ResourceName, "namespace": m.Namespace, "name": m.Name, "description": m.Description,
		"database.host": m.Database.Host, "database.port": m.Database.Port, "database.username": m.Database.Username,
		"database.database": m.Database.Database, "database.skip_database_creation": m.Database.SkipDatabaseCreation,
		"database.existing_password_secret.name": m.Database.ExistingPasswordSecret.Name,
		"database.existing_password_secret.key":  m.Database.ExistingPasswordSecret.Key,
		"ca_certificate.secret.name":             m.CACertificate.Secret.Name,
		"ca_certificate.secret.key":              m.CACertificate.Secret.Key,
		"ca_certificate.config_map":              types.BoolValue(m.CACertificate.ConfigMap == nil),
		"ca_certificate.pem":                     m.CACertificate.PEM,
		"ca_certificate.cluster_bundle":          m.CACertificate.ClusterBundle,
		"uid":                                    m.UID,
		"ready":                                  m.Ready,
		"status":                                 m.Status,
		"endpoints":                              m.Endpoints,
		"rest_url":                               m.RESTURL,
	} {
		want := map[string]string{
			"id": `"rhoai-model-registries/fraud"`, "resource_name": `"fraud"`, "namespace": `"rhoai-model-registries"`,
			"name": `"Fraud models"`, "description": `"Scored nightly"`,
			"database.host": `"mysql.db.svc"`, "database.port": "3307", "database.username": `"mr"`,
			"database.database": `"models"`, "database.skip_database_creation": "true",
			"database.existing_password_secret.name": `"fraud-db-x7k2p"`,
			"database.existing_password_secret.key":  `"database-password"`,
			"ca_certificate.secret.name":             `"db-ca"`,
			"ca_certificate.secret.key":              `"ca.pem"`,
			"ca_certificate.config_map":              "true",
			"ca_certificate.pem":                     "<null>",
			"ca_certificate.cluster_bundle":          "<null>",
			"uid":                                    `"uid-fraud"`,
			"ready":                                  "true",
			"status":                                 `{"message":"Deployment is available","reason":"DeploymentAvailable"}`,
			"endpoints":                              `["fraud.rhoai-model-registries.svc.cluster.local","fraud"]`,
			"rest_url":                               "<null>",
		}[attribute]
		if got.String() != want {
			t.Errorf("%s = %s, want %s", attribute, got, want)
		}
	}
}

func TestFlattenModelRegistryData_caSources(t *testing.T) {
	pem := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	uploaded := map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "fraud-db-credential", "key": "ca.crt"}}
	cases := map[string]struct {
		mysql       map[string]any
		uploadedPEM *string
		want        func(c *caModel) string
	}{
		"none": {
			want: func(c *caModel) string {
				if c != nil {
					return "want a null ca_certificate"
				}
				return ""
			},
		},
		"cluster bundle": {
			mysql: map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "odh-trusted-ca-bundle", "key": "ca-bundle.crt"}},
			want: func(c *caModel) string {
				if !c.ClusterBundle.ValueBool() || c.ConfigMap != nil {
					return "want cluster_bundle = true only"
				}
				return ""
			},
		},
		"OpenShift AI bundle": {
			mysql: map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "odh-trusted-ca-bundle", "key": "odh-ca-bundle.crt"}},
			want: func(c *caModel) string {
				if !c.OpenShiftAIBundle.ValueBool() || !c.ClusterBundle.IsNull() {
					return "want openshift_ai_bundle = true only"
				}
				return ""
			},
		},
		"existing ConfigMap": {
			mysql: map[string]any{"sslRootCertificateConfigMap": map[string]any{"name": "corporate-ca", "key": "ca.crt"}},
			want: func(c *caModel) string {
				if c.ConfigMap == nil || c.ConfigMap.Name.ValueString() != "corporate-ca" || !c.PEM.IsNull() {
					return "want config_map corporate-ca only"
				}
				return ""
			},
		},
		"uploaded PEM": {
			mysql:       uploaded,
			uploadedPEM: &pem,
			want: func(c *caModel) string {
				if c.PEM.ValueString() != pem || c.ConfigMap != nil {
					return "want pem only"
				}
				return ""
			},
		},
		"uploaded PEM whose ConfigMap is gone": {
			mysql: uploaded,
			want: func(c *caModel) string {
				if c.ConfigMap == nil || c.ConfigMap.Name.ValueString() != "fraud-db-credential" || !c.PEM.IsNull() {
					return "want the config_map form"
				}
				return ""
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var m modelRegistryDataModel
			flattenModelRegistryData(&m, observedWith(dashboardRegistry("fraud", nil, tc.mysql), tc.uploadedPEM))
			if problem := tc.want(m.CACertificate); problem != "" {
				t.Errorf("ca_certificate = %+v: %s", m.CACertificate, problem)
			}
		})
	}
}

func TestFlattenModelRegistryData_defaults(t *testing.T) {
	// No annotations, no port, no status: what a registry looks like before the operator saw it.
	obj := dashboardRegistry("bare", nil, nil)
	unstructured.RemoveNestedField(obj.Object, "spec", "mysql", "port")
	unstructured.RemoveNestedField(obj.Object, "status")
	var m modelRegistryDataModel
	flattenModelRegistryData(&m, observedWith(obj, nil))
	if m.Name.ValueString() != "bare" {
		t.Errorf("name = %s, want the Kubernetes name", m.Name)
	}
	if !m.Description.IsNull() {
		t.Errorf("description = %s, want null", m.Description)
	}
	if m.Database.Port.ValueInt64() != 3306 {
		t.Errorf("database.port = %s, want 3306", m.Database.Port)
	}
	if m.Ready.ValueBool() || m.Status.String() != `{"message":<null>,"reason":<null>}` || m.Endpoints.String() != "[]" {
		t.Errorf("ready = %s, status = %s, endpoints = %s; want false, nulls, []", m.Ready, m.Status, m.Endpoints)
	}
}

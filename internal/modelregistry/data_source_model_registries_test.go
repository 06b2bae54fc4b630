package modelregistry

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestRegistrySummaries(t *testing.T) {
	ref := func(name, key string) map[string]any { return map[string]any{"name": name, "key": key} }
	objects := map[string]map[string]any{
		"team-b-vision": {"sslRootCertificateSecret": ref("db-ca", "ca.pem")},
		"team-a-fraud":  {"sslRootCertificateConfigMap": ref("team-a-fraud-db-credential", "ca.crt")},
		"team-a-churn":  {"sslRootCertificateConfigMap": ref("odh-trusted-ca-bundle", "ca-bundle.crt")},
		"team-a-ocr":    {"sslRootCertificateConfigMap": ref("odh-trusted-ca-bundle", "odh-ca-bundle.crt")},
		"team-a-nlp":    {"sslRootCertificateConfigMap": ref("corporate-ca", "bundle.pem")},
		"team-a-plain":  nil,
	}
	var observed []registry.Observed
	for name, mysql := range objects {
		observed = append(observed, registry.ParseModelRegistry(dashboardRegistry(name, nil, mysql)))
	}

	all := registrySummaries(observed, "")
	var got []string
	for _, s := range all {
		line := s.ResourceName.ValueString() + " " + s.CASource.ValueString()
		if s.CAReference != nil {
			line += " " + s.CAReference.Name.ValueString() + "/" + s.CAReference.Key.ValueString()
		}
		got = append(got, line)
	}
	want := []string{
		"team-a-churn cluster_bundle odh-trusted-ca-bundle/ca-bundle.crt",
		"team-a-fraud pem team-a-fraud-db-credential/ca.crt",
		"team-a-nlp config_map corporate-ca/bundle.pem",
		"team-a-ocr openshift_ai_bundle odh-trusted-ca-bundle/odh-ca-bundle.crt",
		"team-a-plain ",
		"team-b-vision secret db-ca/ca.pem",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("summaries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	first := all[0]
	if first.Name.ValueString() != "team-a-churn" || !first.Description.IsNull() || !first.Ready.ValueBool() ||
		first.Database.Host.ValueString() != "mysql.db.svc" || first.Database.Port.ValueInt64() != 3307 ||
		first.Database.Username.ValueString() != "mr" || first.Database.Database.ValueString() != "models" {
		t.Errorf("first summary = %+v %+v", first, *first.Database)
	}

	filtered := registrySummaries(observed, "team-b-")
	if len(filtered) != 1 || filtered[0].ResourceName.ValueString() != "team-b-vision" {
		t.Errorf("name_prefix team-b- kept %v", filtered)
	}
	if none := registrySummaries(observed, "nothing-"); none == nil || len(none) != 0 {
		t.Errorf("an unmatched prefix gives %v, want an empty list", none)
	}
}

func TestRegistrySummariesDatabaseTypes(t *testing.T) {
	pg := dashboardPostgres("")
	dev := registry.Registry{Name: "dev", Namespace: registry.DefaultNamespace, Database: registry.Database{Type: registry.DatabasePostgres, Generated: true}}
	summaries := registrySummaries([]registry.Observed{pg.Registry, registry.ParseModelRegistry(dev.ModelRegistry())}, "")
	byName := map[string]registrySummaryModel{}
	for _, s := range summaries {
		byName[s.ResourceName.ValueString()] = s
	}
	if s := byName["vision"]; s.DatabaseType.ValueString() != "postgres" || s.DefaultDatabase.ValueBool() || s.Database == nil ||
		s.Database.Type.ValueString() != "postgres" || !s.Database.Host.IsNull() || s.Database.HostAddress.ValueString() != "10.0.0.9" ||
		s.Database.Port.ValueInt64() != 5432 {
		t.Errorf("external PostgreSQL summary %+v %+v", s, s.Database)
	}
	if s := byName["dev"]; s.DatabaseType.ValueString() != "postgres" || !s.DefaultDatabase.ValueBool() || s.Database != nil {
		t.Errorf("default database summary %+v", s)
	}

	var m modelRegistryDataModel
	diags := flattenModelRegistryData(&m, pg)
	if diags.HasError() || m.Database.SSLMode.ValueString() != "disable" || m.DatabaseType.ValueString() != "postgres" ||
		m.Database.ExistingPasswordSecret.Name.ValueString() != "vision-db-x7k2p" {
		t.Errorf("data source %+v %+v %v", m, m.Database, diags)
	}
}

// Every registry view carries status.hosts as the operator wrote them and the
// REST URL made from the first external one, a gateway host with its path.
func TestEndpointsAndRESTURLInEveryView(t *testing.T) {
	const ns = registry.DefaultNamespace
	internal := []any{"fraud." + ns + ".svc.cluster.local", "fraud." + ns, "fraud"}
	for _, tc := range []struct {
		mode          string
		hosts         []any
		wantEndpoints string
		wantURL       string
	}{
		{"gateway mode", append([]any{"gw.apps.example.com/model-registry/fraud", "fraud-rest.apps.example.com"}, internal...),
			`["gw.apps.example.com/model-registry/fraud","fraud-rest.apps.example.com","fraud.rhoai-model-registries.svc.cluster.local","fraud.rhoai-model-registries","fraud"]`,
			`"https://gw.apps.example.com/model-registry/fraud"`},
		{"auth proxy Route", append([]any{"fraud-rest.apps.example.com"}, internal...),
			`["fraud-rest.apps.example.com","fraud.rhoai-model-registries.svc.cluster.local","fraud.rhoai-model-registries","fraud"]`,
			`"https://fraud-rest.apps.example.com"`},
		{"no external host", internal,
			`["fraud.rhoai-model-registries.svc.cluster.local","fraud.rhoai-model-registries","fraud"]`, "<null>"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			obj := dashboardRegistry("fraud", nil, nil)
			if err := unstructured.SetNestedSlice(obj.Object, tc.hosts, "status", "hosts"); err != nil {
				t.Fatal(err)
			}
			var one modelRegistryDataModel
			flattenModelRegistryData(&one, observedWith(obj, nil))
			var resource modelRegistryModel
			resource.setStatus(registry.ParseModelRegistry(obj))
			listed := registrySummaries([]registry.Observed{registry.ParseModelRegistry(obj)}, "")[0]
			for view, got := range map[string][2]string{
				"openshiftai_model_registry":           {resource.Endpoints.String(), resource.RESTURL.String()},
				"data.openshiftai_model_registry":      {one.Endpoints.String(), one.RESTURL.String()},
				"data.openshiftai_model_registries[0]": {listed.Endpoints.String(), listed.RESTURL.String()},
			} {
				if got[0] != tc.wantEndpoints || got[1] != tc.wantURL {
					t.Errorf("%s: endpoints = %s, rest_url = %s; want %s, %s", view, got[0], got[1], tc.wantEndpoints, tc.wantURL)
				}
			}
		})
	}
}

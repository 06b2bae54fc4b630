package catalogsource

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

func hfEntry(apiKey string) catalog.Entry {
	props := map[string]string{catalog.PropertyAllowedOrganization: "ibm-granite"}
	if apiKey != "" {
		props[catalog.PropertyAPIKey] = apiKey
	}
	return catalog.Entry{ID: "hf_ibm", Name: "IBM", Type: catalog.TypeHuggingFace, Properties: props}
}

// TestFlattenSourceToken: how the token Secret shows in state, per who wrote it.
func TestFlattenSourceToken(t *testing.T) {
	derived := catalog.APIKeySecretName("hf_ibm")
	managed := &sourceModel{HuggingFace: &huggingFaceModel{APIKeyWOVersion: types.Int64Value(3)}}
	existing := &sourceModel{HuggingFace: &huggingFaceModel{ExistingAPIKeySecret: &secretRefModel{Name: types.StringValue(derived)}}}
	for _, tc := range []struct {
		name         string
		prior        *sourceModel
		apiKey       string
		secret       apiKeySecretState
		wantVersion  types.Int64
		wantExisting string
	}{
		{"no token", nil, "", apiKeySecretState{}, types.Int64Null(), ""},
		{"the provider's Secret, imported", nil, derived, apiKeySecretState{Exists: true, Version: "3"}, types.Int64Value(3), ""},
		{"the provider's Secret, read", managed, derived, apiKeySecretState{Exists: true, Version: "3"}, types.Int64Value(3), ""},
		{"the provider's Secret deleted: drift", managed, derived, apiKeySecretState{}, types.Int64Null(), ""},
		{"the dashboard's Secret, imported", nil, derived, apiKeySecretState{Exists: true}, types.Int64Null(), derived},
		{"the dashboard's Secret, read", existing, derived, apiKeySecretState{Exists: true}, types.Int64Null(), derived},
		{"a Secret of another name", nil, "my-token", apiKeySecretState{}, types.Int64Null(), "my-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := flattenSource(tc.prior, "ns", "", hfEntry(tc.apiKey), nil, tc.secret)
			hf := m.HuggingFace
			if hf == nil || m.YAML != nil || hf.Organization.ValueString() != "ibm-granite" || !hf.APIKeyWO.IsNull() {
				t.Fatalf("model %+v", m)
			}
			if !hf.APIKeyWOVersion.Equal(tc.wantVersion) {
				t.Errorf("api_key_wo_version = %v, want %v", hf.APIKeyWOVersion, tc.wantVersion)
			}
			got := ""
			if hf.ExistingAPIKeySecret != nil {
				got = hf.ExistingAPIKeySecret.Name.ValueString()
			}
			if got != tc.wantExisting {
				t.Errorf("existing_api_key_secret = %q, want %q", got, tc.wantExisting)
			}
			if m.ID.ValueString() != "ns/hf_ibm" || !m.Enabled.ValueBool() {
				t.Errorf("id %v enabled %v", m.ID, m.Enabled)
			}
		})
	}
}

func TestFlattenSourceYAML(t *testing.T) {
	e := catalog.Entry{ID: "mine", Name: "Mine", Type: catalog.TypeYAML, Labels: []string{"A"},
		Properties: map[string]string{catalog.PropertyYAMLCatalogPath: "elsewhere.yaml"}}
	m := flattenSource(nil, "ns", "", e, map[string]string{"elsewhere.yaml": "models: []\n"}, apiKeySecretState{})
	if m.YAML == nil || m.YAML.Catalog.ValueString() != "models: []\n" || m.HuggingFace != nil || len(m.Labels.Elements()) != 1 || !m.IncludedModels.IsNull() {
		t.Errorf("model %+v", m)
	}
	m = flattenSource(nil, "ns", "", e, map[string]string{}, apiKeySecretState{})
	if !m.YAML.Catalog.IsNull() {
		t.Errorf("a missing catalog file reads as %v, want null (drift)", m.YAML.Catalog)
	}
}

package catalog

import (
	"slices"
	"testing"
)

const goodCatalog = `source: Team A
models:
- name: granite-8b
  provider: IBM
  description: A model
  language: [en]
  tasks: [text-generation]
  license: apache-2.0
  customProperties:
    size: {string_value: 8B}
  artifacts:
  - uri: oci://registry.example.com/granite:8b
- name: mistral-7b
`

func TestParseCatalogFileAccepts(t *testing.T) {
	got, err := ParseCatalogFile(goodCatalog)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "Team A" || !slices.Equal(got.Models, []string{"granite-8b", "mistral-7b"}) {
		t.Errorf("got %+v", got)
	}
}

func TestParseCatalogFileMessages(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown model key", "source: a\nmodels:\n- name: m1\n  colour: blue\n",
			`line 4: unknown key "colour" in model "m1" (allowed: artifacts, createTimeSinceEpoch, customProperties, description, language, lastUpdateTimeSinceEpoch, libraryName, license, licenseLink, logo, maturity, name, provider, readme, tasks)`},
		{"unknown top key", "source: a\nmodel: []\n",
			`line 2: unknown key "model" in the catalog file (allowed: models, source)`},
		{"model without name", "source: a\nmodels:\n- name: m1\n- provider: IBM\n",
			`line 4: model 2 has no name; every model needs a name, unique within the source`},
		{"duplicate model", "source: a\nmodels:\n- name: m1\n- name: m2\n- name: m1\n",
			`line 5: two models are named "m1" (the first at line 3); model names must be unique within the source`},
		{"artifact without uri", "source: a\nmodels:\n- name: m1\n  artifacts:\n  - customProperties: {}\n",
			`line 5: artifact 1 of model "m1" has no uri; every artifact needs one`},
		{"unknown artifact key", "models:\n- name: m1\n  artifacts:\n  - uri: x\n    url: y\n",
			`line 5: unknown key "url" in artifact 1 of model "m1" (allowed: createTimeSinceEpoch, customProperties, lastUpdateTimeSinceEpoch, uri)`},
		{"not yaml", "models: [\n", `not valid YAML: line 1: did not find expected node content`},
		{"empty", "", "the catalog file is empty; it needs at least `source:` and `models:`"},
		{"list", "- a\n", "line 1: the catalog file must be a mapping with the keys source and models"},
		{"language not a list", "models:\n- name: m1\n  language: en\n", `line 3: language of model "m1" must be a list of strings`},
		{"duplicate key", "models:\n- name: m1\n  name: m2\n", `line 3: key "name" appears twice in model "m1" (the first at line 2)`},
		{"models not a list", "models: {}\n", "line 1: models must be a list of models"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCatalogFile(tc.file)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

func TestValidateID(t *testing.T) {
	long := ""
	for range 239 {
		long += "a"
	}
	for id, want := range map[string]string{
		"my_models_2":     "",
		"":                "must not be empty",
		"My-Models":       `"My-Models" may hold only lowercase letters, digits and underscores (^[a-z0-9_]+$), as the dashboard requires`,
		long:              "is 239 characters long; the dashboard accepts at most 238",
		long[:238]:        "",
		"default_catalog": `"default_catalog" is reserved: the model registry operator deletes a source of that id from the user's ConfigMaps; choose another id`,
	} {
		if got := ValidateID(id); got != want {
			t.Errorf("ValidateID(%.20q) = %q, want %q", id, got, want)
		}
	}
	if got := APIKeySecretName("hf_ibm_models"); got != "catalog-hf-ibm-models-apikey" {
		t.Errorf("APIKeySecretName = %q", got)
	}
}

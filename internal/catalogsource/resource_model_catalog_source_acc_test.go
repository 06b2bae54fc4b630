package catalogsource_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

const catalogV1 = "source: Team\nmodels:\n- name: granite-8b\n  provider: IBM\n  artifacts:\n  - uri: oci://example.com/granite:8b\n"
const catalogV2 = catalogV1 + "- name: mistral-7b\n"

func yamlSourceConfig(id, name, extra, catalogFile string) string {
	return fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "test" {
  source_id = %q
  name      = %q
%s
  yaml {
    catalog = %q
  }
}
`, id, name, extra, catalogFile)
}

func hfSourceConfig(id, name, hfExtra string) string {
	return fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "test" {
  source_id = %q
  name      = %q
  hugging_face {
    organization = "ibm-granite"
%s
  }
}
`, id, name, hfExtra)
}

const address = "openshiftai_model_catalog_source.test"

// TestAccCatalogSource_lifecycle: a yaml source through create, in-place
// update, a change to Hugging Face (replace) and destroy; the dashboard's
// source and a foreign top-level key survive every write.
func TestAccCatalogSource_lifecycle(t *testing.T) {
	catalogReady(t)
	id := "tf_lifecycle"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoEntry(t, id), checkForeignKept(t)),
		Steps: []resource.TestStep{
			{
				Config: yamlSourceConfig(id, "Lifecycle", "", catalogV1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+id)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
				},
				Check: resource.ComposeTestCheckFunc(checkForeignKept(t), checkEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Name != "Lifecycle" || e.Type != "yaml" || !e.IsEnabled() || e.Properties["yamlCatalogPath"] != id+".yaml" || data[id+".yaml"] != catalogV1 {
						return fmt.Errorf("entry %+v, file %q", e, data[id+".yaml"])
					}
					return nil
				})),
			},
			{
				Config: yamlSourceConfig(id, "Lifecycle 2", `  enabled = false
  labels = ["Team A"]
  included_models = ["granite-*"]
  excluded_models = ["*-beta"]`, catalogV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(checkForeignKept(t), checkEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Name != "Lifecycle 2" || e.IsEnabled() || !slices.Equal(e.Labels, []string{"Team A"}) ||
						!slices.Equal(e.Included, []string{"granite-*"}) || !slices.Equal(e.Excluded, []string{"*-beta"}) || data[id+".yaml"] != catalogV2 {
						return fmt.Errorf("entry %+v, file %q", e, data[id+".yaml"])
					}
					return nil
				})),
			},
			{
				// Removing the filters removes their keys, as the dashboard does.
				Config:           yamlSourceConfig(id, "Lifecycle 2", "", catalogV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
				Check: checkEntry(t, id, func(e catalog.Entry, _ map[string]string) error {
					if e.Labels != nil || e.Included != nil || e.Excluded != nil || !e.IsEnabled() {
						return fmt.Errorf("entry %+v", e)
					}
					return nil
				}),
			},
			{
				Config:           hfSourceConfig(id, "Lifecycle HF", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: resource.ComposeTestCheckFunc(checkForeignKept(t), checkEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Type != "hf" || e.Properties["allowedOrganization"] != "ibm-granite" || e.Properties["apiKey"] != "" || e.Properties["yamlCatalogPath"] != "" {
						return fmt.Errorf("entry %+v", e)
					}
					if _, ok := data[id+".yaml"]; ok {
						return fmt.Errorf("the yaml source's catalog file stayed after the change to Hugging Face")
					}
					return nil
				})),
			},
			{
				Config:           strings.Replace(hfSourceConfig(id, "Lifecycle HF 2", ""), `"ibm-granite"`, `"mistralai"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(checkForeignKept(t), checkEntry(t, id, func(e catalog.Entry, _ map[string]string) error {
					if e.Type != "hf" || e.Name != "Lifecycle HF 2" || e.Properties["allowedOrganization"] != "mistralai" {
						return fmt.Errorf("entry %+v", e)
					}
					return nil
				})),
			},
			{
				Config:           yamlSourceConfig(id, "Lifecycle back to yaml", "", catalogV1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check: resource.ComposeTestCheckFunc(checkForeignKept(t), checkEntry(t, id, func(e catalog.Entry, data map[string]string) error {
					if e.Type != "yaml" || e.Properties["allowedOrganization"] != "" || data[id+".yaml"] != catalogV1 {
						return fmt.Errorf("entry %+v", e)
					}
					return nil
				})),
			},
		},
	})
}

// TestAccCatalogSource_importDashboardMade adopts a yaml and a Hugging Face
// source written as the dashboard writes them; the plan after import is clean.
func TestAccCatalogSource_importDashboardMade(t *testing.T) {
	catalogReady(t)
	yamlID, hfID := "dash_import_yaml", "dash_import_hf"
	secretName := catalog.APIKeySecretName(hfID)
	dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
		file, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		_ = file.Put(catalog.Entry{ID: yamlID, Name: "Dashboard yaml", Type: "yaml", Enabled: &yes, Labels: []string{"Imported"},
			Properties: map[string]string{"yamlCatalogPath": yamlID + ".yaml"}})
		_ = file.Put(catalog.Entry{ID: hfID, Name: "Dashboard HF", Type: "hf", Enabled: &yes,
			Properties: map[string]string{"allowedOrganization": "ibm-granite", "apiKey": secretName}})
		cm.Data[catalog.SourcesKey] = file.String()
		cm.Data[yamlID+".yaml"] = catalogV1
	})
	_, err := acctest.Cluster.Typed.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: ns, Labels: map[string]string{"app.kubernetes.io/component": "model-catalog"}},
		Type:       corev1.SecretTypeOpaque, StringData: map[string]string{"apiKey": "hf_dashboard_token"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "yaml" {
  source_id = %q
  name      = "Dashboard yaml"
  labels    = ["Imported"]
  yaml {
    catalog = %q
  }
}

resource "openshiftai_model_catalog_source" "hf" {
  source_id = %q
  name      = "Dashboard HF"
  hugging_face {
    organization = "ibm-granite"
    existing_api_key_secret {
      name = %q
    }
  }
}
`, yamlID, catalogV1, hfID, secretName)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: resource.ComposeTestCheckFunc(checkNoEntry(t, yamlID), checkNoEntry(t, hfID), checkForeignKept(t),
			func(*terraform.State) error {
				// Deleting a source deletes the token Secret named after it, as the dashboard does.
				_, err := acctest.Cluster.Typed.CoreV1().Secrets(ns).Get(context.Background(), secretName, metav1.GetOptions{})
				if !apierrors.IsNotFound(err) {
					return fmt.Errorf("token Secret after destroy: %v", err)
				}
				return nil
			}),
		Steps: []resource.TestStep{
			{Config: config, ResourceName: "openshiftai_model_catalog_source.yaml", ImportState: true, ImportStateId: yamlID, ImportStatePersist: true},
			{Config: config, ResourceName: "openshiftai_model_catalog_source.hf", ImportState: true, ImportStateId: ns + "/" + hfID, ImportStatePersist: true},
			{Config: config, PlanOnly: true},
		},
	})
}

// TestAccCatalogSource_drift: the dashboard's edit of each field, an entry
// deleted out of band and a deleted token Secret are drift that the next apply repairs.
func TestAccCatalogSource_drift(t *testing.T) {
	catalogReady(t)
	id := "tf_drift"
	yamlConfig := yamlSourceConfig(id, "Drift", `  labels = ["A"]`, catalogV1)
	edit := func(change func(e *catalog.Entry, data map[string]string)) func() {
		return func() {
			dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
				file, err := catalog.ParseSources(cm.Data[catalog.SourcesKey])
				if err != nil {
					t.Fatal(err)
				}
				e, _ := file.Find(id)
				change(&e, cm.Data)
				_ = file.Put(e)
				cm.Data[catalog.SourcesKey] = file.String()
			})
		}
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}}
	create := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)}}
	back := checkEntry(t, id, func(e catalog.Entry, data map[string]string) error {
		if e.Name != "Drift" || !e.IsEnabled() || !slices.Equal(e.Labels, []string{"A"}) || e.Included != nil || data[id+".yaml"] != catalogV1 {
			return fmt.Errorf("not repaired: %+v %q", e, data[id+".yaml"])
		}
		return nil
	})
	no := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             checkNoEntry(t, id),
		Steps: []resource.TestStep{
			{Config: yamlConfig},
			{PreConfig: edit(func(e *catalog.Entry, _ map[string]string) { e.Name = "Renamed in the dashboard" }), Config: yamlConfig, ConfigPlanChecks: update, Check: back},
			{PreConfig: edit(func(e *catalog.Entry, _ map[string]string) { e.Enabled = &no }), Config: yamlConfig, ConfigPlanChecks: update, Check: back},
			{PreConfig: edit(func(e *catalog.Entry, _ map[string]string) { e.Included = []string{"x*"}; e.Labels = nil }), Config: yamlConfig, ConfigPlanChecks: update, Check: back},
			{PreConfig: edit(func(_ *catalog.Entry, data map[string]string) { data[id+".yaml"] = catalogV2 }), Config: yamlConfig, ConfigPlanChecks: update, Check: back},
			{PreConfig: func() {
				dashboardWrite(t, catalog.ModelSources, func(cm *corev1.ConfigMap) {
					if _, err := catalog.RemoveSource(cm, catalog.ModelSources, id); err != nil {
						t.Fatal(err)
					}
				})
			}, Config: yamlConfig, ConfigPlanChecks: create, Check: resource.ComposeTestCheckFunc(back, checkForeignKept(t))},
		},
	})
}

// TestAccCatalogSource_apiKeyNeverWrittenDown: the Hugging Face token goes into
// the dashboard's Secret and nowhere else: not in state, plan or the TRACE log.
func TestAccCatalogSource_apiKeyNeverWrittenDown(t *testing.T) {
	catalogReady(t)
	id := "tf_hf_token"
	tokens := []string{"hf_FirstTokenValue8d1e2f", "hf_RotatedTokenValue3c4b5a"}
	logPath := t.TempDir() + "/trace.log"
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	tokenConfig := func(version int) string {
		return `
variable "token" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + hfSourceConfig(id, "Tokens", fmt.Sprintf("    api_key_wo = var.token\n    api_key_wo_version = %d", version))
	}
	vars := func(token string) config.Variables { return config.Variables{"token": config.StringVariable(token)} }
	secret := func(want string, version string) func(*terraform.State) error {
		return func(*terraform.State) error {
			s, err := acctest.Cluster.Typed.CoreV1().Secrets(ns).Get(context.Background(), catalog.APIKeySecretName(id), metav1.GetOptions{})
			if err != nil {
				return err
			}
			if string(s.Data["apiKey"]) != want || s.Type != corev1.SecretTypeOpaque || s.Labels["app.kubernetes.io/component"] != "model-catalog" ||
				s.Annotations[catalog.AnnotationAPIKeyVersion] != version {
				return fmt.Errorf("token Secret %+v", s)
			}
			return nil
		}
	}
	noToken := func(s *terraform.State) error {
		for _, token := range tokens {
			if strings.Contains(s.String(), token) {
				return fmt.Errorf("the token is in the state")
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := acctest.Cluster.Typed.CoreV1().Secrets(ns).Get(context.Background(), catalog.APIKeySecretName(id), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("token Secret after destroy: %v", err)
			}
			return checkNoEntry(t, id)(nil)
		},
		Steps: []resource.TestStep{
			{
				Config:           tokenConfig(1),
				ConfigVariables:  vars(tokens[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noTokenInPlan(tokens)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("hugging_face").AtMapKey("api_key_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("hugging_face").AtMapKey("api_key_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(noToken, secret(tokens[0], "1"), checkEntry(t, id, func(e catalog.Entry, _ map[string]string) error {
					if e.Properties["apiKey"] != catalog.APIKeySecretName(id) {
						return fmt.Errorf("entry %+v", e)
					}
					return nil
				})),
			},
			{
				Config:           tokenConfig(2),
				ConfigVariables:  vars(tokens[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noTokenInPlan(tokens), plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
				Check:            resource.ComposeTestCheckFunc(noToken, secret(tokens[1], "2")),
			},
			{
				// A deleted token Secret is drift: the next apply writes it again.
				PreConfig: func() {
					if err := acctest.Cluster.Typed.CoreV1().Secrets(ns).Delete(context.Background(), catalog.APIKeySecretName(id), metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           tokenConfig(2),
				ConfigVariables:  vars(tokens[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noTokenInPlan(tokens), plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
				Check:            resource.ComposeTestCheckFunc(noToken, secret(tokens[1], "2")),
			},
			{Config: tokenConfig(2), ConfigVariables: vars(tokens[1]), ResourceName: address, ImportState: true, ImportStateId: id, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
	logs, err := readFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs, "model catalog source created") {
		t.Fatalf("the TRACE log (%d bytes) lacks the provider's own lines; it proves nothing", len(logs))
	}
	for _, token := range tokens {
		if strings.Contains(logs, token) {
			t.Errorf("the token %s… is in the TRACE log", token[:6])
		}
	}
}

type noTokenPlanCheck struct{ tokens []string }

func noTokenInPlan(tokens []string) plancheck.PlanCheck { return noTokenPlanCheck{tokens} }

func (c noTokenPlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	text, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	for _, token := range c.tokens {
		if strings.Contains(string(text), token) {
			resp.Error = fmt.Errorf("the token is in the plan")
		}
	}
}

// TestAccCatalogSource_planErrors: an id in use and a namespace without the catalog fail at plan,
// with the import command and how to enable the catalog.
func TestAccCatalogSource_planErrors(t *testing.T) {
	catalogReady(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: yamlSourceConfig(dashboardSourceID, "Taken", "", catalogV1), PlanOnly: true,
				ExpectError: wrapped(`terraform import <resource address> ` + ns + `/` + dashboardSourceID)},
			{Config: yamlSourceConfig("redhat_ai_models", "Taken", "", catalogV1), PlanOnly: true,
				ExpectError: wrapped(`the source id "redhat_ai_models" is a shipped source of ` + acctest.ShippedSourcesConfigMap() + `; a source of your own needs another id`)},
			{Config: yamlSourceConfig("tf_elsewhere", "Elsewhere", `  namespace = "default"`, catalogV1), PlanOnly: true,
				ExpectError: wrapped(`the model catalog is not deployed in namespace "default": ConfigMap model-catalog-sources does not exist. The model registry operator creates it when the model registry component is enabled`)},
		},
	})
}

// TestAccCatalogSource_tooLarge: a write that would take the ConfigMap over
// 1 MiB fails at apply, naming the source and the sizes, and writes nothing.
func TestAccCatalogSource_tooLarge(t *testing.T) {
	catalogReady(t)
	big := "models: []\n#" + strings.Repeat("x", 600*1024)
	config := fmt.Sprintf(`
resource "openshiftai_model_catalog_source" "a" {
  source_id = "tf_big_a"
  name      = "Big A"
  yaml { catalog = %[1]q }
}
resource "openshiftai_model_catalog_source" "b" {
  source_id  = "tf_big_b"
  name       = "Big B"
  yaml { catalog = %[1]q }
  depends_on = [openshiftai_model_catalog_source.a]
}
`, big)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoEntry(t, "tf_big_a"), checkNoEntry(t, "tf_big_b"), checkForeignKept(t)),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: regexp.MustCompile(strings.ReplaceAll(`source "tf_big_b": its catalog file is 614412 bytes and ConfigMap model-catalog-sources would hold \d+ bytes in all, over the limit of 1048576 bytes \(1 MiB\)`, " ", `\s+`))},
			{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true, Check: checkNoEntry(t, "tf_big_b")},
		},
	})
}

// TestAccCatalogSource_hundredInOneApply: 100 sources at parallelism 10 (Terraform's
// default) all land; no update is lost to another.
func TestAccCatalogSource_hundredInOneApply(t *testing.T) {
	catalogReady(t)
	hundredInOneApply(t, catalog.ModelSources, "tf_many_", `source: Many\nmodels:\n- name: model-${count.index}\n`, checkForeignKept)
}

// A catalog source's identity and a shipped source override's are the
// namespace and the source's id from the create on; an import block with that
// identity adopts each with a plan that changes nothing.
func TestAccCatalogSources_identity(t *testing.T) {
	catalogReady(t)
	id, shipped := "tf_identity", "redhat_ai_validated_models"
	config := yamlSourceConfig(id, "Identity", "", catalogV1) + defaultSourceConfig(shipped, "  enabled = false")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.SkipBelow(acctest.Terraform1_12, "Resource identity")},
		CheckDestroy:             resource.ComposeTestCheckFunc(checkNoEntry(t, id), checkNoEntry(t, shipped)),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(address, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(ns), "source_id": knownvalue.StringExact(id),
					}),
					statecheck.ExpectIdentity(defaultAddress, map[string]knownvalue.Check{
						"namespace": knownvalue.StringExact(ns), "source_id": knownvalue.StringExact(shipped),
					}),
				},
			},
			{Config: config, ResourceName: address, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{Config: config, ResourceName: defaultAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

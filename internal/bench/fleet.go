package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// A fleet is what one run applies, plans and destroys: its configurations for the provider
// (and the plugin floor, same shape) and for terraform_data (same resource count and
// dependencies), and how many Terraform resources and Kubernetes objects one unit of N is.
type fleet struct {
	name        string
	description string
	// resources and objects per unit of N.
	resources, objects int
	provider           func(n int, source string) string
	baseline           func(n int) string
	// singles: the run also applies, plans and destroys the registries fleet (every
	// permission its own resource) after the others, for the comparison with the list.
	singles bool
	// catalog: the operator stand-in makes the model catalog's ConfigMaps; configMap
	// is the one the fleet's sources share.
	catalog   bool
	configMap string
	// adopt: no configuration of its own; the harness makes the fleet as the dashboard
	// does and the run adopts it two ways (adopt.go).
	adopt bool
}

var fleets = map[string]fleet{
	"registries": {
		name: "registries", description: "registries x 3 single permissions", resources: 4, objects: 5,
		provider: providerConfig, baseline: baselineConfig,
	},
	"list": {
		name: "list", description: "registries x 1 permission list of 3 subjects", resources: 2, objects: 5,
		provider: listConfig, baseline: listBaselineConfig, singles: true,
	},
	"catalog": {
		name: "catalog", description: "model catalog sources (yaml) in one ConfigMap", resources: 1, objects: 1,
		provider: modelSources.config, baseline: modelSources.baseline, catalog: true, configMap: catalog.UserSourcesConfigMap,
	},
	"adopt": {
		name: "adopt", description: "dashboard-made registries x 3 dashboard-made permissions, adopted", resources: 4, objects: 5,
		adopt: true,
	},
	"mcp": {
		name: "mcp", description: "MCP catalog sources in one ConfigMap", resources: 1, objects: 1,
		provider: mcpSources.config, baseline: mcpSources.baseline, catalog: true, configMap: catalog.MCPSourcesConfigMap,
	},
}

func fleetNames() string {
	return strings.Join(slices.Sorted(maps.Keys(fleets)), ", ")
}

// configSingles is the registries fleet run beside the list fleet.
const configSingles = "openshiftai_singles"

// terraformBlock is the head of every provider configuration.
func terraformBlock(b *strings.Builder, source string, password bool) {
	fmt.Fprintf(b, `terraform {
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = %q
    }
  }
}

# The kubeconfig comes from KUBE_CONFIG_PATH; the registries namespace from the DataScienceCluster.
provider "openshiftai" {}
`, source)
	if password {
		fmt.Fprintf(b, `
variable %q {
  type      = string
  sensitive = true
  ephemeral = true
}
`, passwordVariable)
	}
}

// registryHCL is registry i of the fleets that have registries.
func registryHCL(b *strings.Builder, i int) {
	fmt.Fprintf(b, `
resource "openshiftai_model_registry" %q {
  name = %q
  database {
    host                = %q
    username            = "model_registry"
    database            = %q
    password_wo         = var.%s
    password_wo_version = 1
  }
  wait_for_ready = true
}
`, registryLabel(i), registryDisplay(i), databaseHost, databaseName(i), passwordVariable)
}

// withoutReadinessWait turns every registry's wait_for_ready off (-no-wait).
func withoutReadinessWait(config string) string {
	return strings.ReplaceAll(config, "\n  wait_for_ready = true\n", "\n  wait_for_ready = false\n")
}

// listConfig is n registries, each with one openshiftai_model_registry_permissions granting
// the same three subjects providerConfig grants with three single permissions.
func listConfig(n int, source string) string {
	var b strings.Builder
	terraformBlock(&b, source, true)
	for i := 1; i <= n; i++ {
		registryHCL(&b, i)
		fmt.Fprintf(&b, `
resource "openshiftai_model_registry_permissions" %q {
  registry = openshiftai_model_registry.%s.resource_name
  users    = [%q]
  groups   = [%q]
  projects = [%q]
}
`, registryLabel(i), registryLabel(i), permissionSubject("user", i), permissionSubject("group", i), permissionSubject("project", i))
	}
	return b.String()
}

func listBaselineConfig(n int) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_version = \">= 1.11\"\n}\n")
	for i := 1; i <= n; i++ {
		label := registryLabel(i)
		fmt.Fprintf(&b, `
resource "terraform_data" %q {
  input = {
    name     = %q
    host     = %q
    username = "model_registry"
    database = %q
  }
}

resource "terraform_data" "%s_permissions" {
  input = {
    registry = terraform_data.%s.output.name
    users    = [%q]
    groups   = [%q]
    projects = [%q]
  }
}
`, label, registryDisplay(i), databaseHost, databaseName(i), label, label,
			permissionSubject("user", i), permissionSubject("group", i), permissionSubject("project", i))
	}
	return b.String()
}

func catalogSourceID(i int) string   { return fmt.Sprintf("bench_%04d", i) }
func catalogSourceName(i int) string { return fmt.Sprintf("Bench source %04d", i) }

// catalogFile is source i's catalog file: two models, as small as a real one gets.
func catalogFile(i int) string {
	return fmt.Sprintf("source: %s\nmodels:\n- name: bench/model-%04d-a\n  provider: Bench\n- name: bench/model-%04d-b\n  provider: Bench\n",
		catalogSourceName(i), i, i)
}

// catalogSources are the sources of a catalog fleet: model sources or MCP sources,
// which differ only in their resource type and catalog file.
type catalogSources struct {
	resourceType string
	file         func(i int) string
}

var (
	modelSources = catalogSources{resourceType: "openshiftai_model_catalog_source", file: catalogFile}
	mcpSources   = catalogSources{resourceType: "openshiftai_mcp_catalog_source", file: mcpFile}
)

// config is n yaml sources, all in the one ConfigMap of their kind.
func (c catalogSources) config(n int, source string) string {
	var b strings.Builder
	terraformBlock(&b, source, false)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `
resource %q %q {
  source_id = %q
  name      = %q
  labels    = ["bench"]

  yaml {
    catalog = %q
  }
}
`, c.resourceType, catalogSourceID(i), catalogSourceID(i), catalogSourceName(i), c.file(i))
	}
	return b.String()
}

// baseline is config made of terraform_data: what Terraform alone costs for as many resources.
func (c catalogSources) baseline(n int) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_version = \">= 1.11\"\n}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `
resource "terraform_data" %q {
  input = {
    source_id = %q
    name      = %q
    labels    = ["bench"]
    catalog   = %q
  }
}
`, catalogSourceID(i), catalogSourceID(i), catalogSourceName(i), c.file(i))
	}
	return b.String()
}

// mcpFile is MCP source i's catalog file: one remote server, as small as a real one gets.
func mcpFile(i int) string {
	return fmt.Sprintf("mcp_servers:\n- name: bench-server-%04d\n  provider: Bench\n  deploymentMode: remote\n  endpoints:\n    http: https://mcp-%04d.example.com/mcp\n", i, i)
}

// editCatalogOutOfBand renames source i in the dashboard's ConfigMap, as the dashboard does.
func (b *bench) editCatalogOutOfBand(ctx context.Context, i int) error {
	cms := b.typed.CoreV1().ConfigMaps(b.namespace)
	cm, err := cms.Get(ctx, b.opts.fleet.configMap, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("out-of-band edit of catalog source %s: %w", catalogSourceID(i), err)
	}
	old := "name: " + catalogSourceName(i) + "\n"
	if !strings.Contains(cm.Data[catalog.SourcesKey], old) {
		return fmt.Errorf("out-of-band edit: %s has no line %q", b.opts.fleet.configMap, strings.TrimSpace(old))
	}
	cm.Data[catalog.SourcesKey] = strings.Replace(cm.Data[catalog.SourcesKey], old, "name: "+catalogSourceName(i)+" (edited out of band)\n", 1)
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: outOfBandFieldManager}); err != nil {
		return fmt.Errorf("out-of-band edit of catalog source %s: %w", catalogSourceID(i), err)
	}
	return nil
}

// checkCatalogEmpty makes sure destroy left no source of the bench behind.
func (b *bench) checkCatalogEmpty(ctx context.Context) error {
	name := b.opts.fleet.configMap
	cm, err := b.typed.CoreV1().ConfigMaps(b.namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	for key, value := range cm.Data {
		if strings.HasPrefix(key, "bench_") {
			return fmt.Errorf("destroy left the data key %s in %s", key, name)
		}
		if strings.Contains(value, "id: bench_") {
			return fmt.Errorf("destroy left a bench source in %s of %s", key, name)
		}
	}
	return nil
}

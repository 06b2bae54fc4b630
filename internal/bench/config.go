package main

import (
	"fmt"
	"strings"
)

// Names of the bench's registries and the subjects of their permissions.
const (
	databaseHost     = "mysql.bench.svc.cluster.local"
	passwordVariable = "database_password"
	passwordValue    = "bench-password"
	providerSource   = "openshiftai-terraform/openshiftai"
	providerBinary   = "terraform-provider-openshiftai"
	// The plugin floor (internal/bench/floor) under a source of its own, so its state says so.
	floorSource = "openshiftai-terraform/openshiftaifloor"
	floorBinary = "terraform-provider-openshiftaifloor"
	// The write floor (internal/bench/floor built with main.writes) under a third.
	writeFloorSource = "openshiftai-terraform/openshiftaiwritefloor"
	writeFloorBinary = "terraform-provider-openshiftaiwritefloor"
	// Field managers of the harness's own writes.
	benchFieldManager     = "openshiftai-bench"
	outOfBandFieldManager = "openshiftai-bench-out-of-band"
)

var permissionKinds = []string{"user", "group", "project"}

func registryLabel(i int) string    { return fmt.Sprintf("r%04d", i) }
func registryDisplay(i int) string  { return fmt.Sprintf("Bench %04d", i) }
func registryResource(i int) string { return fmt.Sprintf("bench-%04d", i) } // what the provider derives from the display name
func databaseName(i int) string     { return fmt.Sprintf("registry_%04d", i) }

func permissionSubject(kind string, i int) string {
	switch kind {
	case "user":
		return fmt.Sprintf("user-%04d@example.com", i)
	case "group":
		return fmt.Sprintf("team-%04d", i)
	}
	return fmt.Sprintf("project-%04d", i)
}

// providerConfig is n registries with a user, a group and a project permission each:
// every registry with a write-only password and wait_for_ready, every permission
// referring to its registry's resource_name, so Terraform orders each permission after
// its own registry only. source is the provider's, or the plugin floor's.
func providerConfig(n int, source string) string {
	var b strings.Builder
	terraformBlock(&b, source, true)
	for i := 1; i <= n; i++ {
		label := registryLabel(i)
		registryHCL(&b, i)
		for _, kind := range permissionKinds {
			fmt.Fprintf(&b, `
resource "openshiftai_model_registry_permission" "%s_%s" {
  registry = openshiftai_model_registry.%s.resource_name
  %-7s  = %q
}
`, label, kind, label, kind, permissionSubject(kind, i))
		}
	}
	return b.String()
}

// baselineConfig has the same resources and dependencies as providerConfig, made of
// Terraform's built-in terraform_data: what Terraform itself costs for 4n resources.
func baselineConfig(n int) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_version = ">= 1.11"
}
`)
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
`, label, registryDisplay(i), databaseHost, databaseName(i))
		for _, kind := range permissionKinds {
			fmt.Fprintf(&b, `
resource "terraform_data" "%s_%s" {
  input = {
    registry = terraform_data.%s.output.name
    %-7s  = %q
  }
}
`, label, kind, label, kind, permissionSubject(kind, i))
		}
	}
	return b.String()
}

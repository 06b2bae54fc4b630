package main

import (
	"context"
	"fmt"
	"os"
	runtimedebug "runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	realprovider "github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The floor must present Terraform the provider's schemas exactly, or the bench's ratio
// to it measures a different shape. These tests compare what each provider sends in
// GetProviderSchema (attribute paths, types, nesting and flags) and, from the framework
// schemas, the defaults and plan modifiers, which the protocol does not carry. On a
// failure, change internal/bench/floor/resources.go (or provider.go for the provider
// block) until the listed paths agree.

func protocolSchemas(t *testing.T, factory func() provider.Provider) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(factory())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	return resp
}

// flattenBlock lists every attribute and nested block under prefix as "path: shape".
func flattenBlock(prefix string, block *tfprotov6.SchemaBlock) []string {
	var out []string
	if block == nil {
		return out
	}
	for _, a := range block.Attributes {
		out = append(out, flattenAttribute(prefix+a.Name, a)...)
	}
	for _, b := range block.BlockTypes {
		out = append(out, fmt.Sprintf("%s%s: block %s min=%d max=%d", prefix, b.TypeName, b.Nesting, b.MinItems, b.MaxItems))
		out = append(out, flattenBlock(prefix+b.TypeName+".", b.Block)...)
	}
	return out
}

func flattenAttribute(path string, a *tfprotov6.SchemaAttribute) []string {
	var flags []string
	for _, f := range []struct {
		set  bool
		name string
	}{{a.Required, "required"}, {a.Optional, "optional"}, {a.Computed, "computed"}, {a.Sensitive, "sensitive"},
		{a.WriteOnly, "write-only"}, {a.Deprecated, "deprecated"}} {
		if f.set {
			flags = append(flags, f.name)
		}
	}
	shape := "nested"
	if a.Type != nil {
		shape = a.Type.String()
	}
	out := []string{fmt.Sprintf("%s: %s %s", path, shape, strings.Join(flags, ","))}
	if a.NestedType != nil {
		out[0] += " " + a.NestedType.Nesting.String()
		for _, nested := range a.NestedType.Attributes {
			out = append(out, flattenAttribute(path+"."+nested.Name, nested)...)
		}
	}
	slices.Sort(out)
	return out
}

func flattenSchema(s *tfprotov6.Schema) []string {
	out := append([]string{fmt.Sprintf("(version %d)", s.Version)}, flattenBlock("", s.Block)...)
	slices.Sort(out)
	return out
}

func TestSchemasAreTheProvidersSchemas(t *testing.T) {
	actual, floor := protocolSchemas(t, realprovider.New("test")), protocolSchemas(t, newProvider)
	if diff := cmp.Diff(flattenSchema(actual.Provider), flattenSchema(floor.Provider)); diff != "" {
		t.Errorf("provider block differs (-provider +floor):\n%s", diff)
	}
	benched := []string{"openshiftai_model_registry", "openshiftai_model_registry_permission",
		"openshiftai_model_registry_permissions", "openshiftai_model_catalog_source"}
	for _, name := range benched {
		r, f := actual.ResourceSchemas[name], floor.ResourceSchemas[name]
		switch {
		case r == nil:
			t.Errorf("the provider has no resource %s: the bench's configuration needs a new shape", name)
		case f == nil:
			t.Errorf("the floor has no resource %s", name)
		default:
			if diff := cmp.Diff(flattenSchema(r), flattenSchema(f)); diff != "" {
				t.Errorf("%s differs (-provider +floor):\n%s", name, diff)
			}
		}
	}
	if len(floor.ResourceSchemas) != len(benched) {
		t.Errorf("the floor has %d resources, want the %d the bench uses", len(floor.ResourceSchemas), len(benched))
	}
}

// frameworkSchema is a resource's framework schema, found by type name.
func frameworkSchema(t *testing.T, p provider.Provider, typeName string) schema.Schema {
	t.Helper()
	ctx := context.Background()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	for _, factory := range p.Resources(ctx) {
		r := factory()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		if m.TypeName != typeName {
			continue
		}
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		return s.Schema
	}
	t.Fatalf("no resource %s", typeName)
	return schema.Schema{}
}

// behaviour lists each attribute's default and plan modifiers by their descriptions,
// which name what they do ("value defaults to 3306", "...destroy and recreate...").
func behaviour(t *testing.T, prefix string, attributes map[string]schema.Attribute, blocks map[string]schema.Block) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(path, what string, described interface{ Description(context.Context) string }) {
		out = append(out, fmt.Sprintf("%s: %s %s", path, what, described.Description(ctx)))
	}
	for name, a := range attributes {
		path := prefix + name
		switch a := a.(type) {
		case schema.StringAttribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
		case schema.Int64Attribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
		case schema.BoolAttribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
		case schema.ListAttribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
		case schema.SetAttribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
		case schema.SingleNestedAttribute:
			if a.Default != nil {
				add(path, "default", a.Default)
			}
			for _, m := range a.PlanModifiers {
				add(path, "plan modifier", m)
			}
			out = append(out, behaviour(t, path+".", a.Attributes, nil)...)
		default:
			t.Errorf("%s: attribute type %T is not compared yet; add it to behaviour", path, a)
		}
	}
	for name, b := range blocks {
		path := prefix + name
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			for _, m := range b.PlanModifiers {
				add(path, "plan modifier", m)
			}
			out = append(out, behaviour(t, path+".", b.Attributes, b.Blocks)...)
		default:
			t.Errorf("%s: block type %T is not compared yet; add it to behaviour", path, b)
		}
	}
	slices.Sort(out)
	return out
}

func TestDefaultsAndPlanModifiersAreTheProviders(t *testing.T) {
	benched := []string{"openshiftai_model_registry", "openshiftai_model_registry_permission",
		"openshiftai_model_registry_permissions", "openshiftai_model_catalog_source"}
	for _, name := range benched {
		actual := frameworkSchema(t, realprovider.New("test")(), name)
		floor := frameworkSchema(t, newProvider(), name)
		if diff := cmp.Diff(behaviour(t, "", actual.Attributes, actual.Blocks), behaviour(t, "", floor.Attributes, floor.Blocks)); diff != "" {
			t.Errorf("%s: defaults or plan modifiers differ (-provider +floor):\n%s", name, diff)
		}
	}
}

func TestDerivesResourceNamesAsTheProvider(t *testing.T) {
	for _, display := range []string{"Bench 0001", "  Fraud  Models (EU) ", "a--b", "Ünïcode name", "x_y.z"} {
		if got, want := deriveResourceName(display), registry.DeriveResourceName(display); got != want {
			t.Errorf("deriveResourceName(%q) = %q, the provider derives %q", display, got, want)
		}
	}
}

// unsetEnv unsets variables for the rest of the test.
func unsetEnv(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

func TestGarbageCollectorAsTheProvider(t *testing.T) {
	unsetEnv(t, "GOGC", "GOMEMLIMIT")
	defer runtimedebug.SetGCPercent(runtimedebug.SetGCPercent(100))
	defer runtimedebug.SetMemoryLimit(runtimedebug.SetMemoryLimit(-1))
	settings := func(tune func()) (int, int64) {
		runtimedebug.SetGCPercent(100)
		runtimedebug.SetMemoryLimit(1 << 62)
		tune()
		percent := runtimedebug.SetGCPercent(100)
		return percent, runtimedebug.SetMemoryLimit(-1)
	}
	realPercent, realLimit := settings(realprovider.TuneGarbageCollector)
	floorPercent, floorLimit := settings(tuneGarbageCollector)
	if realPercent != floorPercent || realLimit != floorLimit {
		t.Errorf("floor: GOGC %d, memory limit %d; provider: GOGC %d, memory limit %d", floorPercent, floorLimit, realPercent, realLimit)
	}
}

func TestQuietsLogsAsTheProvider(t *testing.T) {
	loggers := []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_HELPER_SCHEMA",
		"TF_LOG_SDK_HELPER_RESOURCE", "TF_LOG_PROVIDER_OPENSHIFTAI"}
	for _, env := range []map[string]string{{}, {"TF_LOG": "off"}, {"TF_LOG": "DEBUG"}, {"TF_LOG_PROVIDER": "trace", "TF_LOG": "off"}} {
		levels := func(quiet func()) map[string]string {
			unsetEnv(t, append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, loggers...)...)
			for k, v := range env {
				t.Setenv(k, v)
			}
			quiet()
			out := map[string]string{}
			for _, name := range loggers {
				if v, ok := os.LookupEnv(name); ok {
					out[name] = v
				}
			}
			return out
		}
		if diff := cmp.Diff(levels(realprovider.QuietDiscardedLogs), levels(quietDiscardedLogs)); diff != "" {
			t.Errorf("with %v the SDK log levels differ (-provider +floor):\n%s", env, diff)
		}
	}
}

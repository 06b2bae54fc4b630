package main

import (
	"context"
	"fmt"
	"reflect"
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
)

// The floor must present Terraform the provider's schemas exactly, or the bench's ratio
// to it measures a different shape. It takes them from the provider's resources, so
// these tests check the strip (strip.go): what each provider sends in GetProviderSchema
// (attribute paths, types, nesting and flags) is the same, and, from the framework
// schemas, the defaults and plan modifiers, which the protocol does not carry, are the
// provider's while no description and no validator is left.

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
	// The bench's fleets use these; the floor must serve them all.
	for _, name := range []string{"openshiftai_model_registry", "openshiftai_model_registry_permission",
		"openshiftai_model_registry_permissions", "openshiftai_model_catalog_source", "openshiftai_mcp_catalog_source"} {
		if floor.ResourceSchemas[name] == nil {
			t.Errorf("the floor has no resource %s", name)
		}
	}
	for name, r := range actual.ResourceSchemas {
		f := floor.ResourceSchemas[name]
		if f == nil {
			t.Errorf("the floor has no resource %s", name)
			continue
		}
		if diff := cmp.Diff(flattenSchema(r), flattenSchema(f)); diff != "" {
			t.Errorf("%s differs (-provider +floor):\n%s", name, diff)
		}
	}
	if len(floor.ResourceSchemas) != len(actual.ResourceSchemas) {
		t.Errorf("the floor has %d resources, the provider %d", len(floor.ResourceSchemas), len(actual.ResourceSchemas))
	}
}

// frameworkSchemas are a provider's resources' framework schemas by type name.
func frameworkSchemas(p provider.Provider) map[string]schema.Schema {
	ctx := context.Background()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	out := map[string]schema.Schema{}
	for _, factory := range p.Resources(ctx) {
		r := factory()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		out[m.TypeName] = s.Schema
	}
	return out
}

// described is a default or plan modifier: its description names what it does
// ("value defaults to 3306", "...destroy and recreate...").
type described interface{ Description(context.Context) string }

// walk lists, for every attribute and block under prefix, its default and plan
// modifiers (behaviour) and whether it still has a description or validators (kept).
// The framework's attribute and block types differ only in their element types, so
// their fields are read by name.
func walk(prefix string, node any, behaviour, kept *[]string) {
	ctx := context.Background()
	v := reflect.ValueOf(node)
	field := func(name string) reflect.Value {
		if f := v.FieldByName(name); f.IsValid() {
			return f
		}
		return reflect.Value{}
	}
	for _, name := range []string{"Description", "MarkdownDescription"} {
		if f := field(name); f.IsValid() && f.String() != "" {
			*kept = append(*kept, prefix+": "+name)
		}
	}
	if f := field("Validators"); f.IsValid() && f.Len() > 0 {
		*kept = append(*kept, prefix+": Validators")
	}
	describe := func(v reflect.Value) string {
		if d, ok := v.Interface().(described); ok {
			return d.Description(ctx)
		}
		return fmt.Sprintf("%T without a description", v.Interface())
	}
	if f := field("Default"); f.IsValid() && !f.IsNil() {
		*behaviour = append(*behaviour, fmt.Sprintf("%s: default %s", prefix, describe(f)))
	}
	if f := field("PlanModifiers"); f.IsValid() {
		for i := range f.Len() {
			*behaviour = append(*behaviour, fmt.Sprintf("%s: plan modifier %s", prefix, describe(f.Index(i))))
		}
	}
	if f := field("NestedObject"); f.IsValid() {
		walk(prefix+"[]", f.Interface(), behaviour, kept)
	}
	for _, children := range []string{"Attributes", "Blocks"} {
		f := field(children)
		if !f.IsValid() {
			continue
		}
		for _, key := range f.MapKeys() {
			walk(prefix+"."+key.String(), f.MapIndex(key).Elem().Interface(), behaviour, kept)
		}
	}
}

func TestDefaultsAndPlanModifiersAreTheProvidersAndNothingElse(t *testing.T) {
	actual, floor := frameworkSchemas(realprovider.New("test")()), frameworkSchemas(newProvider())
	for name, a := range actual {
		var want, got, kept, ignored []string
		walk(name, a, &want, &ignored)
		walk(name, floor[name], &got, &kept)
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 {
			t.Errorf("%s: no default and no plan modifier found: the walk reads no field", name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: defaults or plan modifiers differ (-provider +floor):\n%s", name, diff)
		}
		if len(kept) > 0 {
			t.Errorf("%s: the strip left %v", name, kept)
		}
		if len(ignored) == 0 {
			t.Errorf("%s: the provider's schema has no description or validator: the walk reads no field", name)
		}
	}
}

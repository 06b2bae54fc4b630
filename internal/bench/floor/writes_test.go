package main

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

func TestNamespaceIsTheBenchClustersRegistriesNamespace(t *testing.T) {
	if defaultNamespace != controlplane.RegistriesNamespace {
		t.Errorf("the floors resolve an unset namespace to %q, the bench's cluster has %q", defaultNamespace, controlplane.RegistriesNamespace)
	}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"namespace": tftypes.String, "id": tftypes.String}}
	filled, err := fillUnknown(tftypes.NewValue(typ, map[string]tftypes.Value{
		"namespace": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}))
	if err != nil {
		t.Fatal(err)
	}
	if o := objectOf(filled); o.str("namespace") != controlplane.RegistriesNamespace || o.str("id") != filler {
		t.Errorf("filled %v", filled)
	}
}

func TestWritesThePermissionListsSubjectsAndTheSourcesEntry(t *testing.T) {
	set := func(values ...string) tftypes.Value {
		var elems []tftypes.Value
		for _, v := range values {
			elems = append(elems, tftypes.NewValue(tftypes.String, v))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	}
	list := permissionListOf(object{"registry": tftypes.NewValue(tftypes.String, "bench-0001"),
		"namespace": tftypes.NewValue(tftypes.String, "ns"), "users": set("u@example.com"), "groups": set("team"), "projects": set()})
	want := []registry.Subject{{Kind: registry.SubjectUser, Name: "u@example.com"}, {Kind: registry.SubjectGroup, Name: "team"}}
	if list.Registry != "bench-0001" || list.Namespace != "ns" || !slices.Equal(list.Subjects, want) {
		t.Errorf("permission list %+v, want subjects %v", list, want)
	}

	yaml := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"catalog": tftypes.String}}
	source, namespace, err := sourceOf("openshiftai_mcp_catalog_source", object{
		"source_id": tftypes.NewValue(tftypes.String, "bench_0001"), "name": tftypes.NewValue(tftypes.String, "Bench"),
		"enabled": tftypes.NewValue(tftypes.Bool, true), "namespace": tftypes.NewValue(tftypes.String, "ns"),
		"yaml": tftypes.NewValue(yaml, map[string]tftypes.Value{"catalog": tftypes.NewValue(tftypes.String, "mcp_servers: []\n")}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if source.Kind.ConfigMap != catalog.MCPSourcesConfigMap || source.ID != "bench_0001" || !source.Enabled || source.CatalogFile != "mcp_servers: []\n" || namespace != "ns" {
		t.Errorf("MCP source %+v in %q", source, namespace)
	}
	if _, _, err := sourceOf("openshiftai_model_catalog_source", object{"source_id": tftypes.NewValue(tftypes.String, "hf")}); err == nil {
		t.Error("a source without a yaml block: no error, but the write floor writes only yaml sources")
	}
}

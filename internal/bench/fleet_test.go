package main

import (
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestFleetsHaveTheirResourceCounts(t *testing.T) {
	const n = 7
	for name, f := range fleets {
		if f.adopt {
			// Made on the cluster by the harness, not written as configuration.
			continue
		}
		for config, text := range map[string]string{
			"provider": f.provider(n, providerSource), "floor": f.provider(n, floorSource), "write floor": f.provider(n, writeFloorSource),
			"terraform_data": f.baseline(n),
		} {
			if got := strings.Count(text, "\nresource \""); got != f.resources*n {
				t.Errorf("%s fleet, %s configuration: %d resources, want %d", name, config, got, f.resources*n)
			}
		}
		if f.name != name {
			t.Errorf("fleet %q is named %q", name, f.name)
		}
	}
	if !strings.Contains(listConfig(1, providerSource), `users    = ["user-0001@example.com"]`) {
		t.Errorf("the list fleet grants registry 1's user:\n%s", listConfig(1, providerSource))
	}
	if !strings.Contains(mcpSources.config(1, providerSource), `resource "openshiftai_mcp_catalog_source" "bench_0001"`) {
		t.Errorf("the mcp fleet has MCP source bench_0001:\n%s", mcpSources.config(1, providerSource))
	}
	if !strings.Contains(modelSources.config(1, providerSource), `source_id = "bench_0001"`) {
		t.Errorf("the catalog fleet has source bench_0001:\n%s", modelSources.config(1, providerSource))
	}
}

func TestListFleetIsComparedWithSingles(t *testing.T) {
	steps := benchSteps(fleets["list"])
	samples := map[string][]phaseResult{}
	for _, st := range steps {
		wall := 1.0
		if st.config == configSingles {
			wall = 1.8
		}
		samples[st.config+" "+st.phase] = []phaseResult{{Config: st.config, Phase: st.phase, Wall: wall, Walls: []float64{wall}}}
	}
	var singlesPhases []string
	for _, st := range steps {
		if st.config == configSingles {
			singlesPhases = append(singlesPhases, st.phase)
		}
	}
	if strings.Join(singlesPhases, " ") != "apply plan-noop plan-norefresh destroy" {
		t.Errorf("singles phases %v", singlesPhases)
	}
	compared := 0
	for _, p := range compareToFloors(steps, samples, 50) {
		if p.Config == configOpenShiftAI && p.SinglesWall > 0 {
			compared++
			if p.SpeedupOverSingles != 1.8 {
				t.Errorf("%s: speedup %v, want 1.8", p.Phase, p.SpeedupOverSingles)
			}
		}
	}
	if compared != 4 {
		t.Errorf("%d phases compared with singles, want 4", compared)
	}
	for _, st := range benchSteps(fleets["registries"]) {
		if st.config == configSingles {
			t.Fatal("the registries fleet runs no singles configuration of its own")
		}
	}
}

func TestOwnedByRegistry(t *testing.T) {
	binding := unstructured.Unstructured{}
	if ownedByRegistry(binding) {
		t.Error("a binding without owners counted as the garbage collector's")
	}
	binding.SetOwnerReferences([]metav1.OwnerReference{{Kind: "Namespace", Name: "x"}, {Kind: registry.Kind, Name: "fraud"}})
	if !ownedByRegistry(binding) {
		t.Error("a binding owned by a ModelRegistry is the garbage collector's to delete")
	}
}

func TestWithoutReadinessWait(t *testing.T) {
	for name, config := range map[string]string{"registries": providerConfig(3, providerSource), "list": listConfig(3, providerSource)} {
		got := withoutReadinessWait(config)
		if n := strings.Count(got, "wait_for_ready = false"); n != 3 || strings.Contains(got, "wait_for_ready = true") {
			t.Errorf("%s: %d registries without the wait, want all 3:\n%s", name, n, got)
		}
	}
}

func TestAdoptQueryListsBothKindsBeyondTerraformsDefaultLimit(t *testing.T) {
	plain, withResources := adoptQuery(100, false), adoptQuery(100, true)
	for _, resourceType := range queriedTypes {
		if !strings.Contains(plain, "list \""+resourceType+"\" \"dashboard\"") {
			t.Errorf("the query has no list block of %s:\n%s", resourceType, plain)
		}
	}
	// 300 permissions: Terraform's default limit of 100 results would cut them.
	if strings.Count(plain, "limit    = 400\n") != 2 || strings.Count(plain, `made_by = "dashboard"`) != 2 {
		t.Errorf("each list block asks for every dashboard-made object:\n%s", plain)
	}
	if strings.Contains(plain, "include_resource") || strings.Count(withResources, "include_resource = true") != 2 {
		t.Errorf("only the query that generates configuration asks for the resources:\n%s\n%s", plain, withResources)
	}
}

func TestQueryRequestsProblem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n        int
		requests counts
		want     string
	}{
		{"N=10: one page each", 10, counts{"LIST datascienceclusters": 1, "LIST modelregistries": 1, "LIST rolebindings": 1}, ""},
		{"N=1000: 4 and 16 pages (the operator's binding of each registry too)", 1000, counts{"LIST modelregistries": 4, "LIST rolebindings": 16}, ""},
		{"N=1000: a page too many", 1000, counts{"LIST modelregistries": 4, "LIST rolebindings": 17}, "17 LISTs of rolebindings for 4000 objects, want at most 16 pages of 250"},
		{"a LIST per object", 100, counts{"LIST modelregistries": 100, "LIST rolebindings": 2}, "100 LISTs of modelregistries for 100 objects, want at most 1 pages of 250"},
		{"a GET per object", 10, counts{"LIST modelregistries": 1, "LIST rolebindings": 1, "GET rolebindings": 30}, "30 GETs of rolebindings"},
		{"the Secrets read", 10, counts{"LIST modelregistries": 1, "GET secrets": 10}, "10 GETs of secrets"},
	} {
		err := queryRequestsProblem(tc.requests, tc.n)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestQueryResultProblemCountsEachKind(t *testing.T) {
	var out strings.Builder
	out.WriteString("Warning: Provider development overrides are in effect\n")
	for i := 1; i <= 2; i++ {
		fmt.Fprintf(&out, "list.openshiftai_model_registry.dashboard   name=bench-%04d,namespace=ns   Bench %04d (ns/bench-%04d)\n", i, i, i)
		for range adoptedPermissions {
			fmt.Fprintf(&out, "list.openshiftai_model_registry_permission.dashboard   name=dashboard-permissions-x,namespace=ns   ns/x\n")
		}
	}
	if err := queryResultProblem(out.String(), 2); err != nil {
		t.Error(err)
	}
	err := queryResultProblem(out.String(), 3)
	if err == nil || !strings.Contains(err.Error(), "the query found 2 openshiftai_model_registry, want 3") ||
		!strings.Contains(err.Error(), "the query found 6 openshiftai_model_registry_permission, want 9") {
		t.Errorf("3 registries: got %v", err)
	}
}

func TestGeneratedProblem(t *testing.T) {
	block := func(resourceType string, i int) string {
		return fmt.Sprintf("resource %q \"dashboard_%d\" {\n  provider = openshiftai\n}\n\nimport {\n  to = %s.dashboard_%d\n}\n", resourceType, i, resourceType, i)
	}
	var generated strings.Builder
	generated.WriteString("# __generated__ by Terraform\n")
	generated.WriteString(block("openshiftai_model_registry", 0))
	for i := range adoptedPermissions {
		generated.WriteString(block("openshiftai_model_registry_permission", i))
	}
	if err := generatedProblem(generated.String(), 1); err != nil {
		t.Error(err)
	}
	err := generatedProblem(generated.String(), 2)
	if err == nil || !strings.Contains(err.Error(), "generated.tf has 1 openshiftai_model_registry resources, want 2") ||
		!strings.Contains(err.Error(), "generated.tf has 4 import blocks, want 8") {
		t.Errorf("2 registries: got %v", err)
	}
}

func TestAdoptSummaryProblem(t *testing.T) {
	for _, tc := range []struct {
		phase, output string
		ok            bool
	}{
		{"plan-import", "Terraform will perform the following actions:\n\nPlan: 8 to import, 0 to add, 0 to change, 0 to destroy.\n", true},
		{"plan-import", "Plan: 8 to import, 0 to add, 2 to change, 0 to destroy.\n", false},
		{"plan-import", "Plan: 7 to import, 1 to add, 0 to change, 0 to destroy.\n", false},
		{"apply-import", "Apply complete! Resources: 8 imported, 0 added, 0 changed, 0 destroyed.\n", true},
		{"apply-import", "Apply complete! Resources: 8 imported, 0 added, 1 changed, 0 destroyed.\n", false},
		{"plan-noop", "No changes. Your infrastructure matches the configuration.\n", true},
		{"plan-noop", "Plan: 0 to add, 1 to change, 0 to destroy.\n", false},
	} {
		if err := adoptSummaryProblem(tc.phase, 2, tc.output); (err == nil) != tc.ok {
			t.Errorf("%s of %q: got %v, want ok=%v", tc.phase, tc.output, err, tc.ok)
		}
	}
}

func TestAtLeast1_14(t *testing.T) {
	for version, ok := range map[string]bool{
		"Terraform v1.16.4": true, "Terraform v1.14.0": true, "Terraform v2.0.0": true,
		"Terraform v1.11.4": false, "OpenTofu v1.10.0": false, "": false,
	} {
		if err := atLeast1_14(version); (err == nil) != ok {
			t.Errorf("%q: got %v, want ok=%v", version, err, ok)
		}
	}
}

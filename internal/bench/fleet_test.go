package main

import (
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
	if !strings.Contains(mcpConfig(1, providerSource), `resource "openshiftai_mcp_catalog_source" "bench_0001"`) {
		t.Errorf("the mcp fleet has MCP source bench_0001:\n%s", mcpConfig(1, providerSource))
	}
	if !strings.Contains(catalogConfig(1, providerSource), `source_id = "bench_0001"`) {
		t.Errorf("the catalog fleet has source bench_0001:\n%s", catalogConfig(1, providerSource))
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

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeResults(t *testing.T, res results) string {
	t.Helper()
	content, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrintComparison(t *testing.T) {
	// Written before the plugin floor: no floor phases, no ratios to it.
	small := results{N: 100, Resources: 400, Phases: []phaseResult{
		{Config: "openshiftai", Phase: "apply", Wall: 4, Ratio: 2, ProviderRequests: 900, ProviderCPU: 1.2},
		{Config: "terraform_data", Phase: "apply", Wall: 2},
	}}
	large := results{N: 1000, Resources: 4000, Phases: []phaseResult{
		{Config: "openshiftai", Phase: "apply", Wall: 160, Ratio: 1.6, FloorRatio: 1.25, ProviderRequests: 9000, ProviderCPU: 12},
		{Config: "plugin_floor", Phase: "apply", Wall: 128, Ratio: 1.28, ProviderCPU: 4},
		{Config: "terraform_data", Phase: "apply", Wall: 100},
	}}
	path := writeResults(t, small)
	var out strings.Builder
	if err := printComparison(&out, large, path); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| apply | 40.0 | 10.0 | 4.00x | 2.25 | 2.25 | 3.00 | 3.00 | 1.60x | 2.00x | 1.25x | n/a |",
		"| terraform_data apply | 25.0 | 5.0 | 5.00x | 0.00 | 0.00 | 0.00 | 0.00 | | | | |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("comparison lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "plugin_floor apply") {
		t.Errorf("the older results have no floor, so no floor row can compare:\n%s", out.String())
	}

	// Both with the floor: its row compares too.
	out.Reset()
	if err := printComparison(&out, large, writeResults(t, large)); err != nil {
		t.Fatal(err)
	}
	if want := "| plugin_floor apply | 32.0 | 32.0 | 1.00x | 0.00 | 0.00 | 1.00 | 1.00 | 1.28x | 1.28x | | |"; !strings.Contains(out.String(), want) {
		t.Errorf("comparison lacks %q:\n%s", want, out.String())
	}
}

func TestShowReadsResultsWrittenBeforeThePluginFloor(t *testing.T) {
	// The shape of results files written before the floor: ratio_to_terraform_data only.
	old := `{"n": 100, "terraform_resources": 400, "kubernetes_objects": 500, "repeat": 3, "phases": [
	  {"config": "terraform_data", "phase": "apply", "wall_seconds": 2.5, "wall_seconds_all": [2.5]},
	  {"config": "openshiftai", "phase": "apply", "wall_seconds": 4.9, "baseline_phase": "apply",
	   "ratio_to_terraform_data": 1.96, "wall_seconds_all": [4.9], "provider_requests": 927,
	   "provider_processes": 4, "provider_peak_rss_bytes": 99614720, "client_side_throttling": "no"}]}`
	path := filepath.Join(t.TempDir(), "bench-100.json")
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := readResults(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	printTable(&out, res)
	if want := "| apply | 4.9 s | n/a | n/a | n/a | n/a | 2.5 s | 1.96x | 927 | n/a |  | 0 | 95 MiB (4 processes) | n/a | 0.0 s | n/a | 0 | no |"; !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
	}
	if strings.Contains(out.String(), "the floors themselves") {
		t.Errorf("a table of the floor's own phases without any:\n%s", out.String())
	}
}

func TestCompareToFloors(t *testing.T) {
	samples := map[string][]phaseResult{}
	walls := map[string][]float64{
		"terraform_data apply": {2, 3}, "plugin_floor apply": {4, 3}, "openshiftai apply": {6, 9},
		"terraform_data plan-noop": {0.5}, "plugin_floor plan-noop": {1}, "openshiftai plan-noop": {2},
		"terraform_data plan-norefresh": {0.5}, "plugin_floor plan-norefresh": {1}, "openshiftai plan-norefresh": {1.5},
		"openshiftai plan-drift": {2.5},
		"terraform_data destroy": {4}, "plugin_floor destroy": {5}, "openshiftai destroy": {10},
		"write_floor apply": {5, 4}, "write_floor plan-noop": {1}, "write_floor plan-norefresh": {1}, "write_floor destroy": {8},
	}
	for key, ws := range walls {
		config, phase, _ := strings.Cut(key, " ")
		for _, w := range ws {
			samples[key] = append(samples[key], phaseResult{Config: config, Phase: phase, Wall: w, ProviderRequests: 50})
		}
	}
	got := map[string]phaseResult{}
	for _, p := range compareToFloors(benchSteps(fleets["registries"]), samples, 100) {
		got[p.Config+" "+p.Phase] = p
	}
	for _, tc := range []struct {
		key                                string
		ratio, floorRatio, writeFloorRatio float64
		floorPhase                         string
	}{
		{"openshiftai apply", 3, 2, 1.5, "apply"}, // fastest of each: 6 / 2, 6 / 3 and 6 / 4
		{"openshiftai plan-drift", 5, 2.5, 2.5, "plan-noop"},
		{"openshiftai destroy", 2.5, 2, 1.25, "destroy"},
		{"plugin_floor apply", 1.5, 0, 0, ""},
		{"write_floor apply", 2, 0, 0, ""},
		{"terraform_data apply", 0, 0, 0, ""},
	} {
		p := got[tc.key]
		if p.Ratio != tc.ratio || p.FloorRatio != tc.floorRatio || p.FloorPhase != tc.floorPhase || p.WriteFloorRatio != tc.writeFloorRatio {
			t.Errorf("%s: ratio %v, to the plugin floor %v (%q), to the write floor %v; want %v, %v (%q), %v", tc.key, p.Ratio, p.FloorRatio,
				p.FloorPhase, p.WriteFloorRatio, tc.ratio, tc.floorRatio, tc.floorPhase, tc.writeFloorRatio)
		}
	}
	if p := got["openshiftai plan-noop"]; p.RequestsPerObject != 0.5 {
		t.Errorf("requests per object %v, want 50 / 100", p.RequestsPerObject)
	}
}

func TestSmokeCheck(t *testing.T) {
	good := func() results {
		res := results{Repeat: 1, Objects: 50}
		for _, st := range benchSteps(fleets["registries"]) {
			p := phaseResult{Config: st.config, Phase: st.phase, Wall: 1, Walls: []float64{1}}
			if st.config != configTerraformData {
				p.ProviderProcesses, p.Ratio = 3, 2
			}
			if st.config == configOpenShiftAI {
				p.FloorRatio, p.WriteFloorRatio, p.ProviderRequests = 1.5, 1.2, 60
			}
			// The API server's own reads of namespaces are no call of the floor's.
			p.Requests.Provider = counts{"GET namespaces": 1}
			if st.config == configWriteFloor && st.phase == "apply" {
				p.Requests.Provider = counts{"GET namespaces": 1, "APPLY modelregistries": 10, "APPLY secrets": 10, "APPLY rolebindings": 30}
			}
			if st.config == configWriteFloor && st.phase == "destroy" {
				p.Requests.Provider = counts{"DELETE modelregistries": 10, "DELETE secrets": 10, "DELETE rolebindings": 30}
			}
			res.Phases = append(res.Phases, p)
		}
		return res
	}
	if err := smokeCheck(good(), benchSteps(fleets["registries"])); err != nil {
		t.Errorf("complete results: %v", err)
	}
	// The stand-in's applies counted after the server's count hide as many of the floor's.
	late := good()
	late.Phases[0].Requests.Provider["APPLY rolebindings"] = 27
	late.Phases[0].Requests.StandIn = counts{"APPLY rolebindings": 3}
	if err := smokeCheck(late, benchSteps(fleets["registries"])); err != nil {
		t.Errorf("the stand-in's late applies: %v", err)
	}
	for _, tc := range []struct {
		name  string
		spoil func(*results)
		want  string
	}{
		{"a missing phase", func(r *results) { r.Phases = r.Phases[5:] }, "terraform_data apply: no result"},
		{"a floor that writes", func(r *results) { r.Phases[5].Requests.Provider = counts{"APPLY secrets": 2} }, "plugin_floor apply: the plugin floor must not call the API, but the server counted APPLY secrets=2"},
		{"a provider that wrote too little", func(r *results) { r.Phases[6].ProviderRequests = 10 }, "openshiftai apply: 10 provider requests for 50 Kubernetes objects"},
		{"no provider process", func(r *results) { r.Phases[9].ProviderProcesses = 0 }, "openshiftai plan-noop: Terraform started no provider process"},
		{"a ratio without a floor", func(r *results) { r.Phases[6].FloorRatio = 0 }, "openshiftai apply: ratio to the plugin floor 0"},
		{"a ratio without the write floor", func(r *results) { r.Phases[6].WriteFloorRatio = 0 }, "openshiftai apply: ratio to the write floor 0"},
		{"a write floor that reads back", func(r *results) { r.Phases[0].Requests.Provider["PATCH secrets"] = 10 }, "write_floor apply: the write floor makes one APPLY per Kubernetes object (50)"},
		{"a write floor that deletes too little", func(r *results) { r.Phases[3].Requests.Provider["DELETE secrets"] = 0 }, "write_floor destroy: the write floor makes one DELETE per Kubernetes object (50)"},
		{"a write floor that applies too little", func(r *results) { r.Phases[0].Requests.Provider["APPLY secrets"] = 0 }, "write_floor apply: the write floor makes one APPLY per Kubernetes object (50)"},
		{"a write floor that writes at plan", func(r *results) { r.Phases[1].Requests.Provider = counts{"APPLY secrets": 1} }, "write_floor plan-noop: a plan of the write floor writes nothing"},
	} {
		res := good()
		tc.spoil(&res)
		err := smokeCheck(res, benchSteps(fleets["registries"]))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
}

// adoptResults are the results of a smoke run of the adopt fleet at N=10.
func adoptResults() results {
	res := results{N: 10, Fleet: "adopt", Repeat: 1, Objects: 50, Resources: 40}
	walls := map[string]float64{
		configGenerated + " query-generate": 2, configGenerated + " plan-import": 3, configGenerated + " apply-import": 1,
		configFleetImport + " plan-import": 6, configFleetImport + " apply-import": 3,
	}
	for _, st := range adoptSteps() {
		wall := walls[st.config+" "+st.phase]
		if wall == 0 {
			wall = 0.5
		}
		p := phaseResult{Config: st.config, Phase: st.phase, Wall: wall, Walls: []float64{wall}, ProviderProcesses: 3}
		if st.phase == "query" {
			p.Requests.Provider = counts{"LIST datascienceclusters": 1, "LIST modelregistries": 1, "LIST rolebindings": 1}
			p.ProviderRequests = 3
		}
		res.Phases = append(res.Phases, p)
	}
	res.Adoption = compareAdoption(res.Phases)
	return res
}

func TestAdoptionComparesTheTwoWays(t *testing.T) {
	res := adoptResults()
	// query-generate, plan, apply: 6 s; the example's plan, apply: 9 s.
	if a := res.Adoption; a.GeneratedWall != 6 || a.FleetImportWall != 9 || a.Speedup != 1.5 || a.GeneratedNoop != 0.5 {
		t.Errorf("adoption %+v, want 6 s against 9 s, 1.5x", *a)
	}
	var out strings.Builder
	printTable(&out, res)
	for _, want := range []string{
		"| generate_config | query | 0.5 s | 3 | LIST=3 |",
		"| fleet_import | plan-import | 6.0 s | 0 |",
		"plan, apply 6.0 s; examples/fleet-import's plan, apply 9.0 s: the query 1.50x as fast",
		"generate_config query requests\n  provider: LIST datascienceclusters=1, LIST modelregistries=1, LIST rolebindings=1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "write floor") {
		t.Errorf("the adopt fleet has no floor:\n%s", out.String())
	}
	written, err := readResults(writeResults(t, res))
	if err != nil {
		t.Fatal(err)
	}
	if written.Adoption == nil || written.Adoption.Speedup != 1.5 {
		t.Errorf("the results file reads back the comparison as %+v", written.Adoption)
	}
}

func TestSmokeCheckOfTheAdoptFleet(t *testing.T) {
	if err := smokeCheck(adoptResults(), adoptSteps()); err != nil {
		t.Errorf("complete results: %v", err)
	}
	for _, tc := range []struct {
		name  string
		spoil func(*results)
		want  string
	}{
		{"a query that reads each object", func(r *results) { r.Phases[0].Requests.Provider["GET modelregistries"] = 10 }, "query: 10 GETs of modelregistries"},
		{"no comparison", func(r *results) { r.Adoption = nil }, "adoption: 8 phases of 8"},
		{"a missing phase", func(r *results) { r.Phases = r.Phases[:7] }, "fleet_import plan-noop: no result"},
		{"no provider process", func(r *results) { r.Phases[3].ProviderProcesses = 0 }, "generate_config apply-import: Terraform started no provider process"},
	} {
		res := adoptResults()
		tc.spoil(&res)
		err := smokeCheck(res, adoptSteps())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func mib(b int64) string { return fmt.Sprintf("%.0f", float64(b)/(1<<20)) }

// ratio prints a ratio, or n/a when the results have none (written before the plugin floor).
func ratio(r float64) string {
	if r <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", r)
}

// floorWall prints the wall time of the floor phase compared with, naming it when it is
// another phase than p's own.
func floorWall(floor map[string]phaseResult, compared, phase string) string {
	f, ok := floor[compared]
	if !ok {
		return "n/a"
	}
	text := fmt.Sprintf("%.1f s", f.Wall)
	if compared != phase {
		text += " (" + compared + ")"
	}
	return text
}

// printTable writes the results as a markdown table, then the requests of each phase.
func printTable(w io.Writer, res results) {
	baseline, floor, writeFloor := map[string]phaseResult{}, map[string]phaseResult{}, map[string]phaseResult{}
	for _, p := range res.Phases {
		switch p.Config {
		case configTerraformData:
			baseline[p.Phase] = p
		case configFloor:
			floor[p.Phase] = p
		case configWriteFloor:
			writeFloor[p.Phase] = p
		}
	}
	description := res.Description
	if description == "" {
		description = fleets["registries"].description
	}
	fmt.Fprintf(w, "\n%d %s = %d Terraform resources, %d Kubernetes objects; %s, %d cores, %d GiB; %s; %s\n\n",
		res.N, description, res.Resources, res.Objects, res.Machine.CPU, res.Machine.Cores, res.Machine.MemoryGiB, res.Machine.Terraform, res.Machine.Go)
	loads := make([]string, len(res.LoadAverage))
	for i, l := range res.LoadAverage {
		loads[i] = fmt.Sprintf("%.1f", l)
	}
	if res.ProviderEnv != "" {
		fmt.Fprintf(w, "provider and plugin floor processes ran with %s\n\n", res.ProviderEnv)
	}
	if res.NoWait {
		fmt.Fprintln(w, "registries applied with wait_for_ready = false (-no-wait): nothing waits for the operator")
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "fastest of %d interleaved cycles; peak requests/s sampled in the first; 1-minute load average before and after each cycle: %s\n\n", res.Repeat, strings.Join(loads, ", "))
	if fleets[res.Fleet].adopt {
		printAdoption(w, res)
		return
	}
	fmt.Fprintln(w, "| phase | openshiftai | write floor | ratio to write floor | plugin floor | ratio to plugin floor | terraform_data | ratio to terraform_data | provider requests | write floor requests | requests / object | stand-in requests | provider peak RSS | floor peak RSS | provider CPU | floor CPU | peak requests/s | client-side throttling |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, p := range res.Phases {
		if p.Config != configOpenShiftAI {
			continue
		}
		perObject := ""
		if p.RequestsPerObject > 0 {
			perObject = fmt.Sprintf("%.2f", p.RequestsPerObject)
		}
		floorRSS, floorCPU := "n/a", "n/a"
		if f, ok := floor[p.FloorPhase]; ok {
			floorRSS, floorCPU = mib(f.PeakRSSBytes)+" MiB", fmt.Sprintf("%.1f s", f.ProviderCPU)
		}
		writeRequests := "n/a"
		if f, ok := writeFloor[p.WriteFloorPhase]; ok {
			writeRequests = fmt.Sprint(f.ProviderRequests)
		}
		fmt.Fprintf(w, "| %s | %.1f s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %d | %s MiB (%d processes) | %s | %.1f s | %s | %.0f | %s |\n",
			p.Phase, p.Wall, floorWall(writeFloor, p.WriteFloorPhase, p.Phase), ratio(p.WriteFloorRatio),
			floorWall(floor, p.FloorPhase, p.Phase), ratio(p.FloorRatio), floorWall(baseline, p.Baseline, p.Phase), ratio(p.Ratio),
			p.ProviderRequests, writeRequests, perObject, p.Requests.StandIn.total(),
			mib(p.PeakRSSBytes), p.ProviderProcesses, floorRSS, p.ProviderCPU, floorCPU, p.PeakRequestRate, p.Throttled)
	}
	if len(floor) > 0 {
		fmt.Fprintln(w, "\nthe floors themselves (plugin floor: the provider's schemas, no work, no API call; write floor: the same and exactly the writes each resource's objects need)")
		fmt.Fprintln(w, "| floor | phase | wall | terraform_data | ratio to terraform_data | requests | peak RSS | CPU | API server CPU |")
		fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|")
		for _, p := range res.Phases {
			if p.Config == configFloor || p.Config == configWriteFloor {
				fmt.Fprintf(w, "| %s | %s | %.1f s | %s | %s | %d | %s MiB (%d processes) | %.1f s | %.1f s |\n", p.Config, p.Phase, p.Wall,
					floorWall(baseline, p.Baseline, p.Phase), ratio(p.Ratio), p.ProviderRequests, mib(p.PeakRSSBytes), p.ProviderProcesses,
					p.ProviderCPU, p.APIServerCPU)
			}
		}
	}
	printSinglesComparison(w, res)
	fmt.Fprintln(w, "\nwall seconds of every cycle")
	for _, p := range res.Phases {
		walls := make([]string, len(p.Walls))
		for i, v := range p.Walls {
			walls[i] = fmt.Sprintf("%.1f", v)
		}
		fmt.Fprintf(w, "  %-15s %-10s %s\n", p.Config, p.Phase, strings.Join(walls, " "))
	}
	fmt.Fprintln(w, "\nCPU seconds per phase (2 cores: wall x 2 is the budget)")
	fmt.Fprintln(w, "| config | phase | wall | terraform | provider | kube-apiserver | etcd |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|")
	for _, p := range res.Phases {
		fmt.Fprintf(w, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f |\n", p.Config, p.Phase, p.Wall, p.TerraformCPU, p.ProviderCPU, p.APIServerCPU, p.EtcdCPU)
	}
	fmt.Fprintln(w)
	for _, p := range res.Phases {
		if p.Config == configWriteFloor && len(p.Requests.Provider) > 0 {
			fmt.Fprintf(w, "write floor %s requests: %s\n", p.Phase, p.Requests.Provider)
		}
	}
	for _, p := range res.Phases {
		if p.Config != configOpenShiftAI {
			continue
		}
		fmt.Fprintf(w, "%s requests\n  provider: %s\n  stand-in: %s\n", p.Phase, p.Requests.Provider, p.Requests.StandIn)
		if n := p.Requests.Provider.conflicts(); n > 0 {
			fmt.Fprintf(w, "  conflicts retried by the provider (answered 409, read and written again): %d\n", n)
		}
		if len(p.Requests.ControllerManager) > 0 {
			fmt.Fprintf(w, "  kube-controller-manager: %s\n", p.Requests.ControllerManager)
		}
		if len(p.Requests.Other) > 0 {
			fmt.Fprintf(w, "  other:    %s\n", p.Requests.Other)
		}
	}
}

// printComparison sets the cost per Terraform resource of this run against another's.
func printComparison(w io.Writer, res results, otherPath string) error {
	other, err := readResults(otherPath)
	if err != nil {
		return err
	}
	find := func(r results, config, phase string) (phaseResult, bool) {
		for _, p := range r.Phases {
			if p.Config == config && p.Phase == phase {
				return p, true
			}
		}
		return phaseResult{}, false
	}
	fmt.Fprintf(w, "\ncost per Terraform resource, N=%d against N=%d (%s)\n\n", res.N, other.N, otherPath)
	fmt.Fprintf(w, "| phase | ms / resource N=%d | N=%d | growth | requests / resource N=%d | N=%d | provider CPU ms / resource N=%d | N=%d | ratio to terraform_data N=%d | N=%d | ratio to plugin floor N=%d | N=%d |\n",
		res.N, other.N, res.N, other.N, res.N, other.N, res.N, other.N, res.N, other.N)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	// Results written before the plugin floor have no floor rows and no ratios to it: n/a.
	for _, config := range []string{configOpenShiftAI, configWriteFloor, configFloor, configTerraformData} {
		for _, p := range res.Phases {
			if p.Config != config {
				continue
			}
			o, ok := find(other, config, p.Phase)
			if !ok {
				continue
			}
			here := 1000 * p.Wall / float64(res.Resources)
			there := 1000 * o.Wall / float64(other.Resources)
			name := p.Phase
			if config != configOpenShiftAI {
				name = strings.Join([]string{config, p.Phase}, " ")
			}
			ratios := " | |"
			if p.Ratio > 0 || o.Ratio > 0 {
				ratios = fmt.Sprintf(" %s | %s |", ratio(p.Ratio), ratio(o.Ratio))
			}
			if config == configOpenShiftAI {
				ratios += fmt.Sprintf(" %s | %s |", ratio(p.FloorRatio), ratio(o.FloorRatio))
			} else {
				ratios += " | |"
			}
			fmt.Fprintf(w, "| %s | %.1f | %.1f | %.2fx | %.2f | %.2f | %.2f | %.2f |%s\n", name, here, there, here/there,
				float64(p.ProviderRequests)/float64(res.Resources), float64(o.ProviderRequests)/float64(other.Resources),
				1000*p.ProviderCPU/float64(res.Resources), 1000*o.ProviderCPU/float64(other.Resources), ratios)
		}
	}
	return nil
}

// showResults prints the tables of a results file, and its comparison with another.
func showResults(path, compare string) error {
	res, err := readResults(path)
	if err != nil {
		return err
	}
	printTable(os.Stdout, res)
	if compare != "" {
		return printComparison(os.Stdout, res, compare)
	}
	return nil
}

func readResults(path string) (results, error) {
	var res results
	content, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(content, &res); err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// printSinglesComparison shows a -fleet list run against the same registries and subjects
// granted with single permissions, applied in the same cycles.
func printSinglesComparison(w io.Writer, res results) {
	singles := map[string]phaseResult{}
	for _, p := range res.Phases {
		if p.Config == configSingles {
			singles[p.Phase] = p
		}
	}
	if len(singles) == 0 {
		return
	}
	fmt.Fprintln(w, "\nthe permission list against single permissions (same registries, same subjects, same objects on the cluster)")
	fmt.Fprintln(w, "| phase | permission lists | single permissions | speedup | list requests | singles requests | list provider CPU | singles provider CPU |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, p := range res.Phases {
		s, ok := singles[p.Phase]
		if p.Config != configOpenShiftAI || !ok {
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f s | %.1f s | %s | %d | %d | %.1f s | %.1f s |\n", p.Phase, p.Wall, s.Wall, ratio(p.SpeedupOverSingles),
			p.ProviderRequests, s.ProviderRequests, p.ProviderCPU, s.ProviderCPU)
	}
}

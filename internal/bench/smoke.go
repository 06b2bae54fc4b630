package main

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// smokeCheck says what is wrong with a smoke run's results; it never looks at timings,
// which on a shared machine say nothing about correctness. Every command has already
// been checked for its exit code and plan summary, and destroy for leftovers.
func smokeCheck(res results, steps []step) error {
	var problems []string
	if fleets[res.Fleet].adopt {
		problems = adoptSmokeProblems(res, steps)
	}
	byKey := map[string]phaseResult{}
	for _, p := range res.Phases {
		byKey[p.Config+" "+p.Phase] = p
	}
	for _, st := range steps {
		p, ok := byKey[st.config+" "+st.phase]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s %s: no result", st.config, st.phase))
			continue
		}
		name := st.config + " " + st.phase
		if len(p.Walls) != res.Repeat || p.Wall <= 0 {
			problems = append(problems, fmt.Sprintf("%s: %d repetitions of %d, wall %v s", name, len(p.Walls), res.Repeat, p.Wall))
		}
		if p.ProviderProcesses == 0 && st.config != configTerraformData {
			problems = append(problems, name+": Terraform started no provider process through the wrapper")
		}
		if st.config == configTerraformData || fleets[res.Fleet].adopt {
			continue
		}
		if !finitePositive(p.Ratio) {
			problems = append(problems, fmt.Sprintf("%s: ratio to terraform_data %v", name, p.Ratio))
		}
		switch st.config {
		case configOpenShiftAI:
			if !finitePositive(p.FloorRatio) {
				problems = append(problems, fmt.Sprintf("%s: ratio to the plugin floor %v", name, p.FloorRatio))
			}
			if !finitePositive(p.WriteFloorRatio) {
				problems = append(problems, fmt.Sprintf("%s: ratio to the write floor %v", name, p.WriteFloorRatio))
			}
			switch {
			case st.phase != "apply" && st.phase != "destroy":
			case fleets[res.Fleet].catalog:
				// Every source is an entry of one ConfigMap: parallel changes share its updates.
				if p.Requests.Provider["PUT configmaps"] == 0 {
					problems = append(problems, name+": the catalog ConfigMap was never updated")
				}
			case p.ProviderRequests < res.Objects:
				problems = append(problems, fmt.Sprintf("%s: %d provider requests for %d Kubernetes objects: it cannot have written them all",
					name, p.ProviderRequests, res.Objects))
			}
		case configFloor:
			if writes := writeRequests(p.Requests.Provider); len(writes) > 0 {
				problems = append(problems, fmt.Sprintf("%s: the plugin floor must not call the API, but the server counted %s", name, strings.Join(writes, ", ")))
			}
		case configWriteFloor:
			problems = append(problems, writeFloorProblems(name, st.phase, res, p.Requests)...)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func finitePositive(f float64) bool { return f > 0 && !math.IsInf(f, 0) && !math.IsNaN(f) }

// writeRequests lists the writes among counts. Reads of namespaces by the API server's
// own controllers land in the provider's share too, so only writes prove a caller.
func writeRequests(c counts) []string {
	var out []string
	for _, key := range c.sortedKeys() {
		verb, _, _ := strings.Cut(key, " ")
		if slices.Contains(writeVerbs, verb) {
			out = append(out, fmt.Sprintf("%s=%d", key, c[key]))
		}
	}
	return out
}

var writeVerbs = []string{"POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION"}

// ofVerb is the number of requests of any of verbs.
func (c counts) ofVerb(verbs ...string) int {
	n := 0
	for key, count := range c {
		verb, _, _ := strings.Cut(key, " ")
		if slices.Contains(verbs, verb) {
			n += count
		}
	}
	return n
}

// writeFloorProblems checks that the write floor made exactly its writes: in an apply
// one server-side apply per object (the catalog fleets: updates of the shared ConfigMap),
// in a destroy one delete per object, in a plan none. The stand-ins' and the garbage
// collector's requests are taken off the server's count as counted a moment after it,
// while they still react to the floor's writes, so the floor's count can show up to
// their number of the same verb fewer, never more.
func writeFloorProblems(name, phase string, res results, a attribution) []string {
	requests := a.Provider
	writes := writeRequests(requests)
	catalogFleet := fleets[res.Fleet].catalog
	verb := map[string]string{"apply": "APPLY", "destroy": "DELETE"}[phase]
	switch {
	case verb == "":
		if len(writes) > 0 {
			return []string{fmt.Sprintf("%s: a plan of the write floor writes nothing, but the server counted %s", name, strings.Join(writes, ", "))}
		}
	case catalogFleet:
		if requests["PUT configmaps"] == 0 || len(writes) != 1 {
			return []string{fmt.Sprintf("%s: the write floor's catalog writes are updates of the ConfigMap alone, but the server counted %s", name, strings.Join(writes, ", "))}
		}
	case requests.ofVerb(verb) != requests.ofVerb(writeVerbs...) || requests.ofVerb(verb) > res.Objects ||
		requests.ofVerb(verb)+a.StandIn.ofVerb(verb)+a.ControllerManager.ofVerb(verb) < res.Objects:
		return []string{fmt.Sprintf("%s: the write floor makes one %s per Kubernetes object (%d), but the server counted %s", name, verb, res.Objects, strings.Join(writes, ", "))}
	}
	return nil
}

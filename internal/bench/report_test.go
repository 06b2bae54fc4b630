package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrintComparison(t *testing.T) {
	small := results{N: 100, Resources: 400, Phases: []phaseResult{
		{Config: "openshiftai", Phase: "apply", Wall: 4, Ratio: 2, ProviderRequests: 900, ProviderCPU: 1.2},
		{Config: "terraform_data", Phase: "apply", Wall: 2},
	}}
	large := results{N: 1000, Resources: 4000, Phases: []phaseResult{
		{Config: "openshiftai", Phase: "apply", Wall: 160, Ratio: 1.6, ProviderRequests: 9000, ProviderCPU: 12},
		{Config: "terraform_data", Phase: "apply", Wall: 100},
	}}
	content, err := json.Marshal(small)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bench-100.json")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := printComparison(&out, large, path); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| apply | 40.0 | 10.0 | 4.00x | 2.25 | 2.25 | 3.00 | 3.00 | 1.60x | 2.00x |",
		"| terraform_data apply | 25.0 | 5.0 | 5.00x | 0.00 | 0.00 | 0.00 | 0.00 | | |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("comparison lacks %q:\n%s", want, out.String())
		}
	}
}

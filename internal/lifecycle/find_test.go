package lifecycle

import (
	"fmt"
	"strings"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

func TestMissingRegistryDetail(t *testing.T) {
	observed := func(names ...string) []registry.Observed {
		var out []registry.Observed
		for _, n := range names {
			out = append(out, registry.Observed{Registry: registry.Registry{Name: n, DisplayName: n}})
		}
		return out
	}
	many := make([]string, 11)
	for i := range many {
		many[i] = fmt.Sprintf("r%02d", i)
	}
	withDisplayName := observed("fraud-models")
	withDisplayName[0].DisplayName = "Fraud"

	cases := map[string]struct {
		existing []registry.Observed
		listed   bool
		want     []string
		notWant  []string
	}{
		"few": {
			existing: observed("zeta", "alpha"), listed: true,
			want: []string{`There is no model registry "fraud" in namespace "ns".`, `The registries in namespace "ns" are: "alpha", "zeta".`},
		},
		"none": {
			listed: true,
			want:   []string{`Namespace "ns" has no model registries.`},
		},
		"ten are listed": {
			existing: observed(many[:10]...), listed: true,
			want: []string{`"r00", "r01"`, `"r09".`},
		},
		"eleven are counted": {
			existing: observed(many...), listed: true,
			want:    []string{`Namespace "ns" has 11 model registries; the openshiftai_model_registries data source lists them.`},
			notWant: []string{`"r00"`},
		},
		"list failed": {
			want:    []string{`There is no model registry "fraud" in namespace "ns".`},
			notWant: []string{"registries in"},
		},
		"display name given": {
			existing: withDisplayName, listed: true,
			want: []string{`"Fraud" is the display name of registry "fraud-models"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			searched := "fraud"
			if name == "display name given" {
				searched = "Fraud"
			}
			got := missingRegistryDetail("ns", searched, tc.existing, tc.listed)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("detail %q lacks %q", got, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("detail %q has %q", got, w)
				}
			}
		})
	}
}

package catalogsource

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// A catalog file over 1 MiB names the other placement in the shared one, and
// the kind decides which parser checks the file.
func TestCheckCatalogFile(t *testing.T) {
	big := strings.Repeat("x", catalog.MaxConfigMapBytes+1)
	for _, tc := range []struct {
		name, content string
		kind          catalog.Kind
		own           bool
		want          string
	}{
		{"shared too large", big, catalog.MCPSources, false, "A ConfigMap of its own (block own_config_map) gives the file a ConfigMap of 1 MiB alone, instead of sharing mcp-catalog-sources"},
		{"own too large", big, catalog.ModelSources, true, "Split the file over several sources."},
		{"MCP file", "mcp_servers:\n- name: a\n  endpoint: {}\n", catalog.MCPSources, false, `yaml.catalog: line 3: unknown key "endpoint" in server "a"`},
		{"model file given as MCP", "models:\n- name: a\n", catalog.MCPSources, false, `unknown key "models" in the MCP catalog file`},
		{"model file", "models:\n- name: a\n", catalog.ModelSources, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			checkCatalogFile(tc.content, tc.kind, tc.own, &diags)
			got := ""
			for _, d := range diags.Errors() {
				got += d.Detail()
			}
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("errors = %q, want one containing %q", got, tc.want)
			}
		})
	}
}

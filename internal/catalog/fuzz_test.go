package catalog

import (
	"strings"
	"testing"
)

// FuzzParseCatalogFile: the strict parsers never panic, an accepted catalog file
// has named, unique models, and an accepted sources.yaml survives a write of
// an entry with every entry and top-level key it had.
func FuzzParseCatalogFile(f *testing.F) {
	f.Add(goodCatalog)
	f.Add(dashboardFile)
	f.Add("models:\n- name: a\n- name: a\n")
	f.Add("catalogs:\n- id: a\n  properties: {yamlCatalogPath: a.yaml}\n")
	f.Add("&x models: *x\n")
	f.Add(goodMCPCatalog)
	f.Add("mcp_servers:\n- name: a\n  endpoints: {http: x}\n")
	f.Fuzz(func(t *testing.T, content string) {
		if mf, err := ParseMCPCatalogFile(content); err == nil {
			seen := map[string]bool{}
			for _, name := range mf.Servers {
				if name == "" || seen[name] {
					t.Fatalf("accepted an MCP server without a name or twice: %q", mf.Servers)
				}
				seen[name] = true
			}
		}
		if cf, err := ParseCatalogFile(content); err == nil {
			seen := map[string]bool{}
			for _, name := range cf.Models {
				if name == "" || seen[name] {
					t.Fatalf("accepted a model without a name or twice: %q", cf.Models)
				}
				seen[name] = true
			}
		}
		file, err := ParseSources(content)
		if err != nil {
			return
		}
		before := file.IDs()
		if err := file.Put(Entry{ID: "fuzz_added", Name: "x"}); err != nil {
			t.Fatal(err)
		}
		again, err := ParseSources(file.String())
		if err != nil {
			t.Fatalf("a written file does not parse: %v\n%s", err, file.String())
		}
		after := again.IDs()
		for _, id := range before {
			if !strings.Contains(strings.Join(after, "\n")+"\n", id+"\n") {
				t.Fatalf("the write lost %q: %v -> %v", id, before, after)
			}
		}
	})
}

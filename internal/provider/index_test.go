package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// docsDir is the rendered documentation, relative to this package.
const docsDir = "../../docs"

// indexPages are the pages docs/index.md must link, as tfplugindocs names
// them, one for every type, function and guide the provider has.
func indexPages(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	short := func(typeName string) string { return strings.TrimPrefix(typeName, meta.TypeName+"_") }

	var pages []string
	for _, newResource := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		pages = append(pages, "resources/"+short(resp.TypeName)+".md")
	}
	for _, newDataSource := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		pages = append(pages, "data-sources/"+short(resp.TypeName)+".md")
	}
	if withFunctions, ok := p.(provider.ProviderWithFunctions); ok {
		for _, newFunction := range withFunctions.Functions(ctx) {
			var resp function.MetadataResponse
			newFunction().Metadata(ctx, function.MetadataRequest{}, &resp)
			pages = append(pages, "functions/"+resp.Name+".md")
		}
	}
	if withLists, ok := p.(provider.ProviderWithListResources); ok {
		for _, newList := range withLists.ListResources(ctx) {
			var resp resource.MetadataResponse
			newList().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			pages = append(pages, "list-resources/"+short(resp.TypeName)+".md")
		}
	}
	if withEphemeral, ok := p.(provider.ProviderWithEphemeralResources); ok {
		for _, newEphemeral := range withEphemeral.EphemeralResources(ctx) {
			var resp ephemeral.MetadataResponse
			newEphemeral().Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			pages = append(pages, "ephemeral-resources/"+short(resp.TypeName)+".md")
		}
	}
	if withActions, ok := p.(provider.ProviderWithActions); ok {
		for _, newAction := range withActions.Actions(ctx) {
			var resp action.MetadataResponse
			newAction().Metadata(ctx, action.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
			pages = append(pages, "actions/"+short(resp.TypeName)+".md")
		}
	}
	guides, err := filepath.Glob(filepath.Join(docsDir, "guides", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, guide := range guides {
		pages = append(pages, "guides/"+filepath.Base(guide))
	}
	return pages
}

// markdownLink is the target of a Markdown link, without an anchor.
var markdownLink = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)

// The provider's index page is what the Registry shows first: it links every
// resource, data source, list resource, function and guide, and only pages
// that exist, so it cannot fall behind what the provider has.
func TestIndexLinksEveryPage(t *testing.T) {
	index, err := os.ReadFile(filepath.Join(docsDir, "index.md"))
	if err != nil {
		t.Fatalf("reading docs/index.md (make docs renders it from templates/index.md.tmpl): %v", err)
	}
	linked := map[string]bool{}
	for _, m := range markdownLink.FindAllStringSubmatch(string(index), -1) {
		target := m[1]
		if strings.Contains(target, "://") {
			continue
		}
		linked[target] = true
		if _, err := os.Stat(filepath.Join(docsDir, target)); err != nil {
			t.Errorf("docs/index.md links %s, which does not exist: fix the link in templates/index.md.tmpl", target)
		}
	}
	pages := indexPages(t)
	if len(pages) < 10 {
		t.Fatalf("found only %d pages to link: %v", len(pages), pages)
	}
	for _, page := range pages {
		if !linked[page] {
			t.Errorf("docs/index.md does not link docs/%s: add it to templates/index.md.tmpl and run make docs", page)
		}
	}
}

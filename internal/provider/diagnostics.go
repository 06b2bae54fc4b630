package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// summary joins the error summaries and details of diagnostics into one line.
func summary(diags diag.Diagnostics) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags.Errors() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "; ")
}

// describePaths lists attribute paths for a message.
func describePaths(paths path.Paths) string {
	parts := make([]string, 0, len(paths))
	for _, p := range paths {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ", ")
}

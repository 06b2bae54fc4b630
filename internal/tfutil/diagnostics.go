package tfutil

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Summary joins the error summaries and details of diagnostics into one line.
func Summary(diags diag.Diagnostics) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags.Errors() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "; ")
}

package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// blockArguments checks that a configured block sets its required arguments.
// The arguments of an optional block cannot be Required in the schema: the
// framework would then demand them even when the block is left out.
type blockArguments struct{ names []string }

// BlockRequires is a validator of an optional block: when the block is
// present, each of the named arguments must be set in it.
func BlockRequires(names ...string) validator.Object { return blockArguments{names: names} }

func (v blockArguments) Description(context.Context) string {
	return "when present, the block must set " + strings.Join(v.names, ", ")
}
func (v blockArguments) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v blockArguments) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attributes := req.ConfigValue.Attributes()
	for _, name := range v.names {
		if value, ok := attributes[name]; ok && value.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtName(name), "Missing required argument",
				fmt.Sprintf("%s: the %s block needs the argument %q; add it to the block.", req.Path.AtName(name), req.Path, name))
		}
	}
}

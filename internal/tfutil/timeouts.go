// Package tfutil holds the Terraform-side helpers every resource family shares:
// the timeouts block and the one-line summary of diagnostics.
package tfutil

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

// TimeoutsBlock is the timeouts block of terraform-plugin-framework-timeouts
// (`timeouts { create = "15m" }`), with a validator whose message names the
// argument and the fix; descriptions maps each operation to its description.
// It is a block, as in hashicorp's providers: Terraform checks a block's arguments
// one by one, so a misspelled operation fails at plan instead of being dropped.
func TimeoutsBlock(descriptions map[string]string) schema.Block {
	attributes := map[string]schema.Attribute{}
	attrTypes := map[string]attr.Type{}
	for operation, description := range descriptions {
		attributes[operation] = schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: description,
			Validators:          []validator.String{validators.Duration()},
		}
		attrTypes[operation] = types.StringType
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "How long each operation may take, retries and waits included.",
		Attributes:          attributes,
		CustomType:          timeouts.Type{ObjectType: types.ObjectType{AttrTypes: attrTypes}},
	}
}

// NullTimeouts is the timeouts block of an imported resource whose block has
// the given operations.
func NullTimeouts(operations ...string) timeouts.Value {
	attrTypes := map[string]attr.Type{}
	for _, operation := range operations {
		attrTypes[operation] = types.StringType
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}

// TimeoutOr reads one of a resource's timeouts (get is its Create, Read, Update
// or Delete method), def when it is not set; a bad value is an error in diags.
func TimeoutOr(get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), ctx context.Context, def time.Duration, diags *diag.Diagnostics) time.Duration {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	return d
}

package permission

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

// timeoutsBlock is the timeouts block of terraform-plugin-framework-timeouts,
// with a validator whose message names the attribute and the fix.
// descriptions maps each operation (create, read, update, delete) to its description.
func timeoutsBlock(descriptions map[string]string) schema.Block {
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

// nullTimeouts is the timeouts block of an imported resource, for the operations given.
func nullTimeouts(operations ...string) timeouts.Value {
	attrTypes := map[string]attr.Type{}
	for _, operation := range operations {
		attrTypes[operation] = types.StringType
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}

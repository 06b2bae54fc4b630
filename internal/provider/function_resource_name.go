package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var _ function.Function = resourceNameFunction{}

// resourceNameFunction is provider::openshiftai::resource_name: the registry
// name the provider and the dashboard derive from a display name.
type resourceNameFunction struct{}

// NewResourceNameFunction returns the resource_name function.
func NewResourceNameFunction() function.Function { return resourceNameFunction{} }

func (resourceNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "resource_name"
}

func (resourceNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The Kubernetes name of a model registry with this display name",
		MarkdownDescription: "Returns the name `openshiftai_model_registry` gives a registry whose `resource_name` is not set, which " +
			"is the name the dashboard's create form derives: lower case, white space turned into dashes, every other " +
			"character outside `a-z`, `0-9` and `-` dropped, dashes collapsed and trimmed, cut to 40 characters. Use it to " +
			"compute `import` IDs and `moved` addresses without a cluster. It fails when no registry can have the name " +
			"derived (nothing usable is left, or it starts with a digit), saying why.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "display_name",
				MarkdownDescription: "The registry's display name, as in `openshiftai_model_registry.name`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (resourceNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var displayName string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &displayName))
	if resp.Error != nil {
		return
	}
	name, err := registry.ResourceNameFromDisplayName(displayName)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error()+"; set resource_name explicitly")
		return
	}
	resp.Error = resp.Result.Set(ctx, name)
}

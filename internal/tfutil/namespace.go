package tfutil

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

// RegistryNamespaceAttribute is the optional namespace argument of the data sources.
func RegistryNamespaceAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: fmt.Sprintf("Namespace of %s. Defaults to the provider's registries namespace "+
			"(`registries_namespace`, else the one the DataScienceCluster names, else the AIHub `default-aihub`'s "+
			"`spec.instancesNamespace`, else `rhoai-model-registries`).", what),
		Validators: []validator.String{validators.NamespaceName()},
	}
}

package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewModelRegistryResource is the openshiftai_model_registry resource.
func NewModelRegistryResource() resource.Resource { return nil }

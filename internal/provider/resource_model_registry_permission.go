package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewModelRegistryPermissionResource is the openshiftai_model_registry_permission resource.
func NewModelRegistryPermissionResource() resource.Resource { return nil }

# The name the registry of this display name gets, known at plan time without a
# cluster: here the ID of an import block for a registry made in the dashboard.
locals {
  display_name = "Fraud detection models"
}

import {
  to = openshiftai_model_registry.fraud
  id = "rhoai-model-registries/${provider::openshiftai::resource_name(local.display_name)}"
}

output "fraud_registry_name" {
  value = provider::openshiftai::resource_name(local.display_name) # "fraud-detection-models"
}

# A registry is imported by <namespace>/<resource_name>, or by <resource_name>
# alone in the provider's registries namespace.
terraform import openshiftai_model_registry.churn rhoai-model-registries/churn-models
terraform import openshiftai_model_registry.churn churn-models

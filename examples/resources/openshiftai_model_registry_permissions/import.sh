# The whole permission list of a registry: <namespace>/<registry>. Every binding of the
# registry's user role is read, the dashboard's included; the operator's own is not.
terraform import openshiftai_model_registry_permissions.fraud rhoai-model-registries/fraud

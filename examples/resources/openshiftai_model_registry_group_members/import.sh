# The users of the Group <registry>-users: <namespace>/<registry>.
terraform import openshiftai_model_registry_group_members.fraud rhoai-model-registries/fraud

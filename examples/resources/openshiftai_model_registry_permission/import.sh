# A permission by what it grants: <namespace>/<registry>/<user|group|project>/<subject>.
# The subject may contain ':' and '/'. This finds the provider's binding, or one the
# dashboard made for the same subject.
terraform import openshiftai_model_registry_permission.everyone \
  rhoai-model-registries/fraud/group/system:authenticated

# A binding the dashboard made, by name: <namespace>/<rolebinding-name>. It keeps its name.
terraform import openshiftai_model_registry_permission.alice \
  rhoai-model-registries/dashboard-permissions-abc123

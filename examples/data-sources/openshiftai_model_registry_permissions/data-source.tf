data "openshiftai_model_registry_permissions" "fraud" {
  registry = "fraud-models"
}

# Who may use the registry, and who granted it.
output "fraud_registry_users" {
  value = [
    for p in data.openshiftai_model_registry_permissions.fraud.permissions :
    format("%s %s (%s)", p.subject_kind, p.subject,
    p.operator_owned ? "operator" : p.managed ? "terraform" : "dashboard or by hand")
  ]
}

# Permissions granted outside Terraform, for example to import them.
output "fraud_unmanaged_bindings" {
  value = distinct([
    for p in data.openshiftai_model_registry_permissions.fraud.permissions :
    p.binding_name if !p.managed && !p.operator_owned
  ])
}

# Everyone who may use the registry "fraud", and nobody else: a user, group or
# project added in the dashboard is removed by the next apply.
resource "openshiftai_model_registry_permissions" "fraud" {
  # resource_name of the registry; refer to openshiftai_model_registry.<name>.resource_name
  # when the registry is in the same configuration, so Terraform creates it first.
  registry = "fraud"

  users    = ["alice@example.com", "bob"]
  groups   = ["data-scientists"]
  projects = ["fraud-pipelines"] # the workloads (service accounts) of a project
}

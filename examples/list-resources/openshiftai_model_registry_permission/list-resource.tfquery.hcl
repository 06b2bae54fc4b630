# One result per user, group or project granted the use of a registry on the
# dashboard's permissions page (the operator's own binding is never listed).
list "openshiftai_model_registry_permission" "fraud" {
  provider = openshiftai

  config {
    registry = "fraud-models"
    made_by  = "dashboard"
  }
}

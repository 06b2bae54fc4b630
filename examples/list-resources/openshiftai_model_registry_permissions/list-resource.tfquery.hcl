# One authoritative permission list per registry that grants anyone its use.
# Adopt permissions with this or with openshiftai_model_registry_permission, not both.
list "openshiftai_model_registry_permissions" "all" {
  provider = openshiftai

  config {
    made_by = "all"
  }
}

# terraform query -generate-config-out=registries.tf (Terraform 1.14+) writes a
# resource and an import block for each registry made in the dashboard.
list "openshiftai_model_registry" "dashboard" {
  provider = openshiftai

  config {
    namespace = "rhoai-model-registries"
    made_by   = "dashboard"
  }
}

# Terraform 1.14 and later adopt the same fleet in one command, without the data
# sources of main.tf: run it in an empty directory with the provider block only,
#   terraform query -generate-config-out=adopted.tf
# then terraform plan (imports only, no change) and terraform apply.
list "openshiftai_model_registry" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

list "openshiftai_model_registry_permission" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

list "openshiftai_model_registry_group_members" "all" {
  provider = openshiftai

  config {}
}

list "openshiftai_model_catalog_source" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

list "openshiftai_model_catalog_default_source" "overridden" {
  provider = openshiftai

  config {}
}

list "openshiftai_mcp_catalog_source" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

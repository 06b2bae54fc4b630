# Check the database of a registry with the settings it has on the cluster now,
# for example before a database maintenance window (Terraform 1.14+):
#   terraform apply -invoke=action.openshiftai_model_registry_verify_database.fraud
action "openshiftai_model_registry_verify_database" "fraud" {
  config {
    registry = "fraud-models"
  }
}

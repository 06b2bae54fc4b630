# A registry made in the dashboard, read by its Kubernetes name (not its display name).
data "openshiftai_model_registry" "fraud" {
  resource_name = "fraud-models"
}

output "fraud_registry_ready" {
  value = data.openshiftai_model_registry.fraud.ready
}

output "fraud_registry_endpoints" {
  value = data.openshiftai_model_registry.fraud.endpoints
}

# A second registry on the same database server and CA, with the dashboard's
# password Secret reused, and a database of its own.
resource "openshiftai_model_registry" "fraud_staging" {
  name = "${data.openshiftai_model_registry.fraud.name} (staging)"

  database {
    host                     = data.openshiftai_model_registry.fraud.database.host
    port                     = data.openshiftai_model_registry.fraud.database.port
    username                 = data.openshiftai_model_registry.fraud.database.username
    database                 = "${data.openshiftai_model_registry.fraud.database.database}_staging"
    existing_password_secret = data.openshiftai_model_registry.fraud.database.existing_password_secret
  }

  ca_certificate = data.openshiftai_model_registry.fraud.ca_certificate
}

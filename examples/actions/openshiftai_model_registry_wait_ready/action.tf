# Registries created without waiting (wait_for_ready = false) become ready
# later; this waits for one after it is created (Terraform 1.14+).
resource "openshiftai_model_registry" "fraud" {
  name           = "Fraud models"
  wait_for_ready = false

  database {
    host     = "mysql.databases.svc.cluster.local"
    username = "mruser"
    database = "fraud_models"

    existing_password_secret {
      name = "fraud-models-db"
      key  = "database-password"
    }
  }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.openshiftai_model_registry_wait_ready.fraud]
    }
  }
}

action "openshiftai_model_registry_wait_ready" "fraud" {
  config {
    registry = caller.resource_name
    timeout  = "15m"
  }
}

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
locals {
  fraud = data.openshiftai_model_registry.fraud
}

resource "openshiftai_model_registry" "fraud_staging" {
  name = "${local.fraud.name} (staging)"

  database {
    type         = local.fraud.database.type
    host         = local.fraud.database.host
    host_address = local.fraud.database.host_address
    port         = local.fraud.database.port
    username     = local.fraud.database.username
    database     = "${local.fraud.database.database}_staging"

    existing_password_secret {
      name = local.fraud.database.existing_password_secret.name
      key  = local.fraud.database.existing_password_secret.key
    }
  }

  dynamic "ca_certificate" {
    for_each = local.fraud.ca_certificate == null ? [] : [local.fraud.ca_certificate]
    content {
      cluster_bundle      = ca_certificate.value.cluster_bundle
      openshift_ai_bundle = ca_certificate.value.openshift_ai_bundle
      pem                 = ca_certificate.value.pem

      dynamic "config_map" {
        for_each = ca_certificate.value.config_map == null ? [] : [ca_certificate.value.config_map]
        content {
          name = config_map.value.name
          key  = config_map.value.key
        }
      }
      dynamic "secret" {
        for_each = ca_certificate.value.secret == null ? [] : [ca_certificate.value.secret]
        content {
          name = secret.value.name
          key  = secret.value.key
        }
      }
    }
  }
}

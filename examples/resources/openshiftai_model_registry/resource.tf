# The database password comes from outside Terraform (a TF_VAR_ environment
# variable or a secrets manager) and never lands in the plan or state.
variable "mysql_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "mysql_ca_file" {
  description = "PEM file with the CA that signed the database server's certificate."
  type        = string
  default     = "certs/mysql-ca.pem"
}

# A registry whose password the provider writes into a Secret of its own,
# verifying the database's TLS certificate against the cluster-wide CA bundle.
resource "openshiftai_model_registry" "fraud" {
  name        = "Fraud detection models"
  description = "Models scored nightly against card transactions"

  database {
    host     = "mysql.databases.svc.cluster.local"
    port     = 3306
    username = "fraud_registry"
    database = "fraud_registry"

    password_wo = var.mysql_password
    # Bump to write a new password: Terraform cannot see a write-only value change.
    password_wo_version = 1
  }

  ca_certificate {
    cluster_bundle = true
  }

  deletion_protection = true

  timeouts {
    create = "15m"
  }
}

# A registry the dashboard created first, brought under Terraform with an
# import block: it keeps the password Secret the dashboard made.
import {
  to = openshiftai_model_registry.churn
  id = "rhoai-model-registries/churn-models"
}

resource "openshiftai_model_registry" "churn" {
  name          = "Churn models"
  resource_name = "churn-models"

  database {
    host                   = "10.20.30.40"
    username               = "churn"
    database               = "churn"
    skip_database_creation = true

    existing_password_secret {
      name = "churn-models-db-x7k2p"
      key  = "database-password"
    }
  }

  ca_certificate {
    config_map {
      name = "corporate-ca"
      key  = "ca.crt"
    }
  }
}

# A database outside the cluster with a private CA, uploaded the way the
# dashboard uploads a PEM file. verify_connection checks host, TLS, login and
# database from where Terraform runs before anything is written.
resource "openshiftai_model_registry" "vision" {
  name = "Vision models"

  database {
    host                = "vision-db.prod.example.com"
    username            = "vision_registry"
    database            = "vision_registry"
    password_wo         = var.mysql_password
    password_wo_version = 1
    verify_connection   = true
  }

  ca_certificate {
    pem = file(var.mysql_ca_file)
  }

  # Return once the registry exists; do not wait for its deployment.
  wait_for_ready = false
}

# A platform team's configuration: one registry per team from the module,
# each with the people and pipelines that may use it.

terraform {
  required_version = ">= 1.11"

  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

provider "openshiftai" {}

variable "fraud_db_password" {
  description = "Password of the fraud team's registry database user."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "corporate_ca_file" {
  description = "PEM file of the CA that signs the corporate database servers."
  type        = string
  default     = "corporate-ca.pem"
}

module "fraud_registry" {
  source = "../"

  name        = "Fraud detection models"
  description = "Owned by the fraud analytics team"

  database = {
    host     = "fraud-db.prod.example.com"
    username = "fraud_registry"
    database = "fraud_registry"
  }
  password         = var.fraud_db_password
  password_version = 1

  ca = {
    pem = file(var.corporate_ca_file)
  }

  groups   = ["fraud-analysts"]
  users    = ["alice@example.com"]
  projects = ["fraud-pipelines"]

  deletion_protection = true
}

# A registry the dashboard made earlier, now managed here; its password stays
# in the Secret the dashboard created.
module "shared_registry" {
  source = "../"

  name          = "Shared models"
  resource_name = "shared-models"

  database = {
    host                   = "mysql.databases.svc.cluster.local"
    username               = "shared_registry"
    database               = "shared_registry"
    skip_database_creation = true
    existing_password_secret = {
      name = "shared-models-db-4hq9z"
      key  = "database-password"
    }
  }

  ca = {
    cluster_bundle = true
  }

  groups = ["system:authenticated"]
}

output "registries" {
  value = {
    fraud  = { id = module.fraud_registry.id, endpoints = module.fraud_registry.endpoints, role_bindings = module.fraud_registry.role_bindings }
    shared = { id = module.shared_registry.id, endpoints = module.shared_registry.endpoints, role_bindings = module.shared_registry.role_bindings }
  }
}

# A registry on the operator's default database, for trying things out.
module "sandbox_registry" {
  source = "../"

  name             = "Sandbox"
  default_database = true

  groups = ["data-scientists"]
}

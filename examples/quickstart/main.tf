# A model registry backed by an external MySQL database, with an uploaded CA
# certificate, and who may use it: what an administrator does in the
# dashboard's Settings → Model registry settings, as code.

terraform {
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

# Reads the kubeconfig from KUBE_CONFIG_PATH, as the hashicorp/kubernetes provider does.
provider "openshiftai" {}

variable "database_password" {
  description = "Password of the registry's database user. Ephemeral: it reaches the cluster, never the plan or state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "ca_certificate_file" {
  description = "PEM file with the CA that signed the database server's certificate."
  type        = string
  default     = "ca.pem"
}

resource "openshiftai_model_registry" "fraud" {
  name        = "Fraud detection models"
  description = "Models scored nightly against card transactions"

  database {
    host                = "mysql.databases.svc.cluster.local"
    port                = 3306
    username            = "model_registry"
    database            = "model_registry"
    password_wo         = var.database_password
    password_wo_version = 1
  }

  ca_certificate {
    pem = file(var.ca_certificate_file)
  }
}

resource "openshiftai_model_registry_permission" "data_scientists" {
  registry = openshiftai_model_registry.fraud.resource_name
  group    = "data-scientists"
}

resource "openshiftai_model_registry_permission" "alice" {
  registry = openshiftai_model_registry.fraud.resource_name
  user     = "alice@example.com"
}

resource "openshiftai_model_registry_permission" "pipelines" {
  registry = openshiftai_model_registry.fraud.resource_name
  project  = "fraud-pipelines"
}

output "registry" {
  value = {
    id                   = openshiftai_model_registry.fraud.id
    resource_name        = openshiftai_model_registry.fraud.resource_name
    ready                = openshiftai_model_registry.fraud.ready
    endpoints            = openshiftai_model_registry.fraud.endpoints
    password_secret_name = openshiftai_model_registry.fraud.password_secret_name
    ca_config_map_name   = openshiftai_model_registry.fraud.ca_config_map_name
  }
}

output "role_bindings" {
  value = [
    openshiftai_model_registry_permission.data_scientists.binding_name,
    openshiftai_model_registry_permission.alice.binding_name,
    openshiftai_model_registry_permission.pipelines.binding_name,
  ]
}

output "resource_name" {
  value = openshiftai_model_registry.fraud.resource_name
}

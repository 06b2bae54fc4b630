resource "openshiftai_model_registry" "fraud" {
  name          = "Fraud models"
  resource_name = "fraud"
  database {
    host                = "mysql.example.com"
    username            = "mruser"
    database            = "model_registry"
    password_wo         = var.database_password
    password_wo_version = 1
  }
}

# One user.
resource "openshiftai_model_registry_permission" "alice" {
  registry = openshiftai_model_registry.fraud.resource_name
  user     = "alice@example.com"
}

# An OpenShift Group.
resource "openshiftai_model_registry_permission" "data_scientists" {
  registry = openshiftai_model_registry.fraud.resource_name
  group    = "data-scientists"
}

# Every authenticated user of the cluster.
resource "openshiftai_model_registry_permission" "everyone" {
  registry = openshiftai_model_registry.fraud.resource_name
  group    = "system:authenticated"
}

# The workloads (service accounts) of a project.
resource "openshiftai_model_registry_permission" "pipelines" {
  registry = openshiftai_model_registry.fraud.resource_name
  project  = "fraud-pipelines"
}

# Many users at once.
resource "openshiftai_model_registry_permission" "reviewers" {
  for_each = toset(["bob", "carol", "kube:admin"])

  registry = openshiftai_model_registry.fraud.resource_name
  user     = each.value
}

variable "database_password" {
  type      = string
  sensitive = true
}

# An HCP Terraform or Terraform Enterprise workspace with dynamic provider
# credentials for Kubernetes: each plan and apply gets a workload identity
# token (a JWT signed by HCP Terraform) that the cluster's API server accepts,
# and no long-lived service account token is stored in the workspace.
#
# Workspace environment variables:
#   TFC_KUBERNETES_PROVIDER_AUTH              = true
#   TFC_KUBERNETES_WORKLOAD_IDENTITY_AUDIENCE = <the audience (client ID) the API server's OIDC configuration expects>
# Workspace Terraform variables: cluster_host, cluster_ca_certificate.

terraform {
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

# HCP Terraform sets this variable when TFC_KUBERNETES_PROVIDER_AUTH is true:
# default.token_path is the file holding the run's token.
variable "tfc_kubernetes_dynamic_credentials" {
  description = "Set by HCP Terraform: where the run's Kubernetes workload identity token is."
  type = object({
    default = object({ token_path = string })
    aliases = map(object({ token_path = string }))
  })
}

variable "cluster_host" {
  description = "URL of the API server, such as https://api.prod.example.com:6443."
  type        = string
}

variable "cluster_ca_certificate" {
  description = "PEM CA certificate of the API server."
  type        = string
}

provider "openshiftai" {
  host                   = var.cluster_host
  cluster_ca_certificate = var.cluster_ca_certificate
  # Read anew by every plan and apply; the token never enters plan or state.
  token = file(var.tfc_kubernetes_dynamic_credentials.default.token_path)
}

resource "openshiftai_model_registry" "fraud" {
  name = "Fraud models"
  database {
    host     = "mysql.db.svc.cluster.local"
    username = "mruser"
    database = "model_registry"
    existing_password_secret {
      name = "fraud-db"
      key  = "database-password"
    }
  }
}

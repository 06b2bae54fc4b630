# Terraform Cloud, HCP Terraform and other runners without a kubeconfig: the
# API server's URL and a service account token, set as workspace variables
# (mark the token sensitive). KUBE_HOST, KUBE_TOKEN and
# KUBE_CLUSTER_CA_CERT_DATA set as environment variables work as well.

variable "cluster_host" {
  description = "URL of the API server, such as https://api.prod.example.com:6443."
  type        = string
}

variable "cluster_token" {
  description = "Token of the service account Terraform uses (see the Permissions guide)."
  type        = string
  sensitive   = true
}

variable "cluster_ca_certificate" {
  description = "PEM CA certificate of the API server."
  type        = string
}

provider "openshiftai" {
  # The alias only lets this directory hold several provider examples; leave it out.
  alias = "host_token"

  host                   = var.cluster_host
  token                  = var.cluster_token
  cluster_ca_certificate = var.cluster_ca_certificate
}

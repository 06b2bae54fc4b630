# A credential plugin fetches a short-lived token on every run, as a
# kubeconfig's exec section does; no token is stored anywhere. Here the API
# server trusts AWS IAM tokens; any command that prints an ExecCredential works.

variable "exec_cluster_ca_certificate" {
  description = "PEM CA certificate of the API server."
  type        = string
}

provider "openshiftai" {
  # The alias only lets this directory hold several provider examples; leave it out.
  alias = "exec"

  host                   = "https://api.ml-platform.example.com:6443"
  cluster_ca_certificate = var.exec_cluster_ca_certificate

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", "ml-platform", "--output", "json"]
    env = {
      AWS_PROFILE = "ml-platform-admin"
    }
  }
}

terraform {
  # import blocks with for_each need Terraform 1.7; write-only arguments 1.11.
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

# Reads the kubeconfig from KUBE_CONFIG_PATH; registries_namespace (or the
# DataScienceCluster) says which namespace is adopted.
provider "openshiftai" {}

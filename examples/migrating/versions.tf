terraform {
  # moved blocks across resource types need Terraform 1.8; write-only arguments 1.11.
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
    # Keep hashicorp/kubernetes in the configuration for the apply that moves:
    # Terraform needs the provider of every resource in the state.
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

provider "openshiftai" {}

terraform {
  # Write-only attributes (password_wo) and ephemeral variables need 1.11.
  required_version = ">= 1.11"

  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

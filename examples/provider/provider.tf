terraform {
  required_version = ">= 1.11"
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}

# Uses a kubeconfig, as `oc login` or `kubectl` leave it. Without config_path
# the provider reads KUBE_CONFIG_PATH (or KUBE_CONFIG_PATHS).
provider "openshiftai" {
  config_path    = "~/.kube/config"
  config_context = "admin/api-prod-example-com:6443/system:admin"
}

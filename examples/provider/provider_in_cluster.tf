# Inside a pod (a CI runner or a GitOps controller on the cluster) with no
# kubeconfig, host or exec configured, the provider uses the pod's service
# account. Bind the rules of the Permissions guide to that service account.

provider "openshiftai" {
  # The alias only lets this directory hold several provider examples; leave it out.
  alias = "in_cluster"

  # Naming the namespace skips reading the DataScienceCluster, which a
  # namespaced service account usually may not list.
  registries_namespace = "rhoai-model-registries"
}

# Before: a registry, its password Secret and one permission managed with
# hashicorp/kubernetes.
#
#   resource "kubernetes_secret_v1" "fraud_db" { ... }         # stays as it is
#   resource "kubernetes_manifest" "fraud" {
#     manifest = {
#       apiVersion = "modelregistry.opendatahub.io/v1beta1"
#       kind       = "ModelRegistry"
#       metadata   = { name = "fraud-models", namespace = "rhoai-model-registries", ... }
#       spec       = { mysql = { host = "mysql.db.svc", passwordSecret = { name = "fraud-db", key = "password" }, ... }, ... }
#     }
#   }
#   resource "kubernetes_role_binding_v1" "fraud_alice" {
#     metadata { name = "fraud-alice" ... }
#     role_ref { kind = "Role", name = "registry-user-fraud-models" ... }
#     subject  { kind = "User", name = "alice" ... }
#   }
#
# After: the same objects as openshiftai resources. Replace the two resource
# blocks with these, keep the moved blocks for one apply (or for good, in a
# module others use), and plan: nothing is replaced, and the plan shows only
# what really differs from the new configuration, such as adding the auth
# proxy (kube_rbac_proxy) to a registry that had none.

resource "openshiftai_model_registry" "fraud" {
  name          = "Fraud models"
  resource_name = "fraud-models"
  database {
    host     = "mysql.db.svc"
    port     = 3306
    username = "mruser"
    database = "model_registry"
    # The Secret the manifest pointed at: kubernetes_secret_v1.fraud_db keeps managing it.
    existing_password_secret {
      name = "fraud-db"
      key  = "password"
    }
  }
}

moved {
  from = kubernetes_manifest.fraud
  to   = openshiftai_model_registry.fraud
}

resource "openshiftai_model_registry_permission" "fraud_alice" {
  registry = openshiftai_model_registry.fraud.resource_name
  user     = "alice"
}

moved {
  from = kubernetes_role_binding_v1.fraud_alice
  to   = openshiftai_model_registry_permission.fraud_alice
}

output "id" {
  description = "<namespace>/<resource_name> of the registry."
  value       = openshiftai_model_registry.this.id
}

output "resource_name" {
  description = "Kubernetes name of the registry."
  value       = openshiftai_model_registry.this.resource_name
}

output "namespace" {
  description = "Namespace of the registry."
  value       = openshiftai_model_registry.this.namespace
}

output "ready" {
  description = "Whether the operator reports the registry available."
  value       = openshiftai_model_registry.this.ready
}

output "endpoints" {
  description = "Host names of the registry's service."
  value       = openshiftai_model_registry.this.endpoints
}

output "role_bindings" {
  description = "RoleBinding name of each permission, keyed by <kind>/<subject>."
  value       = { for k, p in openshiftai_model_registry_permission.this : k => p.binding_name }
}

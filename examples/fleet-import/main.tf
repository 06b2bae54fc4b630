# Adopt every model registry of the registries namespace, and every permission
# granted on the dashboard's "Manage permissions" page, in one plan: the data
# sources list what exists, import blocks with for_each adopt it, and the
# resources describe it exactly as it is, so the plan imports and changes nothing.
# Registries without the auth proxy (kubeRBACProxy) plan one in-place update that
# adds it; nothing is ever replaced.
#
# After the apply, the registries are Terraform's: keep this configuration as it
# is, or write each registry out with literal values and drop the data sources.

data "openshiftai_model_registries" "all" {}

# One full read per registry: the list does not carry the password Secret or an
# uploaded CA certificate, which the resources need.
data "openshiftai_model_registry" "each" {
  for_each      = toset([for r in data.openshiftai_model_registries.all.registries : r.resource_name])
  resource_name = each.key
}

data "openshiftai_model_registry_permissions" "each" {
  for_each = data.openshiftai_model_registry.each
  registry = each.key
}

locals {
  namespace = data.openshiftai_model_registries.all.namespace

  # Every subject of every binding to a registry's role, keyed by binding.
  subjects = {
    for p in flatten([
      for registry, list in data.openshiftai_model_registry_permissions.each : [
        for p in list.permissions : merge(p, { registry = registry })
      ]
    ]) : "${p.registry}/${p.binding_name}" => p...
  }

  # A permission is a binding of one user, group or project. The operator's own
  # binding of its group <registry>-users and bindings made by hand with several
  # subjects or a ServiceAccount stay out: the operator manages the first, and
  # the others are not what the dashboard makes.
  permissions = {
    for key, subjects in local.subjects : key => subjects[0]
    if length(subjects) == 1 && !subjects[0].operator_owned && contains(["user", "group", "project"], subjects[0].subject_kind)
  }
}

import {
  for_each = data.openshiftai_model_registry.each
  to       = openshiftai_model_registry.fleet[each.key]
  id       = "${local.namespace}/${each.key}"
}

resource "openshiftai_model_registry" "fleet" {
  for_each = data.openshiftai_model_registry.each

  name             = each.value.name
  resource_name    = each.value.resource_name
  description      = each.value.description
  default_database = each.value.default_database

  # An external database (MySQL or PostgreSQL), as the registry has it; none with
  # the default database.
  dynamic "database" {
    for_each = each.value.database == null ? [] : [each.value.database]
    content {
      type                   = database.value.type
      host                   = database.value.host
      host_address           = database.value.host_address
      port                   = database.value.port
      ssl_mode               = database.value.ssl_mode
      username               = database.value.username
      database               = database.value.database
      skip_database_creation = database.value.skip_database_creation
      # The dashboard's password Secret (<name>-db-xxxxx) stays where it is.
      existing_password_secret {
        name = database.value.existing_password_secret.name
        key  = database.value.existing_password_secret.key
      }
    }
  }

  dynamic "ca_certificate" {
    for_each = each.value.ca_certificate == null ? [] : [each.value.ca_certificate]
    content {
      cluster_bundle      = ca_certificate.value.cluster_bundle
      openshift_ai_bundle = ca_certificate.value.openshift_ai_bundle
      pem                 = ca_certificate.value.pem
      dynamic "config_map" {
        for_each = ca_certificate.value.config_map == null ? [] : [ca_certificate.value.config_map]
        content {
          name = config_map.value.name
          key  = config_map.value.key
        }
      }
      dynamic "secret" {
        for_each = ca_certificate.value.secret == null ? [] : [ca_certificate.value.secret]
        content {
          name = secret.value.name
          key  = secret.value.key
        }
      }
    }
  }

  # Once adopted, consider deletion_protection = true (one in-place update per
  # registry): a destroy of the fleet then fails instead of deleting registries.
}

import {
  for_each = local.permissions
  to       = openshiftai_model_registry_permission.fleet[each.key]
  id       = "${local.namespace}/${each.value.binding_name}"
}

resource "openshiftai_model_registry_permission" "fleet" {
  for_each = local.permissions

  registry = openshiftai_model_registry.fleet[each.value.registry].resource_name
  user     = each.value.subject_kind == "user" ? each.value.subject : null
  group    = each.value.subject_kind == "group" ? each.value.subject : null
  project  = each.value.subject_kind == "project" ? each.value.project : null
}

output "adopted_registries" {
  value = keys(openshiftai_model_registry.fleet)
}

output "adopted_permissions" {
  value = keys(openshiftai_model_registry_permission.fleet)
}

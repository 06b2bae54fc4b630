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

  name          = each.value.name
  resource_name = each.value.resource_name
  description   = each.value.description
  database = {
    host                   = each.value.database.host
    port                   = each.value.database.port
    username               = each.value.database.username
    database               = each.value.database.database
    skip_database_creation = each.value.database.skip_database_creation
    # The dashboard's password Secret (<name>-db-xxxxx) stays where it is.
    existing_password_secret = each.value.database.existing_password_secret
  }
  ca_certificate = each.value.ca_certificate

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

resource "openshiftai_model_registry" "this" {
  name          = var.name
  resource_name = var.resource_name
  description   = var.description
  namespace     = var.namespace

  database {
    host                   = var.database.host
    port                   = var.database.port
    username               = var.database.username
    database               = var.database.database
    skip_database_creation = var.database.skip_database_creation
    verify_connection      = var.database.verify_connection

    password_wo         = var.database.existing_password_secret == null ? var.password : null
    password_wo_version = var.database.existing_password_secret == null ? var.password_version : null

    dynamic "existing_password_secret" {
      for_each = var.database.existing_password_secret == null ? [] : [var.database.existing_password_secret]
      content {
        name = existing_password_secret.value.name
        key  = existing_password_secret.value.key
      }
    }
  }

  dynamic "ca_certificate" {
    for_each = var.ca == null ? [] : [var.ca]
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

  deletion_protection = var.deletion_protection
}

locals {
  # One permission per subject, keyed by kind and name so that adding or
  # removing one subject never touches the others.
  subjects = merge(
    { for u in var.users : "user/${u}" => { user = u, group = null, project = null } },
    { for g in var.groups : "group/${g}" => { user = null, group = g, project = null } },
    { for p in var.projects : "project/${p}" => { user = null, group = null, project = p } },
  )
}

resource "openshiftai_model_registry_permission" "this" {
  for_each = local.subjects

  registry  = openshiftai_model_registry.this.resource_name
  namespace = openshiftai_model_registry.this.namespace
  user      = each.value.user
  group     = each.value.group
  project   = each.value.project
}

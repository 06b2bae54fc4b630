# Every registry of the provider's registries namespace.
data "openshiftai_model_registries" "all" {}

# Only the registries of one team, by the prefix of their Kubernetes names.
data "openshiftai_model_registries" "team_a" {
  name_prefix = "team-a-"
}

output "registries_not_ready" {
  value = [for r in data.openshiftai_model_registries.all.registries : r.resource_name if !r.ready]
}

# Registries that do not verify their database's TLS certificate.
output "registries_without_ca" {
  value = [for r in data.openshiftai_model_registries.all.registries : r.resource_name if r.ca_source == ""]
}

# Every team registry may be used by the team's project.
resource "openshiftai_model_registry_permission" "team_a" {
  for_each = toset([for r in data.openshiftai_model_registries.team_a.registries : r.resource_name])

  registry = each.key
  project  = "team-a"
}

data "openshiftai_model_catalog_sources" "all" {}

output "enabled_sources" {
  value = [for s in data.openshiftai_model_catalog_sources.all.sources : s.id if s.enabled]
}

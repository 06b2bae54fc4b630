# The shipped sources someone disabled or filtered in the dashboard.
list "openshiftai_model_catalog_default_source" "overridden" {
  provider = openshiftai

  config {}
}

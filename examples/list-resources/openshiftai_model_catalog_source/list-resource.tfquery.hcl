# The model catalog sources added in the dashboard (Settings > Model catalog settings).
list "openshiftai_model_catalog_source" "dashboard" {
  provider = openshiftai

  config {
    made_by = "dashboard"
  }
}

# Only the Hugging Face sources; a token the dashboard stored comes out as existing_api_key_secret.
list "openshiftai_model_catalog_source" "hugging_face" {
  provider = openshiftai

  config {
    type = "hf"
  }
}

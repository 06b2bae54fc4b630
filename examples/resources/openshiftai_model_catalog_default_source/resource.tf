# Show only the Granite models of a shipped source.
resource "openshiftai_model_catalog_default_source" "redhat" {
  source_id       = "redhat_ai_models"
  included_models = ["RedHatAI/granite-*"]
}

# Hide a shipped source altogether.
resource "openshiftai_model_catalog_default_source" "validated" {
  source_id = "redhat_ai_validated_models"
  enabled   = false
}

# A source of models listed in a catalog file kept with the source.
resource "openshiftai_model_catalog_source" "team_models" {
  source_id       = "team_models"
  name            = "Team A models"
  labels          = ["Team A"]
  excluded_models = ["*-beta"]

  yaml {
    catalog = file("${path.module}/team-models-catalog.yaml")
  }
}

# A source of one Hugging Face organization's models, with an access token
# that never enters the plan or the state.
variable "hf_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "openshiftai_model_catalog_source" "granite" {
  source_id       = "hf_ibm_granite"
  name            = "IBM Granite on Hugging Face"
  included_models = ["granite-3*"]

  hugging_face {
    organization       = "ibm-granite"
    api_key_wo         = var.hf_token
    api_key_wo_version = 1 # change to write a new token
  }
}

# A source made in the dashboard, by its id (the provider's registries namespace)
# or by <namespace>/<source_id>.
terraform import openshiftai_model_catalog_source.team_models team_models
terraform import openshiftai_model_catalog_source.granite rhoai-model-registries/hf_ibm_granite

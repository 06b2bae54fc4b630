# The dashboard's settings of a shipped source, by the source's id or <namespace>/<source_id>.
terraform import openshiftai_model_catalog_default_source.redhat redhat_ai_models

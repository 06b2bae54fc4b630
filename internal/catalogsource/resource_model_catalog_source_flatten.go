package catalogsource

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// apiKeySecretState is what the cluster says of a source's token Secret.
type apiKeySecretState struct {
	Exists bool
	// Version is the provider's api-key-version annotation, "" on a Secret the provider did not write.
	Version string
}

// flattenSource maps an observed entry of model-catalog-sources or of the
// source's own ConfigMap own (with the ConfigMap's data and the token Secret)
// to the model. prior is the state
// (nil on import): it decides how a token Secret of the dashboard's name is
// shown, since the entry alone cannot say who wrote it.
func flattenSource(prior *sourceModel, namespace, own string, e catalog.Entry, data map[string]string, secret apiKeySecretState) sourceModel {
	m := sourceModel{
		SourceID:       types.StringValue(e.ID),
		Name:           types.StringValue(e.Name),
		Enabled:        types.BoolValue(e.IsEnabled()),
		Labels:         listValue(e.Labels),
		IncludedModels: listValue(e.Included),
		ExcludedModels: listValue(e.Excluded),
		Timeouts:       tfutil.NullTimeouts("create", "read", "update", "delete"),
	}
	if prior != nil {
		m.Timeouts = prior.Timeouts
	}
	switch e.Type {
	case catalog.TypeYAML:
		m.YAML = &yamlModel{Catalog: types.StringNull()}
		if content, ok := data[e.Properties[catalog.PropertyYAMLCatalogPath]]; ok {
			m.YAML.Catalog = types.StringValue(content)
		}
	case catalog.TypeHuggingFace:
		hf := &huggingFaceModel{
			Organization:    types.StringValue(e.Properties[catalog.PropertyAllowedOrganization]),
			APIKeyWO:        types.StringNull(),
			APIKeyWOVersion: types.Int64Null(),
		}
		if e.Properties[catalog.PropertyAllowedOrganization] == "" {
			hf.Organization = types.StringNull()
		}
		ref := e.Properties[catalog.PropertyAPIKey]
		priorExisting := prior != nil && prior.HuggingFace != nil && prior.HuggingFace.ExistingAPIKeySecret != nil
		switch {
		case ref == "":
		case ref != catalog.APIKeySecretName(e.ID) || priorExisting:
			hf.ExistingAPIKeySecret = &secretRefModel{Name: types.StringValue(ref)}
		case secret.Exists && secret.Version != "":
			if v, err := strconv.ParseInt(secret.Version, 10, 64); err == nil {
				hf.APIKeyWOVersion = types.Int64Value(v)
			}
		case secret.Exists && prior == nil:
			// The dashboard's own token Secret: adopted as an existing Secret.
			hf.ExistingAPIKeySecret = &secretRefModel{Name: types.StringValue(ref)}
		}
		// A missing or foreign-written token Secret leaves api_key_wo_version null:
		// the configuration's version then plans an update that writes the token again.
		m.HuggingFace = hf
	}
	if own != "" {
		m.OwnConfigMap = &ownConfigMapModel{Name: types.StringValue(own)}
	}
	m.setID(namespace)
	return m
}

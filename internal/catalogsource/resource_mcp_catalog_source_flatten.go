package catalogsource

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// flattenMCPSource maps an observed MCP source entry (with its ConfigMap's
// data) to the model. own is the ConfigMap of its own, "" for mcp-catalog-sources;
// prior is the state (nil on import), whose timeouts it keeps.
func flattenMCPSource(prior *mcpSourceModel, namespace, own string, e catalog.Entry, data map[string]string) mcpSourceModel {
	m := mcpSourceModel{
		SourceID:        types.StringValue(e.ID),
		Name:            types.StringValue(e.Name),
		Enabled:         types.BoolValue(e.IsEnabled()),
		Labels:          listValue(e.Labels),
		IncludedServers: listValue(e.Included),
		ExcludedServers: listValue(e.Excluded),
		YAML:            &yamlModel{Catalog: types.StringNull()},
		Timeouts:        tfutil.NullTimeouts("create", "read", "update", "delete"),
	}
	if prior != nil {
		m.Timeouts = prior.Timeouts
	}
	if content, ok := data[e.Properties[catalog.PropertyYAMLCatalogPath]]; ok {
		m.YAML.Catalog = types.StringValue(content)
	}
	if own != "" {
		m.OwnConfigMap = &ownConfigMapModel{Name: types.StringValue(own)}
	}
	m.setID(namespace)
	return m
}

package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

type mcpSourceModel struct {
	ID              types.String       `tfsdk:"id"`
	SourceID        types.String       `tfsdk:"source_id"`
	Name            types.String       `tfsdk:"name"`
	Enabled         types.Bool         `tfsdk:"enabled"`
	Labels          types.List         `tfsdk:"labels"`
	IncludedServers types.List         `tfsdk:"included_servers"`
	ExcludedServers types.List         `tfsdk:"excluded_servers"`
	Namespace       types.String       `tfsdk:"namespace"`
	YAML            *yamlModel         `tfsdk:"yaml"`
	OwnConfigMap    *ownConfigMapModel `tfsdk:"own_config_map"`
	Timeouts        timeouts.Value     `tfsdk:"timeouts"`
}

// desired is the domain source the plan declares.
func (m mcpSourceModel) desired(ctx context.Context, diags *diag.Diagnostics) catalog.UserSource {
	s := catalog.UserSource{
		Kind:     catalog.MCPSources,
		ID:       m.SourceID.ValueString(),
		Name:     m.Name.ValueString(),
		Type:     catalog.TypeYAML,
		Enabled:  m.Enabled.IsNull() || m.Enabled.IsUnknown() || m.Enabled.ValueBool(),
		Labels:   stringList(ctx, m.Labels, diags),
		Included: stringList(ctx, m.IncludedServers, diags),
		Excluded: stringList(ctx, m.ExcludedServers, diags),
	}
	if m.YAML != nil {
		s.CatalogFile = m.YAML.Catalog.ValueString()
	}
	return s
}

func (m *mcpSourceModel) setID(namespace string) {
	m.Namespace = types.StringValue(namespace)
	m.ID = types.StringValue(namespace + "/" + m.SourceID.ValueString())
}

package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

type sourceModel struct {
	ID             types.String       `tfsdk:"id"`
	SourceID       types.String       `tfsdk:"source_id"`
	Name           types.String       `tfsdk:"name"`
	Enabled        types.Bool         `tfsdk:"enabled"`
	Labels         types.List         `tfsdk:"labels"`
	IncludedModels types.List         `tfsdk:"included_models"`
	ExcludedModels types.List         `tfsdk:"excluded_models"`
	Namespace      types.String       `tfsdk:"namespace"`
	YAML           *yamlModel         `tfsdk:"yaml"`
	HuggingFace    *huggingFaceModel  `tfsdk:"hugging_face"`
	OwnConfigMap   *ownConfigMapModel `tfsdk:"own_config_map"`
	Timeouts       timeouts.Value     `tfsdk:"timeouts"`
}

type yamlModel struct {
	Catalog types.String `tfsdk:"catalog"`
}

type huggingFaceModel struct {
	Organization         types.String    `tfsdk:"organization"`
	APIKeyWO             types.String    `tfsdk:"api_key_wo"`
	APIKeyWOVersion      types.Int64     `tfsdk:"api_key_wo_version"`
	ExistingAPIKeySecret *secretRefModel `tfsdk:"existing_api_key_secret"`
}

type secretRefModel struct {
	Name types.String `tfsdk:"name"`
}

// sourceType is the catalog type the model declares, "" when neither block is set.
func (m sourceModel) sourceType() string {
	switch {
	case m.YAML != nil:
		return catalog.TypeYAML
	case m.HuggingFace != nil:
		return catalog.TypeHuggingFace
	}
	return ""
}

// managesAPIKeySecret tells whether the provider writes the token Secret.
func (m sourceModel) managesAPIKeySecret() bool {
	return m.HuggingFace != nil && m.HuggingFace.ExistingAPIKeySecret == nil && !m.HuggingFace.APIKeyWOVersion.IsNull()
}

// desired is the domain source the plan declares; token says whether a token Secret is referenced.
func (m sourceModel) desired(ctx context.Context, diags *diag.Diagnostics) catalog.UserSource {
	s := catalog.UserSource{
		Kind:     catalog.ModelSources,
		ID:       m.SourceID.ValueString(),
		Name:     m.Name.ValueString(),
		Type:     m.sourceType(),
		Enabled:  m.Enabled.IsNull() || m.Enabled.IsUnknown() || m.Enabled.ValueBool(),
		Labels:   stringList(ctx, m.Labels, diags),
		Included: stringList(ctx, m.IncludedModels, diags),
		Excluded: stringList(ctx, m.ExcludedModels, diags),
	}
	switch {
	case m.YAML != nil:
		s.CatalogFile = m.YAML.Catalog.ValueString()
	case m.HuggingFace != nil:
		s.Organization = m.HuggingFace.Organization.ValueString()
		switch {
		case m.HuggingFace.ExistingAPIKeySecret != nil:
			s.APIKeySecret = m.HuggingFace.ExistingAPIKeySecret.Name.ValueString()
		case !m.HuggingFace.APIKeyWOVersion.IsNull():
			s.APIKeySecret = catalog.APIKeySecretName(s.ID)
		}
	}
	return s
}

func (m *sourceModel) setID(namespace string) {
	m.Namespace = types.StringValue(namespace)
	m.ID = types.StringValue(namespace + "/" + m.SourceID.ValueString())
	if m.HuggingFace != nil {
		m.HuggingFace.APIKeyWO = types.StringNull() // write-only: never in state
	}
}

package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ provider.Provider = &floorProvider{}

// floorProvider has the real provider's type name, provider block and resources.
type floorProvider struct{}

func newProvider() provider.Provider { return &floorProvider{} }

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "openshiftai"
	resp.Version = "floor"
}

// Schema is the provider block of internal/provider/provider.go, without validators:
// the bench configures nothing in it, but Terraform sends and decodes it all the same.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	optionalString := pschema.StringAttribute{Optional: true}
	resp.Schema = pschema.Schema{
		Attributes: map[string]pschema.Attribute{
			"config_path":              optionalString,
			"config_paths":             pschema.ListAttribute{ElementType: types.StringType, Optional: true},
			"config_context":           optionalString,
			"config_context_auth_info": optionalString,
			"config_context_cluster":   optionalString,
			"host":                     optionalString,
			"token":                    pschema.StringAttribute{Optional: true, Sensitive: true},
			"client_certificate":       optionalString,
			"client_key":               pschema.StringAttribute{Optional: true, Sensitive: true},
			"cluster_ca_certificate":   optionalString,
			"insecure":                 pschema.BoolAttribute{Optional: true},
			"tls_server_name":          optionalString,
			"proxy_url":                optionalString,
			"registries_namespace":     optionalString,
			"qps":                      pschema.Float64Attribute{Optional: true},
			"burst":                    pschema.Int64Attribute{Optional: true},
		},
		Blocks: map[string]pschema.Block{
			"exec": pschema.ListNestedBlock{
				NestedObject: pschema.NestedBlockObject{
					Attributes: map[string]pschema.Attribute{
						"api_version": pschema.StringAttribute{Required: true},
						"command":     pschema.StringAttribute{Required: true},
						"args":        pschema.ListAttribute{ElementType: types.StringType, Optional: true},
						"env":         pschema.MapAttribute{ElementType: types.StringType, Optional: true},
					},
				},
			},
		},
	}
}

// Configure reads nothing and connects nowhere.
func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &registryResource{} },
		func() resource.Resource { return &permissionResource{} },
		func() resource.Resource { return &permissionsResource{} },
		func() resource.Resource { return &catalogSourceResource{} },
	}
}

// DataSources is empty: the bench's configuration reads none.
func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}

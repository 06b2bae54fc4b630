package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	realprovider "github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

var _ provider.Provider = &floorProvider{}

// floorProvider has the real provider's type name, provider block and resources, each
// with its schema stripped of behaviour; write is nil in the plugin floor.
type floorProvider struct {
	real  provider.Provider
	write *writer
}

func newProvider() provider.Provider { return &floorProvider{real: realprovider.New("floor")()} }

func newWriteProvider() provider.Provider {
	return &floorProvider{real: realprovider.New("floor")(), write: newWriter()}
}

func (p *floorProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
	resp.Version = "floor"
}

// Schema is the provider block without descriptions and validators: the bench configures
// nothing in it, but Terraform sends and decodes it all the same.
func (p *floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
	resp.Schema = stripProviderSchema(resp.Schema)
}

// Configure reads nothing and connects nowhere; the write floor connects at its first write.
func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources are the provider's, each wrapped: its type name and stripped schema.
func (p *floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var meta provider.MetadataResponse
	p.real.Metadata(ctx, provider.MetadataRequest{}, &meta)
	var out []func() resource.Resource
	for _, factory := range p.real.Resources(ctx) {
		// The framework calls Metadata on one instance and CRUD on others: each knows its type name.
		var m resource.MetadataResponse
		factory().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &m)
		out = append(out, func() resource.Resource { return &floorResource{real: factory(), typeName: m.TypeName, write: p.write} })
	}
	return out
}

// DataSources is empty: the bench's configurations read none.
func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}

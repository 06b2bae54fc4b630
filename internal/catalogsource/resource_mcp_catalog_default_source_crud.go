package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

func (r *mcpDefaultSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createOverride[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *mcpDefaultSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readOverride[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *mcpDefaultSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateOverride[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *mcpDefaultSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteOverride[mcpDefaultSourceModel](ctx, r.shared(), req, resp)
}

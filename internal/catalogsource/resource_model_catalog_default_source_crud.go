package catalogsource

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

func (r *defaultSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createOverride[defaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *defaultSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readOverride[defaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *defaultSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateOverride[defaultSourceModel](ctx, r.shared(), req, resp)
}

func (r *defaultSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteOverride[defaultSourceModel](ctx, r.shared(), req, resp)
}

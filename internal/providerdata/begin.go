package providerdata

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

// ModelGetter is tfsdk.Plan or tfsdk.State: where a CRUD method reads its model.
type ModelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// Timed is a resource model with a timeouts block.
type Timed interface {
	TimeoutsValue() timeouts.Value
}

// Begin is how the families' CRUD methods that reach the cluster start: it
// reads the model from the plan or state, bounds ctx by the model's timeout that
// timeout picks (timeouts.Value.Create, ...; def when unset) and connects. ok is
// false when a step failed, the reason in diags; the caller always defers cancel.
func Begin[M any, P interface {
	*M
	Timed
}](ctx context.Context, data *Data, from ModelGetter,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics,
) (model M, opCtx context.Context, cancel context.CancelFunc, client kube.Cluster, ok bool) {
	diags.Append(from.Get(ctx, &model)...)
	if diags.HasError() {
		return model, ctx, func() {}, nil, false
	}
	bound, timeoutDiags := timeout(P(&model).TimeoutsValue(), ctx, def)
	diags.Append(timeoutDiags...)
	opCtx, cancel = context.WithTimeout(ctx, bound)
	client, clientDiags := data.ClientDiags()
	diags.Append(clientDiags...)
	return model, opCtx, cancel, client, !diags.HasError()
}

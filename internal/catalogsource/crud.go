package catalogsource

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// modelGetter is tfsdk.Plan or tfsdk.State: where a CRUD method reads its model.
type modelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// timed is a resource model with a timeouts block.
type timed interface {
	timeoutsValue() timeouts.Value
}

// begin is how every source's CRUD method starts: it reads the model from the
// plan or state, bounds ctx by the model's timeout that timeout picks
// (timeouts.Value.Create, ...; def when unset) and connects. ok is false when a
// step failed, the reason in diags; the caller always defers cancel.
func begin[M any, P interface {
	*M
	timed
}](ctx context.Context, data *providerdata.Data, from modelGetter,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics,
) (model M, opCtx context.Context, cancel context.CancelFunc, client kube.Cluster, ok bool) {
	diags.Append(from.Get(ctx, &model)...)
	if diags.HasError() {
		return model, ctx, func() {}, nil, false
	}
	bound, timeoutDiags := timeout(P(&model).timeoutsValue(), ctx, def)
	diags.Append(timeoutDiags...)
	opCtx, cancel = context.WithTimeout(ctx, bound)
	client, clientDiags := clientOf(data)
	diags.Append(clientDiags...)
	return model, opCtx, cancel, client, !diags.HasError()
}

func (m *sourceModel) timeoutsValue() timeouts.Value           { return m.Timeouts }
func (m *mcpSourceModel) timeoutsValue() timeouts.Value        { return m.Timeouts }
func (m *defaultSourceModel) timeoutsValue() timeouts.Value    { return m.Timeouts }
func (m *mcpDefaultSourceModel) timeoutsValue() timeouts.Value { return m.Timeouts }

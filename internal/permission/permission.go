package permission

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// protocol runs the writes of the registries' RoleBindings on client.
func protocol(client kube.Interface) *lifecycle.Protocol {
	return &lifecycle.Protocol{Client: client, Log: logTo}
}

func logTo(ctx context.Context, msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) }

// appendProblems adds the problems in err as errors, on the argument whose
// value the fix changes when there is one.
func appendProblems(diags *diag.Diagnostics, err error, fallback string) {
	for _, p := range lifecycle.Problems(err, fallback) {
		if p.Attribute != "" {
			diags.AddAttributeError(path.Root(p.Attribute), p.Summary, p.Detail)
			continue
		}
		diags.AddError(p.Summary, p.Detail)
	}
}

// modelGetter is tfsdk.Plan or tfsdk.State: where a CRUD method reads its model.
type modelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// timed is a resource model with a timeouts block.
type timed interface {
	timeoutsValue() timeouts.Value
}

// begin is how the family's CRUD methods that reach the cluster start: it reads
// the model from the plan or state, bounds ctx by the model's timeout that
// timeout picks (timeouts.Value.Create, ...; def when unset) and connects. ok
// is false when a step failed, the reason in diags; the caller always defers cancel.
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
	client, clientDiags := data.ClientDiags()
	diags.Append(clientDiags...)
	return model, opCtx, cancel, client, !diags.HasError()
}

func (m *modelRegistryPermissionModel) timeoutsValue() timeouts.Value   { return m.Timeouts }
func (m *modelRegistryPermissionsModel) timeoutsValue() timeouts.Value  { return m.Timeouts }
func (m *modelRegistryGroupMembersModel) timeoutsValue() timeouts.Value { return m.Timeouts }

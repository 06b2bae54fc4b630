package permission

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
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

func (m *modelRegistryPermissionModel) TimeoutsValue() timeouts.Value   { return m.Timeouts }
func (m *modelRegistryPermissionsModel) TimeoutsValue() timeouts.Value  { return m.Timeouts }
func (m *modelRegistryGroupMembersModel) TimeoutsValue() timeouts.Value { return m.Timeouts }

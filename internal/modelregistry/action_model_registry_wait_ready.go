package modelregistry

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ action.Action              = &waitReadyAction{}
	_ action.ActionWithConfigure = &waitReadyAction{}
)

// defaultWaitReadyTimeout is how long the action waits when timeout is not set.
const defaultWaitReadyTimeout = 10 * time.Minute

type waitReadyAction struct {
	data *providerdata.Data
}

// NewWaitReadyAction is the openshiftai_model_registry_wait_ready action (Terraform 1.14+).
func NewWaitReadyAction() action.Action { return &waitReadyAction{} }

func (a *waitReadyAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_wait_ready"
}

func (a *waitReadyAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (a *waitReadyAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attributes := registryAttributes()
	attributes["timeout"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "How long to wait, as a Go duration such as `15m`. Defaults to `10m`.",
		Validators:          []validator.String{validators.Duration()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits until the operator reports a registry available (`Available=True`), and fails at once " +
			"with the operator's message when it reports a database configuration error, which waiting does not fix. " +
			"Registries created with `wait_for_ready = false` (to create a fleet without waiting for each), or restarted " +
			"by a database or operator maintenance, are ready only later: run this action, for example from an " +
			"`action_trigger` after the registries' creation or with `terraform apply -invoke`, before handing them to " +
			"users or running pipelines against them. It changes nothing. Needs Terraform 1.14 or later.",
		Attributes: attributes,
	}
}

type waitReadyModel struct {
	Registry  types.String `tfsdk:"registry"`
	Namespace types.String `tfsdk:"namespace"`
	Timeout   types.String `tfsdk:"timeout"`
}

func (a *waitReadyAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config waitReadyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := defaultWaitReadyTimeout
	if !config.Timeout.IsNull() {
		parsed, err := time.ParseDuration(config.Timeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Invalid timeout", fmt.Sprintf("timeout %q is not a duration such as 15m: %s.", config.Timeout.ValueString(), err))
			return
		}
		timeout = parsed
	}
	client, observed, diags := readActionRegistry(ctx, a.data, registryActionModel{Registry: config.Registry, Namespace: config.Namespace})
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := observed.Namespace + "/" + observed.Name
	if observed.Ready() {
		progress(resp, fmt.Sprintf("Model registry %s is ready.", id))
		return
	}
	progress(resp, fmt.Sprintf("Waiting up to %s for model registry %s to become ready (now: %s).", timeout, id, observed.LastCondition()))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := lifecycle.WaitReady(ctx, client, observed.Namespace, observed.Name, nil); err != nil {
		for _, p := range lifecycle.Problems(err, lifecycle.SummaryRead) {
			// The resource's advice on its own timeouts becomes the action's.
			detail := strings.Replace(p.Detail, "raise timeouts or set wait_for_ready = false to not wait", "raise the action's timeout", 1)
			resp.Diagnostics.AddError(p.Summary, detail)
		}
		return
	}
	progress(resp, fmt.Sprintf("Model registry %s is ready.", id))
}

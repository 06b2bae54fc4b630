// Package oci stands in for Terraform's "oci" state backend in the test build of Terraform
// (the module proxy does not serve the backend's own module); it refuses to be configured.
package oci

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

// New returns the refusing backend; Terraform's backend list calls it for "oci".
func New() backend.Backend { return unavailable{} }

type unavailable struct{}

func (unavailable) refusal() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(tfdiags.Sourceless(tfdiags.Error,
		`The "oci" backend is not built into this Terraform`,
		`This Terraform binary is built for the provider's acceptance tests, which keep state on the local disk. Use the "local" backend, or an official Terraform release for the "oci" backend.`))
}

func (unavailable) ConfigSchema() *configschema.Block { return &configschema.Block{} }

func (u unavailable) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) {
	return v, u.refusal()
}

func (u unavailable) Configure(cty.Value) tfdiags.Diagnostics { return u.refusal() }

func (u unavailable) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics) { return nil, u.refusal() }

func (u unavailable) DeleteWorkspace(string, bool) tfdiags.Diagnostics { return u.refusal() }

func (u unavailable) Workspaces() ([]string, tfdiags.Diagnostics) { return nil, u.refusal() }

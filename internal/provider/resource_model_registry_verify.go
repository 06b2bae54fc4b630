package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// verifyDatabase checks the database from where Terraform runs when
// database.verify_connection is on.
func (r *modelRegistryResource) verifyDatabase(_ context.Context, _ *kube.Client, plan modelRegistryModel, _ registry.Registry, _ string) diag.Diagnostics {
	if !plan.Database.VerifyConnection.ValueBool() {
		return nil
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(passwordWOPath.ParentPath().AtName("verify_connection"), "Not available", "verify_connection is not available yet")
	return diags
}

package tfutil

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A type that takes moves upgrades the identity OpenTofu keeps from
// hashicorp/kubernetes (version 1: api_version, kind, name, namespace) to its
// own; a type that takes none has nothing to upgrade.
func TestIdentityUpgradesTheMovedIdentity(t *testing.T) {
	ctx := context.Background()
	moved := Identity{Key: "name", TakesMoves: true}
	var schemaResp resource.IdentitySchemaResponse
	moved.Schema(ctx, resource.IdentitySchemaRequest{}, &schemaResp)
	if schemaResp.IdentitySchema.Version != MovedIdentityVersion {
		t.Fatalf("identity version = %d, want %d", schemaResp.IdentitySchema.Version, MovedIdentityVersion)
	}
	upgraders := moved.Upgraders(ctx)
	if len(upgraders) != MovedIdentityVersion {
		t.Fatalf("upgraders for versions %v, want 0 to %d", upgraders, MovedIdentityVersion-1)
	}
	for _, tc := range []struct {
		name, json, wantErr string
	}{
		{"kubernetes_manifest", `{"api_version":"modelregistry.opendatahub.io/v1beta1","kind":"ModelRegistry","name":"fraud","namespace":"rhoai-model-registries"}`, ""},
		{"own", `{"name":"fraud","namespace":"rhoai-model-registries"}`, ""},
		{"no namespace", `{"api_version":"v1","kind":"ModelRegistry","name":"fraud"}`, "Cannot upgrade the resource identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := resource.UpgradeIdentityResponse{Identity: &tfsdk.ResourceIdentity{Schema: schemaResp.IdentitySchema}}
			upgraders[1].IdentityUpgrader(ctx, resource.UpgradeIdentityRequest{RawIdentity: &tfprotov6.RawState{JSON: []byte(tc.json)}}, &resp)
			if tc.wantErr != "" {
				if !resp.Diagnostics.HasError() || resp.Diagnostics.Errors()[0].Summary() != tc.wantErr {
					t.Fatalf("diagnostics = %v, want %q", resp.Diagnostics, tc.wantErr)
				}
				return
			}
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			for attribute, want := range map[string]string{"namespace": "rhoai-model-registries", "name": "fraud"} {
				var got types.String
				resp.Identity.GetAttribute(ctx, path.Root(attribute), &got)
				if got.ValueString() != want {
					t.Errorf("%s = %q, want %q", attribute, got.ValueString(), want)
				}
			}
		})
	}
	if got := (Identity{Key: "source_id"}).Upgraders(ctx); len(got) != 0 {
		t.Errorf("a type without moves has upgraders for %v", got)
	}
}

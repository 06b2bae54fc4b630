package tfutil

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var testIdentity = Identity{Key: "source_id", KeyDescription: "The source's id."}

func identityOf(t *testing.T, values map[string]tftypes.Value) *tfsdk.ResourceIdentity {
	t.Helper()
	var resp resource.IdentitySchemaResponse
	testIdentity.Schema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	typ := resp.IdentitySchema.Type().TerraformType(context.Background())
	raw := tftypes.NewValue(typ, nil)
	if values != nil {
		raw = tftypes.NewValue(typ, values)
	}
	return &tfsdk.ResourceIdentity{Schema: resp.IdentitySchema, Raw: raw}
}

func stateWithID(id string) tfsdk.State {
	s := schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
	return tfsdk.State{Schema: s, Raw: tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}},
		map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})}
}

func TestIdentitySetFromState(t *testing.T) {
	ctx := context.Background()
	identity := identityOf(t, nil)
	var diags diag.Diagnostics
	testIdentity.SetFromState(ctx, stateWithID("rhoai-model-registries/team_models"), identity, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := tftypes.NewValue(identity.Raw.Type(), map[string]tftypes.Value{
		"namespace": tftypes.NewValue(tftypes.String, "rhoai-model-registries"), "source_id": tftypes.NewValue(tftypes.String, "team_models"),
	})
	if !identity.Raw.Equal(want) {
		t.Errorf("identity = %s, want %s", identity.Raw, want)
	}
	// A CLI without identity support gets none, and nothing fails.
	testIdentity.SetFromState(ctx, stateWithID("ns/x"), nil, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	testIdentity.SetFromState(ctx, stateWithID("no-slash"), identityOf(t, nil), &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), `"no-slash" is not <namespace>/<source_id>`) {
		t.Errorf("a malformed id gives %v", diags)
	}
}

func TestIdentityImportID(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	if got := testIdentity.ImportID(ctx, resource.ImportStateRequest{ID: "ns/by-id"}, &diags); got != "ns/by-id" || diags.HasError() {
		t.Errorf("import by ID gives %q, %v", got, diags)
	}
	full := identityOf(t, map[string]tftypes.Value{
		"namespace": tftypes.NewValue(tftypes.String, "odh-model-registries"), "source_id": tftypes.NewValue(tftypes.String, "team_models"),
	})
	if got := testIdentity.ImportID(ctx, resource.ImportStateRequest{Identity: full}, &diags); got != "odh-model-registries/team_models" || diags.HasError() {
		t.Errorf("import by identity gives %q, %v", got, diags)
	}
	partial := identityOf(t, map[string]tftypes.Value{
		"namespace": tftypes.NewValue(tftypes.String, nil), "source_id": tftypes.NewValue(tftypes.String, "team_models"),
	})
	testIdentity.ImportID(ctx, resource.ImportStateRequest{Identity: partial}, &diags)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "needs both namespace and source_id") {
		t.Errorf("an identity without namespace gives %v", diags)
	}
}

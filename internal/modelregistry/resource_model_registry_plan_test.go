package modelregistry

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func rawState(defaultDatabase bool) tftypes.Value {
	return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "resource_name": tftypes.String, "default_database": tftypes.Bool,
	}}, map[string]tftypes.Value{
		"id":               tftypes.NewValue(tftypes.String, "rhoai-model-registries/dev"),
		"resource_name":    tftypes.NewValue(tftypes.String, "dev"),
		"default_database": tftypes.NewValue(tftypes.Bool, defaultDatabase),
	})
}

func TestWarnDefaultDatabaseLoss(t *testing.T) {
	var diags diag.Diagnostics
	warnDefaultDatabaseLoss(rawState(true), "replaces", &diags)
	if len(diags) != 1 || diags.HasError() || !strings.Contains(diags[0].Detail(), "PVC dev-postgres-storage") ||
		!strings.Contains(diags[0].Detail(), "replaces model registry rhoai-model-registries/dev") {
		t.Errorf("warning %v", diags)
	}
	diags = nil
	warnDefaultDatabaseLoss(rawState(false), "destroys", &diags)
	if len(diags) != 0 {
		t.Errorf("an external database warns: %v", diags)
	}
}

func TestPlanDatabase(t *testing.T) {
	cases := map[string]struct {
		plan             plannedRegistry
		wantType, secret tftypes.Value
	}{
		"default database": {plannedRegistry{ResourceName: types.StringValue("dev"), DefaultDatabase: types.BoolValue(true), Database: presence{null: true}},
			tftypes.NewValue(tftypes.String, "postgres"), tftypes.NewValue(tftypes.String, "dev-postgres-credentials")},
		"postgres": {plannedRegistry{ResourceName: types.StringValue("pg"), DefaultDatabase: types.BoolValue(false), DatabaseType: types.StringValue("postgres")},
			tftypes.NewValue(tftypes.String, "postgres"), tftypes.NewValue(tftypes.String, nil)},
		"mysql": {plannedRegistry{ResourceName: types.StringValue("my"), DefaultDatabase: types.BoolValue(false), DatabaseType: types.StringValue("mysql")},
			tftypes.NewValue(tftypes.String, "mysql"), tftypes.NewValue(tftypes.String, nil)},
		"unknown type": {plannedRegistry{ResourceName: types.StringValue("x"), DefaultDatabase: types.BoolValue(false), DatabaseType: types.StringUnknown()},
			tftypes.NewValue(tftypes.String, tftypes.UnknownValue), tftypes.NewValue(tftypes.String, nil)},
		"unknown choice": {plannedRegistry{ResourceName: types.StringValue("x"), DefaultDatabase: types.BoolUnknown()},
			tftypes.NewValue(tftypes.String, tftypes.UnknownValue), tftypes.NewValue(tftypes.String, tftypes.UnknownValue)},
	}
	for name, tc := range cases {
		set := map[string]tftypes.Value{}
		planDatabase(tc.plan, set)
		if !set["database_type"].Equal(tc.wantType) || !set["default_database_secret_name"].Equal(tc.secret) {
			t.Errorf("%s: database_type %v secret %v", name, set["database_type"], set["default_database_secret_name"])
		}
	}
}

func TestReplacedAttributesDatabase(t *testing.T) {
	external := func(databaseType string) plannedRegistry {
		return plannedRegistry{ResourceName: types.StringValue("r"), Namespace: types.StringValue("ns"),
			DefaultDatabase: types.BoolValue(false), DatabaseType: types.StringValue(databaseType)}
	}
	dev := plannedRegistry{ResourceName: types.StringValue("r"), Namespace: types.StringValue("ns"),
		DefaultDatabase: types.BoolValue(true), DatabaseType: types.StringNull(), Database: presence{null: true}}
	cases := map[string]struct {
		plan, state plannedRegistry
		want        string
	}{
		"same type":           {external("mysql"), external("mysql"), ""},
		"type change":         {external("postgres"), external("mysql"), "database.type"},
		"to default database": {dev, external("mysql"), "default_database"},
		"from default":        {external("postgres"), dev, "default_database"},
		"unknown type":        {plannedRegistry{ResourceName: types.StringValue("r"), Namespace: types.StringValue("ns"), DefaultDatabase: types.BoolValue(false), DatabaseType: types.StringUnknown()}, external("mysql"), ""},
	}
	for name, tc := range cases {
		if got := strings.Join(replacedAttributes(tc.plan, tc.state), ","); got != tc.want {
			t.Errorf("%s: replaced %q, want %q", name, got, tc.want)
		}
	}
}

package modelregistry

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var rawTestType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"name": tftypes.String,
	"database": tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"port": tftypes.Number, "verify": tftypes.Bool, "user": tftypes.String,
	}},
}}

func rawTestValue(database tftypes.Value) tftypes.Value {
	return tftypes.NewValue(rawTestType, map[string]tftypes.Value{
		"name":     tftypes.NewValue(tftypes.String, "fraud"),
		"database": database,
	})
}

func TestRawReaders(t *testing.T) {
	databaseType := rawTestType.AttributeTypes["database"]
	known := rawTestValue(tftypes.NewValue(databaseType, map[string]tftypes.Value{
		"port":   tftypes.NewValue(tftypes.Number, 3306),
		"verify": tftypes.NewValue(tftypes.Bool, true),
		"user":   tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	}))
	unknown := rawTestValue(tftypes.NewValue(databaseType, tftypes.UnknownValue))
	null := rawTestValue(tftypes.NewValue(databaseType, nil))

	for _, c := range []struct {
		name string
		got  any
		want any
	}{
		{"top-level string", stringAt(known, "name"), types.StringValue("fraud")},
		{"nested number", int64At(known, "database", "port"), types.Int64Value(3306)},
		{"nested bool", boolAt(known, "database", "verify"), types.BoolValue(true)},
		{"nested unknown string", stringAt(known, "database", "user"), types.StringUnknown()},
		{"below an unknown object", int64At(unknown, "database", "port"), types.Int64Unknown()},
		{"below a null object", boolAt(null, "database", "verify"), types.BoolNull()},
		{"unknown object", presenceAt(unknown, "database"), presence{unknown: true}},
		{"null object", presenceAt(null, "database"), presence{null: true}},
		{"set object", presenceAt(known, "database"), presence{}},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestWithAttributes(t *testing.T) {
	databaseType := rawTestType.AttributeTypes["database"]
	v := rawTestValue(tftypes.NewValue(databaseType, nil))
	same, err := withAttributes(v, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "fraud")})
	if err != nil || !same.Equal(v) {
		t.Errorf("setting the value it has: %v, %v", same, err)
	}
	changed, err := withAttributes(v, map[string]tftypes.Value{"name": rawString(types.StringValue("churn"))})
	if err != nil {
		t.Fatal(err)
	}
	if got := stringAt(changed, "name"); got != types.StringValue("churn") {
		t.Errorf("name = %v after setting it to churn", got)
	}
	if !changed.Type().Equal(rawTestType) {
		t.Errorf("type changed to %v", changed.Type())
	}
	if got := stringAt(v, "name"); got != types.StringValue("fraud") {
		t.Errorf("the original value changed: name = %v", got)
	}
}

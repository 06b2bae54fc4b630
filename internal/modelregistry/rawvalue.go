package modelregistry

import (
	"maps"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ValidateConfig and ModifyPlan run for every resource in every plan, and read
// a handful of values from the request. The framework's GetAttribute and
// SetAttribute walk the schema and the whole value on each call, which for a
// plan of hundreds of registries costs more than everything else these methods
// do; the helpers here read and write the request's raw value directly.

// rawAt returns the value at a path of attribute names below v. known is false
// when v or an object on the way is unknown; a null on the way gives a null.
func rawAt(v tftypes.Value, names ...string) (value tftypes.Value, known bool) {
	for _, name := range names {
		if !v.IsKnown() {
			return v, false
		}
		if v.IsNull() {
			return tftypes.Value{}, true
		}
		var attributes map[string]tftypes.Value
		if err := v.As(&attributes); err != nil {
			return tftypes.Value{}, true
		}
		v = attributes[name]
	}
	return v, v.IsKnown()
}

func stringAt(v tftypes.Value, names ...string) types.String {
	value, known := rawAt(v, names...)
	var s string
	switch {
	case !known:
		return types.StringUnknown()
	case value.IsNull() || value.As(&s) != nil:
		return types.StringNull()
	}
	return types.StringValue(s)
}

func boolAt(v tftypes.Value, names ...string) types.Bool {
	value, known := rawAt(v, names...)
	var b bool
	switch {
	case !known:
		return types.BoolUnknown()
	case value.IsNull() || value.As(&b) != nil:
		return types.BoolNull()
	}
	return types.BoolValue(b)
}

func int64At(v tftypes.Value, names ...string) types.Int64 {
	value, known := rawAt(v, names...)
	var f big.Float
	switch {
	case !known:
		return types.Int64Unknown()
	case value.IsNull() || value.As(&f) != nil:
		return types.Int64Null()
	}
	i, _ := f.Int64()
	return types.Int64Value(i)
}

// presence is whether a value (an object, typically) is set, null or unknown.
type presence struct{ unknown, null bool }

func (p presence) IsUnknown() bool { return p.unknown }
func (p presence) IsNull() bool    { return p.null }

func presenceAt(v tftypes.Value, names ...string) presence {
	value, known := rawAt(v, names...)
	return presence{unknown: !known, null: known && value.IsNull()}
}

// withAttributes returns object v with some top-level attributes replaced; v
// itself when they already have those values.
func withAttributes(v tftypes.Value, set map[string]tftypes.Value) (tftypes.Value, error) {
	var attributes map[string]tftypes.Value
	if err := v.As(&attributes); err != nil {
		return v, err
	}
	changed := false
	for name, value := range set {
		if !attributes[name].Equal(value) {
			changed = true
		}
	}
	if !changed {
		return v, nil
	}
	// As shares the value's own map: change a copy.
	copied := maps.Clone(attributes)
	maps.Copy(copied, set)
	return tftypes.NewValue(v.Type(), copied), nil
}

// rawString is the raw form of a string attribute's value.
func rawString(s types.String) tftypes.Value {
	switch {
	case s.IsUnknown():
		return tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	case s.IsNull():
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s.ValueString())
}

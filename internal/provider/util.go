package provider

import (
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func slicesSort(s []string) { slices.Sort(s) }

// nullTimeouts is the timeouts attribute of an imported resource.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

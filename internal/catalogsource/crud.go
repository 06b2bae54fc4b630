package catalogsource

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
)

func (m *sourceModel) TimeoutsValue() timeouts.Value           { return m.Timeouts }
func (m *mcpSourceModel) TimeoutsValue() timeouts.Value        { return m.Timeouts }
func (m *defaultSourceModel) TimeoutsValue() timeouts.Value    { return m.Timeouts }
func (m *mcpDefaultSourceModel) TimeoutsValue() timeouts.Value { return m.Timeouts }

package permission

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

type modelRegistryPermissionModel struct {
	ID          types.String   `tfsdk:"id"`
	BindingName types.String   `tfsdk:"binding_name"`
	Registry    types.String   `tfsdk:"registry"`
	Namespace   types.String   `tfsdk:"namespace"`
	User        types.String   `tfsdk:"user"`
	Group       types.String   `tfsdk:"group"`
	Project     types.String   `tfsdk:"project"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// permission is the domain permission the model declares.
func (m modelRegistryPermissionModel) permission() registry.Permission {
	p := registry.Permission{Registry: m.Registry.ValueString(), Namespace: m.Namespace.ValueString()}
	switch {
	case !m.User.IsNull():
		p.Kind, p.Subject = registry.SubjectUser, m.User.ValueString()
	case !m.Group.IsNull():
		p.Kind, p.Subject = registry.SubjectGroup, m.Group.ValueString()
	case !m.Project.IsNull():
		p.Kind, p.Subject = registry.SubjectProject, m.Project.ValueString()
	}
	return p
}

// subjectKnown reports whether the configured subject is known at plan time.
func (m modelRegistryPermissionModel) subjectKnown() bool {
	for _, v := range []types.String{m.User, m.Group, m.Project} {
		if v.IsUnknown() {
			return false
		}
	}
	return !m.User.IsNull() || !m.Group.IsNull() || !m.Project.IsNull()
}

// setPermission writes p into the model: registry, namespace and the one subject attribute.
func (m *modelRegistryPermissionModel) setPermission(p registry.Permission) {
	m.Registry = types.StringValue(p.Registry)
	m.Namespace = types.StringValue(p.Namespace)
	m.User, m.Group, m.Project = types.StringNull(), types.StringNull(), types.StringNull()
	switch p.Kind {
	case registry.SubjectUser:
		m.User = types.StringValue(p.Subject)
	case registry.SubjectGroup:
		m.Group = types.StringValue(p.Subject)
	case registry.SubjectProject:
		m.Project = types.StringValue(p.Subject)
	}
}

func (m *modelRegistryPermissionModel) setBindingName(namespace, name string) {
	m.BindingName = types.StringValue(name)
	m.ID = types.StringValue(namespace + "/" + name)
}

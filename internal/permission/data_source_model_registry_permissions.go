package permission

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/lifecycle"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

var (
	_ datasource.DataSource              = &modelRegistryPermissionsDataSource{}
	_ datasource.DataSourceWithConfigure = &modelRegistryPermissionsDataSource{}
)

// subjectServiceAccount is the subject_kind of a ServiceAccount bound by hand;
// the dashboard never makes such bindings, but they grant access all the same.
const subjectServiceAccount = "service_account"

// NewModelRegistryPermissionsDataSource is the openshiftai_model_registry_permissions data source.
func NewModelRegistryPermissionsDataSource() datasource.DataSource {
	return &modelRegistryPermissionsDataSource{}
}

// modelRegistryPermissionsDataSource lists who may use a registry: every
// RoleBinding to its user role, whoever made it.
type modelRegistryPermissionsDataSource struct {
	data *providerdata.Data
}

type modelRegistryPermissionsDataModel struct {
	ID          types.String           `tfsdk:"id"`
	Registry    types.String           `tfsdk:"registry"`
	Namespace   types.String           `tfsdk:"namespace"`
	Permissions []permissionEntryModel `tfsdk:"permissions"`
}

type permissionEntryModel struct {
	BindingName   types.String `tfsdk:"binding_name"`
	SubjectKind   types.String `tfsdk:"subject_kind"`
	Subject       types.String `tfsdk:"subject"`
	Project       types.String `tfsdk:"project"`
	Managed       types.Bool   `tfsdk:"managed"`
	OperatorOwned types.Bool   `tfsdk:"operator_owned"`
}

func (d *modelRegistryPermissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_model_registry_permissions"
}

func (d *modelRegistryPermissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.From(req.ProviderData, &resp.Diagnostics)
}

func (d *modelRegistryPermissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists who may use a model registry: every RoleBinding in its namespace to the operator's Role " +
			"`registry-user-<registry>`, whether the dashboard, `openshiftai_model_registry_permission`, the operator or " +
			"someone with `oc` made it. Bindings are found by the Role they bind, not by their labels, so bindings made by " +
			"hand appear too. A binding with several subjects gives one entry per subject, each with the binding's name.\n\n" +
			"Reading it needs `get` on the registry and `list` on RoleBindings in its namespace.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<registry>`.",
			},
			"registry": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Kubernetes name of the model registry (`resource_name`), not its display name. A registry " +
					"that does not exist is an error.",
				Validators: []validator.String{validators.NotBlank()},
			},
			"namespace": tfutil.RegistryNamespaceAttribute("the registry"),
			"permissions": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One entry per subject of each binding, ordered by `binding_name`, then `subject_kind` and `subject`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"binding_name": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "Name of the RoleBinding, such as `dashboard-permissions-abc123` (the dashboard), " +
								"`<registry>-users` (the operator) or the name `openshiftai_model_registry_permission` derived.",
						},
						"subject_kind": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "`user`, `group` or `project`, as in `openshiftai_model_registry_permission`. A " +
								"project is the group `system:serviceaccounts:<project>`. A ServiceAccount bound by hand is " +
								"`service_account`.",
						},
						"subject": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The user or group name; for a project the project's name; for a service account " +
								"its name.",
						},
						"project": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The project (namespace) of a `project` or `service_account` subject; null for users " +
								"and groups.",
						},
						"managed": schema.BoolAttribute{
							Computed: true,
							MarkdownDescription: "Whether this provider made the binding (label " +
								"`app.kubernetes.io/managed-by=terraform-provider-openshiftai`).",
						},
						"operator_owned": schema.BoolAttribute{
							Computed: true,
							MarkdownDescription: "Whether this is the operator's own binding of its group `<registry>-users`, which " +
								"the operator manages; add users to that group to grant them access.",
						},
					},
				},
			},
		},
	}
}

func (d *modelRegistryPermissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config modelRegistryPermissionsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, namespace, diags := d.data.ClientAndNamespace(ctx, config.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	registryName := config.Registry.ValueString()
	// A misspelt registry is an error rather than an empty list.
	if _, err := lifecycle.Find(ctx, d.data.Listed(client), namespace, registryName, lifecycle.GatherOptions{}); err != nil {
		for _, p := range lifecycle.Problems(err, lifecycle.SummaryRead) {
			resp.Diagnostics.AddError(p.Summary, p.Detail)
		}
		return
	}
	// Every binding of the registry's role is read, not only labelled ones: people bind the
	// role by hand. They come from the process's one list of the namespace's bindings, so a
	// plan that reads the permissions of N registries lists them once, not N times.
	items, err := roleBindings(ctx, d.data, client, namespace, registryName)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the registry's RoleBindings", err.Error())
		return
	}
	bindings := make([]rbacv1.RoleBinding, 0, len(items))
	for i := range items {
		var binding rbacv1.RoleBinding
		if err := kube.FromUnstructured(&items[i], &binding); err != nil {
			resp.Diagnostics.AddError("Cannot read a RoleBinding", fmt.Sprintf("RoleBinding %s/%s: %v", namespace, items[i].GetName(), err))
			return
		}
		bindings = append(bindings, binding)
	}
	var state modelRegistryPermissionsDataModel
	flattenModelRegistryPermissionsData(&state, namespace, registryName, bindings)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// flattenModelRegistryPermissionsData writes into m the subjects of the
// bindings to the user role of registry registryName, one entry per subject.
func flattenModelRegistryPermissionsData(m *modelRegistryPermissionsDataModel, namespace, registryName string, bindings []rbacv1.RoleBinding) {
	m.ID = types.StringValue(namespace + "/" + registryName)
	m.Registry = types.StringValue(registryName)
	m.Namespace = types.StringValue(namespace)
	m.Permissions = permissionEntries(registryName, bindings)
}

// permissionEntries are the subjects of the bindings to the user role of
// registry name, one entry per subject, in a stable order.
func permissionEntries(registryName string, bindings []rbacv1.RoleBinding) []permissionEntryModel {
	role := registry.UserRoleName(registryName)
	entries := []permissionEntryModel{}
	for i := range bindings {
		binding := &bindings[i]
		if binding.RoleRef.Kind != "Role" || binding.RoleRef.Name != role {
			continue
		}
		for _, subject := range binding.Subjects {
			entries = append(entries, permissionEntryFrom(binding, subject))
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.BindingName != b.BindingName {
			return a.BindingName.ValueString() < b.BindingName.ValueString()
		}
		if a.SubjectKind != b.SubjectKind {
			return a.SubjectKind.ValueString() < b.SubjectKind.ValueString()
		}
		return a.Subject.ValueString() < b.Subject.ValueString()
	})
	return entries
}

// permissionEntryFrom reads one subject of a binding to a registry's user role
// with the domain's parser, as if it were the binding's only subject.
func permissionEntryFrom(binding *rbacv1.RoleBinding, subject rbacv1.Subject) permissionEntryModel {
	single := binding.DeepCopy()
	single.Subjects = []rbacv1.Subject{subject}
	entry := permissionEntryModel{
		BindingName:   types.StringValue(binding.Name),
		Project:       types.StringNull(),
		Managed:       types.BoolValue(binding.Labels[registry.LabelAppManagedBy] == registry.ManagedByProvider),
		OperatorOwned: types.BoolValue(false),
	}
	observed, err := registry.ParseRoleBinding(single)
	if err != nil {
		// Only a ServiceAccount gets here: the API server admits no other subject kind.
		project := subject.Namespace
		if project == "" {
			project = binding.Namespace
		}
		entry.SubjectKind = types.StringValue(subjectServiceAccount)
		entry.Subject = types.StringValue(subject.Name)
		entry.Project = types.StringValue(project)
		return entry
	}
	entry.SubjectKind = types.StringValue(string(observed.Kind))
	entry.Subject = types.StringValue(observed.Subject)
	entry.Managed = types.BoolValue(observed.Managed)
	entry.OperatorOwned = types.BoolValue(observed.OperatorOwned)
	if observed.Kind == registry.SubjectProject {
		entry.Project = types.StringValue(observed.Subject)
	}
	return entry
}

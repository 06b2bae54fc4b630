// Package kubernetesstandin is a stand-in for the two resource types of
// hashicorp/kubernetes that openshiftai resources take over with moved blocks:
// kubernetes_manifest and kubernetes_role_binding_v1. hashicorp/kubernetes
// cannot be installed where the tests run (no Terraform registry), and
// Terraform loads a state only with the provider of each resource in it, so
// the tests serve this provider under the name "kubernetes" instead.
//
// It models what a moved block depends on, fact by fact:
//   - the schemas' state shape: kubernetes_manifest keeps manifest and object
//     as dynamic values (schema version 1); kubernetes_role_binding_v1 has
//     metadata, role_ref and subject as list blocks and the id
//     "<namespace>/<name>" (schema version 0);
//   - the resource identity (Terraform 1.12+) both carry: schema version 1 with
//     api_version, kind and name (required for import) and namespace (optional
//     for import), set from the object on create and read, as hashicorp/kubernetes
//     does for kubernetes_manifest (its protocol server) and for
//     kubernetes_role_binding_v1 (api_version "rbac.authorization.k8s.io/v1",
//     kind "RoleBinding");
//   - the objects on the cluster: kubernetes_manifest server-side applies the
//     manifest with the field manager "Terraform" (hashicorp/kubernetes'
//     default) and records it as object; kubernetes_role_binding_v1 creates the
//     RoleBinding as configured, without labels of its own.
//
// It does not model updates, drift, waits or deletion protection: a test
// creates with it, then moves away from it. Delete removes the object.
package kubernetesstandin

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// FieldManager is kubernetes_manifest's default field manager.
const FieldManager = "Terraform"

// New is the stand-in provider, writing to the cluster through the clients given.
func New(dyn dynamic.Interface, typed kubernetes.Interface) func() provider.Provider {
	return func() provider.Provider { return &standIn{dyn: dyn, typed: typed} }
}

type standIn struct {
	dyn   dynamic.Interface
	typed kubernetes.Interface
}

func (p *standIn) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "kubernetes"
}

func (p *standIn) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *standIn) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *standIn) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p *standIn) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &manifest{p} },
		func() resource.Resource { return &roleBinding{p} },
	}
}

var (
	_ resource.ResourceWithIdentity = &manifest{}
	_ resource.ResourceWithIdentity = &roleBinding{}
)

// identitySchema is the identity hashicorp/kubernetes gives kubernetes_manifest
// and its namespaced typed resources such as kubernetes_role_binding_v1.
func identitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: 1,
		Attributes: map[string]identityschema.Attribute{
			"api_version": identityschema.StringAttribute{RequiredForImport: true},
			"kind":        identityschema.StringAttribute{RequiredForImport: true},
			"name":        identityschema.StringAttribute{RequiredForImport: true},
			"namespace":   identityschema.StringAttribute{OptionalForImport: true},
		},
	}
}

// setIdentity records the object's identity as hashicorp/kubernetes does.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, apiVersion, kind, namespace, name string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, &struct {
		APIVersion string `tfsdk:"api_version"`
		Kind       string `tfsdk:"kind"`
		Name       string `tfsdk:"name"`
		Namespace  string `tfsdk:"namespace"`
	}{apiVersion, kind, name, namespace})
}

// manifest is kubernetes_manifest.
type manifest struct{ p *standIn }

func (r *manifest) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	identitySchema(ctx, req, resp)
}

func (r *manifest) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "kubernetes_manifest"
}

func (r *manifest) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 1,
		Attributes: map[string]schema.Attribute{
			"manifest":        schema.DynamicAttribute{Required: true},
			"object":          schema.DynamicAttribute{Optional: true, Computed: true},
			"computed_fields": schema.ListAttribute{ElementType: types.StringType, Optional: true},
		},
	}
}

// kindResources are the kinds the stand-in can apply.
var kindResources = map[string]string{"ModelRegistry": "modelregistries", "ConfigMap": "configmaps", "Secret": "secrets"}

func (r *manifest) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var raw tftypes.Value
	var m types.Dynamic
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("manifest"), &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw, err := m.ToTerraformValue(ctx)
	if err != nil {
		resp.Diagnostics.AddError("manifest", err.Error())
		return
	}
	object, err := goValue(raw)
	if err != nil {
		resp.Diagnostics.AddError("manifest", err.Error())
		return
	}
	fields, ok := object.(map[string]any)
	if !ok {
		resp.Diagnostics.AddError("manifest", "the manifest is not an object")
		return
	}
	u := &unstructured.Unstructured{Object: fields}
	gv, _ := k8sschema.ParseGroupVersion(u.GetAPIVersion())
	gvr := gv.WithResource(kindResources[u.GetKind()])
	body, _ := json.Marshal(u.Object)
	_, err = r.p.dyn.Resource(gvr).Namespace(u.GetNamespace()).Patch(ctx, u.GetName(), "application/apply-patch+yaml", body,
		metav1.PatchOptions{FieldManager: FieldManager, Force: ptr(true)})
	if err != nil {
		resp.Diagnostics.AddError("Cannot apply the manifest", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &struct {
		Manifest       types.Dynamic `tfsdk:"manifest"`
		Object         types.Dynamic `tfsdk:"object"`
		ComputedFields types.List    `tfsdk:"computed_fields"`
	}{m, m, types.ListNull(types.StringType)})...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, u.GetAPIVersion(), u.GetKind(), u.GetNamespace(), u.GetName())...)
}

// Read keeps the state; it only records the identity, which every read returns.
func (r *manifest) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m types.Dynamic
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("manifest"), &m)...)
	raw, _ := m.ToTerraformValue(ctx)
	object, err := goValue(raw)
	fields, ok := object.(map[string]any)
	if err != nil || !ok {
		resp.Diagnostics.AddError("manifest", "the state holds no manifest object")
		return
	}
	u := &unstructured.Unstructured{Object: fields}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, u.GetAPIVersion(), u.GetKind(), u.GetNamespace(), u.GetName())...)
}

func (r *manifest) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (r *manifest) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m types.Dynamic
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("manifest"), &m)...)
	raw, _ := m.ToTerraformValue(ctx)
	object, err := goValue(raw)
	fields, ok := object.(map[string]any)
	if err != nil || !ok {
		return
	}
	u := &unstructured.Unstructured{Object: fields}
	gv, _ := k8sschema.ParseGroupVersion(u.GetAPIVersion())
	_ = r.p.dyn.Resource(gv.WithResource(kindResources[u.GetKind()])).Namespace(u.GetNamespace()).Delete(ctx, u.GetName(), metav1.DeleteOptions{})
}

// roleBinding is kubernetes_role_binding_v1.
type roleBinding struct{ p *standIn }

func (r *roleBinding) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "kubernetes_role_binding_v1"
}

func (r *roleBinding) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	identitySchema(ctx, req, resp)
}

// roleBindingAPIVersion and roleBindingKind are what kubernetes_role_binding_v1's identity records.
const roleBindingAPIVersion, roleBindingKind = "rbac.authorization.k8s.io/v1", "RoleBinding"

func (r *roleBinding) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	str := func() schema.StringAttribute { return schema.StringAttribute{Optional: true} }
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}},
		Blocks: map[string]schema.Block{
			"metadata": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"name": str(), "namespace": str(),
				"labels":      schema.MapAttribute{ElementType: types.StringType, Optional: true},
				"annotations": schema.MapAttribute{ElementType: types.StringType, Optional: true},
				"uid":         schema.StringAttribute{Computed: true},
			}}},
			"role_ref": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"api_group": str(), "kind": str(), "name": str(),
			}}},
			"subject": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"api_group": str(), "kind": str(), "name": str(), "namespace": str(),
			}}},
		},
	}
}

type metadataModel struct {
	Name        types.String `tfsdk:"name"`
	Namespace   types.String `tfsdk:"namespace"`
	Labels      types.Map    `tfsdk:"labels"`
	Annotations types.Map    `tfsdk:"annotations"`
	UID         types.String `tfsdk:"uid"`
}

type roleRefModel struct {
	APIGroup types.String `tfsdk:"api_group"`
	Kind     types.String `tfsdk:"kind"`
	Name     types.String `tfsdk:"name"`
}

type subjectModel struct {
	APIGroup  types.String `tfsdk:"api_group"`
	Kind      types.String `tfsdk:"kind"`
	Name      types.String `tfsdk:"name"`
	Namespace types.String `tfsdk:"namespace"`
}

type roleBindingModel struct {
	ID       types.String    `tfsdk:"id"`
	Metadata []metadataModel `tfsdk:"metadata"`
	RoleRef  []roleRefModel  `tfsdk:"role_ref"`
	Subject  []subjectModel  `tfsdk:"subject"`
}

func (r *roleBinding) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m roleBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || len(m.Metadata) != 1 || len(m.RoleRef) != 1 {
		resp.Diagnostics.AddError("kubernetes_role_binding_v1", "one metadata and one role_ref block are required")
		return
	}
	meta := &m.Metadata[0]
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: meta.Name.ValueString(), Namespace: meta.Namespace.ValueString()},
		RoleRef:    rbacv1.RoleRef{APIGroup: m.RoleRef[0].APIGroup.ValueString(), Kind: m.RoleRef[0].Kind.ValueString(), Name: m.RoleRef[0].Name.ValueString()},
	}
	for _, s := range m.Subject {
		binding.Subjects = append(binding.Subjects, rbacv1.Subject{
			APIGroup: s.APIGroup.ValueString(), Kind: s.Kind.ValueString(), Name: s.Name.ValueString(), Namespace: s.Namespace.ValueString(),
		})
	}
	created, err := r.p.typed.RbacV1().RoleBindings(binding.Namespace).Create(ctx, binding, metav1.CreateOptions{})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the RoleBinding", err.Error())
		return
	}
	meta.UID = types.StringValue(string(created.UID))
	m.ID = types.StringValue(created.Namespace + "/" + created.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, roleBindingAPIVersion, roleBindingKind, created.Namespace, created.Name)...)
}

// Read keeps the state; it only records the identity, which every read returns.
func (r *roleBinding) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m roleBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || len(m.Metadata) != 1 {
		resp.Diagnostics.AddError("kubernetes_role_binding_v1", "the state holds no metadata block")
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, roleBindingAPIVersion, roleBindingKind,
		m.Metadata[0].Namespace.ValueString(), m.Metadata[0].Name.ValueString())...)
}

func (r *roleBinding) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (r *roleBinding) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m roleBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if len(m.Metadata) == 1 {
		_ = r.p.typed.RbacV1().RoleBindings(m.Metadata[0].Namespace.ValueString()).Delete(ctx, m.Metadata[0].Name.ValueString(), metav1.DeleteOptions{})
	}
}

// goValue turns a Terraform value into the JSON-like Go value of a Kubernetes object.
func goValue(v tftypes.Value) (any, error) {
	if v.IsNull() || !v.IsKnown() {
		return nil, nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case v.Type().Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case v.Type().Is(tftypes.Number):
		var n big.Float
		if err := v.As(&n); err != nil {
			return nil, err
		}
		if i, acc := n.Int64(); acc == big.Exact {
			return i, nil
		}
		f, _ := n.Float64()
		return f, nil
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var fields map[string]tftypes.Value
		if err := v.As(&fields); err != nil {
			return nil, err
		}
		out := map[string]any{}
		for k, f := range fields {
			g, err := goValue(f)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	case v.Type().Is(tftypes.Tuple{}), v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}):
		var items []tftypes.Value
		if err := v.As(&items); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(items))
		for _, item := range items {
			g, err := goValue(item)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value of type %s", v.Type())
}

func ptr[T any](v T) *T { return &v }

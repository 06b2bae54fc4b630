package tfutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Identity is the resource identity (Terraform 1.12+) every resource of the
// provider has: the namespace and one key within it, the same two parts as its
// id attribute and import ID "<namespace>/<key>". The id never changes for the
// life of the object, so neither does the identity.
type Identity struct {
	// Key is the attribute beside namespace: "name", "registry" or "source_id".
	Key string
	// KeyDescription says what the key is, for the docs.
	KeyDescription string
}

// IdentityNamespace is the identity attribute every resource has.
const IdentityNamespace = "namespace"

// Schema is the resource's IdentitySchema method.
func (i Identity) Schema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			IdentityNamespace: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Namespace of the object (the registries namespace, such as `rhoai-model-registries`).",
			},
			i.Key: identityschema.StringAttribute{RequiredForImport: true, Description: i.KeyDescription},
		},
	}
}

// ImportID is the import ID of an import: the ID given (`terraform import`, an
// import block's id) or the one an import block's identity makes.
func (i Identity) ImportID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var namespace, key types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(IdentityNamespace), &namespace)...)
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(i.Key), &key)...)
	if diags.HasError() {
		return ""
	}
	if namespace.ValueString() == "" || key.ValueString() == "" {
		diags.AddError("Incomplete import identity", fmt.Sprintf(
			"The import block's identity needs both %s and %s, for example identity = { %s = \"rhoai-model-registries\", %s = \"...\" }.",
			IdentityNamespace, i.Key, IdentityNamespace, i.Key))
		return ""
	}
	return namespace.ValueString() + "/" + key.ValueString()
}

// SetFromState sets identity from the state's id "<namespace>/<key>". A nil
// identity or a state without an id (a resource read as gone) is left alone.
func (i Identity) SetFromState(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	var id types.String
	diags.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	if diags.HasError() || id.IsNull() || id.IsUnknown() {
		return
	}
	namespace, key, found := strings.Cut(id.ValueString(), "/")
	if !found || namespace == "" || key == "" {
		diags.AddError("Cannot set the resource identity",
			fmt.Sprintf("The id %q is not <namespace>/<%s>; this is a bug in the provider.", id.ValueString(), i.Key))
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root(IdentityNamespace), namespace)...)
	diags.Append(identity.SetAttribute(ctx, path.Root(i.Key), key)...)
}

package tfutil

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	// TakesMoves is set on the types that moved blocks bring objects into from
	// hashicorp/kubernetes; see MovedIdentityVersion.
	TakesMoves bool
}

// MovedIdentityVersion is the identity schema version of the types that take
// moves from hashicorp/kubernetes, whose identities are version 1. OpenTofu 1.12
// keeps the moved object's identity and its version instead of the identity the
// move returns, and refuses an identity whose version is above the type's; with
// a higher version it asks the provider to upgrade the identity instead, and
// UpgradeIdentity reads the namespace and the name from it, which both
// providers' identities have.
const MovedIdentityVersion = 2

// Schema is the resource's IdentitySchema method.
func (i Identity) Schema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: i.version(),
		Attributes: map[string]identityschema.Attribute{
			IdentityNamespace: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Namespace of the object (the registries namespace, such as `rhoai-model-registries`).",
			},
			i.Key: identityschema.StringAttribute{RequiredForImport: true, Description: i.KeyDescription},
		},
	}
}

func (i Identity) version() int64 {
	if i.TakesMoves {
		return MovedIdentityVersion
	}
	return 0
}

// Upgraders is the resource's UpgradeIdentity method: an identity of any earlier
// version, this provider's or the one a move from hashicorp/kubernetes left, is
// read for its namespace and key. Other attributes of it (api_version, kind) are
// dropped.
func (i Identity) Upgraders(context.Context) map[int64]resource.IdentityUpgrader {
	upgraders := map[int64]resource.IdentityUpgrader{}
	for version := range i.version() {
		upgraders[version] = resource.IdentityUpgrader{IdentityUpgrader: i.upgrade}
	}
	return upgraders
}

func (i Identity) upgrade(ctx context.Context, req resource.UpgradeIdentityRequest, resp *resource.UpgradeIdentityResponse) {
	var prior map[string]any
	if req.RawIdentity == nil || json.Unmarshal(req.RawIdentity.JSON, &prior) != nil {
		resp.Diagnostics.AddError("Cannot upgrade the resource identity", "The stored identity is not a JSON object; remove the resource from the state and import it again.")
		return
	}
	namespace, _ := prior[IdentityNamespace].(string)
	key, _ := prior[i.Key].(string)
	if namespace == "" || key == "" {
		resp.Diagnostics.AddError("Cannot upgrade the resource identity", fmt.Sprintf(
			"The stored identity has no %s and %s; remove the resource from the state and import it again.", IdentityNamespace, i.Key))
		return
	}
	// The response's identity starts untyped: give it the schema's type first.
	resp.Identity.Raw = tftypes.NewValue(resp.Identity.Schema.Type().TerraformType(ctx), nil)
	resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(IdentityNamespace), namespace)...)
	resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(i.Key), key)...)
}

// IdentityNamespace is the identity attribute every resource has.
const IdentityNamespace = "namespace"

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

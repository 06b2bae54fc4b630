package tfutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/validators"
)

// The values of a list resource's made_by filter.
const (
	MadeByDashboard = "dashboard"
	MadeByProvider  = "provider"
	MadeByAll       = "all"
)

// ListPageSize is how many objects one LIST request of a list resource asks
// for: a namespace with thousands of objects is read in pages.
const ListPageSize = 250

// ListNamespaceAttribute is the namespace filter of every list resource.
func ListNamespaceAttribute() listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Namespace to list. Defaults to the provider's registries namespace (`registries_namespace`, " +
			"else the one the DataScienceCluster names, else `rhoai-model-registries`).",
		Validators: []validator.String{validators.NamespaceName()},
	}
}

// ListMadeByAttribute is the made_by filter of every list resource; what
// tells the makers apart is said in dashboardMeans and providerMeans.
func ListMadeByAttribute(dashboardMeans, providerMeans string) listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Which objects to list: `dashboard` (%s), `provider` (%s) or `all` (the default).",
			dashboardMeans, providerMeans),
		Validators: []validator.String{stringvalidator.OneOf(MadeByDashboard, MadeByProvider, MadeByAll)},
	}
}

// MadeByWanted tells whether an object made by the provider (or not) passes
// the made_by filter ("" is all).
func MadeByWanted(filter string, madeByProvider bool) bool {
	switch filter {
	case MadeByDashboard:
		return !madeByProvider
	case MadeByProvider:
		return madeByProvider
	}
	return true
}

// ListResult is one result of a list resource: the identity of the object
// with import ID "<namespace>/<key>" and, when Terraform asks for it (`terraform
// query -generate-config-out`), the state an import of that ID followed by a
// refresh records, so that the configuration Terraform writes from it imports
// the object with no change.
func ListResult(ctx context.Context, req list.ListRequest, r resource.ResourceWithImportState, identity Identity, importID, displayName string) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName
	namespace, key, _ := strings.Cut(importID, "/")
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(IdentityNamespace), namespace)...)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(identity.Key), key)...)
	if !req.IncludeResource || result.Diagnostics.HasError() {
		return result
	}
	empty := tfsdk.State{Schema: req.ResourceSchema, Raw: tftypes.NewValue(req.ResourceSchema.Type().TerraformType(ctx), nil)}
	imported := resource.ImportStateResponse{State: empty, Identity: result.Identity}
	r.ImportState(ctx, resource.ImportStateRequest{ID: importID}, &imported)
	result.Diagnostics.Append(imported.Diagnostics...)
	if result.Diagnostics.HasError() {
		return result
	}
	read := resource.ReadResponse{State: imported.State, Identity: imported.Identity}
	r.Read(ctx, resource.ReadRequest{State: imported.State, Identity: imported.Identity}, &read)
	result.Diagnostics.Append(read.Diagnostics...)
	if read.State.Raw.IsNull() && !result.Diagnostics.HasError() {
		result.Diagnostics.AddError("Object gone while listing", fmt.Sprintf("%s was deleted while it was listed.", importID))
	}
	result.Resource.Raw = read.State.Raw
	return result
}

// ListResults streams one result per import ID, stopping when Terraform has
// enough (the query's limit) or the context ends.
func ListResults(ctx context.Context, req list.ListRequest, r resource.ResourceWithImportState, identity Identity, ids []ListedObject, diags diag.Diagnostics) func(func(list.ListResult) bool) {
	return func(push func(list.ListResult) bool) {
		if diags.HasError() {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		for i, o := range ids {
			if ctx.Err() != nil || (req.Limit > 0 && int64(i) >= req.Limit) {
				return
			}
			if !push(ListResult(ctx, req, r, identity, o.ImportID, o.DisplayName)) {
				return
			}
		}
	}
}

// ListedObject is an object a list resource found: its import ID and the name
// `terraform query` shows for it.
type ListedObject struct{ ImportID, DisplayName string }

package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// family is what the model and the MCP resources of one shape differ in,
// besides their schemas: the kind of source and the words of their messages.
type family struct {
	kind catalog.Kind
	// catalog names the catalog in messages: "model catalog", "MCP catalog".
	catalog string
	// title is catalog at the start of a summary: "Model catalog", "MCP catalog".
	title string
	// source names a source in messages: "source", "MCP source".
	source string
	// included and excluded are the filter attributes' names.
	included, excluded string
	// infix names the family's Terraform types ("model": openshiftai_model_catalog_source)
	// and, with a slash, comes before a source's id where the provider notes its replacement.
	infix string
}

var (
	modelFamily = family{
		kind: catalog.ModelSources, catalog: "model catalog", title: "Model catalog", source: "source",
		included: "included_models", excluded: "excluded_models", infix: "model"}
	mcpFamily = family{
		kind: catalog.MCPSources, catalog: "MCP catalog", title: "MCP catalog", source: "MCP source",
		included: "included_servers", excluded: "excluded_servers", infix: "mcp"}
)

// checkNewID fails when a shipped source has the new source's id; it returns
// the ConfigMap the shipped sources were read from.
func (f family) checkNewID(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, id string, diags *diag.Diagnostics) (string, bool) {
	shipped, shippedName, err := freshShippedIDs(ctx, data, client, namespace, f.kind)
	if err != nil {
		addError(diags, "Cannot read the shipped "+f.catalog+" sources", err)
		return "", false
	}
	if contains(shipped, id) {
		addError(diags, "", &catalog.IDTakenError{ID: id, Where: shippedName, Shipped: true, Kind: f.kind})
		return "", false
	}
	return shippedName, true
}

// checkOwnLoaded fails when a source asks for its own ConfigMap and the
// operator, reading the shipped sources from the default ConfigMap, does not load labelled ones.
func checkOwnLoaded(namespace, own, shippedName string, diags *diag.Diagnostics) bool {
	if own != "" && shippedName == catalog.DefaultSourcesConfigMap {
		addError(diags, "Labelled ConfigMaps not loaded", fmt.Errorf("%s", notLoadedMessage(namespace)))
		return false
	}
	return true
}

// write writes a source where it is placed; undo runs before the error is reported.
func (f family) write(ctx context.Context, data *providerdata.Data, client catalog.Cluster, namespace, own string, desired catalog.UserSource, create bool, undo func(), diags *diag.Diagnostics) bool {
	verb, done := "update", "updated"
	if create {
		verb, done = "add", "created"
	}
	result, err := writePlaced(ctx, data.CatalogWrites(), client, namespace, own, desired, create)
	if err != nil {
		if undo != nil {
			undo()
		}
		addError(diags, "Cannot "+verb+" the "+f.catalog+" source", err)
		return false
	}
	tflog.Info(ctx, f.catalog+" source "+done, map[string]any{"namespace": namespace, "source_id": desired.ID, "own_config_map": own,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
	return true
}

// readSource reads a source where it is placed; found is false, and the
// resource leaves the state, when the source is gone.
func (f family) readSource(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, own, id string, resp *resource.ReadResponse) (e catalog.Entry, cmData map[string]string, found bool) {
	e, cmData, found, err := readPlaced(ctx, data, client, namespace, own, f.kind, id)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+f.catalog+" sources", err)
		return e, nil, false
	}
	if !found || e.Type == "" {
		tflog.Info(ctx, f.catalog+" source is gone; removing it from state", map[string]any{"namespace": namespace, "source_id": id})
		resp.State.RemoveResource(ctx)
		return e, nil, false
	}
	return e, cmData, true
}

// remove removes a source from where it is placed; a catalog that is not
// deployed leaves nothing to remove.
func (f family) remove(ctx context.Context, data *providerdata.Data, client catalog.Cluster, namespace, own, id string, diags *diag.Diagnostics) bool {
	result, err := removePlaced(ctx, data.CatalogWrites(), client, namespace, own, f.kind, id)
	if catalog.IsNotDeployed(err) {
		diags.AddWarning(f.title+" not deployed", err.Error()+". There is nothing to remove; the resource leaves the state.")
	} else if err != nil {
		addError(diags, "Cannot delete the "+f.catalog+" source", err)
		return false
	}
	tflog.Info(ctx, f.catalog+" source deleted", map[string]any{"namespace": namespace, "source_id": id,
		"conflicts_retried": result.Conflicts, "batched_with": result.Batched})
	return true
}

// readOverride reads a shipped source's override and the shipped sources;
// found is false, and the resource leaves the state, when the override is gone.
func (f family) readOverride(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, id string, resp *resource.ReadResponse) (catalog.Entry, *catalog.SourcesFile, bool) {
	_, user, err := readUserSources(ctx, data, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+f.catalog+" sources", err)
		return catalog.Entry{}, nil, false
	}
	e, found := user.Find(id)
	if !found {
		tflog.Info(ctx, "shipped "+f.source+" override is gone; removing it from state", map[string]any{"namespace": namespace, "source_id": id})
		resp.State.RemoveResource(ctx)
		return e, nil, false
	}
	shipped, err := readShipped(ctx, data, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the shipped "+f.catalog+" sources", err)
		return e, nil, false
	}
	return e, shipped, true
}

// removeOverride removes a shipped source's override; a catalog that is not
// deployed leaves nothing to remove.
func (f family) removeOverride(ctx context.Context, data *providerdata.Data, client catalog.Cluster, namespace, id string, diags *diag.Diagnostics) {
	_, err := data.CatalogWrites().Modify(ctx, client, namespace, f.kind.ConfigMap, func(cm *corev1.ConfigMap) error {
		_, err := catalog.RemoveOverride(cm, f.kind, id)
		return err
	})
	if catalog.IsNotDeployed(err) {
		diags.AddWarning(f.title+" not deployed", err.Error()+". There is nothing to remove; the resource leaves the state.")
	} else if err != nil {
		addError(diags, "Cannot remove the shipped "+f.source+"'s settings", err)
		return
	}
	tflog.Info(ctx, "shipped "+f.source+" override removed", map[string]any{"namespace": namespace, "source_id": id, "kind": f.kind.Noun})
}

// readMergedSources sets the data source's state to every source of the kind
// as the catalog server sees them; attrTypes says which attributes a source has.
func (f family) readMergedSources(ctx context.Context, data *providerdata.Data, attrTypes map[string]attr.Type, summary string,
	req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sourcesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, namespace, diags := data.ClientAndNamespace(ctx, config.Namespace)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	merged, err := mergedSources(ctx, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, summary, err)
		return
	}
	values := make([]attr.Value, 0, len(merged))
	for _, m := range merged {
		all := map[string]attr.Value{
			"id":         types.StringValue(m.ID),
			"name":       types.StringValue(m.Name),
			"type":       types.StringValue(m.Type),
			"enabled":    types.BoolValue(m.IsEnabled()),
			"labels":     listValue(m.Labels),
			f.included:   listValue(m.Included),
			f.excluded:   listValue(m.Excluded),
			"shipped":    types.BoolValue(m.Shipped),
			"overridden": types.BoolValue(m.Overridden),
			"labelled":   types.BoolValue(m.Labelled),
			"config_map": types.StringValue(m.ConfigMap),
		}
		attrs := make(map[string]attr.Value, len(attrTypes))
		for name := range attrTypes {
			attrs[name] = all[name]
		}
		obj, objDiags := types.ObjectValue(attrTypes, attrs)
		resp.Diagnostics.Append(objDiags...)
		values = append(values, obj)
	}
	list, listDiags := types.ListValue(types.ObjectType{AttrTypes: attrTypes}, values)
	resp.Diagnostics.Append(listDiags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.Namespace = types.StringValue(namespace)
	config.Sources = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// importTarget reads the namespace and the id of an import, the namespace
// defaulting to the provider's.
func importTarget(ctx context.Context, data *providerdata.Data, identity tfutil.Identity, req resource.ImportStateRequest,
	diags *diag.Diagnostics) (client kube.Cluster, namespace, id string, ok bool) {
	importID := identity.ImportID(ctx, req, diags)
	if diags.HasError() {
		return nil, "", "", false
	}
	namespace, id, err := parseImportID(importID)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return nil, "", "", false
	}
	client, cdiags := data.ClientDiags()
	diags.Append(cdiags...)
	if diags.HasError() {
		return nil, "", "", false
	}
	if namespace == "" {
		namespace, cdiags = data.RegistriesNamespace(ctx)
		diags.Append(cdiags...)
		if diags.HasError() {
			return nil, "", "", false
		}
	}
	return client, namespace, id, true
}

// findOwn finds a source of the user's own to import, in the kind's ConfigMap
// or in a labelled ConfigMap the provider made for it.
func (f family) findOwn(ctx context.Context, data *providerdata.Data, client kube.Reader, namespace, id string,
	diags *diag.Diagnostics) (e catalog.Entry, cmData map[string]string, own string, ok bool) {
	e, cmData, own, found, err := findPlaced(ctx, data, client, namespace, f.kind, id)
	if err != nil {
		addError(diags, "Cannot import the "+f.catalog+" source", err)
		return e, nil, "", false
	}
	if !found {
		diags.AddError(f.title+" source not found", fmt.Sprintf(
			"ConfigMap %s/%s has no "+f.source+" with the id %q, and no ConfigMap of its own made by the provider holds one.", namespace, f.kind.ConfigMap, id))
		return e, nil, "", false
	}
	if e.Type == "" {
		diags.AddError("Not a source of your own", fmt.Sprintf(
			"The entry %q in ConfigMap %s/%s sets only some fields of a shipped source: import it as %s.",
			id, namespace, f.kind.ConfigMap, f.kind.DefaultSourceResource))
		return e, nil, "", false
	}
	return e, cmData, own, true
}

// checkNewSource checks with the cluster that a new source's id is free and
// its placement possible; it returns the namespace when the cluster answers.
// replacingID is the key under which ModifyPlan noted a replacement.
func (f family) checkNewSource(ctx context.Context, data *providerdata.Data, config tfsdk.Config, id, replacingID string, own *ownConfigMapModel,
	diags *diag.Diagnostics) string {
	if data.Replaced(replacingID) {
		return "" // the create half of a replacement: the entry is this source's own, the create checks again
	}
	namespace := checkNewID(ctx, data, config, id, false, f.kind, diags)
	if own != nil && !own.Name.IsUnknown() {
		checkOwnPlacement(ctx, data, namespace, ownName(own), id, f.kind, diags)
	}
	return namespace
}

// sourcePlan is a source resource's model as the plan checks see it.
type sourcePlan interface {
	placement() (sourceID, namespace types.String, own *ownConfigMapModel)
	setID(namespace string)
}

// replacement is what makes a source resource be replaced besides a move
// between placements (also, nil for nothing else) and the attributes it names.
type replacement[P any] struct {
	paths []path.Path
	also  func(state, plan P) bool
}

// modifySourcePlan is the ModifyPlan of both source resources: a source that
// changes as replace says is replaced and, for a new source, the cluster (when
// it answers) is asked that the catalog is deployed, the id is free and the
// placement possible.
func modifySourcePlan[M any, P interface {
	*M
	sourcePlan
}](ctx context.Context, data *providerdata.Data, f family, replace replacement[P], req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sourceID, namespace, own := P(&plan).placement()
	if !req.State.Raw.IsNull() {
		var state M
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		stateID, _, stateOwn := P(&state).placement()
		if (replace.also != nil && replace.also(&state, &plan)) || (stateOwn == nil) != (own == nil) {
			resp.RequiresReplace = append(resp.RequiresReplace, replace.paths...)
			// Terraform plans the create half of the replacement again with no prior
			// state: that plan must not take the source's own entry for a taken id.
			data.NoteReplaced(f.infix + "/" + stateID.ValueString())
		}
		if stateID.Equal(sourceID) {
			return // the same source: its id is its own
		}
	}
	if sourceID.IsUnknown() || data == nil || data.Unknown() {
		return
	}
	checked := f.checkNewSource(ctx, data, req.Config, sourceID.ValueString(), f.infix+"/"+sourceID.ValueString(), own, &resp.Diagnostics)
	if checked != "" && namespace.IsUnknown() {
		P(&plan).setID(checked)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

func (m *sourceModel) placement() (sourceID, namespace types.String, own *ownConfigMapModel) {
	return m.SourceID, m.Namespace, m.OwnConfigMap
}

func (m *mcpSourceModel) placement() (sourceID, namespace types.String, own *ownConfigMapModel) {
	return m.SourceID, m.Namespace, m.OwnConfigMap
}

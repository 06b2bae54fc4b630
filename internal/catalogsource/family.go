package catalogsource

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	corev1 "k8s.io/api/core/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// family is what the model and the MCP resources of one shape differ in,
// besides their schemas: the kind of source and the words of their messages.
type family struct {
	kind catalog.Kind
	// catalog names the catalog in messages: "model catalog", "MCP catalog".
	catalog string
	// notDeployed is the summary of the warning when the catalog is not deployed.
	notDeployed string
	// shipped names a shipped source in messages: "shipped source", "shipped MCP source".
	shipped string
}

var (
	modelFamily = family{kind: catalog.ModelSources, catalog: "model catalog", notDeployed: "Model catalog not deployed", shipped: "shipped source"}
	mcpFamily   = family{kind: catalog.MCPSources, catalog: "MCP catalog", notDeployed: "MCP catalog not deployed", shipped: "shipped MCP source"}
)

// checkNewID fails when a shipped source has the new source's id; it returns
// the ConfigMap the shipped sources were read from.
func (f family) checkNewID(ctx context.Context, client *kube.Client, namespace, id string, diags *diag.Diagnostics) (string, bool) {
	shipped, shippedName, err := freshShippedIDs(ctx, client, namespace, f.kind)
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
func (f family) write(ctx context.Context, client *kube.Client, namespace, own string, desired catalog.UserSource, create bool, undo func(), diags *diag.Diagnostics) bool {
	verb, done := "update", "updated"
	if create {
		verb, done = "add", "created"
	}
	result, err := writePlaced(ctx, client, namespace, own, desired, create)
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
func (f family) readSource(ctx context.Context, data *providerdata.Data, client *kube.Client, namespace, own, id string, resp *resource.ReadResponse) (e catalog.Entry, cmData map[string]string, found bool) {
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
func (f family) remove(ctx context.Context, client *kube.Client, namespace, own, id string, diags *diag.Diagnostics) bool {
	result, err := removePlaced(ctx, client, namespace, own, f.kind, id)
	if catalog.IsNotDeployed(err) {
		diags.AddWarning(f.notDeployed, err.Error()+". There is nothing to remove; the resource leaves the state.")
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
func (f family) readOverride(ctx context.Context, data *providerdata.Data, client *kube.Client, namespace, id string, resp *resource.ReadResponse) (catalog.Entry, *catalog.SourcesFile, bool) {
	_, user, err := readUserSources(ctx, data, client, namespace, f.kind)
	if err != nil {
		addError(&resp.Diagnostics, "Cannot read the "+f.catalog+" sources", err)
		return catalog.Entry{}, nil, false
	}
	e, found := user.Find(id)
	if !found {
		tflog.Info(ctx, f.shipped+" override is gone; removing it from state", map[string]any{"namespace": namespace, "source_id": id})
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
func (f family) removeOverride(ctx context.Context, client *kube.Client, namespace, id string, diags *diag.Diagnostics) {
	_, err := catalog.Modify(ctx, client, namespace, f.kind.ConfigMap, func(cm *corev1.ConfigMap) error {
		_, err := catalog.RemoveOverride(cm, f.kind, id)
		return err
	})
	if catalog.IsNotDeployed(err) {
		diags.AddWarning(f.notDeployed, err.Error()+". There is nothing to remove; the resource leaves the state.")
	} else if err != nil {
		addError(diags, "Cannot remove the "+f.shipped+"'s settings", err)
		return
	}
	tflog.Info(ctx, f.shipped+" override removed", map[string]any{"namespace": namespace, "source_id": id, "kind": f.kind.Noun})
}

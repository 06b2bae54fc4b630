package catalogsource

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// checkNewID is the plan-time check of a new source's id, best effort: when the
// cluster cannot be asked it says so in a warning and the apply checks again.
// It reads with fresh requests, never from the process's cached list: during
// an apply the create half of a replacement is planned again after its
// destroy, which a list read earlier would not know of. It returns the
// namespace it resolved, "" when it could not.
func checkNewID(ctx context.Context, data *providerdata.Data, config tfsdk.Config, id string, shipped bool, kind catalog.Kind, diags *diag.Diagnostics) string {
	var configured types.String
	diags.Append(config.GetAttribute(ctx, path.Root("namespace"), &configured)...)
	if diags.HasError() || configured.IsUnknown() {
		return ""
	}
	namespace := configured.ValueString()
	if namespace == "" {
		namespace = data.ConfiguredNamespace()
	}
	if namespace == "" {
		ns, nsDiags := data.RegistriesNamespace(ctx)
		if nsDiags.HasError() {
			diags.AddWarning("Model catalog not checked", "The cluster could not be asked whether the source id is free: "+summaryOf(nsDiags)+". The apply checks again.")
			return ""
		}
		namespace = ns
	}
	client, err := data.Client()
	if err != nil {
		return namespace
	}
	// Plan-time checks read the process's one LIST of the namespace's
	// ConfigMaps, so planning many sources costs one request; the apply checks
	// again with fresh reads.
	userCM, user, err := readUserSources(ctx, data, client, namespace, kind)
	if err != nil {
		switch {
		case catalog.IsNotDeployed(err):
			addError(diags, "", err)
			return namespace
		case userCM != nil: // read, but its sources.yaml does not parse
			addError(diags, "Cannot read the model catalog sources", err)
			return namespace
		}
		diags.AddWarning("Model catalog not checked", fmt.Sprintf("Reading the catalog's sources failed (%v). The apply checks again.", err))
		return namespace
	}
	shippedFile, shippedName, err := readShippedNamed(ctx, data, client, namespace, kind)
	if err != nil {
		diags.AddWarning("Model catalog not checked", fmt.Sprintf("Reading the shipped sources failed (%v). The apply checks again.", err))
		return namespace
	}
	var shippedIDs []string
	if shippedFile != nil {
		shippedIDs = shippedFile.IDs()
	}
	isShipped := contains(shippedIDs, id)
	switch {
	case shipped && !isShipped:
		diags.AddAttributeError(path.Root("source_id"), "Not a shipped source", notShippedMessage(id, namespace, shippedIDs, kind))
	case !shipped && isShipped:
		addError(diags, "", &catalog.IDTakenError{ID: id, Where: shippedName, Shipped: true, Kind: kind})
	case !shipped:
		if list, found := user.OtherListID(id); found {
			addError(diags, "", &catalog.IDTakenError{ID: id, Where: kind.ConfigMap, List: list, Kind: kind})
			return namespace
		}
		if e, found := user.Find(id); found {
			diags.AddAttributeError(path.Root("source_id"), "Source id already in use", fmt.Sprintf(
				"The source id %q is already used by %s in ConfigMap %s/%s (made in the dashboard or by another configuration). "+
					"Choose another source_id, or adopt the source into this resource:\n\n"+
					"  terraform import <resource address> %s/%s\n\nor an import block with id = %q.",
				id, describeEntry(e), namespace, kind.ConfigMap, namespace, id, namespace+"/"+id))
		}
	}
	return namespace
}

func describeEntry(e catalog.Entry) string {
	if e.Name != "" {
		return fmt.Sprintf("the source %q", e.Name)
	}
	return "an entry"
}

func notShippedMessage(id, namespace string, shipped []string, kind catalog.Kind) string {
	if len(shipped) == 0 {
		return fmt.Sprintf("%q is not a shipped source: namespace %q has no shipped %s sources (ConfigMap %s, or %s on operators before v0.3.9). For a source of your own use %s.",
			id, namespace, kind.Noun, catalog.LaterDefaultSourcesConfigMap, catalog.DefaultSourcesConfigMap, kind.SourceResource)
	}
	return fmt.Sprintf("%q is not a shipped %s source of namespace %q. The shipped %s sources are: %s. For a source of your own use %s.",
		id, kind.Noun, namespace, kind.Noun, strings.Join(shipped, ", "), kind.SourceResource)
}

// checkCatalogFile is the plan-time check of a yaml source's catalog file:
// its size, with the placement's limit, and its content as the catalog server
// reads a file of the kind.
func checkCatalogFile(content string, kind catalog.Kind, own bool, diags *diag.Diagnostics) {
	catalogPath := path.Root("yaml").AtName("catalog")
	if len(content) > catalog.MaxConfigMapBytes {
		fix := fmt.Sprintf("A ConfigMap of its own (block own_config_map) gives the file a ConfigMap of 1 MiB alone, instead of sharing %s with every other source.", kind.ConfigMap)
		if own {
			fix = "Split the file over several sources."
		}
		diags.AddAttributeError(catalogPath, "Catalog file too large", fmt.Sprintf(
			"yaml.catalog is %d bytes; a ConfigMap holds at most %d bytes (1 MiB) in all. %s", len(content), catalog.MaxConfigMapBytes, fix))
		return
	}
	var err error
	if kind.Noun == catalog.MCPSources.Noun {
		_, err = catalog.ParseMCPCatalogFile(content)
	} else {
		_, err = catalog.ParseCatalogFile(content)
	}
	if err != nil {
		diags.AddAttributeError(catalogPath, "Invalid catalog file", fmt.Sprintf("yaml.catalog: %v. The catalog server would not read the file as written.", err))
	}
}

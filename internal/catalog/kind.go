package catalog

import "slices"

// Kind is one kind of catalog source: model sources or MCP server sources.
// The two live in the same sources.yaml files, in lists of their own, and the
// dashboard writes each kind to a ConfigMap of its own with the same entry
// shape, but for the names of the filter keys.
type Kind struct {
	// Noun names what the sources list, in messages: "model", "MCP server".
	Noun string
	// Lists are the lists of a sources.yaml that hold sources of this kind;
	// the provider writes the first, as the dashboard does.
	Lists []string
	// IncludedKey and ExcludedKey are the entry's filter keys.
	IncludedKey, ExcludedKey string
	// ConfigMap is where the dashboard writes the user's sources of this kind.
	ConfigMap string
	// DefaultSourceResource is the resource that overrides a shipped source of this kind.
	DefaultSourceResource string
	// SourceResource is the resource of a source of the user's own.
	SourceResource string
}

// The two kinds of catalog source.
var (
	ModelSources = Kind{
		Noun: "model", Lists: []string{listCatalogs, listModelCatalogs},
		IncludedKey: "includedModels", ExcludedKey: "excludedModels", ConfigMap: UserSourcesConfigMap,
		DefaultSourceResource: "openshiftai_model_catalog_default_source", SourceResource: "openshiftai_model_catalog_source",
	}
	MCPSources = Kind{
		Noun: "MCP server", Lists: []string{listMCPCatalogs},
		IncludedKey: "includedServers", ExcludedKey: "excludedServers", ConfigMap: MCPSourcesConfigMap,
		DefaultSourceResource: "openshiftai_mcp_catalog_default_source", SourceResource: "openshiftai_mcp_catalog_source",
	}
)

// listMCPCatalogs is the list of MCP server sources in a sources.yaml file.
const listMCPCatalogs = "mcp_catalogs"

// orModels is k, or the model sources for the zero Kind.
func (k Kind) orModels() Kind {
	if len(k.Lists) == 0 {
		return ModelSources
	}
	return k
}

// writeList is the list the provider appends new sources to.
func (k Kind) writeList() string { return k.orModels().Lists[0] }

// holds tells whether the top-level key is a list of this kind's sources.
func (k Kind) holds(key string) bool { return slices.Contains(k.orModels().Lists, key) }

// writtenKeys are the entry keys the provider writes for this kind, sorted.
func (k Kind) writtenKeys() []string {
	k = k.orModels()
	keys := []string{"enabled", "id", "labels", "name", "properties", "type", k.IncludedKey, k.ExcludedKey}
	slices.Sort(keys)
	return keys
}

// isSourceList tells whether a top-level key of sources.yaml is a list of
// sources of any kind the catalog server reads (catalogs, model_catalogs,
// mcp_catalogs, agent_catalogs, skill_catalogs, ...).
func isSourceList(key string) bool {
	return key == listCatalogs || len(key) > len(listSuffix) && key[len(key)-len(listSuffix):] == listSuffix
}

package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The entry properties the provider writes; a write keeps the others.
var writtenProperties = []string{PropertyAllowedOrganization, PropertyAPIKey, PropertyYAMLCatalogPath}

// The lists of model sources in a sources.yaml file: the dashboard writes
// catalogs; later catalog servers also read model_catalogs.
const (
	listCatalogs      = "catalogs"
	listModelCatalogs = "model_catalogs"
	// listSuffix ends the name of every list of sources the catalog server
	// reads (mcp_catalogs, agent_catalogs, skill_catalogs, ...): one id in two
	// of them fails the whole file.
	listSuffix = "_catalogs"
)

// Entry is one source of a sources.yaml file. An entry in a later file with
// the id of a shipped source is a sparse override: only the fields it sets
// replace the shipped ones.
type Entry struct {
	ID      string
	Name    string
	Type    string
	Enabled *bool
	Labels  []string
	// Included and Excluded are the filters: includedModels and excludedModels
	// of a model source, includedServers and excludedServers of an MCP source.
	Included []string
	Excluded []string
	// Properties holds the entry's scalar properties (yamlCatalogPath, allowedOrganization, apiKey, ...).
	Properties map[string]string
	// Line is where the entry starts in the file it was read from.
	Line int
}

// IsEnabled is the entry's enabled flag, true when not set (the catalog's default).
func (e Entry) IsEnabled() bool { return e.Enabled == nil || *e.Enabled }

// encodeEntry is the node of an entry, its keys in the order the dashboard writes them.
func encodeEntry(e Entry, kind Kind) (*yaml.Node, error) {
	node := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(key string, value any) error {
		var v yaml.Node
		if err := v.Encode(value); err != nil {
			return err
		}
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &v)
		return nil
	}
	fields := []struct {
		key   string
		value any
		set   bool
	}{
		{"id", e.ID, true},
		{"name", e.Name, e.Name != ""},
		{"type", e.Type, e.Type != ""},
		{"enabled", e.Enabled, e.Enabled != nil},
		{"labels", e.Labels, len(e.Labels) > 0},
		{kind.IncludedKey, e.Included, len(e.Included) > 0},
		{kind.ExcludedKey, e.Excluded, len(e.Excluded) > 0},
		{"properties", e.Properties, len(e.Properties) > 0},
	}
	for _, f := range fields {
		if f.set {
			if err := add(f.key, f.value); err != nil {
				return nil, err
			}
		}
	}
	return node, nil
}

// SourcesFile is a parsed sources.yaml, seen as the sources of one kind. It
// keeps the whole document, so that writing it back keeps every key, entry
// and comment it did not change.
type SourcesFile struct {
	root *yaml.Node // the top-level mapping; nil while the file is empty
	kind Kind
}

// ParseSources reads a sources.yaml file that the operator, the dashboard or
// this provider wrote. It is tolerant of what it does not know: every release
// of the operator adds top-level keys (agent_catalogs, skill_catalogs, ...) and
// entry fields, and the file is not the user's to correct, so unknown keys are
// kept, never refused. It fails only where it cannot tell what the model
// sources are: YAML that does not parse, a list or entry of the wrong shape,
// an entry without an id, two model sources of one id.
func ParseSources(content string) (*SourcesFile, error) {
	return ParseSourcesOf(ModelSources, content)
}

// ParseSourcesOf is ParseSources for the sources of kind.
func ParseSourcesOf(kind Kind, content string) (*SourcesFile, error) {
	kind = kind.orModels()
	root, err := document(content)
	if err != nil {
		return nil, err
	}
	if root != nil && isNull(root) {
		root = nil
	}
	if root != nil && root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: %s must be a mapping with the key %s", root.Line, SourcesKey, kind.writeList())
	}
	f := &SourcesFile{root: root, kind: kind}
	if root == nil {
		return f, nil
	}
	if _, err := mapping(root, SourcesKey, nil); err != nil {
		return nil, err
	}
	if _, err := f.entries(); err != nil {
		return nil, err
	}
	return f, nil
}

// Kind is the kind of source the file was read for.
func (f *SourcesFile) Kind() Kind { return f.kind.orModels() }

// Entries are the file's sources of its kind, in file order.
func (f *SourcesFile) Entries() []Entry {
	entries, _ := f.entries() // checked by ParseSources; writes keep the file valid
	return entries
}

// Find returns the entry of id.
func (f *SourcesFile) Find(id string) (Entry, bool) {
	for _, e := range f.Entries() {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// IDs are the ids of the file's sources of its kind.
func (f *SourcesFile) IDs() []string {
	var ids []string
	for _, e := range f.Entries() {
		ids = append(ids, e.ID)
	}
	return ids
}

// OtherListID tells whether id names a source in one of the file's other
// lists of sources (mcp_catalogs, agent_catalogs, ...), and which: the catalog
// server rejects a file that uses one id in two lists.
func (f *SourcesFile) OtherListID(id string) (list string, found bool) {
	if f.root == nil {
		return "", false
	}
	for i := 0; i+1 < len(f.root.Content); i += 2 {
		key, list := f.root.Content[i].Value, f.root.Content[i+1]
		if f.kind.holds(key) || !isSourceList(key) || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, n := range list.Content {
			if v := lookup(n, "id"); n.Kind == yaml.MappingNode && v != nil && v.Kind == yaml.ScalarNode && v.Value == id {
				return key, true
			}
		}
	}
	return "", false
}

func (f *SourcesFile) lists() []*yaml.Node {
	if f.root == nil {
		return nil
	}
	var out []*yaml.Node
	for _, key := range f.kind.orModels().Lists {
		if n := lookup(f.root, key); n != nil && n.Kind == yaml.SequenceNode {
			out = append(out, n)
		}
	}
	return out
}

func (f *SourcesFile) entries() ([]Entry, error) {
	if f.root == nil {
		return nil, nil
	}
	var out []Entry
	first := map[string]int{}
	kind := f.kind.orModels()
	for _, key := range kind.Lists {
		list := lookup(f.root, key)
		if list == nil || isNull(list) {
			continue
		}
		if list.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: %s must be a list of sources", list.Line, key)
		}
		for i, n := range list.Content {
			e, err := parseEntry(n, fmt.Sprintf("source %d of %s", i+1, key), kind)
			if err != nil {
				return nil, err
			}
			if line, dup := first[e.ID]; dup {
				return nil, fmt.Errorf("line %d: two sources have the id %q (the first at line %d); the catalog server rejects the whole file", n.Line, e.ID, line)
			}
			first[e.ID] = n.Line
			out = append(out, e)
		}
	}
	return out, nil
}

func parseEntry(n *yaml.Node, what string, kind Kind) (Entry, error) {
	if n.Kind != yaml.MappingNode {
		return Entry{}, fmt.Errorf("line %d: %s must be a mapping with at least an id", n.Line, what)
	}
	id := ""
	if v := lookup(n, "id"); v != nil && v.Kind == yaml.ScalarNode {
		id = v.Value
	}
	if id != "" {
		what = fmt.Sprintf("source %q", id)
	}
	fields, err := mapping(n, what, nil)
	if err != nil {
		return Entry{}, err
	}
	if id == "" {
		return Entry{}, fmt.Errorf("line %d: %s has no id", n.Line, what)
	}
	e := Entry{ID: id, Line: n.Line}
	for key, v := range fields {
		if isNull(v) {
			continue
		}
		switch key {
		case "name", "type":
			s, err := scalar(v, key+" of "+what)
			if err != nil {
				return Entry{}, err
			}
			if key == "name" {
				e.Name = s
			} else {
				e.Type = s
			}
		case "enabled":
			b, err := strconv.ParseBool(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				return Entry{}, fmt.Errorf("line %d: enabled of %s must be true or false", v.Line, what)
			}
			e.Enabled = &b
		case "labels", kind.IncludedKey, kind.ExcludedKey:
			list, err := stringList(v, key+" of "+what)
			if err != nil {
				return Entry{}, err
			}
			switch key {
			case "labels":
				e.Labels = list
			case kind.IncludedKey:
				e.Included = list
			default:
				e.Excluded = list
			}
		case "properties":
			if v.Kind != yaml.MappingNode {
				return Entry{}, fmt.Errorf("line %d: properties of %s must be a mapping", v.Line, what)
			}
			props, err := mapping(v, "properties of "+what, nil)
			if err != nil {
				return Entry{}, err
			}
			e.Properties = map[string]string{}
			for k, pv := range props {
				if pv.Kind == yaml.ScalarNode && !isNull(pv) {
					e.Properties[k] = pv.Value
				}
			}
		}
	}
	return e, nil
}

func stringList(n *yaml.Node, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: %s must be a list of strings", n.Line, what)
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || isNull(item) {
			return nil, fmt.Errorf("line %d: %s must be a list of strings", item.Line, what)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

// Put writes e in place of the entry with its id, or appends it to the
// kind's list (catalogs, mcp_catalogs).
func (f *SourcesFile) Put(e Entry) error {
	kind := f.kind.orModels()
	node, err := encodeEntry(e, kind)
	if err != nil {
		return err
	}
	for _, list := range f.lists() {
		for i, n := range list.Content {
			if v := lookup(n, "id"); v != nil && v.Value == e.ID {
				keepUnwritten(node, n, kind)
				list.Content[i] = node
				return nil
			}
		}
	}
	if f.root == nil {
		f.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	list := lookup(f.root, kind.writeList())
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		f.root.Content = append(f.root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kind.writeList()}, list)
	} else if list.Kind != yaml.SequenceNode { // catalogs: null
		*list = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	list.Style = 0 // an empty list reads `[]`; with an entry it is a block list
	list.Content = append(list.Content, node)
	return nil
}

// keepUnwritten copies into the entry node fresh the keys of the entry node old
// that the provider does not write, and the properties it does not write, so
// that fields a later operator or dashboard added survive the provider's write.
func keepUnwritten(fresh, old *yaml.Node, kind Kind) {
	written := kind.writtenKeys()
	if old.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(old.Content); i += 2 {
		key, value := old.Content[i], old.Content[i+1]
		switch {
		case key.Value == "properties" && value.Kind == yaml.MappingNode:
			props := lookup(fresh, "properties")
			if props == nil {
				props = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				fresh.Content = append(fresh.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "properties"}, props)
			}
			for j := 0; j+1 < len(value.Content); j += 2 {
				if name := value.Content[j].Value; !slices.Contains(writtenProperties, name) && lookup(props, name) == nil {
					props.Content = append(props.Content, value.Content[j], value.Content[j+1])
				}
			}
		case !slices.Contains(written, key.Value):
			fresh.Content = append(fresh.Content, key, value)
		}
	}
}

// Remove deletes the entry of id; it reports whether there was one.
func (f *SourcesFile) Remove(id string) bool {
	for _, list := range f.lists() {
		for i, n := range list.Content {
			if v := lookup(n, "id"); v != nil && v.Value == id {
				list.Content = slices.Delete(list.Content, i, i+1)
				return true
			}
		}
	}
	return false
}

// String renders the file with two-space indentation.
func (f *SourcesFile) String() string {
	if f.root == nil {
		return f.kind.writeList() + ": []\n"
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f.root); err != nil {
		// Encoding a node tree that was parsed or built by Put does not fail.
		panic(fmt.Sprintf("encoding %s: %v", SourcesKey, err))
	}
	_ = enc.Close()
	return buf.String()
}

// referencedPaths counts the entries that read each yamlCatalogPath.
func (f *SourcesFile) referencedPaths() map[string]int {
	out := map[string]int{}
	for _, e := range f.Entries() {
		if p := e.Properties[PropertyYAMLCatalogPath]; p != "" {
			out[p]++
		}
	}
	return out
}

// isDataKey tells whether a yamlCatalogPath names a key of the same ConfigMap.
func isDataKey(path string) bool {
	return path != "" && !strings.Contains(path, "/")
}

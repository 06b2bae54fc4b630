package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Keys of a sources.yaml file and of one of its model source entries.
var (
	sourcesFileKeys = []string{"catalogs", "labels", "mcp_catalogs", "model_catalogs", "namedQueries"}
	entryKeys       = []string{"enabled", "excludedModels", "id", "includedModels", "labels", "name", "properties", "type"}
)

// The lists of model sources in a sources.yaml file: the dashboard writes
// catalogs; later catalog servers also read model_catalogs.
const (
	listCatalogs      = "catalogs"
	listModelCatalogs = "model_catalogs"
)

// Entry is one model source of a sources.yaml file. An entry in the user file
// with the id of a shipped source is a sparse override: only the fields it sets
// replace the shipped ones.
type Entry struct {
	ID             string
	Name           string
	Type           string
	Enabled        *bool
	Labels         []string
	IncludedModels []string
	ExcludedModels []string
	// Properties holds the entry's scalar properties (yamlCatalogPath, allowedOrganization, apiKey, ...).
	Properties map[string]string
	// Line is where the entry starts in the file it was read from.
	Line int
}

// IsEnabled is the entry's enabled flag, true when not set (the catalog's default).
func (e Entry) IsEnabled() bool { return e.Enabled == nil || *e.Enabled }

// entryYAML is an entry in the order the dashboard writes its keys.
type entryYAML struct {
	ID             string            `yaml:"id"`
	Name           string            `yaml:"name,omitempty"`
	Type           string            `yaml:"type,omitempty"`
	Enabled        *bool             `yaml:"enabled,omitempty"`
	Labels         []string          `yaml:"labels,omitempty"`
	IncludedModels []string          `yaml:"includedModels,omitempty"`
	ExcludedModels []string          `yaml:"excludedModels,omitempty"`
	Properties     map[string]string `yaml:"properties,omitempty"`
}

// SourcesFile is a parsed sources.yaml. It keeps the whole document, so that
// writing it back keeps every key, entry and comment it did not change.
type SourcesFile struct {
	root *yaml.Node // the top-level mapping; nil while the file is empty
}

// ParseSources reads a sources.yaml file as strictly as the catalog server: an
// unknown key, an entry without an id or two entries of one id fails the whole
// file.
func ParseSources(content string) (*SourcesFile, error) {
	root, err := document(content)
	if err != nil {
		return nil, err
	}
	if root != nil && isNull(root) {
		root = nil
	}
	if root != nil && root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: %s must be a mapping with the key catalogs", root.Line, SourcesKey)
	}
	f := &SourcesFile{root: root}
	if root == nil {
		return f, nil
	}
	if _, err := mapping(root, SourcesKey, sourcesFileKeys); err != nil {
		return nil, err
	}
	if _, err := f.entries(); err != nil {
		return nil, err
	}
	return f, nil
}

// Entries are the file's model sources, in file order.
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

// IDs are the ids of the file's model sources.
func (f *SourcesFile) IDs() []string {
	var ids []string
	for _, e := range f.Entries() {
		ids = append(ids, e.ID)
	}
	return ids
}

func (f *SourcesFile) lists() []*yaml.Node {
	if f.root == nil {
		return nil
	}
	var out []*yaml.Node
	for _, key := range []string{listCatalogs, listModelCatalogs} {
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
	for _, key := range []string{listCatalogs, listModelCatalogs} {
		list := lookup(f.root, key)
		if list == nil || isNull(list) {
			continue
		}
		if list.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: %s must be a list of sources", list.Line, key)
		}
		for i, n := range list.Content {
			e, err := parseEntry(n, fmt.Sprintf("source %d of %s", i+1, key))
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

func parseEntry(n *yaml.Node, what string) (Entry, error) {
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
	fields, err := mapping(n, what, entryKeys)
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
		case "labels", "includedModels", "excludedModels":
			list, err := stringList(v, key+" of "+what)
			if err != nil {
				return Entry{}, err
			}
			switch key {
			case "labels":
				e.Labels = list
			case "includedModels":
				e.IncludedModels = list
			default:
				e.ExcludedModels = list
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

// Put writes e in place of the entry with its id, or appends it to catalogs.
func (f *SourcesFile) Put(e Entry) error {
	var node yaml.Node
	if err := node.Encode(entryYAML{
		ID: e.ID, Name: e.Name, Type: e.Type, Enabled: e.Enabled, Labels: e.Labels,
		IncludedModels: e.IncludedModels, ExcludedModels: e.ExcludedModels, Properties: e.Properties,
	}); err != nil {
		return err
	}
	for _, list := range f.lists() {
		for i, n := range list.Content {
			if v := lookup(n, "id"); v != nil && v.Value == e.ID {
				list.Content[i] = &node
				return nil
			}
		}
	}
	if f.root == nil {
		f.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	list := lookup(f.root, listCatalogs)
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		f.root.Content = append(f.root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: listCatalogs}, list)
	} else if list.Kind != yaml.SequenceNode { // catalogs: null
		*list = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	list.Style = 0 // an empty list reads `[]`; with an entry it is a block list
	list.Content = append(list.Content, &node)
	return nil
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
		return listCatalogs + ": []\n"
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

package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CatalogFile is a yaml source's catalog file, as far as the provider looks into it.
type CatalogFile struct {
	Source string
	Models []string // the model names, in file order
}

// Keys of a catalog file the catalog server accepts.
var (
	catalogFileKeys = []string{"models", "source"}
	modelKeys       = []string{
		"artifacts", "createTimeSinceEpoch", "customProperties", "description", "language", "lastUpdateTimeSinceEpoch",
		"libraryName", "license", "licenseLink", "logo", "maturity", "name", "provider", "readme", "tasks",
	}
	modelListKeys = map[string]bool{"language": true, "tasks": true}
	artifactKeys  = []string{"createTimeSinceEpoch", "customProperties", "lastUpdateTimeSinceEpoch", "uri"}
)

// ParseCatalogFile reads a yaml source's catalog file as strictly as the catalog
// server: an unknown key, a model without a name, two models of one name or an
// artifact without a uri fails the whole file. The error names the line and the model.
func ParseCatalogFile(content string) (*CatalogFile, error) {
	root, err := document(content)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, errors.New("the catalog file is empty; it needs at least `source:` and `models:`")
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the catalog file must be a mapping with the keys source and models", root.Line)
	}
	fields, err := mapping(root, "the catalog file", catalogFileKeys)
	if err != nil {
		return nil, err
	}
	out := &CatalogFile{}
	if n := fields["source"]; n != nil {
		if out.Source, err = scalar(n, "source"); err != nil {
			return nil, err
		}
	}
	models := fields["models"]
	if models == nil || isNull(models) {
		return out, nil
	}
	if models.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: models must be a list of models", models.Line)
	}
	first := map[string]int{}
	for i, m := range models.Content {
		if m.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: model %d must be a mapping with at least a name", m.Line, i+1)
		}
		name := ""
		if n := lookup(m, "name"); n != nil && n.Kind == yaml.ScalarNode {
			name = strings.TrimSpace(n.Value)
		}
		what := fmt.Sprintf("model %d", i+1)
		if name != "" {
			what = fmt.Sprintf("model %q", name)
		}
		mf, err := mapping(m, what, modelKeys)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, fmt.Errorf("line %d: model %d has no name; every model needs a name, unique within the source", m.Line, i+1)
		}
		if line, dup := first[name]; dup {
			return nil, fmt.Errorf("line %d: two models are named %q (the first at line %d); model names must be unique within the source", m.Line, name, line)
		}
		first[name] = m.Line
		for key, v := range mf {
			if err := modelValue(key, v, what); err != nil {
				return nil, err
			}
		}
		if artifacts := mf["artifacts"]; artifacts != nil && !isNull(artifacts) {
			if artifacts.Kind != yaml.SequenceNode {
				return nil, fmt.Errorf("line %d: artifacts of %s must be a list", artifacts.Line, what)
			}
			for j, a := range artifacts.Content {
				if a.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("line %d: artifact %d of %s must be a mapping with a uri", a.Line, j+1, what)
				}
				af, err := mapping(a, fmt.Sprintf("artifact %d of %s", j+1, what), artifactKeys)
				if err != nil {
					return nil, err
				}
				uri := af["uri"]
				if uri == nil || uri.Kind != yaml.ScalarNode || strings.TrimSpace(uri.Value) == "" {
					return nil, fmt.Errorf("line %d: artifact %d of %s has no uri; every artifact needs one", a.Line, j+1, what)
				}
				if cp := af["customProperties"]; cp != nil && !isNull(cp) && cp.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("line %d: customProperties of artifact %d of %s must be a mapping", cp.Line, j+1, what)
				}
			}
		}
		out.Models = append(out.Models, name)
	}
	return out, nil
}

func modelValue(key string, v *yaml.Node, what string) error {
	if isNull(v) {
		return nil
	}
	switch {
	case key == "artifacts":
		return nil // checked by the caller
	case key == "customProperties":
		if v.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: customProperties of %s must be a mapping", v.Line, what)
		}
	case modelListKeys[key]:
		if v.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: %s of %s must be a list of strings", v.Line, key, what)
		}
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: %s of %s must be a list of strings", item.Line, key, what)
			}
		}
	default:
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s of %s must be a single value", v.Line, key, what)
		}
	}
	return nil
}

// document parses content into its root node; nil for an empty document.
func document(content string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	return root, nil
}

// mapping returns the values of a mapping node by key, failing on a key not in
// allowed (sorted) or a key given twice.
func mapping(n *yaml.Node, what string, allowed []string) (map[string]*yaml.Node, error) {
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: a key of %s is not a string", k.Line, what)
		}
		if k.Value == "<<" {
			return nil, fmt.Errorf("line %d: merge keys (<<) are not supported in %s", k.Line, what)
		}
		if allowed != nil {
			if j := sort.SearchStrings(allowed, k.Value); j == len(allowed) || allowed[j] != k.Value {
				return nil, fmt.Errorf("line %d: unknown key %q in %s (allowed: %s)", k.Line, k.Value, what, strings.Join(allowed, ", "))
			}
		}
		if line, dup := lines[k.Value]; dup {
			return nil, fmt.Errorf("line %d: key %q appears twice in %s (the first at line %d)", k.Line, k.Value, what, line)
		}
		lines[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		out[k.Value] = v
	}
	return out, nil
}

// lookup finds the value of key in a mapping node, nil when absent.
func lookup(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func scalar(n *yaml.Node, what string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: %s must be a single value", n.Line, what)
	}
	return n.Value, nil
}

package catalog

import (
	"fmt"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UserSource is an administrator's source as the provider writes it.
type UserSource struct {
	// Kind is model sources (the zero Kind) or MCP sources.
	Kind     Kind
	ID       string
	Name     string
	Type     string // TypeYAML or TypeHuggingFace
	Enabled  bool
	Labels   []string
	Included []string
	Excluded []string
	// CatalogFile is a yaml source's catalog file.
	CatalogFile string
	// Organization is a Hugging Face source's allowedOrganization.
	Organization string
	// APIKeySecret names the Secret of a Hugging Face token; "" for none.
	APIKeySecret string
}

// Override is the sparse entry that disables or filters a shipped source.
type Override struct {
	// Kind is model sources (the zero Kind) or MCP sources.
	Kind     Kind
	ID       string
	Enabled  bool
	Included []string
	Excluded []string
}

// IDTakenError means a new source's id is already used.
type IDTakenError struct {
	ID string
	// Where is the ConfigMap that has it.
	Where   string
	Shipped bool
	// List is the other list of sources (mcp_catalogs, agent_catalogs, ...) that uses the id; "" for the source's own.
	List string
	// Kind is the kind of the new source; the zero Kind is model sources.
	Kind Kind
}

func (e *IDTakenError) Error() string {
	if e.List != "" {
		return fmt.Sprintf("the source id %q is already used by a source in %s of ConfigMap %s; the catalog server rejects a file "+
			"that uses one id in two lists of sources, so choose another source_id", e.ID, e.List, e.Where)
	}
	if e.Shipped {
		return fmt.Sprintf("the source id %q is a shipped source of %s; a source of your own needs another id. "+
			"To disable or filter the shipped source, use %s", e.ID, e.Where, e.Kind.orModels().DefaultSourceResource)
	}
	return fmt.Sprintf("the source id %q is already used in ConfigMap %s (made in the dashboard or by another configuration). "+
		"Choose another source_id, or adopt the source: terraform import <resource address> %s", e.ID, e.Where, e.ID)
}

// SizeError means a write would take a ConfigMap over MaxConfigMapBytes.
type SizeError struct {
	ID         string
	SourceSize int    // bytes of the source's own data: its catalog file
	Total      int    // bytes the ConfigMap would hold
	ConfigMap  string // the ConfigMap written
	// Own says the ConfigMap is the source's own: no other source shares it.
	Own bool
}

func (e *SizeError) Error() string {
	fix := "Make the catalog file smaller, remove other yaml sources, or place the source in a ConfigMap of its own (block own_config_map)"
	if e.Own {
		fix = "Split the catalog file over several sources"
	}
	return fmt.Sprintf("source %q: its catalog file is %d bytes and ConfigMap %s would hold %d bytes in all, over the limit of %d bytes (1 MiB) "+
		"that the API server sets on a ConfigMap; nothing was written. %s",
		e.ID, e.SourceSize, e.ConfigMap, e.Total, MaxConfigMapBytes, fix)
}

// Size is what the API server counts against MaxConfigMapBytes: every key and value.
func Size(cm *corev1.ConfigMap) int {
	n := 0
	for k, v := range cm.Data {
		n += len(k) + len(v)
	}
	for k, v := range cm.BinaryData {
		n += len(k) + len(v)
	}
	return n
}

// Sources parses a ConfigMap's sources.yaml for its model sources; the error
// names the ConfigMap and who can correct it.
func Sources(cm *corev1.ConfigMap) (*SourcesFile, error) { return SourcesOf(ModelSources, cm) }

// SourcesOf is Sources for the sources of kind.
func SourcesOf(kind Kind, cm *corev1.ConfigMap) (*SourcesFile, error) {
	f, err := ParseSourcesOf(kind, cm.Data[SourcesKey])
	if err == nil {
		return f, nil
	}
	if IsShippedConfigMap(cm.Name) {
		// The operator reverts edits to its own file: advice to edit it would be undone.
		return nil, fmt.Errorf("ConfigMap %s/%s, key %s, which the model registry operator writes: %w. "+
			"The provider cannot tell the shipped sources from this file; do not edit it (the operator reverts edits): "+
			"check the operator's logs and report the file to the operator's maintainers",
			cm.Namespace, cm.Name, SourcesKey, err)
	}
	return nil, fmt.Errorf("ConfigMap %s/%s, key %s: %w. The catalog server cannot read this file either; correct it (oc edit configmap -n %s %s)",
		cm.Namespace, cm.Name, SourcesKey, err, cm.Namespace, cm.Name)
}

func writeSources(cm *corev1.ConfigMap, f *SourcesFile) {
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data[SourcesKey] = f.String()
}

// PutSource writes s into the user ConfigMap in the dashboard's form: the entry
// in sources.yaml and, for a yaml source, the catalog file in its data key. With
// create, an id the file already has is an IDTakenError; else the entry is
// replaced in place. Everything else in the ConfigMap stays.
func PutSource(cm *corev1.ConfigMap, s UserSource, create bool) error {
	f, err := SourcesOf(s.Kind, cm)
	if err != nil {
		return err
	}
	old, exists := f.Find(s.ID)
	if exists && create {
		return &IDTakenError{ID: s.ID, Where: cm.Name, Kind: s.Kind}
	}
	if list, found := f.OtherListID(s.ID); found {
		return &IDTakenError{ID: s.ID, Where: cm.Name, List: list, Kind: s.Kind}
	}
	enabled := s.Enabled
	e := Entry{
		ID: s.ID, Name: s.Name, Type: s.Type, Enabled: &enabled, Labels: nonEmpty(s.Labels),
		Included: nonEmpty(s.Included), Excluded: nonEmpty(s.Excluded),
		Properties: map[string]string{},
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	// Only a plain key of this ConfigMap is written and removed.
	oldPath := ""
	if exists && isDataKey(old.Properties[PropertyYAMLCatalogPath]) {
		oldPath = old.Properties[PropertyYAMLCatalogPath]
	}
	switch s.Type {
	case TypeYAML:
		path := oldPath
		if path == "" {
			path = CatalogFileKey(s.ID)
		}
		e.Properties[PropertyYAMLCatalogPath] = path
		cm.Data[path] = s.CatalogFile
	case TypeHuggingFace:
		e.Properties[PropertyAllowedOrganization] = s.Organization
		if s.APIKeySecret != "" {
			e.Properties[PropertyAPIKey] = s.APIKeySecret
		}
		if oldPath != "" && f.referencedPaths()[oldPath] == 1 {
			delete(cm.Data, oldPath)
		}
	default:
		return fmt.Errorf("source %q: unknown type %q", s.ID, s.Type)
	}
	if err := f.Put(e); err != nil {
		return err
	}
	writeSources(cm, f)
	if total := Size(cm); total > MaxConfigMapBytes {
		return &SizeError{ID: s.ID, SourceSize: len(s.CatalogFile), Total: total, ConfigMap: cm.Name}
	}
	return nil
}

// RemoveSource deletes the entry of id and the catalog file only it reads; it
// reports whether there was an entry.
func RemoveSource(cm *corev1.ConfigMap, kind Kind, id string) (bool, error) {
	f, err := SourcesOf(kind, cm)
	if err != nil {
		return false, err
	}
	old, exists := f.Find(id)
	if !exists {
		return false, nil
	}
	path := old.Properties[PropertyYAMLCatalogPath]
	if isDataKey(path) && path != SourcesKey && f.referencedPaths()[path] == 1 {
		delete(cm.Data, path)
	}
	f.Remove(id)
	writeSources(cm, f)
	return true, nil
}

// PutOverride writes the dashboard's sparse entry for a shipped source:
// {id, enabled, includedModels?, excludedModels?}.
func PutOverride(cm *corev1.ConfigMap, o Override) error {
	f, err := SourcesOf(o.Kind, cm)
	if err != nil {
		return err
	}
	if list, found := f.OtherListID(o.ID); found {
		return &IDTakenError{ID: o.ID, Where: cm.Name, List: list, Kind: o.Kind}
	}
	enabled := o.Enabled
	if err := f.Put(Entry{ID: o.ID, Enabled: &enabled, Included: nonEmpty(o.Included), Excluded: nonEmpty(o.Excluded)}); err != nil {
		return err
	}
	writeSources(cm, f)
	if total := Size(cm); total > MaxConfigMapBytes {
		return &SizeError{ID: o.ID, Total: total, ConfigMap: cm.Name}
	}
	return nil
}

// RemoveOverride deletes the override of a shipped source, so its shipped settings return.
func RemoveOverride(cm *corev1.ConfigMap, kind Kind, id string) (bool, error) {
	f, err := SourcesOf(kind, cm)
	if err != nil {
		return false, err
	}
	if !f.Remove(id) {
		return false, nil
	}
	writeSources(cm, f)
	return true, nil
}

func nonEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// APIKeySecret is the Secret of a Hugging Face token, as the dashboard makes
// it; version is api_key_wo_version, recorded so that an import knows it.
func APIKeySecret(namespace, id, token string, version int64) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        APIKeySecretName(id),
			Namespace:   namespace,
			Labels:      map[string]string{LabelAppComponent: ComponentModelCatalog},
			Annotations: map[string]string{AnnotationAPIKeyVersion: fmt.Sprint(version)},
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{APIKeySecretKey: []byte(token)},
	}
}

// ConfigMapSource is a ConfigMap's sources of one kind, in the catalog's view.
type ConfigMapSource struct {
	Name string
	File *SourcesFile
}

// Merged is one source as the catalog server sees it after reading every file.
type Merged struct {
	Entry
	Shipped bool
	// Labelled says the source comes from a ConfigMap labelled opendatahub.io/catalog-source.
	Labelled bool
	// ConfigMap is the ConfigMap that defines the source; Overridden says whether
	// the user ConfigMap changes a shipped one.
	ConfigMap  string
	Overridden bool
}

// Merge combines the files in the catalog server's order (shipped, the user
// ConfigMaps in the order given: model-catalog-sources, then
// mcp-catalog-sources; then the labelled ConfigMaps by name): a later entry of
// an id already seen overrides the fields it sets.
func Merge(shipped *ConfigMapSource, users []ConfigMapSource, labelled []ConfigMapSource) []Merged {
	var out []Merged
	index := map[string]int{}
	add := func(src *ConfigMapSource, isShipped, isLabelled bool) {
		if src == nil || src.File == nil {
			return
		}
		for _, e := range src.File.Entries() {
			i, seen := index[e.ID]
			if !seen {
				index[e.ID] = len(out)
				out = append(out, Merged{Entry: e, Shipped: isShipped, Labelled: isLabelled, ConfigMap: src.Name})
				continue
			}
			m := &out[i]
			m.Overridden = true
			if e.Name != "" {
				m.Name = e.Name
			}
			if e.Type != "" {
				m.Type = e.Type
			}
			if e.Enabled != nil {
				m.Enabled = e.Enabled
			}
			if e.Labels != nil {
				m.Labels = e.Labels
			}
			if e.Included != nil {
				m.Included = e.Included
			}
			if e.Excluded != nil {
				m.Excluded = e.Excluded
			}
			if len(e.Properties) > 0 {
				m.Properties = e.Properties
			}
		}
	}
	add(shipped, true, false)
	for i := range users {
		add(&users[i], false, false)
	}
	sorted := slices.Clone(labelled)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for i := range sorted {
		add(&sorted[i], false, true)
	}
	return out
}

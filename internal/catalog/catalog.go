// Package catalog says what the catalog's model and MCP server sources are on
// the cluster: the ConfigMaps the operator makes, the `sources.yaml` file the
// dashboard writes into `model-catalog-sources` and `mcp-catalog-sources`, a
// labelled ConfigMap of the user's own, a yaml source's catalog file and an
// MCP source's, the Secret of a Hugging Face token. It parses those files as strictly as the
// catalog server does and edits them keeping everything it did not write. It
// holds pure functions over plain Go values, plus one read-modify-update loop
// over a small cluster interface; it knows nothing of Terraform.
package catalog

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The ConfigMaps of the catalog, all in the registries namespace.
const (
	// DefaultSourcesConfigMap holds the shipped sources on operators before v0.3.9; the operator reverts edits.
	DefaultSourcesConfigMap = "model-catalog-default-sources"
	// LaterDefaultSourcesConfigMap is its name from operator v0.3.9 (OpenShift AI 3.5) on; those
	// operators delete the old one they made, and the newest dashboard reads only this one.
	LaterDefaultSourcesConfigMap = "default-catalog-sources"
	// UserSourcesConfigMap holds the administrator's sources: the dashboard and the provider write here.
	UserSourcesConfigMap = "model-catalog-sources"
	// MCPSourcesConfigMap holds MCP server sources, not model sources.
	MCPSourcesConfigMap = "mcp-catalog-sources"
	// SourcesKey is the data key of the sources file in each of them.
	SourcesKey = "sources.yaml"
	// LabelCatalogSource marks a user's own ConfigMap that the catalog mounts too.
	LabelCatalogSource = "opendatahub.io/catalog-source"
)

// ShippedConfigMaps are the names of the shipped sources' ConfigMap, the one
// to read first: where both exist (during the rename), the later name is the
// one the catalog mounts and the dashboard reads.
var ShippedConfigMaps = []string{LaterDefaultSourcesConfigMap, DefaultSourcesConfigMap}

// IsShippedConfigMap tells whether name is the shipped sources' ConfigMap under either name.
func IsShippedConfigMap(name string) bool {
	return name == LaterDefaultSourcesConfigMap || name == DefaultSourcesConfigMap
}

// ReservedID is removed by the operator (v0.3.9 and later) from every user
// ConfigMap, so a source of that id would vanish after each write.
const ReservedID = "default_catalog"

// Source types.
const (
	TypeYAML        = "yaml"
	TypeHuggingFace = "hf"
)

// Properties of a source entry that the dashboard writes.
const (
	PropertyYAMLCatalogPath     = "yamlCatalogPath"
	PropertyAllowedOrganization = "allowedOrganization"
	PropertyAPIKey              = "apiKey"
)

// The Hugging Face token Secret.
const (
	// APIKeySecretKey is the Secret's data key holding the token.
	APIKeySecretKey = "apiKey"
	// LabelAppComponent is the label the dashboard sets on the token Secret.
	LabelAppComponent = "app.kubernetes.io/component"
	// ComponentModelCatalog is that label's value.
	ComponentModelCatalog = "model-catalog"
	// AnnotationAPIKeyVersion records api_key_wo_version on a token Secret the provider wrote.
	AnnotationAPIKeyVersion = "openshiftai.terraform.io/api-key-version"
)

// MaxConfigMapBytes is what a ConfigMap may hold in all: the API server counts
// every key and value of data and binaryData.
const MaxConfigMapBytes = 1 << 20

// MaxIDLength is the longest source id the dashboard accepts.
const MaxIDLength = 238

var idPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// ValidateID says what is wrong with a source id, "" when nothing is.
func ValidateID(id string) string {
	switch {
	case id == "":
		return "must not be empty"
	case len(id) > MaxIDLength:
		return fmt.Sprintf("is %d characters long; the dashboard accepts at most %d", len(id), MaxIDLength)
	case !idPattern.MatchString(id):
		return fmt.Sprintf("%q may hold only lowercase letters, digits and underscores (^[a-z0-9_]+$), as the dashboard requires", id)
	case id == ReservedID:
		return fmt.Sprintf("%q is reserved: the model registry operator deletes a source of that id from the user's ConfigMaps; choose another id", id)
	}
	return ""
}

// APIKeySecretName is the Secret the dashboard keeps a source's Hugging Face token in.
func APIKeySecretName(id string) string {
	return "catalog-" + strings.ReplaceAll(id, "_", "-") + "-apikey"
}

// CatalogFileKey is the data key of a yaml source's catalog file, as the dashboard names it.
func CatalogFileKey(id string) string { return id + ".yaml" }

// ValidatePattern says what is wrong with an include or exclude pattern, "" when nothing is.
// The catalog matches patterns case-insensitively with `*` as the only wildcard.
func ValidatePattern(pattern string) string {
	if strings.TrimSpace(pattern) == "" {
		return "an empty pattern matches nothing; remove it"
	}
	return ""
}

// OperatorLabels are the labels the operator puts on the catalog's ConfigMaps.
func OperatorLabels() map[string]string {
	return map[string]string{
		"app":                          "model-catalog",
		"component":                    "model-catalog",
		"app.kubernetes.io/name":       "model-catalog",
		"app.kubernetes.io/instance":   "model-catalog",
		"app.kubernetes.io/component":  "model-catalog",
		"app.kubernetes.io/part-of":    "model-catalog",
		"app.kubernetes.io/created-by": "model-registry-operator",
		"app.kubernetes.io/managed-by": "model-registry-operator",
	}
}

// MaxLabelledConfigMapName is the longest name of a labelled ConfigMap the operator mounts.
const MaxLabelledConfigMapName = 55

// IsLabelledSourcesConfigMap tells whether the operator (v0.3.9 and later)
// mounts cm as a labelled ConfigMap of sources: it carries the label, its name
// is a DNS label of at most 55 characters and it has the key sources.yaml;
// the operator skips any other without a word.
func IsLabelledSourcesConfigMap(cm *corev1.ConfigMap) bool {
	_, hasSources := cm.Data[SourcesKey]
	return cm.Labels[LabelCatalogSource] == "true" && hasSources && ValidateOwnConfigMapName(cm.Name) == ""
}

// ValidateOwnConfigMapName says what keeps the operator from mounting a
// labelled ConfigMap of this name, "" when nothing does.
func ValidateOwnConfigMapName(name string) string {
	if len(name) > MaxLabelledConfigMapName {
		return fmt.Sprintf("is %d characters long; the operator mounts a labelled ConfigMap only when its name has at most %d", len(name), MaxLabelledConfigMapName)
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Sprintf("%q is not a DNS label, which the operator requires of a labelled ConfigMap's name: %s", name, strings.Join(errs, "; "))
	}
	return ""
}

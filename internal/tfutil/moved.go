package tfutil

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// KubernetesProvider is the provider whose resources the families take over
// with moved blocks: hashicorp/kubernetes, from any registry host (Terraform's
// registry.terraform.io or OpenTofu's registry.opentofu.org).
const KubernetesProvider = "hashicorp/kubernetes"

// FromKubernetesProvider reports whether a moved resource's source is a
// resource of hashicorp/kubernetes. The hostname is ignored, as the framework
// recommends. Some Terraform releases send only the provider's local name
// implied by the resource type ("kubernetes") instead of its address.
func FromKubernetesProvider(req resource.MoveStateRequest) bool {
	address := strings.ToLower(req.SourceProviderAddress)
	return address == "kubernetes" || address == KubernetesProvider || strings.HasSuffix(address, "/"+KubernetesProvider)
}

// SourceDescription names a moved resource's source for error messages: its
// type and provider, such as `kubernetes_manifest (registry.terraform.io/hashicorp/kubernetes)`.
// Terraform does not tell the provider the source's address in the
// configuration; the identity of the object it held is added by the caller.
func SourceDescription(req resource.MoveStateRequest) string {
	return fmt.Sprintf("%s (%s)", req.SourceTypeName, req.SourceProviderAddress)
}

// SourceAttributes decodes the raw state of a moved resource's source into
// plain JSON values, without knowing its schema. Values of dynamic attributes
// (kubernetes_manifest's manifest and object) are stored by Terraform as
// {"value": ..., "type": ...}; DynamicValue unwraps them.
func SourceAttributes(req resource.MoveStateRequest) (map[string]any, error) {
	if req.SourceRawState == nil || len(req.SourceRawState.JSON) == 0 {
		return nil, fmt.Errorf("terraform sent no state for the %s", SourceDescription(req))
	}
	var attributes map[string]any
	if err := json.Unmarshal(req.SourceRawState.JSON, &attributes); err != nil {
		return nil, fmt.Errorf("the state of the %s is not a JSON object: %w", SourceDescription(req), err)
	}
	return attributes, nil
}

// DynamicValue is the value of a dynamic attribute read by SourceAttributes.
func DynamicValue(v any) any {
	if wrapped, ok := v.(map[string]any); ok && len(wrapped) == 2 {
		if value, hasValue := wrapped["value"]; hasValue {
			if _, hasType := wrapped["type"]; hasType {
				return value
			}
		}
	}
	return v
}

// StringAt is the string at the given keys of nested JSON objects; list
// elements are addressed by int (SDKv2 blocks are lists). "" when absent.
func StringAt(v any, keys ...any) string {
	s, _ := ValueAt(v, keys...).(string)
	return s
}

// ValueAt is the value at the given keys of nested JSON objects and lists; nil when absent.
func ValueAt(v any, keys ...any) any {
	for _, key := range keys {
		switch k := key.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		default:
			return nil
		}
	}
	return v
}

// Sentence is an error message as a diagnostic's detail: a capital first
// letter and a full stop at the end.
func Sentence(err error) string {
	msg := err.Error()
	if msg == "" {
		return msg
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

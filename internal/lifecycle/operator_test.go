package lifecycle

import (
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// setAvailable makes the operator report the registry's Available condition.
func setAvailable(f *kubefake.Cluster, namespace, name, status, reason, message string) {
	obj := f.Object(registry.GroupVersionResource, namespace, name)
	if obj == nil {
		return
	}
	obj.Object["status"] = map[string]any{"conditions": []any{map[string]any{
		"type": registry.ConditionAvailable, "status": status, "reason": reason, "message": message,
	}}}
}

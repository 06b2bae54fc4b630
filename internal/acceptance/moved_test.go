package acceptance_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

// kubernetesAddress is the provider address Terraform sends for hashicorp/kubernetes.
const kubernetesAddress = "registry.terraform.io/hashicorp/kubernetes"

// manifestState is the state of a kubernetes_manifest of hashicorp/kubernetes
// holding obj: manifest and object are dynamic, stored with their type.
func manifestState(t *testing.T, obj map[string]any, withObject bool) []byte {
	t.Helper()
	dynamic := func(v any) any { return map[string]any{"value": v, "type": []any{"object", map[string]any{}}} }
	state := map[string]any{
		"manifest": dynamic(obj), "object": nil, "computed_fields": nil,
		"field_manager": []any{}, "timeouts": []any{}, "wait": []any{}, "wait_for": nil,
	}
	if withObject {
		full := map[string]any{}
		for k, v := range obj {
			full[k] = v
		}
		full["status"] = map[string]any{"conditions": []any{}}
		state["object"] = dynamic(full)
	}
	out, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// roleBindingState is the state of a kubernetes_role_binding_v1 (SDKv2: blocks are lists).
func roleBindingState(t *testing.T, roleKind, role string, subjects ...map[string]any) []byte {
	t.Helper()
	list := make([]any, 0, len(subjects))
	for _, s := range subjects {
		list = append(list, s)
	}
	out, err := json.Marshal(map[string]any{
		"id": "rhoai-model-registries/fraud-alice",
		"metadata": []any{map[string]any{
			"name": "fraud-alice", "namespace": "rhoai-model-registries", "annotations": nil, "labels": nil,
			"generate_name": "", "generation": 0, "resource_version": "123", "uid": "4b1c",
		}},
		"role_ref": []any{map[string]any{"api_group": "rbac.authorization.k8s.io", "kind": roleKind, "name": role}},
		"subject":  list,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func registryObject(apiVersion, kind, namespace string) map[string]any {
	metadata := map[string]any{"name": "fraud"}
	if namespace != "" {
		metadata["namespace"] = namespace
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": metadata, "spec": map[string]any{"rest": map[string]any{}}}
}

func user(name string) map[string]any {
	return map[string]any{"api_group": "rbac.authorization.k8s.io", "kind": "User", "name": name, "namespace": ""}
}

// moveState calls MoveResourceState of the provider as Terraform does for a moved block.
func moveState(t *testing.T, target, sourceAddress, sourceType string, sourceState []byte) (map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: sourceAddress, SourceTypeName: sourceType, SourceSchemaVersion: 1,
		SourceState: &tfprotov6.RawState{JSON: sourceState}, TargetTypeName: target,
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TargetState == nil {
		return nil, resp.Diagnostics
	}
	value, err := resp.TargetState.Unmarshal(schemas.ResourceSchemas[target].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	attributes := map[string]tftypes.Value{}
	if err := value.As(&attributes); err != nil {
		t.Fatal(err)
	}
	return attributes, resp.Diagnostics
}

func stringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMoveState_registryFromManifest(t *testing.T) {
	for name, state := range map[string][]byte{
		"applied":                     manifestState(t, registryObject("modelregistry.opendatahub.io/v1beta1", "ModelRegistry", "rhoai-model-registries"), true),
		"manifest only":               manifestState(t, registryObject("modelregistry.opendatahub.io/v1beta1", "ModelRegistry", "rhoai-model-registries"), false),
		"deprecated version v1alpha1": manifestState(t, registryObject("modelregistry.opendatahub.io/v1alpha1", "ModelRegistry", "rhoai-model-registries"), true),
	} {
		t.Run(name, func(t *testing.T) {
			address := kubernetesAddress
			if name == "manifest only" {
				// Terraform 1.8 to 1.11 send the provider's implied local name instead of its address.
				address = "kubernetes"
			}
			attributes, diags := moveState(t, "openshiftai_model_registry", address, "kubernetes_manifest", state)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags[0].Detail)
			}
			// The moved state is the identity an import starts from; the refresh reads the rest.
			for attribute, want := range map[string]string{
				"id": "rhoai-model-registries/fraud", "namespace": "rhoai-model-registries", "resource_name": "fraud", "name": "<null>",
			} {
				if got := stringOf(t, attributes[attribute]); got != want {
					t.Errorf("%s = %s, want %s", attribute, got, want)
				}
			}
		})
	}
}

func TestMoveState_registryRejectsOtherSources(t *testing.T) {
	registryState := manifestState(t, registryObject("modelregistry.opendatahub.io/v1beta1", "ModelRegistry", "rhoai-model-registries"), true)
	for name, tc := range map[string]struct {
		address, sourceType string
		state               []byte
		want                []string
	}{
		"a ConfigMap": {kubernetesAddress, "kubernetes_manifest",
			manifestState(t, registryObject("v1", "ConfigMap", "rhoai-model-registries"), true),
			[]string{"kubernetes_manifest (registry.terraform.io/hashicorp/kubernetes) holds ConfigMap rhoai-model-registries/fraud", "not a ModelRegistry"}},
		"another group's ModelRegistry": {kubernetesAddress, "kubernetes_manifest",
			manifestState(t, registryObject("components.platform.opendatahub.io/v1alpha1", "ModelRegistry", ""), true),
			[]string{"holds ModelRegistry fraud (apiVersion components.platform.opendatahub.io/v1alpha1)"}},
		"no namespace": {kubernetesAddress, "kubernetes_manifest",
			manifestState(t, registryObject("modelregistry.opendatahub.io/v1beta1", "ModelRegistry", ""), true),
			[]string{"without metadata.namespace", "import block"}},
		"another type": {kubernetesAddress, "kubernetes_secret_v1", registryState,
			[]string{"the source is a kubernetes_secret_v1 (registry.terraform.io/hashicorp/kubernetes)", "import block"}},
		"another provider": {"registry.terraform.io/gavinbunney/kubectl", "kubernetes_manifest", registryState,
			[]string{"the source is a kubernetes_manifest (registry.terraform.io/gavinbunney/kubectl)"}},
		"empty state": {kubernetesAddress, "kubernetes_manifest", []byte(`{"manifest":null,"object":null}`),
			[]string{"holds no Kubernetes object"}},
	} {
		t.Run(name, func(t *testing.T) {
			attributes, diags := moveState(t, "openshiftai_model_registry", tc.address, tc.sourceType, tc.state)
			if attributes != nil || len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError {
				t.Fatalf("want one error and no state, got state %v and %d diagnostics", attributes, len(diags))
			}
			if diags[0].Summary != "Cannot move into openshiftai_model_registry" {
				t.Errorf("summary %q", diags[0].Summary)
			}
			for _, want := range tc.want {
				if !strings.Contains(diags[0].Detail, want) {
					t.Errorf("detail %q does not say %q", diags[0].Detail, want)
				}
			}
		})
	}
}

func TestMoveState_permissionFromRoleBinding(t *testing.T) {
	for sourceType, subject := range map[string]map[string]any{
		"kubernetes_role_binding_v1": user("alice"),
		"kubernetes_role_binding":    {"api_group": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:serviceaccounts:team-a"},
	} {
		t.Run(sourceType, func(t *testing.T) {
			attributes, diags := moveState(t, "openshiftai_model_registry_permission", kubernetesAddress, sourceType,
				roleBindingState(t, "Role", "registry-user-fraud", subject))
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags[0].Detail)
			}
			want := map[string]string{
				"id": "rhoai-model-registries/fraud-alice", "binding_name": "fraud-alice", "registry": "fraud",
				"namespace": "rhoai-model-registries", "user": "alice", "group": "<null>", "project": "<null>",
			}
			if sourceType == "kubernetes_role_binding" {
				want["user"], want["project"] = "<null>", "team-a"
			}
			for attribute, value := range want {
				if got := stringOf(t, attributes[attribute]); got != value {
					t.Errorf("%s = %s, want %s", attribute, got, value)
				}
			}
		})
	}
}

func TestMoveState_permissionRejectsOtherBindings(t *testing.T) {
	for name, tc := range map[string]struct {
		sourceType string
		state      []byte
		want       string
	}{
		"another role": {"kubernetes_role_binding_v1", roleBindingState(t, "Role", "view", user("alice")),
			`binds Role "view", not the user role of a model registry`},
		"a cluster role": {"kubernetes_role_binding_v1", roleBindingState(t, "ClusterRole", "registry-user-fraud", user("alice")),
			`binds ClusterRole "registry-user-fraud"`},
		"two subjects": {"kubernetes_role_binding_v1", roleBindingState(t, "Role", "registry-user-fraud", user("alice"), user("bob")),
			"has 2 subjects"},
		"a service account": {"kubernetes_role_binding_v1", roleBindingState(t, "Role", "registry-user-fraud",
			map[string]any{"kind": "ServiceAccount", "name": "pipeline", "namespace": "team-b"}), "binds a ServiceAccount"},
		"a cluster role binding": {"kubernetes_cluster_role_binding_v1", roleBindingState(t, "Role", "registry-user-fraud", user("alice")),
			"the source is a kubernetes_cluster_role_binding_v1 (registry.terraform.io/hashicorp/kubernetes)"},
	} {
		t.Run(name, func(t *testing.T) {
			attributes, diags := moveState(t, "openshiftai_model_registry_permission", kubernetesAddress, tc.sourceType, tc.state)
			if attributes != nil || len(diags) != 1 {
				t.Fatalf("want one error and no state, got state %v and %d diagnostics", attributes, len(diags))
			}
			if !strings.Contains(diags[0].Detail, tc.want) || !strings.Contains(diags[0].Detail, "import block") {
				t.Errorf("detail %q does not say %q and how to import instead", diags[0].Detail, tc.want)
			}
		})
	}
}

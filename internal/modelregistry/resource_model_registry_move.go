package modelregistry

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/tfutil"
)

// manifestType is hashicorp/kubernetes' resource that holds any object.
const manifestType = "kubernetes_manifest"

// moveHowTo is the way out of a move this resource cannot make.
const moveHowTo = "Remove the moved block and adopt the registry with an import block instead " +
	"(import { to = openshiftai_model_registry.<label>, id = \"<namespace>/<resource_name>\" }), " +
	"then remove the source resource from the state with a removed block (lifecycle { destroy = false })."

// movedRegistry is the registry a kubernetes_manifest of hashicorp/kubernetes
// held: its namespace and name, read from the source's raw state.
func movedRegistry(req resource.MoveStateRequest) (namespace, name string, err error) {
	source := tfutil.SourceDescription(req)
	if !tfutil.FromKubernetesProvider(req) || req.SourceTypeName != manifestType {
		return "", "", fmt.Errorf("openshiftai_model_registry takes over only a %s of %s that holds a ModelRegistry; the source is a %s. %s",
			manifestType, tfutil.KubernetesProvider, source, moveHowTo)
	}
	attributes, err := tfutil.SourceAttributes(req)
	if err != nil {
		return "", "", err
	}
	// object is what the API server returned; manifest is what was configured.
	// Either names the object; object is absent in a state written before the first apply finished.
	var kind, apiVersion string
	for _, attribute := range []string{"object", "manifest"} {
		manifest := tfutil.DynamicValue(attributes[attribute])
		kind, apiVersion = tfutil.StringAt(manifest, "kind"), tfutil.StringAt(manifest, "apiVersion")
		namespace, name = tfutil.StringAt(manifest, "metadata", "namespace"), tfutil.StringAt(manifest, "metadata", "name")
		if kind != "" && name != "" {
			break
		}
	}
	if kind == "" || name == "" {
		return "", "", fmt.Errorf("the state of the %s holds no Kubernetes object (no kind or metadata.name in object or manifest). %s", source, moveHowTo)
	}
	gv, _ := schema.ParseGroupVersion(apiVersion)
	held := strings.TrimPrefix(namespace+"/"+name, "/")
	if gv.Group != registry.Group || kind != registry.Kind {
		return "", "", fmt.Errorf("the %s holds %s %s (apiVersion %s), not a %s (%s). Only a ModelRegistry can become an openshiftai_model_registry; "+
			"keep this resource as it is and move the right kubernetes_manifest", source, kind, held, apiVersion, registry.Kind, registry.Group)
	}
	if namespace == "" {
		return "", "", fmt.Errorf("the %s holds ModelRegistry %q without metadata.namespace; a ModelRegistry is namespaced. %s", source, name, moveHowTo)
	}
	return namespace, name, nil
}

// moveFromManifest takes over a registry from a kubernetes_manifest: the
// moved state is what an import of the same registry starts from, and the
// refresh of the plan that follows reads the cluster as after an import
// (Terraform does not configure the resource for the move itself). The
// password Secret the manifest pointed at reads back as
// database.existing_password_secret, because the provider did not write it.
func (r *modelRegistryResource) moveFromManifest(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	namespace, name, err := movedRegistry(req)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move into openshiftai_model_registry", tfutil.Sentence(err))
		return
	}
	imported := resource.ImportStateResponse{State: resp.TargetState, Identity: resp.TargetIdentity}
	r.ImportState(ctx, resource.ImportStateRequest{ID: namespace + "/" + name}, &imported)
	resp.Diagnostics.Append(imported.Diagnostics...)
	resp.TargetState, resp.TargetIdentity = imported.State, imported.Identity
}

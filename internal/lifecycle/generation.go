package lifecycle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// probeNamePrefix starts the name of the dry-run registry that shows what the
// operator's webhook does; a random suffix keeps it clear of real registries,
// whose names the webhook checks across the cluster.
const probeNamePrefix = "openshiftai-probe-"

// DetectOperator finds out what the cluster's operator does that limits
// registry names, from what the cluster has and does, never from a version:
//
//   - Whether the label of `<name>-kube-rbac-proxy-config` is fixed (v0.3.14):
//     a server-side dry run of a registry with no proxy. v0.3.14's webhook adds
//     `kubeRBACProxy: {}` to it, earlier webhooks do not. The dry run shows the
//     operator that runs now, on a cluster with no registry yet, and stores
//     nothing; ConfigMaps of existing registries may predate an upgrade or be
//     missing altogether.
//   - Gateway mode: a registry whose first host carries a path (from the list of
//     registries the plan has already made, so it costs nothing), else the
//     ReferenceGrant `allow-gateway-httproutes` in the registries namespace.
//     Before the first registry of a gateway-mode cluster neither exists yet.
//
// A question the cluster does not answer stays nil in the evidence, and Why says why.
func DetectOperator(ctx context.Context, client kube.Interface, namespace string, registries map[string][]unstructured.Unstructured) registry.Evidence {
	var evidence registry.Evidence
	var unknown []string
	if forces, err := forcesProxy(ctx, client, namespace); err != nil {
		unknown = append(unknown, "a dry run of a registry through the operator's webhook failed: "+err.Error())
	} else {
		evidence.ForcesProxy = &forces
	}
	if evidence.ForcesProxy != nil && !*evidence.ForcesProxy {
		// The proxy ConfigMap's 40 characters are the limit whatever the gateway does.
		return evidence
	}
	if gateway, err := gatewayMode(ctx, client, namespace, registries); err != nil {
		unknown = append(unknown, "reading ReferenceGrant "+registry.GatewayReferenceGrantName+" failed: "+err.Error())
	} else {
		evidence.Gateway = &gateway
	}
	evidence.Why = strings.Join(unknown, "; ")
	return evidence
}

func forcesProxy(ctx context.Context, client kube.Interface, namespace string) (bool, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	probe := registry.ProbeModelRegistry(namespace, probeNamePrefix+hex.EncodeToString(suffix))
	out, err := client.Apply(ctx, probe, kube.ApplyOptions{DryRun: true})
	if err != nil {
		return false, err
	}
	if out == nil {
		return false, fmt.Errorf("the API server answered the dry run of %s with nothing", probe.GetName())
	}
	return registry.HasKubeRBACProxy(out), nil
}

func gatewayMode(ctx context.Context, client kube.Interface, namespace string, registries map[string][]unstructured.Unstructured) (bool, error) {
	for _, sameName := range registries {
		for i := range sameName {
			hosts, _, _ := unstructured.NestedStringSlice(sameName[i].Object, "status", "hosts")
			if registry.GatewayHost(hosts) {
				return true, nil
			}
		}
	}
	if discovery, ok := client.(kube.Discovery); ok {
		if served, err := discovery.Serves(registry.ReferenceGrantResource); err == nil && !served {
			// No Gateway API, no gateway mode; asking for the kind would wait for the deadline.
			return false, nil
		}
	}
	_, err := client.Get(ctx, registry.ReferenceGrantResource, namespace, registry.GatewayReferenceGrantName)
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsNotFound(err):
		// Also when the cluster serves no Gateway API: then there is no gateway mode.
		return false, nil
	}
	return false, err
}

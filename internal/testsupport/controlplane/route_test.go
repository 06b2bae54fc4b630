package controlplane_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/router"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func newRoute(namespace, name string, spec map[string]any) *unstructured.Unstructured {
	spec["to"] = map[string]any{"kind": "Service", "name": name}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "route.openshift.io/v1", "kind": "Route",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     spec,
	}}
}

// waitAdmitted waits until the default router has admitted the Route under host.
func (e env) waitAdmitted(t *testing.T, namespace, name, host string) *unstructured.Unstructured {
	t.Helper()
	var admitted *unstructured.Unstructured
	eventually(t, 20*time.Second, "Route "+namespace+"/"+name+" admitted as "+host, func() error {
		route, err := e.dynamic.Resource(router.RouteResource).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		ingress, _, _ := unstructured.NestedSlice(route.Object, "status", "ingress")
		if len(ingress) != 1 {
			return fmt.Errorf("status.ingress = %v", ingress)
		}
		entry, ok := ingress[0].(map[string]any)
		if !ok {
			return fmt.Errorf("status.ingress[0] is a %T", ingress[0])
		}
		conditions, _ := entry["conditions"].([]any)
		if entry["host"] != host || entry["routerName"] != "default" || entry["wildcardPolicy"] != "None" || len(conditions) != 1 {
			return fmt.Errorf("status.ingress[0] = %v", entry)
		}
		condition, _ := conditions[0].(map[string]any)
		if condition["type"] != "Admitted" || condition["status"] != "True" || condition["lastTransitionTime"] == nil {
			return fmt.Errorf("condition %v", condition)
		}
		admitted = route
		return nil
	})
	return admitted
}

func TestRouteAdmitted(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "routes")
	routes := e.dynamic.Resource(router.RouteResource).Namespace(namespace)

	// As the operator makes <name>-https with host <name>-rest.<domain>.
	host := "reg-rest." + controlplane.AppsDomain
	withHost := newRoute(namespace, "reg-https", map[string]any{
		"host": host, "port": map[string]any{"targetPort": "https-api"},
		"tls": map[string]any{"termination": "reencrypt"},
	})
	if _, err := routes.Create(ctx, withHost, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.waitAdmitted(t, namespace, "reg-https", host)

	// Without a host the Route gets <name>-<namespace>.<domain>, in spec and status.
	if _, err := routes.Create(ctx, newRoute(namespace, "plain", map[string]any{}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	generated := "plain-" + namespace + "." + controlplane.AppsDomain
	route := e.waitAdmitted(t, namespace, "plain", generated)
	if got, _, _ := unstructured.NestedString(route.Object, "spec", "host"); got != generated {
		t.Errorf("spec.host = %q, want %q", got, generated)
	}

	// A changed host is admitted again under the new one.
	patched := []byte(`{"spec":{"host":"other-rest.` + controlplane.AppsDomain + `"}}`)
	if _, err := routes.Patch(ctx, "reg-https", "application/merge-patch+json", patched, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	e.waitAdmitted(t, namespace, "reg-https", "other-rest."+controlplane.AppsDomain)
}

func TestRouteCRDValidates(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	namespace := e.newNamespace(t, "badroute")
	route := newRoute(namespace, "bad", map[string]any{"tls": map[string]any{"termination": "sideways"}})
	_, err := e.dynamic.Resource(router.RouteResource).Namespace(namespace).Create(context.Background(), route, metav1.CreateOptions{})
	if err == nil {
		t.Fatal("a Route with tls.termination sideways was accepted")
	}
}

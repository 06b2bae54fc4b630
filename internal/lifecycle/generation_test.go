package lifecycle

import (
	"context"
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube/kubefake"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

const testNamespace = registry.DefaultNamespace

// forcingWebhook is v0.3.14's defaulting: kubeRBACProxy on a registry that sets neither proxy.
func forcingWebhook(u *unstructured.Unstructured) {
	if u.GetKind() != registry.Kind {
		return
	}
	_, kube, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "kubeRBACProxy")
	_, oauth, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "oauthProxy")
	if !kube && !oauth {
		_ = unstructured.SetNestedMap(u.Object, map[string]any{}, "spec", "kubeRBACProxy")
	}
}

// admitting changes every object applied, dry runs included, as a mutating webhook would.
func admitting(admit func(u *unstructured.Unstructured)) func(context.Context, kube.Interface, runtime.Object, kube.ApplyOptions) (*unstructured.Unstructured, error) {
	return func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
		u, err := kube.ToUnstructured(obj.DeepCopyObject())
		if err != nil {
			return nil, err
		}
		admit(u)
		return fake.Apply(ctx, u, opts)
	}
}

func registryWithHosts(name string, hosts ...string) unstructured.Unstructured {
	obj := registry.ProbeModelRegistry(testNamespace, name)
	list := make([]any, 0, len(hosts))
	for _, h := range hosts {
		list = append(list, h)
	}
	_ = unstructured.SetNestedSlice(obj.Object, list, "status", "hosts")
	return *obj
}

func TestDetectOperatorGenerations(t *testing.T) {
	routeOnly := registryWithHosts("fraud", "fraud-rest.apps.example.com", "fraud."+testNamespace+".svc.cluster.local")
	gatewayHosts := registryWithHosts("vision", "gw.example.com/model-registry/vision", "vision-rest.apps.example.com")
	for _, tc := range []struct {
		name         string
		admit        func(*unstructured.Unstructured)
		grant        bool
		registries   []unstructured.Unstructured
		wantMax      int
		wantInReason string
	}{
		{"v0.3.8: the webhook adds no proxy", nil, false, []unstructured.Unstructured{routeOnly}, 40, "kube-rbac-proxy-config"},
		{"v0.3.14: the webhook adds the proxy", forcingWebhook, false, []unstructured.Unstructured{routeOnly}, 58, "REST Route host"},
		{"v0.3.14 in gateway mode, told by a registry's host", forcingWebhook, false, []unstructured.Unstructured{gatewayHosts}, 48, "HTTPRoute"},
		{"v0.3.14 in gateway mode, told by the ReferenceGrant", forcingWebhook, true, nil, 48, "HTTPRoute"},
		{"v0.3.10 in gateway mode: the proxy label is the stricter", nil, true, nil, 40, "kube-rbac-proxy-config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := kubefake.New()
			if tc.admit != nil {
				f.Interceptors.Apply = admitting(tc.admit)
			}
			if tc.grant {
				grant := &unstructured.Unstructured{}
				grant.SetName(registry.GatewayReferenceGrantName)
				grant.SetNamespace(testNamespace)
				f.Put(registry.ReferenceGrantResource, grant)
			}
			byName := map[string][]unstructured.Unstructured{}
			for _, r := range tc.registries {
				byName[r.GetName()] = append(byName[r.GetName()], r)
			}
			evidence := DetectOperator(context.Background(), f, testNamespace, byName)
			rule := evidence.Rule()
			if rule.MaxLength != tc.wantMax || !rule.Certain || !strings.Contains(rule.Reason, tc.wantInReason) {
				t.Errorf("rule %+v (evidence %+v); want %d, certain, a reason naming %q", rule, evidence, tc.wantMax, tc.wantInReason)
			}
			var dryRuns int
			for _, call := range f.Calls {
				if strings.HasPrefix(call, "dryrun modelregistries/"+testNamespace+"/"+probeNamePrefix) {
					dryRuns++
				}
				if strings.HasPrefix(call, "apply ") {
					t.Errorf("detection wrote to the cluster: %s", call)
				}
			}
			if dryRuns != 1 {
				t.Errorf("%d dry runs of a probe registry, want 1: %v", dryRuns, f.Calls)
			}
		})
	}
}

// A 45-character name fits on v0.3.14 and not before; the message says why.
func TestNameRuleCheck(t *testing.T) {
	name := strings.Repeat("a", 45)
	yes, no := true, false
	old := registry.Evidence{ForcesProxy: &no, Gateway: &no}.Rule()
	problem := old.Check(name)
	for _, want := range []string{"is 45 characters long", "at most 40", name + "-kube-rbac-proxy-config", "63 characters"} {
		if !strings.Contains(problem, want) {
			t.Errorf("problem %q does not say %q", problem, want)
		}
	}
	if p := (registry.Evidence{ForcesProxy: &yes, Gateway: &no}).Rule().Check(name); p != "" {
		t.Errorf("v0.3.14 refuses a 45-character name: %s", p)
	}
	gateway := registry.Evidence{ForcesProxy: &yes, Gateway: &yes}.Rule()
	if gateway.Check(strings.Repeat("b", 48)) != "" || !strings.Contains(gateway.Check(strings.Repeat("b", 49)), "model-registry-"+strings.Repeat("b", 49)) {
		t.Errorf("gateway mode: 48 must pass and 49 fail naming the HTTPRoute: %q", gateway.Check(strings.Repeat("b", 49)))
	}
}

// When the cluster cannot answer, the strictest rule applies and says so.
func TestDetectOperatorUnanswered(t *testing.T) {
	f := kubefake.New()
	f.Interceptors = kubefake.Funcs{
		Apply: func(ctx context.Context, fake kube.Interface, obj runtime.Object, opts kube.ApplyOptions) (*unstructured.Unstructured, error) {
			if opts.DryRun {
				return nil, apierrors.NewInternalError(errors.New(`failed calling webhook "vmodelregistry.opendatahub.io": connection refused`))
			}
			return fake.Apply(ctx, obj, opts)
		},
		Get: func(ctx context.Context, fake kube.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
			if gvr == registry.ReferenceGrantResource {
				return nil, apierrors.NewForbidden(registry.ReferenceGrantResource.GroupResource(), registry.GatewayReferenceGrantName, errors.New("no"))
			}
			return fake.Get(ctx, gvr, namespace, name)
		},
	}
	evidence := DetectOperator(context.Background(), f, testNamespace, nil)
	rule := evidence.Rule()
	if rule.MaxLength != 40 || rule.Certain {
		t.Errorf("rule %+v, want the strictest (40) and not certain", rule)
	}
	if !strings.Contains(evidence.Why, "connection refused") || !strings.Contains(evidence.Why, registry.GatewayReferenceGrantName) {
		t.Errorf("Why = %q, want both failures named", evidence.Why)
	}
}

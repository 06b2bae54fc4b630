package registry

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Names of the operator's objects whose length caps a registry's name on some
// operator generations.
const (
	proxyConfigMapSuffix = "-kube-rbac-proxy-config"
	httpRoutePrefix      = "model-registry-"

	// GatewayReferenceGrantName is the ReferenceGrant the operator makes in the
	// registries namespace in gateway mode (v0.3.10 and later).
	GatewayReferenceGrantName = "allow-gateway-httproutes"
)

// ReferenceGrantResource is the Gateway API ReferenceGrant (served as v1beta1 by every Gateway API release).
var ReferenceGrantResource = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1beta1", Resource: "referencegrants"}

// MaxProxyConfigNameLength is the longest name operators before v0.3.14 run:
// they label ConfigMap `<name>-kube-rbac-proxy-config` with
// app.kubernetes.io/instance set to that whole name, and a label value has at
// most 63 characters.
const MaxProxyConfigNameLength = validation.LabelValueMaxLength - len(proxyConfigMapSuffix)

// MaxGatewayNameLength is the longest name in gateway mode: the operator makes
// HTTPRoute `model-registry-<name>`, which must fit in 63 characters.
const MaxGatewayNameLength = validation.DNS1035LabelMaxLength - len(httpRoutePrefix)

// ProxyConfigMapName is the ConfigMap of the auth proxy's configuration the operator makes.
func ProxyConfigMapName(name string) string { return name + proxyConfigMapSuffix }

// HTTPRouteName is the HTTPRoute the operator makes for a registry in gateway mode.
func HTTPRouteName(name string) string { return httpRoutePrefix + name }

// Evidence is what the cluster showed of its operator; a nil field means it could not tell.
type Evidence struct {
	// ForcesProxy: the webhook added kubeRBACProxy to a registry that set no
	// proxy. v0.3.14 does so, and from v0.3.14 the proxy ConfigMap's label is
	// `<name>`; earlier operators do neither.
	ForcesProxy *bool
	// Gateway: the operator runs in gateway mode (a registry's first host
	// carries a path, or the gateway ReferenceGrant exists).
	Gateway *bool
	// Why says what was not told, for the diagnostic; "" when everything was.
	Why string
}

// NameRule is the longest registry name the cluster's operator can run, and why.
type NameRule struct {
	MaxLength int
	// Reason names the object whose name or label the limit comes from.
	Reason string
	// Certain is false when the cluster could not tell and the strictest rule was taken.
	Certain bool
}

// Rule is the name rule for what the cluster showed; where it could not tell,
// the strictest rule that might apply.
func (e Evidence) Rule() NameRule {
	// Before v0.3.14 the proxy ConfigMap's limit is the lowest, whatever the gateway does.
	certain := e.ForcesProxy != nil && (!*e.ForcesProxy || e.Gateway != nil)
	rule := NameRule{MaxLength: MaxResourceNameLength, Certain: certain,
		Reason: fmt.Sprintf("the operator's REST Route host starts with \"<name>%s\", a 63-character DNS label", restRouteSuffix)}
	if e.Gateway == nil || *e.Gateway {
		rule.MaxLength = MaxGatewayNameLength
		rule.Reason = fmt.Sprintf("in gateway mode the operator makes HTTPRoute %q, which must fit in 63 characters", HTTPRouteName("<name>"))
	}
	if e.ForcesProxy == nil || !*e.ForcesProxy {
		rule.MaxLength = MaxProxyConfigNameLength
		rule.Reason = fmt.Sprintf("operators before v0.3.14 label ConfigMap %q with app.kubernetes.io/instance: %q, "+
			"and a label value has at most 63 characters, so the operator cannot create it and the registry never becomes ready",
			ProxyConfigMapName("<name>"), ProxyConfigMapName("<name>"))
	}
	return rule
}

// Check returns the problem of a name under the rule, "" when it fits.
func (r NameRule) Check(name string) string {
	if len(name) <= r.MaxLength {
		return ""
	}
	return fmt.Sprintf("is %d characters long; at most %d are allowed on this cluster, because %s",
		len(name), r.MaxLength, strings.ReplaceAll(r.Reason, "<name>", name))
}

// ProbeModelRegistry is a registry with no auth proxy that a server-side dry
// run sends through the operator's webhook, to see whether it adds the proxy.
// It asks for the default database, the one spec that needs no other object.
func ProbeModelRegistry(namespace, name string) *unstructured.Unstructured {
	generate := true
	return modelRegistryObject{
		TypeMeta: metav1.TypeMeta{APIVersion: GroupVersionKind.GroupVersion().String(), Kind: Kind},
		Metadata: objectMeta{Name: name, Namespace: namespace, Labels: map[string]string{LabelAppManagedBy: ManagedByProvider}},
		Spec:     ModelRegistrySpec{Grpc: &Empty{}, Rest: &Empty{}, Postgres: &PostgresSpec{GenerateDeployment: &generate}},
	}.unstructured()
}

// HasKubeRBACProxy tells whether a ModelRegistry sets spec.kubeRBACProxy.
func HasKubeRBACProxy(u *unstructured.Unstructured) bool {
	_, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", fieldKubeRBACProxy)
	return found
}

// GatewayHost tells whether a registry's status.hosts shows gateway mode: its
// first host is `<gateway domain>/model-registry/<name>`, a host with a path.
func GatewayHost(hosts []string) bool {
	return len(hosts) > 0 && strings.Contains(hosts[0], "/")
}

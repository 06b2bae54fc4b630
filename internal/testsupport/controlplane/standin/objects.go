package standin

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Names and values of the objects the stand-in makes for a registry.
const (
	// Image is what every container runs: nothing is served, so the smallest image that
	// also starts on a real node (kind) will do.
	Image = "registry.k8s.io/pause:3.10"

	ContainerREST          = "rest-container"
	ContainerKubeRBACProxy = "kube-rbac-proxy"
	PortNameHTTP           = "http-api"
	PortNameHTTPS          = "https-api"
	PostgresUser           = "modelregistry"
	PostgresDatabase       = "model_registry"
	PostgresStorage        = "5Gi"
	PostgresPort           = 5432

	// kubeRBACProxyConfigKey is the data key of the proxy's ConfigMap.
	kubeRBACProxyConfigKey = "config-file.yaml"
)

// Resources of the objects the stand-in makes, for tests that look them up.
var (
	ServiceAccountResource     = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	ServiceResource            = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	ConfigMapResource          = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	SecretResource             = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	PVCResource                = schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}
	DeploymentResource         = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	NetworkPolicyResource      = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	RoleResource               = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	RoleBindingResource        = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	ClusterRoleBindingResource = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}
	RouteResource              = schema.GroupVersionResource{Group: "route.openshift.io", Version: "v1", Resource: "routes"}
	HTTPRouteResource          = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
	ReferenceGrantResource     = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1beta1", Resource: "referencegrants"}
)

// ReferenceGrantName is the gateway mode's ReferenceGrant, one for every registry of a
// namespace (DOMAIN.md, "Gateway mode (v0.3.10 and later)").
const ReferenceGrantName = "allow-gateway-httproutes"

// HTTPRouteName is the gateway mode's HTTPRoute of registry name.
func HTTPRouteName(name string) string { return "model-registry-" + name }

// GatewayPath is the path of a registry under the gateway domain.
func GatewayPath(name string) string { return "/model-registry/" + name + "/" }

// GatewayHost is status.hosts[0] in gateway mode: the gateway domain and the path, no slash at the end.
func GatewayHost(domain, name string) string { return domain + "/model-registry/" + name }

// GeneratedNamespaceLabel marks namespaces the v0.3.9 NetworkPolicy <name>-https-route admits.
const GeneratedNamespaceLabel = "opendatahub.io/generated-namespace"

// Name patterns of the operator's objects (DOMAIN.md, "What the operator creates").
func routeName(name string) string              { return name + "-https" }
func routeNetworkPolicyName(name string) string { return name + "-https-route" }
func proxyConfigMapName(name string) string     { return name + "-kube-rbac-proxy-config" }
func authDelegatorName(name string) string      { return name + "-auth-delegator" }
func postgresName(name string) string           { return name + "-postgres" }
func postgresSecretName(name string) string     { return name + "-postgres-credentials" }
func postgresPVCName(name string) string        { return name + "-postgres-storage" }

// RouteHost is the host of a registry's REST proxy Route.
func RouteHost(name, appsDomain string) string { return name + "-rest." + appsDomain }

// object is one object the stand-in makes, with how it writes it.
type object struct {
	resource schema.GroupVersionResource
	obj      *unstructured.Unstructured
	// createOnly objects are created when missing and never written again: a password must
	// not change on every reconcile, and a PVC's spec is immutable.
	createOnly bool
}

// unwanted names an object of the registry that the current spec does not call for.
type unwanted struct {
	resource  schema.GroupVersionResource
	namespace string
	name      string
}

// spec is what the stand-in reads from a registry's (defaulted) spec.
type spec struct {
	name, namespace string
	uid             string
	kubeRBACProxy   bool
	// proxyRoute is kubeRBACProxy.serviceRoute == "enabled" (the webhook's default).
	proxyRoute         bool
	generateDeployment bool
	restPort           int64
	proxyPort          int64
	dbArgs             []string
	dbHost             string
}

func readSpec(mr *unstructured.Unstructured) spec {
	s := spec{name: mr.GetName(), namespace: mr.GetNamespace(), uid: string(mr.GetUID()), restPort: 8080, proxyPort: 8443}
	if port, ok := nestedInt(mr.Object, "spec", "rest", "port"); ok {
		s.restPort = port
	}
	if proxy, found, _ := unstructured.NestedMap(mr.Object, "spec", "kubeRBACProxy"); found {
		s.kubeRBACProxy = true
		route, hasRoute, _ := unstructured.NestedString(proxy, "serviceRoute")
		s.proxyRoute = !hasRoute || route == "enabled"
		if port, ok := nestedInt(proxy, "port"); ok {
			s.proxyPort = port
		}
	}
	if pg, found, _ := unstructured.NestedMap(mr.Object, "spec", "postgres"); found {
		s.generateDeployment, _, _ = unstructured.NestedBool(pg, "generateDeployment")
		host, _, _ := unstructured.NestedString(pg, "host")
		if host == "" {
			host, _, _ = unstructured.NestedString(pg, "hostAddress")
		}
		if s.generateDeployment {
			host = postgresName(s.name)
		}
		db, _, _ := unstructured.NestedString(pg, "database")
		user, _, _ := unstructured.NestedString(pg, "username")
		if s.generateDeployment {
			db, user = PostgresDatabase, PostgresUser
		}
		s.dbHost = host
		s.dbArgs = []string{"--postgres-host=" + host, "--postgres-database=" + db, "--postgres-user=" + user}
		return s
	}
	if mysql, found, _ := unstructured.NestedMap(mr.Object, "spec", "mysql"); found {
		host, _, _ := unstructured.NestedString(mysql, "host")
		db, _, _ := unstructured.NestedString(mysql, "database")
		user, _, _ := unstructured.NestedString(mysql, "username")
		port, _ := nestedInt(mysql, "port")
		s.dbHost = host
		s.dbArgs = []string{fmt.Sprintf("--mysql-host=%s", host), fmt.Sprintf("--mysql-port=%d", port),
			"--mysql-database=" + db, "--mysql-user=" + user}
	}
	return s
}

func nestedInt(obj map[string]any, fields ...string) (int64, bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(obj, fields...)
	if !found {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// expectedContainers are the containers the registry's Pods must have.
func (s spec) expectedContainers() []string {
	if s.kubeRBACProxy {
		return []string{ContainerREST, ContainerKubeRBACProxy}
	}
	return []string{ContainerREST}
}

// podLabels select the registry's own Pods; the Service and NetworkPolicies use them.
func podLabels(name string) map[string]string {
	return map[string]string{registry.LabelApp: name, registry.LabelComponent: registry.ComponentModelRegistry}
}

// postgresPodLabels differ from podLabels in app, so the registry's Service never selects
// the database (the operator's pod labels of its database are not recorded in DOMAIN.md).
func postgresPodLabels(name string) map[string]string {
	return map[string]string{registry.LabelApp: postgresName(name), registry.LabelComponent: registry.ComponentModelRegistry,
		registry.LabelAppName: name}
}

// features says which optional APIs the cluster serves and which generation is played.
type features struct {
	routes     bool
	groups     bool
	appsDomain string
	generation Generation
	// gatewayDomain turns gateway mode on (v0.3.10 and later).
	gatewayDomain string
}

// desiredObjects are the objects the operator makes for a registry with this spec, and the
// ones the spec no longer calls for (after the proxy or the default database was switched off).
func desiredObjects(s spec, f features) ([]object, []unwanted) {
	owner := metav1.OwnerReference{
		APIVersion: registry.GroupVersionKind.GroupVersion().String(), Kind: registry.Kind,
		Name: s.name, UID: types.UID(s.uid), Controller: ptr(true), BlockOwnerDeletion: ptr(true),
	}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: s.namespace, Labels: registry.CommonLabels(s.name),
			OwnerReferences: []metav1.OwnerReference{owner}}
	}
	var objs []object
	add := func(gvr schema.GroupVersionResource, typed runtime.Object, createOnly bool) {
		objs = append(objs, object{resource: gvr, obj: toUnstructured(typed), createOnly: createOnly})
	}

	add(ServiceAccountResource, &corev1.ServiceAccount{TypeMeta: typeMeta("v1", "ServiceAccount"), ObjectMeta: meta(s.name)}, false)
	add(DeploymentResource, registryDeployment(s, meta(s.name)), false)

	service := &corev1.Service{TypeMeta: typeMeta("v1", "Service"), ObjectMeta: meta(s.name),
		Spec: corev1.ServiceSpec{Selector: podLabels(s.name)}}
	if s.kubeRBACProxy {
		service.Spec.Ports = []corev1.ServicePort{{Name: PortNameHTTPS, Port: int32(s.proxyPort), TargetPort: intstr.FromString(PortNameHTTPS), Protocol: corev1.ProtocolTCP}}
	} else {
		service.Spec.Ports = []corev1.ServicePort{{Name: PortNameHTTP, Port: int32(s.restPort), TargetPort: intstr.FromString(PortNameHTTP), Protocol: corev1.ProtocolTCP}}
	}
	add(ServiceResource, service, false)

	add(RoleResource, &rbacv1.Role{TypeMeta: typeMeta("rbac.authorization.k8s.io/v1", "Role"), ObjectMeta: meta(registry.UserRoleName(s.name)),
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"services", "endpoints"},
			ResourceNames: []string{s.name}, Verbs: []string{"get"}}}}, false)
	add(RoleBindingResource, &rbacv1.RoleBinding{TypeMeta: typeMeta("rbac.authorization.k8s.io/v1", "RoleBinding"), ObjectMeta: meta(registry.UsersGroupName(s.name)),
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: registry.UserRoleName(s.name)},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: registry.UsersGroupName(s.name)}}}, false)
	// Cluster-scoped: it cannot be owned by a namespaced registry, so nothing collects it.
	add(ClusterRoleBindingResource, &rbacv1.ClusterRoleBinding{TypeMeta: typeMeta("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
		ObjectMeta: metav1.ObjectMeta{Name: authDelegatorName(s.name), Labels: registry.CommonLabels(s.name)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:auth-delegator"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: s.name, Namespace: s.namespace}}}, false)
	if f.groups {
		// Created once with no users and never written again: administrators own the members.
		objs = append(objs, object{resource: registry.OpenShiftGroupResource, createOnly: true, obj: &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "user.openshift.io/v1", "kind": "Group",
			"metadata": map[string]any{"name": registry.UsersGroupName(s.name), "labels": toAny(registry.CommonLabels(s.name))},
			"users":    []any{},
		}}})
	}

	var gone []unwanted
	proxyObjects := []unwanted{
		{NetworkPolicyResource, s.namespace, routeNetworkPolicyName(s.name)},
		{ConfigMapResource, s.namespace, proxyConfigMapName(s.name)},
	}
	if f.routes {
		proxyObjects = append(proxyObjects, unwanted{RouteResource, s.namespace, routeName(s.name)})
	}
	if s.kubeRBACProxy {
		proxyConfigMeta := meta(proxyConfigMapName(s.name))
		proxyConfigMeta.Labels[LabelInstance] = s.name
		if f.generation.ProxyConfigMapLabelTooLong() {
			// v0.3.8 (DOMAIN.md "Names over 40 characters break v0.3.2 to v0.3.10"): the label is the
			// ConfigMap's own name, so a registry name over 40 characters makes the API server refuse it.
			proxyConfigMeta.Labels[LabelInstance] = proxyConfigMapName(s.name)
		}
		add(ConfigMapResource, &corev1.ConfigMap{TypeMeta: typeMeta("v1", "ConfigMap"), ObjectMeta: proxyConfigMeta,
			Data: map[string]string{kubeRBACProxyConfigKey: proxyConfig(s)}}, false)
		proxyPort := []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: ptr(intstr.FromInt32(int32(s.proxyPort)))}}
		ingress := []networkingv1.NetworkPolicyIngressRule{{Ports: proxyPort}}
		if f.generation.NetworkPolicyAdmitsGeneratedNamespaces() {
			// v0.3.9 and later (DOMAIN.md "What later operators change"): also admits namespaces
			// labelled opendatahub.io/generated-namespace: "true".
			ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{Ports: proxyPort, From: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{GeneratedNamespaceLabel: "true"}}}}})
		}
		add(NetworkPolicyResource, &networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: meta(routeNetworkPolicyName(s.name)),
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: podLabels(s.name)},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress:     ingress,
			}}, false)
		if f.routes && s.proxyRoute {
			objs = append(objs, object{resource: RouteResource, obj: route(s, f.appsDomain, owner)})
		} else if f.routes {
			gone = append(gone, unwanted{RouteResource, s.namespace, routeName(s.name)})
		}
	} else {
		gone = append(gone, proxyObjects...)
	}

	if s.generateDeployment {
		add(SecretResource, &corev1.Secret{TypeMeta: typeMeta("v1", "Secret"), ObjectMeta: meta(postgresSecretName(s.name)), Type: corev1.SecretTypeOpaque,
			StringData: map[string]string{"database-name": PostgresDatabase, "database-user": PostgresUser, "database-password": randomPassword()}}, true)
		add(PVCResource, &corev1.PersistentVolumeClaim{TypeMeta: typeMeta("v1", "PersistentVolumeClaim"), ObjectMeta: meta(postgresPVCName(s.name)),
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(PostgresStorage)}},
			}}, true)
		add(DeploymentResource, postgresDeployment(s, meta(postgresName(s.name)), f.generation.DefaultDatabaseRecreate()), false)
		add(ServiceResource, &corev1.Service{TypeMeta: typeMeta("v1", "Service"), ObjectMeta: meta(postgresName(s.name)),
			Spec: corev1.ServiceSpec{Selector: postgresPodLabels(s.name), Ports: []corev1.ServicePort{{
				Name: "postgres", Port: PostgresPort, TargetPort: intstr.FromInt32(PostgresPort), Protocol: corev1.ProtocolTCP}}}}, false)
		add(NetworkPolicyResource, &networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: meta(postgresName(s.name)),
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: postgresPodLabels(s.name)},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: podLabels(s.name)}}},
					Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: ptr(intstr.FromInt32(PostgresPort))}},
				}},
			}}, false)
	}

	if f.gatewayDomain != "" {
		// Gateway mode (v0.3.10 and later, DOMAIN.md): HTTPRoute model-registry-<name> with the path
		// /model-registry/<name>/ and the namespace's ReferenceGrant allow-gateway-httproutes; the Route stays.
		objs = append(objs, object{resource: HTTPRouteResource, obj: httpRoute(s, f.gatewayDomain, owner)},
			object{resource: ReferenceGrantResource, obj: referenceGrant(s.namespace)})
	}
	return objs, gone
}

// LabelInstance is the label app.kubernetes.io/instance.
const LabelInstance = "app.kubernetes.io/instance"

func httpRoute(s spec, domain string, owner metav1.OwnerReference) *unstructured.Unstructured {
	port := s.restPort
	if s.kubeRBACProxy {
		port = s.proxyPort
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{
			"name": HTTPRouteName(s.name), "namespace": s.namespace, "labels": toAny(registry.CommonLabels(s.name)),
			"ownerReferences": []any{map[string]any{
				"apiVersion": owner.APIVersion, "kind": owner.Kind, "name": owner.Name, "uid": string(owner.UID),
				"controller": true, "blockOwnerDeletion": true,
			}},
		},
		"spec": map[string]any{
			"hostnames": []any{domain},
			"rules": []any{map[string]any{
				"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": GatewayPath(s.name)}}},
				"backendRefs": []any{map[string]any{"name": s.name, "port": port}},
			}},
		},
	}}
}

// referenceGrant is shared by the registries of a namespace, so it has no owner.
func referenceGrant(namespace string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
		"metadata": map[string]any{"name": ReferenceGrantName, "namespace": namespace},
		"spec": map[string]any{
			"from": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": namespace}},
			"to":   []any{map[string]any{"group": "", "kind": "Service"}},
		},
	}}
}

func registryDeployment(s spec, meta metav1.ObjectMeta) *appsv1.Deployment {
	labels := registry.CommonLabels(s.name)
	args := append([]string{"--hostname=0.0.0.0", fmt.Sprintf("--port=%d", s.restPort)}, s.dbArgs...)
	containers := []corev1.Container{{
		Name: ContainerREST, Image: Image, Args: args,
		Ports: []corev1.ContainerPort{{Name: PortNameHTTP, ContainerPort: int32(s.restPort), Protocol: corev1.ProtocolTCP}},
	}}
	var volumes []corev1.Volume
	if s.kubeRBACProxy {
		containers = append(containers, corev1.Container{
			Name: ContainerKubeRBACProxy, Image: Image,
			Args: []string{fmt.Sprintf("--secure-listen-address=0.0.0.0:%d", s.proxyPort),
				fmt.Sprintf("--upstream=http://127.0.0.1:%d/", s.restPort), "--config-file=/etc/kube-rbac-proxy/" + kubeRBACProxyConfigKey},
			Ports:        []corev1.ContainerPort{{Name: PortNameHTTPS, ContainerPort: int32(s.proxyPort), Protocol: corev1.ProtocolTCP}},
			VolumeMounts: []corev1.VolumeMount{{Name: "kube-rbac-proxy-config", MountPath: "/etc/kube-rbac-proxy", ReadOnly: true}},
		})
		volumes = []corev1.Volume{{Name: "kube-rbac-proxy-config", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: proxyConfigMapName(s.name)}}}}}
	}
	return &appsv1.Deployment{TypeMeta: typeMeta("apps/v1", "Deployment"), ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: podLabels(s.name)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{ServiceAccountName: s.name, Containers: containers, Volumes: volumes},
			},
		}}
}

func postgresDeployment(s spec, meta metav1.ObjectMeta, recreate bool) *appsv1.Deployment {
	secretEnv := func(env, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: env, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: postgresSecretName(s.name)}, Key: key}}}
	}
	// v0.3.14 (DOMAIN.md "The default database's Deployment uses the Recreate strategy"); v0.3.8
	// leaves the strategy to the API server's default, RollingUpdate.
	var strategy appsv1.DeploymentStrategy
	if recreate {
		strategy.Type = appsv1.RecreateDeploymentStrategyType
	}
	return &appsv1.Deployment{TypeMeta: typeMeta("apps/v1", "Deployment"), ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: postgresPodLabels(s.name)},
			Strategy: strategy,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: postgresPodLabels(s.name)},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{
						Name: "postgres", Image: Image,
						Env: []corev1.EnvVar{secretEnv("POSTGRES_DB", "database-name"), secretEnv("POSTGRES_USER", "database-user"),
							secretEnv("POSTGRES_PASSWORD", "database-password")},
						Ports:        []corev1.ContainerPort{{Name: "postgres", ContainerPort: PostgresPort, Protocol: corev1.ProtocolTCP}},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}},
					}},
					Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
						ClaimName: postgresPVCName(s.name)}}}},
				},
			},
		}}
}

func route(s spec, appsDomain string, owner metav1.OwnerReference) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "route.openshift.io/v1", "kind": "Route",
		"metadata": map[string]any{
			"name": routeName(s.name), "namespace": s.namespace, "labels": toAny(registry.CommonLabels(s.name)),
			"ownerReferences": []any{map[string]any{
				"apiVersion": owner.APIVersion, "kind": owner.Kind, "name": owner.Name, "uid": string(owner.UID),
				"controller": true, "blockOwnerDeletion": true,
			}},
		},
		"spec": map[string]any{
			"host": RouteHost(s.name, appsDomain),
			"to":   map[string]any{"kind": "Service", "name": s.name, "weight": int64(100)},
			"port": map[string]any{"targetPort": PortNameHTTPS},
			"tls":  map[string]any{"termination": "reencrypt", "insecureEdgeTerminationPolicy": "Redirect"},
		},
	}}
}

// proxyConfig makes the proxy allow a caller who may get the registry's Service: exactly
// what the Role registry-user-<name> grants.
func proxyConfig(s spec) string {
	return strings.Join([]string{
		"authorization:",
		"  resourceAttributes:",
		"    namespace: " + s.namespace,
		"    apiVersion: v1",
		"    resource: services",
		"    name: " + s.name,
		"    verb: get",
		"",
	}, "\n")
}

func randomPassword() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

func toUnstructured(obj runtime.Object) *unstructured.Unstructured {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(fmt.Sprintf("convert %T: %v", obj, err)) // only the stand-in's own typed objects come here
	}
	u := &unstructured.Unstructured{Object: m}
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "spec", "template", "metadata", "creationTimestamp")
	return u
}

func ptr[T any](v T) *T { return &v }

func toAny(labels map[string]string) map[string]any {
	out := make(map[string]any, len(labels))
	for k, v := range labels {
		out[k] = v
	}
	return out
}

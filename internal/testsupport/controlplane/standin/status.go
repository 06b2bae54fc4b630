package standin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Reasons the stand-in reports beside the ones in package registry.
const (
	ReasonResourcesUnavailable = "ResourcesUnavailable"
	ReasonDeploymentCooldown   = "DeploymentCooldown"
	ReasonCreatingDeployment   = "CreatingDeployment"
	ReasonUpdatingDeployment   = "UpdatingDeployment"
	ReasonFinalizing           = "Finalizing"
	ReasonResourcesAvailable   = "ResourcesAvailable"

	// ConditionKubeRBACProxyAvailable is reported for registries with the auth proxy only.
	ConditionKubeRBACProxyAvailable = "KubeRBACProxyAvailable"
)

// observed is what the stand-in saw of a registry's workload.
type observed struct {
	deployment *appsv1.Deployment
	// pods are the registry's Pods (podLabels) that are not being deleted.
	pods []*corev1.Pod
	// slices are the EndpointSlices of the registry's Service.
	slices []*discoveryv1.EndpointSlice
	// everAvailable: the registry was Available=True before, so a rollout is an update.
	everAvailable bool
}

// controls are the test controls matched against the database host, and the error of the
// stand-in's last write of the registry's objects.
type controls struct {
	neverReadySuffix string
	// applyErr keeps the registry unavailable with the API server's answer, as the operator's
	// handleReconcileErrors does: Available=False, "unexpected reconcile error: ...".
	applyErr error
}

// verdict is the status the stand-in computes, and when to look again.
type verdict struct {
	conditions []condition
	hosts      []string
	// recheckAfter is set while the cooldown runs.
	recheckAfter time.Duration
	// workloadReady is true when Deployment, Pods and endpoints are all ready.
	workloadReady bool
}

// workloadReady reports whether the Deployment is available, every Pod has the expected
// containers and the Service has a ready endpoint: the operator's conditions for Available
// before its cooldown. availableSince is when the Deployment became available; rolledOut is
// false while it rolls out its current generation.
func workloadReady(s spec, o observed) (ready bool, availableSince time.Time, rolledOut bool) {
	d := o.deployment
	if d == nil {
		return false, time.Time{}, false
	}
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	rolledOut = d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas >= replicas &&
		d.Status.Replicas == d.Status.UpdatedReplicas && d.Status.AvailableReplicas >= replicas
	available := false
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
			// The time has a resolution of one second: counting from the end of that second
			// makes the cooldown never shorter than set.
			available, availableSince = true, c.LastTransitionTime.Add(time.Second)
		}
	}
	if !available || len(o.pods) == 0 {
		return false, availableSince, rolledOut
	}
	want := s.expectedContainers()
	for _, pod := range o.pods {
		var names []string
		for _, c := range pod.Spec.Containers {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, want) {
			return false, availableSince, rolledOut
		}
	}
	return hasReadyEndpoint(o.slices), availableSince, rolledOut
}

func hasReadyEndpoint(slices []*discoveryv1.EndpointSlice) bool {
	for _, slice := range slices {
		for _, ep := range slice.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				return true
			}
		}
	}
	return false
}

// computeStatus is the registry's status for what was observed at now. current is the
// registry's present conditions, whose transition times are kept when a status is unchanged.
func computeStatus(mr *unstructured.Unstructured, s spec, o observed, f features, c controls, cooldown time.Duration, now time.Time) verdict {
	name := mr.GetName()
	current := currentConditions(mr)
	ready, availableSince, rolledOut := workloadReady(s, o)
	v := verdict{hosts: hostsOf(s, f), workloadReady: ready}

	var available condition
	switch {
	case strings.HasSuffix(s.dbHost, InvalidHostSuffix):
		available = condition{Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonConfigurationError,
			Message: fmt.Sprintf("database configuration error: dial tcp: lookup %s: no such host", s.dbHost)}
	case c.applyErr != nil:
		available = condition{Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonDeploymentUnavailable,
			Message: "unexpected reconcile error: " + c.applyErr.Error()}
	case o.deployment == nil || len(o.pods) == 0:
		available = condition{Type: registry.ConditionAvailable, Status: "False", Reason: ReasonResourcesUnavailable,
			Message: "No Pods found for Deployment " + name}
	case !ready || (c.neverReadySuffix != "" && strings.HasSuffix(s.dbHost, c.neverReadySuffix)):
		available = condition{Type: registry.ConditionAvailable, Status: "False", Reason: registry.ReasonDeploymentUnavailable,
			Message: fmt.Sprintf("Deployment %s is not available", name)}
	case now.Sub(availableSince) < cooldown:
		available = condition{Type: registry.ConditionAvailable, Status: "False", Reason: ReasonDeploymentCooldown,
			Message: fmt.Sprintf("Deployment %s is available, waiting for cooldown", name)}
		v.recheckAfter = cooldown - now.Sub(availableSince)
	default:
		available = condition{Type: registry.ConditionAvailable, Status: "True", Reason: registry.ReasonDeploymentAvailable,
			Message: fmt.Sprintf("Deployment for model registry %s is available", name)}
	}

	var conditions []condition
	if !rolledOut && available.Reason != registry.ReasonConfigurationError {
		reason, verb := ReasonCreatingDeployment, "Creating"
		if o.everAvailable {
			reason, verb = ReasonUpdatingDeployment, "Updating"
		}
		conditions = append(conditions, condition{Type: registry.ConditionProgressing, Status: "True", Reason: reason,
			Message: fmt.Sprintf("%s deployment for model registry %s", verb, name)})
	}
	conditions = append(conditions, available)
	if s.kubeRBACProxy {
		ready := ready && c.applyErr == nil
		proxy := condition{Type: ConditionKubeRBACProxyAvailable, Status: "False", Reason: ReasonResourcesUnavailable,
			Message: fmt.Sprintf("kube-rbac-proxy of model registry %s is not available", name)}
		if ready {
			proxy = condition{Type: ConditionKubeRBACProxyAvailable, Status: "True", Reason: ReasonResourcesAvailable,
				Message: fmt.Sprintf("kube-rbac-proxy of model registry %s is available", name)}
		}
		conditions = append(conditions, proxy)
	}
	v.conditions = keepTransitionTimes(current, conditions, now)
	return v
}

// hostsOf lists the registry's endpoints in the operator's order: in gateway mode the gateway
// domain with the registry's path (v0.3.10 and later), the proxy's Route host when that route is
// enabled and Routes are served, then the in-cluster names.
func hostsOf(s spec, f features) []string {
	var hosts []string
	if f.gatewayDomain != "" {
		hosts = append(hosts, GatewayHost(f.gatewayDomain, s.name))
	}
	if s.kubeRBACProxy && s.proxyRoute && f.routes {
		hosts = append(hosts, RouteHost(s.name, f.appsDomain))
	}
	return append(hosts, s.name+"."+s.namespace+".svc.cluster.local", s.name+"."+s.namespace, s.name)
}

// specDefaults are runtime defaults the operator reports without writing them into the spec.
func specDefaults(s spec) string {
	d := map[string]any{"rest": map[string]any{"image": Image}}
	if s.kubeRBACProxy {
		d["kubeRBACProxy"] = map[string]any{"image": Image}
	}
	b, _ := json.Marshal(d)
	return string(b)
}

func keepTransitionTimes(current, desired []condition, now time.Time) []condition {
	out := slices.Clone(desired)
	for i := range out {
		out[i].LastTransitionTime = now.UTC().Format(time.RFC3339)
		if old := findCondition(current, out[i].Type); old != nil && old.Status == out[i].Status && old.LastTransitionTime != "" {
			out[i].LastTransitionTime = old.LastTransitionTime
		}
	}
	return out
}

type condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason"`
	Message            string `json:"message"`
	LastTransitionTime string `json:"lastTransitionTime"`
}

type status struct {
	Conditions   []condition `json:"conditions"`
	Hosts        []string    `json:"hosts"`
	HostsStr     string      `json:"hostsStr"`
	SpecDefaults string      `json:"specDefaults,omitempty"`
}

func findCondition(conditions []condition, conditionType string) *condition {
	for i := range conditions {
		if conditions[i].Type == conditionType {
			return &conditions[i]
		}
	}
	return nil
}

func currentConditions(mr *unstructured.Unstructured) []condition {
	raw, _, _ := unstructured.NestedSlice(mr.Object, "status", "conditions")
	var conditions []condition
	for _, item := range raw {
		m, _ := item.(map[string]any)
		str := func(k string) string { v, _ := m[k].(string); return v }
		conditions = append(conditions, condition{
			Type: str("type"), Status: str("status"), Reason: str("reason"),
			Message: str("message"), LastTransitionTime: str("lastTransitionTime"),
		})
	}
	return conditions
}

func currentHosts(mr *unstructured.Unstructured) []string {
	h, _, _ := unstructured.NestedStringSlice(mr.Object, "status", "hosts")
	return h
}

// statusMatches ignores transition times: only a change of meaning is worth a write.
func statusMatches(mr *unstructured.Unstructured, desired status) bool {
	current := currentConditions(mr)
	if len(current) != len(desired.Conditions) || !slices.Equal(currentHosts(mr), desired.Hosts) {
		return false
	}
	for i, c := range desired.Conditions {
		o := current[i]
		if o.Type != c.Type || o.Status != c.Status || o.Reason != c.Reason || o.Message != c.Message {
			return false
		}
	}
	hostsStr, _, _ := unstructured.NestedString(mr.Object, "status", "hostsStr")
	defaults, _, _ := unstructured.NestedString(mr.Object, "status", "specDefaults")
	return hostsStr == desired.HostsStr && defaults == desired.SpecDefaults
}

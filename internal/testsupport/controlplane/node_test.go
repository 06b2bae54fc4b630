package controlplane_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func (e env) createDeployment(t *testing.T, namespace, name string, replicas int32) {
	t.Helper()
	labels := map[string]string{"app": name}
	deployment := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{{Name: "migrate", Image: "registry.example/migrate:1"}},
					Containers: []corev1.Container{
						{Name: "rest-container", Image: "registry.example/rest:1", Ports: []corev1.ContainerPort{{Name: "http-api", ContainerPort: 8080}}},
						{Name: "kube-rbac-proxy", Image: "registry.example/proxy:1"},
					},
				},
			},
		},
	}
	if _, err := e.kube.AppsV1().Deployments(namespace).Create(context.Background(), deployment, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (e env) waitDeploymentAvailable(t *testing.T, namespace, name string, replicas int32) {
	t.Helper()
	eventually(t, 30*time.Second, "Deployment "+namespace+"/"+name+" available", func() error {
		d, err := e.kube.AppsV1().Deployments(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		available := slices.ContainsFunc(d.Status.Conditions, func(c appsv1.DeploymentCondition) bool {
			return c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue
		})
		if !available || d.Status.AvailableReplicas != replicas || d.Status.Replicas != replicas {
			return fmt.Errorf("available %v, %d of %d replicas available, %d in all", available, d.Status.AvailableReplicas, replicas, d.Status.Replicas)
		}
		return nil
	})
}

func (e env) pods(t *testing.T, namespace, app string) []corev1.Pod {
	t.Helper()
	list, err := e.kube.CoreV1().Pods(namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestDeploymentRunsOnNode(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	nodeName := e.cp.NodeName()
	registered, err := e.kube.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(registered.Status.Conditions, func(c corev1.NodeCondition) bool {
		return c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue
	}) {
		t.Errorf("Node %s not Ready: %+v", nodeName, registered.Status.Conditions)
	}
	_, podRange, err := net.ParseCIDR(registered.Spec.PodCIDR)
	if err != nil {
		t.Fatalf("Node spec.podCIDR %q: %v", registered.Spec.PodCIDR, err)
	}

	namespace := e.newNamespace(t, "deploy")
	e.createDeployment(t, namespace, "web", 3)
	e.waitDeploymentAvailable(t, namespace, "web", 3)

	pods := e.pods(t, namespace, "web")
	if len(pods) != 3 {
		t.Fatalf("%d Pods, want 3", len(pods))
	}
	seenIPs := map[string]bool{}
	for _, pod := range pods {
		if pod.Spec.NodeName != nodeName || pod.Status.Phase != corev1.PodRunning {
			t.Errorf("Pod %s on node %q in phase %s, want Running on %s", pod.Name, pod.Spec.NodeName, pod.Status.Phase, nodeName)
		}
		for _, conditionType := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
			if !slices.ContainsFunc(pod.Status.Conditions, func(c corev1.PodCondition) bool {
				return c.Type == conditionType && c.Status == corev1.ConditionTrue
			}) {
				t.Errorf("Pod %s: no %s=True in %+v", pod.Name, conditionType, pod.Status.Conditions)
			}
		}
		ip := net.ParseIP(pod.Status.PodIP)
		if ip == nil || !podRange.Contains(ip) || seenIPs[pod.Status.PodIP] {
			t.Errorf("Pod %s podIP %q: want a fresh IP in %s (seen %v)", pod.Name, pod.Status.PodIP, podRange, seenIPs)
		}
		seenIPs[pod.Status.PodIP] = true
		if len(pod.Status.PodIPs) != 1 || pod.Status.PodIPs[0].IP != pod.Status.PodIP {
			t.Errorf("Pod %s podIPs = %v, want [%s]", pod.Name, pod.Status.PodIPs, pod.Status.PodIP)
		}
		if pod.Status.HostIP == "" || pod.Status.StartTime == nil {
			t.Errorf("Pod %s hostIP %q startTime %v", pod.Name, pod.Status.HostIP, pod.Status.StartTime)
		}
		var names []string
		for _, status := range pod.Status.ContainerStatuses {
			names = append(names, status.Name)
			if !status.Ready || status.Started == nil || !*status.Started || status.State.Running == nil {
				t.Errorf("Pod %s container %s: ready %v started %v state %+v", pod.Name, status.Name, status.Ready, status.Started, status.State)
			}
		}
		if !slices.Equal(names, []string{"rest-container", "kube-rbac-proxy"}) {
			t.Errorf("Pod %s containerStatuses for %v", pod.Name, names)
		}
		if len(pod.Status.InitContainerStatuses) != 1 || pod.Status.InitContainerStatuses[0].State.Terminated == nil ||
			pod.Status.InitContainerStatuses[0].State.Terminated.ExitCode != 0 {
			t.Errorf("Pod %s initContainerStatuses = %+v, want migrate terminated with 0", pod.Name, pod.Status.InitContainerStatuses)
		}
	}

	// Scaling down deletes Pods gracefully; the node finishes the deletion.
	scale := []byte(`{"spec":{"replicas":1}}`)
	if _, err := e.kube.AppsV1().Deployments(namespace).Patch(ctx, "web", types.MergePatchType, scale, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "scaled down to one Pod", func() error {
		if got := len(e.pods(t, namespace, "web")); got != 1 {
			return fmt.Errorf("%d Pods", got)
		}
		return nil
	})
	e.waitDeploymentAvailable(t, namespace, "web", 1)
}

func TestServiceGetsReadyEndpoints(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "svc")
	e.createDeployment(t, namespace, "api", 2)
	service := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: namespace},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "api"},
			Ports:    []corev1.ServicePort{{Name: "http-api", Port: 8080, TargetPort: intstr.FromString("http-api")}},
		},
	}
	if _, err := e.kube.CoreV1().Services(namespace).Create(ctx, service, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.waitDeploymentAvailable(t, namespace, "api", 2)
	var podIPs []string
	for _, pod := range e.pods(t, namespace, "api") {
		podIPs = append(podIPs, pod.Status.PodIP)
	}
	slices.Sort(podIPs)

	eventually(t, 30*time.Second, "Endpoints api with the ready Pods", func() error {
		endpoints, err := e.kube.CoreV1().Endpoints(namespace).Get(ctx, "api", metav1.GetOptions{}) //nolint:staticcheck // Endpoints are what the operator's Role grants
		if err != nil {
			return err
		}
		var ready []string
		for _, subset := range endpoints.Subsets {
			if len(subset.Ports) != 1 || subset.Ports[0].Port != 8080 {
				return fmt.Errorf("ports %+v", subset.Ports)
			}
			for _, address := range subset.Addresses {
				ready = append(ready, address.IP)
			}
		}
		slices.Sort(ready)
		if !slices.Equal(ready, podIPs) {
			return fmt.Errorf("ready addresses %v, want %v", ready, podIPs)
		}
		return nil
	})
	eventually(t, 30*time.Second, "EndpointSlice of api with the ready Pods", func() error {
		endpointSlices, err := e.kube.DiscoveryV1().EndpointSlices(namespace).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=api"})
		if err != nil {
			return err
		}
		var ready []string
		for _, slice := range endpointSlices.Items {
			for _, endpoint := range slice.Endpoints {
				if endpoint.Conditions.Ready != nil && *endpoint.Conditions.Ready {
					ready = append(ready, endpoint.Addresses...)
				}
			}
		}
		slices.Sort(ready)
		if !slices.Equal(ready, podIPs) {
			return fmt.Errorf("ready endpoints %v, want %v", ready, podIPs)
		}
		return nil
	})
}

func TestPodNodeSelectorUnschedulable(t *testing.T) {
	t.Parallel()
	e := localOnly(t)
	ctx := context.Background()
	namespace := e.newNamespace(t, "unsched")
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "gpu", Namespace: namespace},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{"nvidia.com/gpu.present": "true"},
			Containers:   []corev1.Container{{Name: "main", Image: "registry.example/main:1"}},
		},
	}
	// The namespace's default ServiceAccount may not exist yet; the API server refuses Pods until then.
	eventually(t, 20*time.Second, "create Pod", func() error {
		_, err := e.kube.CoreV1().Pods(namespace).Create(ctx, pod, metav1.CreateOptions{})
		return err
	})
	eventually(t, 20*time.Second, "Pod gpu PodScheduled=False", func() error {
		got, err := e.kube.CoreV1().Pods(namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
				if got.Spec.NodeName != "" || got.Status.Phase != corev1.PodPending {
					return fmt.Errorf("node %q phase %s", got.Spec.NodeName, got.Status.Phase)
				}
				return nil
			}
		}
		return fmt.Errorf("conditions %+v", got.Status.Conditions)
	})
}

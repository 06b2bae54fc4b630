// Package node stands in for the scheduler and the kubelet of one node on the local control plane,
// so that the Pods of Deployments run as far as the API can tell.
//
// What it models:
//   - The Node: it registers one Node with a pod range (spec.podCIDR), an InternalIP, allocatable
//     cpu, memory and pods, and the conditions Ready=True and MemoryPressure, DiskPressure,
//     PIDPressure=False. It renews the node's Lease in kube-node-lease every 10 seconds and puts the
//     Node back Ready (or registers it again) whenever it is changed or deleted, as a kubelet does.
//   - Scheduling: each Pod without spec.nodeName whose schedulerName is default-scheduler is bound
//     to the node through the pods/binding subresource, as the scheduler does (the API server then
//     sets PodScheduled=True). A Pod whose nodeSelector the node's labels do not satisfy stays
//     Pending with PodScheduled=False, reason Unschedulable, as with a real scheduler and one node.
//     Pods naming another scheduler are left alone, as the default scheduler leaves them.
//   - The kubelet's status of each Pod bound to the node: phase Running; the conditions
//     PodReadyToStartContainers, Initialized, ContainersReady and Ready True; hostIP; a podIP and
//     podIPs from the node's range (the node's own IP with hostNetwork); startTime; a containerStatuses
//     entry per container (ready, started, state running) and a terminated, Completed entry per init
//     container (a running one for a restartPolicy Always sidecar).
//   - Deletion: a Pod on the node being deleted (deletionTimestamp set) is deleted for real with
//     grace period 0, as a kubelet does once the containers have stopped, so ReplicaSets scale down
//     and namespaces finish deleting.
//
// What it does not model: no container runs and no image is pulled (imageID stays empty), so every
// container is Ready at once and never restarts or exits; probes, resource requests, node affinity,
// taints and tolerations, volumes and the downward API are not looked at; there is one node only.
package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Defaults of Options.
const (
	// DefaultName is the node's name.
	DefaultName = "openshiftai-local-node"
	// DefaultPodCIDR is the range Pod IPs come from: private, and outside the API server's service range.
	DefaultPodCIDR = "10.128.0.0/16"
	// DefaultNodeIP is the node's InternalIP and the hostIP of its Pods.
	DefaultNodeIP = "192.168.126.10"
	// SchedulerName is the scheduler whose Pods the stand-in binds (the API server's default).
	SchedulerName = corev1.DefaultSchedulerName
)

const (
	leaseNamespace = corev1.NamespaceNodeLease
	leaseDuration  = 40 // seconds, the kubelet's default
	leaseRenewal   = 10 * time.Second
	workers        = 4
)

// Options configure Start. The zero value is ready to use.
type Options struct {
	// Name of the Node; DefaultName when empty.
	Name string
	// PodCIDR is the node's Pod range; DefaultPodCIDR when empty.
	PodCIDR string
	// NodeIP is the node's InternalIP; DefaultNodeIP when empty.
	NodeIP string
	// Logf reports what the stand-in does wrong or cannot do; silent when nil.
	Logf func(format string, args ...any)
}

// Node is a running node stand-in.
type Node struct {
	opts    Options
	client  kubernetes.Interface
	pods    corelisters.PodLister
	queue   workqueue.TypedRateLimitingInterface[types.NamespacedName]
	cancel  context.CancelFunc
	done    sync.WaitGroup
	network *net.IPNet

	mu        sync.Mutex
	ipsByPod  map[types.UID]string
	podsByIP  map[string]types.UID
	nextIndex int64
}

// Start registers the node and starts binding and reporting Pods. Call Stop.
func Start(ctx context.Context, config *rest.Config, opts Options) (*Node, error) {
	if opts.Name == "" {
		opts.Name = DefaultName
	}
	if opts.PodCIDR == "" {
		opts.PodCIDR = DefaultPodCIDR
	}
	if opts.NodeIP == "" {
		opts.NodeIP = DefaultNodeIP
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	_, network, err := net.ParseCIDR(opts.PodCIDR)
	if err != nil || network.IP.To4() == nil {
		return nil, fmt.Errorf("node stand-in: pod range %q is not an IPv4 CIDR (%v)", opts.PodCIDR, err)
	}
	client, err := kubernetes.NewForConfig(rest.CopyConfig(config))
	if err != nil {
		return nil, err
	}
	n := &Node{
		opts: opts, client: client, network: network,
		ipsByPod: map[types.UID]string{}, podsByIP: map[string]types.UID{},
		nextIndex: 2, // .0 is the network and .1 the gateway a real pod network keeps
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[types.NamespacedName](),
			workqueue.TypedRateLimitingQueueConfig[types.NamespacedName]{Name: "node-standin"}),
	}
	if err := n.register(ctx); err != nil {
		return nil, err
	}

	runCtx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	podInformers := informers.NewSharedInformerFactory(client, 0)
	podInformer := podInformers.Core().V1().Pods()
	n.pods = podInformer.Lister()
	if _, err := podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    n.enqueue,
		UpdateFunc: func(_, obj any) { n.enqueue(obj) },
		DeleteFunc: n.forget,
	}); err != nil {
		cancel()
		return nil, err
	}
	nodeInformers := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", opts.Name).String()
	}))
	if _, err := nodeInformers.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, obj any) { n.keepReady(runCtx, obj) },
		DeleteFunc: func(any) { n.reregister(runCtx) },
	}); err != nil {
		cancel()
		return nil, err
	}
	podInformers.Start(runCtx.Done())
	nodeInformers.Start(runCtx.Done())
	synced := cache.WaitForCacheSync(ctx.Done(), podInformer.Informer().HasSynced, nodeInformers.Core().V1().Nodes().Informer().HasSynced)
	if !synced {
		cancel()
		podInformers.Shutdown()
		nodeInformers.Shutdown()
		return nil, fmt.Errorf("node stand-in: informers not synced: %w", ctx.Err())
	}
	n.recordExistingIPs()

	for range workers {
		n.done.Go(func() {
			for n.processNext(runCtx) {
			}
		})
	}
	n.done.Go(func() {
		wait.UntilWithContext(runCtx, n.renewLease, leaseRenewal)
	})
	n.done.Go(func() {
		<-runCtx.Done()
		n.queue.ShutDown()
		podInformers.Shutdown()
		nodeInformers.Shutdown()
	})
	return n, nil
}

// Name is the Node's name.
func (n *Node) Name() string { return n.opts.Name }

// Stop stops binding and reporting and waits for the workers; the Node object stays.
func (n *Node) Stop() {
	n.cancel()
	n.done.Wait()
}

func (n *Node) desiredNode() *corev1.Node {
	now := metav1.Now()
	condition := func(conditionType corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string) corev1.NodeCondition {
		return corev1.NodeCondition{
			Type: conditionType, Status: status, Reason: reason, Message: message,
			LastHeartbeatTime: now, LastTransitionTime: now,
		}
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("8"),
		corev1.ResourceMemory:           resource.MustParse("32Gi"),
		corev1.ResourcePods:             resource.MustParse("1000"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.opts.Name,
			Labels: map[string]string{
				corev1.LabelHostname:             n.opts.Name,
				corev1.LabelOSStable:             "linux",
				corev1.LabelArchStable:           "amd64",
				"node-role.kubernetes.io/worker": "",
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: n.opts.PodCIDR, PodCIDRs: []string{n.opts.PodCIDR}},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Phase:       corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
				condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: n.opts.NodeIP},
				{Type: corev1.NodeHostName, Address: n.opts.Name},
			},
			NodeInfo: corev1.NodeSystemInfo{
				OperatingSystem: "linux", Architecture: "amd64",
				KubeletVersion: "v1.37.2", ContainerRuntimeVersion: "cri-o://stand-in",
			},
		},
	}
}

// register creates the Node, or resets the status of one left by an earlier start.
func (n *Node) register(ctx context.Context) error {
	desired := n.desiredNode()
	created, err := n.client.CoreV1().Nodes().Create(ctx, desired, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		created, err = n.client.CoreV1().Nodes().Get(ctx, desired.Name, metav1.GetOptions{})
		if err == nil {
			created.Labels, created.Spec.PodCIDR, created.Spec.PodCIDRs = desired.Labels, desired.Spec.PodCIDR, desired.Spec.PodCIDRs
			created, err = n.client.CoreV1().Nodes().Update(ctx, created, metav1.UpdateOptions{})
		}
	}
	if err != nil {
		return fmt.Errorf("node stand-in: register Node %s: %w", desired.Name, err)
	}
	// Status is a subresource: the create above dropped it.
	created.Status = desired.Status
	if _, err := n.client.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("node stand-in: report status of Node %s: %w", desired.Name, err)
	}
	n.renewLease(ctx)
	return nil
}

// keepReady puts the node's conditions back when something else changed them.
func (n *Node) keepReady(ctx context.Context, obj any) {
	current, ok := obj.(*corev1.Node)
	if !ok || current.DeletionTimestamp != nil {
		return
	}
	for _, c := range current.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			return
		}
	}
	updated := current.DeepCopy()
	updated.Status.Conditions = n.desiredNode().Status.Conditions
	if _, err := n.client.CoreV1().Nodes().UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err != nil && ctx.Err() == nil {
		n.opts.Logf("node stand-in: put Node %s back Ready: %v", n.opts.Name, err)
	}
}

func (n *Node) reregister(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if err := n.register(ctx); err != nil && ctx.Err() == nil {
		n.opts.Logf("%v", err)
	}
}

// renewLease keeps the node's Lease current, the kubelet's heartbeat.
func (n *Node) renewLease(ctx context.Context) {
	leases := n.client.CoordinationV1().Leases(leaseNamespace)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, n.opts.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: n.opts.Name, Namespace: leaseNamespace},
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity: new(n.opts.Name), LeaseDurationSeconds: new(int32(leaseDuration)), RenewTime: &now,
			},
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
	} else if err == nil {
		lease.Spec.RenewTime = &now
		_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	}
	if err != nil && ctx.Err() == nil && !apierrors.IsConflict(err) {
		n.opts.Logf("node stand-in: renew Lease %s/%s: %v", leaseNamespace, n.opts.Name, err)
	}
}

func (n *Node) enqueue(obj any) {
	if pod, ok := obj.(*corev1.Pod); ok {
		n.queue.Add(types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name})
	}
}

// forget releases the IP of a Pod that is gone.
func (n *Node) forget(obj any) {
	if tombstone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tombstone.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if ip, ok := n.ipsByPod[pod.UID]; ok {
		delete(n.ipsByPod, pod.UID)
		delete(n.podsByIP, ip)
	}
}

// recordExistingIPs keeps the IPs of Pods already reported, for a stand-in started again.
func (n *Node) recordExistingIPs() {
	pods, err := n.pods.List(labels.Everything())
	if err != nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, pod := range pods {
		if pod.Spec.NodeName == n.opts.Name && !pod.Spec.HostNetwork && pod.Status.PodIP != "" {
			n.ipsByPod[pod.UID] = pod.Status.PodIP
			n.podsByIP[pod.Status.PodIP] = pod.UID
		}
	}
}

// allocateIP gives pod an IP of the node's range that no other Pod has, the same one each time.
func (n *Node) allocateIP(pod types.UID) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if ip, ok := n.ipsByPod[pod]; ok {
		return ip, nil
	}
	ones, bits := n.network.Mask.Size()
	size := int64(1) << (bits - ones)
	base := new(big.Int).SetBytes(n.network.IP.To4())
	for range size {
		index := n.nextIndex
		n.nextIndex++
		if n.nextIndex >= size-1 { // the last address is the broadcast address
			n.nextIndex = 2
		}
		ip := net.IP(new(big.Int).Add(base, big.NewInt(index)).FillBytes(make([]byte, 4))).String()
		if _, taken := n.podsByIP[ip]; !taken {
			n.ipsByPod[pod], n.podsByIP[ip] = ip, pod
			return ip, nil
		}
	}
	return "", fmt.Errorf("node %s has no free IP left in %s", n.opts.Name, n.opts.PodCIDR)
}

func (n *Node) processNext(ctx context.Context) bool {
	key, shutdown := n.queue.Get()
	if shutdown {
		return false
	}
	defer n.queue.Done(key)
	if err := n.sync(ctx, key); err != nil {
		if ctx.Err() != nil {
			return true
		}
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			n.opts.Logf("node stand-in: Pod %s: %v", key, err)
		}
		n.queue.AddRateLimited(key)
		return true
	}
	n.queue.Forget(key)
	return true
}

// sync does what the scheduler or the kubelet would do next for one Pod.
func (n *Node) sync(ctx context.Context, key types.NamespacedName) error {
	pod, err := n.pods.Pods(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case pod.Spec.NodeName == "":
		if pod.DeletionTimestamp != nil || pod.Spec.SchedulerName != SchedulerName {
			return nil
		}
		return n.schedule(ctx, pod)
	case pod.Spec.NodeName != n.opts.Name:
		return nil // bound to a node that does not exist here: it stays Pending, as it would
	case pod.DeletionTimestamp != nil:
		err := n.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
			GracePeriodSeconds: new(int64(0)),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil // gone already, or a new Pod of that name that its own event brings
		}
		return err
	case isTerminal(pod) || reported(pod):
		return nil
	default:
		return n.report(ctx, pod)
	}
}

func (n *Node) schedule(ctx context.Context, pod *corev1.Pod) error {
	if !labels.SelectorFromSet(pod.Spec.NodeSelector).Matches(labels.Set(n.desiredNode().Labels)) {
		return n.unschedulable(ctx, pod)
	}
	err := n.client.CoreV1().Pods(pod.Namespace).Bind(ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: n.opts.Name},
	}, metav1.CreateOptions{})
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil // bound or deleted meanwhile; the event of that change brings the Pod back
	}
	return err
}

func (n *Node) unschedulable(ctx context.Context, pod *corev1.Pod) error {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return nil
		}
	}
	updated := pod.DeepCopy()
	setCondition(&updated.Status, corev1.PodCondition{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
		Message:            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
		LastTransitionTime: metav1.Now(),
	})
	_, err := n.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	return err
}

func isTerminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// reported tells whether the Pod already has the status report gives it.
func reported(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodRunning || pod.Status.PodIP == "" ||
		len(pod.Status.ContainerStatuses) != len(pod.Spec.Containers) {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// report writes the status a kubelet reports once every container has started and is ready.
func (n *Node) report(ctx context.Context, pod *corev1.Pod) error {
	podIP := n.opts.NodeIP
	if !pod.Spec.HostNetwork {
		var err error
		if podIP, err = n.allocateIP(pod.UID); err != nil {
			return err
		}
	}
	now := metav1.Now()
	updated := pod.DeepCopy()
	status := &updated.Status
	status.Phase = corev1.PodRunning
	status.HostIP, status.HostIPs = n.opts.NodeIP, []corev1.HostIP{{IP: n.opts.NodeIP}}
	status.PodIP, status.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}
	if status.StartTime == nil {
		status.StartTime = &now
	}
	for _, conditionType := range []corev1.PodConditionType{
		corev1.PodScheduled, corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady,
	} {
		setCondition(status, corev1.PodCondition{Type: conditionType, Status: corev1.ConditionTrue, LastTransitionTime: now})
	}
	status.InitContainerStatuses = make([]corev1.ContainerStatus, 0, len(pod.Spec.InitContainers))
	for _, container := range pod.Spec.InitContainers {
		state := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now, ContainerID: containerID(pod, container.Name),
		}}
		started := false
		if container.RestartPolicy != nil && *container.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			state, started = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}, true
		}
		status.InitContainerStatuses = append(status.InitContainerStatuses, corev1.ContainerStatus{
			Name: container.Name, Image: container.Image, ContainerID: containerID(pod, container.Name),
			State: state, Ready: true, Started: &started,
		})
	}
	status.ContainerStatuses = make([]corev1.ContainerStatus, 0, len(pod.Spec.Containers))
	for _, container := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, corev1.ContainerStatus{
			Name: container.Name, Image: container.Image, ContainerID: containerID(pod, container.Name),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
			Ready: true, Started: new(true),
		})
	}
	_, err := n.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("report status: %w", err)
	}
	return err
}

// setCondition replaces the condition of that type, keeping its transition time when its status stays.
func setCondition(status *corev1.PodStatus, condition corev1.PodCondition) {
	for i, existing := range status.Conditions {
		if existing.Type != condition.Type {
			continue
		}
		if existing.Status == condition.Status && !existing.LastTransitionTime.IsZero() {
			condition.LastTransitionTime = existing.LastTransitionTime
		}
		status.Conditions[i] = condition
		return
	}
	status.Conditions = append(status.Conditions, condition)
}

// containerID is stable per Pod and container, in the form a CRI-O node reports.
func containerID(pod *corev1.Pod, container string) string {
	sum := sha256.Sum256([]byte(string(pod.UID) + "/" + container))
	return "cri-o://" + hex.EncodeToString(sum[:])
}

// Package standin is an operator stand-in for tests: a controller and two admission webhooks
// that play the model-registry operator on a local control plane, through the same API paths.
// It is NOT the operator: no registry server runs, no database is reached. Each behaviour below
// names the fact of /work/shared/DOMAIN.md it models (section in brackets).
//
// Generations [Options.Generation, generation.go]: v0.3.8 is "What the operator does,
// observed"; v0.3.14 (the default) adds what "What later operators change" says of v0.3.9 to
// v0.3.14: the webhook adds kubeRBACProxy {} on OpenShift (route.openshift.io served) when
// neither proxy is set and the reconciler patches a registry that lacks it; the proxy
// ConfigMap is labelled app.kubernetes.io/instance: <name> (v0.3.8: its own name, so the API
// server refuses it for a registry name over 40 characters, and the registry stays
// Available=False with that error); the NetworkPolicy <name>-https-route also admits
// namespaces labelled opendatahub.io/generated-namespace: "true"; the default database's
// Deployment uses Recreate; the finalizer deletes the gateway objects first and, where
// gateway.networking.k8s.io is not served, fails forever with "failed to delete gateway
// resources: no matches for kind ..." (Degraded Finalizing). Gateway mode
// (Options.GatewayDomain, v0.3.10 and later): HTTPRoute model-registry-<name>, ReferenceGrant
// allow-gateway-httproutes, status.hosts[0] = <domain>/model-registry/<name>, the Route kept.
// RestartWebhook closes the webhook port for a while, as the v0.3.10 operator's restart on a
// new TLS profile does.
//
// Admission ["The custom resource", "What the operator does, observed", "PostgreSQL and the
// default database"]. A mutating and a validating webhook, served over HTTPS on a loopback
// port with a certificate from a CA the stand-in generates, registered by URL as
// MutatingWebhookConfiguration and ValidatingWebhookConfiguration (CREATE and UPDATE of
// modelregistries in v1beta1 and v1alpha1, failurePolicy Fail, sideEffects None):
//   - defaults rest.port 8080, rest.serviceRoute "disabled", grpc.port 9090 (when grpc is set),
//     mysql.port 3306, mysql.skipDBCreation false, kubeRBACProxy.{port 8443, routePort 443,
//     serviceRoute "enabled"} (when kubeRBACProxy is set); the project's fixture CRD prunes
//     the fields it does not declare (rest.serviceRoute), the operator's CRD keeps them;
//   - drops a postgres block with no host, hostAddress or generateDeployment and a mysql block
//     with no host, before validation;
//   - rejects a registry outside the registries namespace ("namespace must be <ns>"; the
//     namespace is Options.RegistriesNamespace, else the DataScienceCluster's
//     status.components.modelregistry.registriesNamespace), a name a registry has in any other
//     namespace (`metadata.name: Duplicate value: "registry named X already exists in namespace
//     Y"`), a registry with neither mysql nor postgres, and oauthProxy with kubeRBACProxy. It
//     checks neither name length nor format, as the operator does not. The messages other than
//     the two DOMAIN.md quotes are the stand-in's own wording.
//
// Objects ["What the operator creates", "What the operator does, observed", "PostgreSQL and
// the default database"], written with server-side apply under FieldManager, every namespaced
// one with a controller owner reference to the registry and the five common labels, so the
// garbage collector deletes them with it: ServiceAccount, Deployment and Service <name>
// (containers rest-container, and kube-rbac-proxy with the proxy; Service port 8080 http-api,
// or 8443 https-api with the proxy), Role registry-user-<name>, RoleBinding <name>-users,
// ClusterRoleBinding <name>-auth-delegator (cluster-scoped, so it stays behind after the
// registry is deleted); with the proxy the ConfigMap <name>-kube-rbac-proxy-config, the
// NetworkPolicy <name>-https-route and, when the API server serves route.openshift.io, the
// Route <name>-https with host <name>-rest.<apps domain>; the Group <name>-users when it
// serves user.openshift.io, created with no users and never written again; with
// postgres.generateDeployment the Secret <name>-postgres-credentials (user modelregistry, a
// random password), PVC <name>-postgres-storage (5Gi), Deployment and Service <name>-postgres
// (5432) and NetworkPolicy <name>-postgres. Switching the proxy off deletes its ConfigMap,
// NetworkPolicy and Route. Every container runs Image (pause): nothing listens.
//
// Status ["The custom resource" status.conditions, "What the operator does, observed"]:
// Available=False ResourcesUnavailable "No Pods found for Deployment <name>" until the
// Deployment has Pods; DeploymentUnavailable until the Deployment is available, all its Pods
// have the expected containers and its Service has a ready endpoint; then DeploymentCooldown
// until Options.Cooldown (5 s on the operator) has passed since the Deployment became
// available (its Available condition's time, rounded up to the second); then Available=True
// DeploymentAvailable. A rollout that keeps the containers keeps the registry available. Progressing=True CreatingDeployment or
// UpdatingDeployment while the Deployment rolls out (DOMAIN.md does not say what follows a
// rollout: the stand-in removes Progressing). KubeRBACProxyAvailable with the proxy only.
// Degraded=True Finalizing during deletion. status.hosts: the Route host first when the
// proxy's route is enabled, then <name>.<ns>.svc.cluster.local, <name>.<ns>, <name>.
// status.specDefaults holds the images. The finalizer modelregistry.opendatahub.io/finalizer
// is added to every registry and removed on deletion.
//
// Pods, Endpoints and garbage collection come from the cluster: on the local control plane
// kube-controller-manager and its node stand-in run the Deployments; a registry whose
// Deployment never gets Pods stays unavailable.
//
// Test controls that model no operator fact: a database host ending in InvalidHostSuffix gives
// Available=False ConfigurationError at once (the operator's reaction to a bad database is
// observed, not its trigger); one ending in Options.NeverReadyHostSuffix stays
// DeploymentUnavailable; Ignore simulates the operator being down for one registry;
// AllowElsewhere admits one registry outside the registries namespace, as one made before the
// webhook existed.
//
// The model catalog's ConfigMaps and Deployment are modelled apart, by StartCatalogWith
// (catalog.go); the catalog server is not.
//
// Not modelled: oauthProxy migration, image and resource settings,
// database connections, the registry's own REST and gRPC servers, and what the operator does
// when generateDeployment is switched off (the stand-in leaves the database objects).
package standin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Test controls and defaults.
const (
	// InvalidHostSuffix makes a registry fail with Available=False, reason ConfigurationError,
	// as the operator does when the database host does not resolve.
	InvalidHostSuffix = ".invalid"
	// DefaultNeverReadyHostSuffix makes a registry stay Available=False, reason DeploymentUnavailable.
	DefaultNeverReadyHostSuffix = ".stall.test"
	// DefaultCooldown is the operator's wait between the Deployment becoming available and
	// Available=True.
	DefaultCooldown = 5 * time.Second
	// DefaultReadyDelay is kept for callers of the former option; it is DefaultCooldown.
	DefaultReadyDelay = DefaultCooldown

	// FieldManager names the stand-in's writes.
	FieldManager = "model-registry-operator-standin"
)

// ErrOperatorPresent is returned by Start on a cluster where the real operator runs.
var ErrOperatorPresent = errors.New("the model-registry operator is installed on this cluster")

// Options configure the stand-in. The zero value is ready to use.
type Options struct {
	// Cooldown is the time from the Deployment being ready to Available=True; DefaultCooldown
	// when zero. Test suites that create many registries pass a shorter one.
	Cooldown time.Duration
	// ReadyDelay is the former name of Cooldown, used when Cooldown is zero.
	ReadyDelay time.Duration
	// NeverReadyHostSuffix: registries whose database host ends with it never become available;
	// DefaultNeverReadyHostSuffix when empty.
	NeverReadyHostSuffix string
	// RegistriesNamespace is the only namespace the webhook admits registries in; when empty,
	// the DataScienceCluster's status says, else registry.DefaultNamespace.
	RegistriesNamespace string
	// AppsDomain is the domain of Route hosts; controlplane.AppsDomain when empty.
	AppsDomain string
	// NoWebhooks leaves admission alone. Webhooks are also skipped when the API server is not
	// on loopback: it could not reach the stand-in's loopback port.
	NoWebhooks bool
	// Workers process registries concurrently; 4 when zero.
	Workers int
	// Logf reports errors the stand-in retries; silent when nil. It is called until Stop, so
	// pass t.Logf only when Stop runs before that test ends (t.Cleanup), else log.Printf.
	Logf func(format string, args ...any)
	// Generation is the operator release played; DefaultGeneration (the newest) when empty.
	Generation Generation
	// GatewayDomain turns gateway mode on (v0.3.10 and later; an error with V0_3_8).
	GatewayDomain string
}

// StandIn is a running operator stand-in.
type StandIn struct {
	opts     Options
	features features
	dynamic  dynamic.Interface
	kube     kubernetes.Interface
	informer cache.SharedIndexInformer

	deployments appslisters.DeploymentLister
	pods        corelisters.PodLister
	slices      discoverylisters.EndpointSliceLister

	webhook  *webhook
	queue    workqueue.TypedRateLimitingInterface[string]
	cancel   context.CancelFunc
	done     sync.WaitGroup
	stopOnce sync.Once

	mu      sync.Mutex
	ignored map[string]bool
	seen    map[string]*registryState
}

// registryState is what the stand-in remembers of a registry between reconciles.
type registryState struct {
	uid               types.UID
	appliedGeneration int64
	everAvailable     bool
	// applyErr is the last write of the registry's objects that failed, until one succeeds.
	applyErr error
}

// RegistriesNamespace is the namespace the stand-in admits registries in.
func (s *StandIn) RegistriesNamespace() string { return s.opts.RegistriesNamespace }

// Generation is the operator release the stand-in plays.
func (s *StandIn) Generation() Generation { return s.opts.Generation }

// GatewayDomain is the gateway domain of gateway mode, empty when it is off.
func (s *StandIn) GatewayDomain() string { return s.opts.GatewayDomain }

// RestartWebhook makes the admission webhooks refuse connections for down, then serve again on
// the same port, as the operator does when it restarts with a new TLS profile (DOMAIN.md, v0.3.10:
// "writes of registries fail for a few seconds ... connection refused"). It returns once the
// port is closed; the webhooks come back in the background.
func (s *StandIn) RestartWebhook(down time.Duration) error {
	if s.webhook == nil {
		return errors.New("operator stand-in: no webhooks are registered (Options.NoWebhooks, or the API server is not on loopback)")
	}
	return s.webhook.restart(down)
}

// Webhooks reports whether the stand-in's admission webhooks are registered.
func (s *StandIn) Webhooks() bool { return s.webhook != nil }

// OperatorPresent reports whether the real model-registry operator runs on the cluster: a
// webhook configuration other than the stand-in's that handles ModelRegistries, or a
// Deployment named like the operator's. It returns what it found.
func OperatorPresent(ctx context.Context, config *rest.Config) (string, error) {
	kube, err := kubernetes.NewForConfig(config)
	if err != nil {
		return "", err
	}
	mutating, err := kube.AdmissionregistrationV1().MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	for _, c := range mutating.Items {
		if c.Name == MutatingWebhookConfiguration {
			continue
		}
		for _, w := range c.Webhooks {
			for _, r := range w.Rules {
				if slices.Contains(r.APIGroups, registry.Group) && slices.Contains(r.Resources, registry.Resource) {
					return "MutatingWebhookConfiguration " + c.Name, nil
				}
			}
		}
	}
	deployments, err := kube.AppsV1().Deployments("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", err
	}
	for _, d := range deployments.Items {
		if strings.Contains(d.Name, "model-registry-operator") {
			return "Deployment " + d.Namespace + "/" + d.Name, nil
		}
	}
	return "", nil
}

// Start runs the stand-in until Stop or ctx is done. It returns once its caches are synced
// and the API server calls its webhooks, or ErrOperatorPresent on a cluster with the operator.
func Start(ctx context.Context, config *rest.Config, opts Options) (*StandIn, error) {
	if opts.Cooldown == 0 {
		opts.Cooldown = opts.ReadyDelay
	}
	if opts.Cooldown == 0 {
		opts.Cooldown = DefaultCooldown
	}
	if opts.NeverReadyHostSuffix == "" {
		opts.NeverReadyHostSuffix = DefaultNeverReadyHostSuffix
	}
	if opts.AppsDomain == "" {
		opts.AppsDomain = controlplane.AppsDomain
	}
	if opts.Workers == 0 {
		opts.Workers = 4
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	var err error
	if opts.Generation, err = ParseGeneration(string(opts.Generation)); err != nil {
		return nil, fmt.Errorf("operator stand-in: %w", err)
	}
	if err := opts.Generation.CheckGatewayDomain(opts.GatewayDomain); err != nil {
		return nil, fmt.Errorf("operator stand-in: %w", err)
	}
	config = rest.CopyConfig(config)
	config.QPS, config.Burst = 1000, 2000
	config.UserAgent = FieldManager
	config.WarningHandler = rest.NoWarnings{}
	if found, err := OperatorPresent(ctx, config); err != nil {
		return nil, fmt.Errorf("operator stand-in: looking for the operator: %w", err)
	} else if found != "" {
		return nil, fmt.Errorf("operator stand-in: %w (%s)", ErrOperatorPresent, found)
	}
	dynamicClient, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	kubeClient, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	if opts.RegistriesNamespace == "" {
		if opts.RegistriesNamespace, err = discoverNamespace(ctx, dynamicClient); err != nil {
			return nil, err
		}
	}
	s := &StandIn{
		opts:    opts,
		dynamic: dynamicClient,
		kube:    kubeClient,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "model-registry-standin"}),
		ignored: map[string]bool{},
		seen:    map[string]*registryState{},
	}
	s.features = features{appsDomain: opts.AppsDomain,
		routes:     served(kubeClient, "route.openshift.io/v1", "routes"),
		groups:     served(kubeClient, "user.openshift.io/v1", "groups"),
		generation: opts.Generation, gatewayDomain: opts.GatewayDomain}

	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	factory := dynamicinformer.NewDynamicSharedInformerFactory(dynamicClient, 0)
	s.informer = factory.ForResource(registry.GroupVersionResource).Informer()
	if _, err := s.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    s.enqueue,
		UpdateFunc: s.enqueueChanged(s.enqueue),
		DeleteFunc: s.enqueue,
	}); err != nil {
		cancel()
		return nil, err
	}
	workloads := informers.NewSharedInformerFactoryWithOptions(kubeClient, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.LabelSelector = registry.LabelComponent + "=" + registry.ComponentModelRegistry
		}))
	endpoints := informers.NewSharedInformerFactory(kubeClient, 0)
	byLabel := func(label string) cache.ResourceEventHandler {
		enqueue := func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if m, ok := obj.(metav1.Object); ok && m.GetLabels()[label] != "" {
				s.queue.Add(m.GetNamespace() + "/" + m.GetLabels()[label])
			}
		}
		return cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: s.enqueueChanged(enqueue), DeleteFunc: enqueue}
	}
	deploymentInformer := workloads.Apps().V1().Deployments()
	podInformer := workloads.Core().V1().Pods()
	sliceInformer := endpoints.Discovery().V1().EndpointSlices()
	for _, add := range []func() error{
		func() error {
			_, err := deploymentInformer.Informer().AddEventHandler(byLabel(registry.LabelAppName))
			return err
		},
		func() error {
			_, err := podInformer.Informer().AddEventHandler(byLabel(registry.LabelAppName))
			return err
		},
		func() error {
			_, err := sliceInformer.Informer().AddEventHandler(byLabel(discoveryv1.LabelServiceName))
			return err
		},
	} {
		if err := add(); err != nil {
			cancel()
			return nil, err
		}
	}
	s.deployments, s.pods, s.slices = deploymentInformer.Lister(), podInformer.Lister(), sliceInformer.Lister()
	factory.Start(ctx.Done())
	workloads.Start(ctx.Done())
	endpoints.Start(ctx.Done())
	shutdown := func() {
		cancel()
		s.queue.ShutDown()
		factory.Shutdown()
		workloads.Shutdown()
		endpoints.Shutdown()
	}
	syncCtx, syncCancel := context.WithTimeout(ctx, 30*time.Second)
	defer syncCancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), s.informer.HasSynced, deploymentInformer.Informer().HasSynced,
		podInformer.Informer().HasSynced, sliceInformer.Informer().HasSynced) {
		shutdown()
		return nil, fmt.Errorf("operator stand-in: informers did not sync in 30s; is the %s CRD installed?", registry.Resource)
	}

	if !opts.NoWebhooks && onLoopback(config.Host) {
		if err := s.startWebhooks(ctx); err != nil {
			shutdown()
			if s.webhook != nil {
				s.webhook.close()
			}
			s.unregisterWebhooks()
			return nil, err
		}
	} else if !opts.NoWebhooks {
		opts.Logf("operator stand-in: the API server %s is not on loopback and cannot call the stand-in's webhooks; admission is not modelled", config.Host)
	}

	for range opts.Workers {
		s.done.Add(1)
		go func() {
			defer s.done.Done()
			for s.processNext(ctx) {
			}
		}()
	}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		<-ctx.Done()
		shutdown()
	}()
	return s, nil
}

func (s *StandIn) startWebhooks(ctx context.Context) error {
	// v0.3.14 forces the proxy on OpenShift only: where route.openshift.io is served.
	forceProxy := s.opts.Generation.ForcesProxy() && s.features.routes
	w, err := newWebhook(s.opts.RegistriesNamespace, s.informer.GetIndexer(), forceProxy, s.opts.Logf)
	if err != nil {
		return fmt.Errorf("operator stand-in: webhook: %w", err)
	}
	s.webhook = w
	if err := w.register(ctx, s.kube); err != nil {
		return fmt.Errorf("operator stand-in: %w", err)
	}
	probe := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": registry.GroupVersionKind.GroupVersion().String(), "kind": registry.Kind,
		"metadata": map[string]any{"name": "standin-webhook-probe", "namespace": s.opts.RegistriesNamespace},
		"spec":     map[string]any{"rest": map[string]any{}},
	}}
	return w.waitServing(ctx, func(ctx context.Context) error {
		_, err := s.dynamic.Resource(registry.GroupVersionResource).Namespace(s.opts.RegistriesNamespace).
			Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err
	})
}

func (s *StandIn) unregisterWebhooks() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := unregister(ctx, s.kube); err != nil {
		s.opts.Logf("operator stand-in: unregister webhooks: %v", err)
	}
}

func onLoopback(host string) bool {
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func served(kube kubernetes.Interface, groupVersion, resource string) bool {
	list, err := kube.Discovery().ServerResourcesForGroupVersion(groupVersion)
	if err != nil {
		return false
	}
	for _, r := range list.APIResources {
		if r.Name == resource {
			return true
		}
	}
	return false
}

func discoverNamespace(ctx context.Context, client dynamic.Interface) (string, error) {
	list, err := client.Resource(registry.DataScienceClusterResource).List(ctx, metav1.ListOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return "", fmt.Errorf("operator stand-in: list DataScienceClusters: %w", err)
	}
	if list != nil {
		for _, dsc := range list.Items {
			if ns, _, _ := unstructured.NestedString(dsc.Object, "status", "components", "modelregistry", "registriesNamespace"); ns != "" {
				return ns, nil
			}
		}
	}
	return registry.DefaultNamespace, nil
}

// Stop stops the stand-in, waits for its workers and unregisters its webhooks. Registries
// keep their finalizer: deleting one afterwards hangs, as it does when the real operator is gone.
func (s *StandIn) Stop() {
	s.stopOnce.Do(func() {
		s.cancel()
		s.done.Wait()
		if s.webhook != nil {
			s.unregisterWebhooks()
			s.webhook.close()
		}
	})
}

// Ignore makes the stand-in leave registry namespace/name alone (no finalizer handling, no
// objects, no status), simulating an operator that is down for that registry only. The
// webhooks still admit it.
func (s *StandIn) Ignore(namespace, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignored[namespace+"/"+name] = true
}

// Unignore undoes Ignore and reconciles the registry right away.
func (s *StandIn) Unignore(namespace, name string) {
	key := namespace + "/" + name
	s.mu.Lock()
	delete(s.ignored, key)
	s.mu.Unlock()
	s.queue.Add(key)
}

// AllowElsewhere makes the webhook admit registry namespace/name outside the registries
// namespace, as a registry that existed before the operator's webhook did.
func (s *StandIn) AllowElsewhere(namespace, name string) {
	if s.webhook != nil {
		s.webhook.allowElsewhere(namespace, name)
	}
}

func (s *StandIn) isIgnored(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ignored[key]
}

func (s *StandIn) enqueue(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		s.opts.Logf("operator stand-in: %v", err)
		return
	}
	s.queue.Add(key)
}

// enqueueChanged skips resyncs, which deliver unchanged objects.
func (s *StandIn) enqueueChanged(enqueue func(any)) func(oldObj, newObj any) {
	return func(oldObj, newObj any) {
		oldMeta, oldOK := oldObj.(metav1.Object)
		newMeta, newOK := newObj.(metav1.Object)
		if !oldOK || !newOK || oldMeta.GetResourceVersion() != newMeta.GetResourceVersion() {
			enqueue(newObj)
		}
	}
}

func (s *StandIn) processNext(ctx context.Context) bool {
	key, shutdown := s.queue.Get()
	if shutdown {
		return false
	}
	defer s.queue.Done(key)
	if err := s.reconcile(ctx, key); err != nil {
		// Deleted meanwhile: the informer's delete event ends it.
		if apierrors.IsNotFound(err) {
			s.queue.Forget(key)
			return true
		}
		if ctx.Err() == nil && !apierrors.IsConflict(err) {
			s.opts.Logf("operator stand-in: registry %s: %v (retrying)", key, err)
		}
		s.queue.AddRateLimited(key)
		return true
	}
	s.queue.Forget(key)
	return true
}

func (s *StandIn) reconcile(ctx context.Context, key string) error {
	obj, exists, err := s.informer.GetIndexer().GetByKey(key)
	if err != nil {
		return err
	}
	if !exists {
		s.forget(key)
		return nil
	}
	if s.isIgnored(key) {
		return nil
	}
	mr, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("informer cache holds a %T for %s, want *unstructured.Unstructured", obj, key)
	}
	if mr.GetDeletionTimestamp() != nil {
		return s.finalize(ctx, key, mr)
	}
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		if mr, err = s.setFinalizers(ctx, mr, append(slices.Clone(mr.GetFinalizers()), registry.Finalizer)); err != nil {
			return fmt.Errorf("add finalizer: %w", err)
		}
	}
	if s.lacksForcedProxy(mr) {
		// v0.3.14 (DOMAIN.md "the reconciler patches existing registries that lack it"): a write of
		// its own, which the webhook then defaults; the update brings the registry back here.
		_, err := s.dynamic.Resource(registry.GroupVersionResource).Namespace(mr.GetNamespace()).Patch(ctx, mr.GetName(),
			types.MergePatchType, []byte(`{"spec":{"kubeRBACProxy":{}}}`), metav1.PatchOptions{FieldManager: FieldManager})
		if err != nil {
			return fmt.Errorf("add kubeRBACProxy: %w", err)
		}
		return nil
	}
	sp := readSpec(mr)

	s.mu.Lock()
	state := s.seen[key]
	if state == nil || state.uid != mr.GetUID() {
		state = &registryState{uid: mr.GetUID()}
		s.seen[key] = state
	}
	apply := state.appliedGeneration != mr.GetGeneration()
	s.mu.Unlock()
	if apply {
		// Before its first write the operator has seen no Deployment: report that first.
		if findCondition(currentConditions(mr), registry.ConditionAvailable) == nil {
			v := computeStatus(mr, sp, observed{}, s.features, controls{neverReadySuffix: s.opts.NeverReadyHostSuffix}, s.opts.Cooldown, time.Now())
			if err := s.patchStatus(ctx, mr, status{Conditions: v.conditions, Hosts: v.hosts, HostsStr: strings.Join(v.hosts, ","), SpecDefaults: specDefaults(sp)}); err != nil {
				return err
			}
		}
		if err := s.applyObjects(ctx, sp); err != nil {
			if apierrors.IsConflict(err) {
				return err
			}
			// The operator reports a failed write in status and tries again (handleReconcileErrors):
			// with v0.3.8 a name over 40 characters never gets past its proxy ConfigMap.
			s.mu.Lock()
			state.applyErr = err
			s.mu.Unlock()
			v := computeStatus(mr, sp, observed{}, s.features, controls{applyErr: err}, s.opts.Cooldown, time.Now())
			desired := status{Conditions: v.conditions, Hosts: v.hosts, HostsStr: strings.Join(v.hosts, ","), SpecDefaults: specDefaults(sp)}
			if !statusMatches(mr, desired) {
				if statusErr := s.patchStatus(ctx, mr, desired); statusErr != nil {
					s.opts.Logf("operator stand-in: registry %s: %v", key, statusErr)
				}
			}
			return err
		}
		s.mu.Lock()
		state.appliedGeneration = mr.GetGeneration()
		state.applyErr = nil
		s.mu.Unlock()
	}

	o, err := s.observe(sp)
	if err != nil {
		return err
	}
	now := time.Now()
	s.mu.Lock()
	o.everAvailable = state.everAvailable
	applyErr := state.applyErr
	s.mu.Unlock()

	v := computeStatus(mr, sp, o, s.features, controls{neverReadySuffix: s.opts.NeverReadyHostSuffix, applyErr: applyErr}, s.opts.Cooldown, now)
	if v.recheckAfter > 0 {
		s.queue.AddAfter(key, v.recheckAfter)
	}
	if c := findCondition(v.conditions, registry.ConditionAvailable); c != nil && c.Status == "True" {
		s.mu.Lock()
		state.everAvailable = true
		s.mu.Unlock()
	}
	desired := status{Conditions: v.conditions, Hosts: v.hosts, HostsStr: strings.Join(v.hosts, ","), SpecDefaults: specDefaults(sp)}
	if statusMatches(mr, desired) {
		return nil
	}
	return s.patchStatus(ctx, mr, desired)
}

// observe reads the registry's Deployment, Pods and EndpointSlices from the caches.
func (s *StandIn) observe(sp spec) (observed, error) {
	var o observed
	d, err := s.deployments.Deployments(sp.namespace).Get(sp.name)
	if err != nil && !apierrors.IsNotFound(err) {
		return o, err
	}
	if err == nil {
		o.deployment = d
	}
	pods, err := s.pods.Pods(sp.namespace).List(labels.SelectorFromSet(podLabels(sp.name)))
	if err != nil {
		return o, err
	}
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			o.pods = append(o.pods, p)
		}
	}
	o.slices, err = s.slices.EndpointSlices(sp.namespace).List(labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: sp.name}))
	return o, err
}

// applyObjects writes the registry's objects and deletes the ones its spec no longer calls for.
func (s *StandIn) applyObjects(ctx context.Context, sp spec) error {
	objs, gone := desiredObjects(sp, s.features)
	for _, o := range objs {
		client := s.dynamic.Resource(o.resource).Namespace(o.obj.GetNamespace())
		if o.createOnly {
			if _, err := client.Create(ctx, o.obj, metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("create %s %s: %w", o.obj.GetKind(), o.obj.GetName(), err)
			}
			continue
		}
		if _, err := client.Apply(ctx, o.obj.GetName(), o.obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
			return fmt.Errorf("apply %s %s: %w", o.obj.GetKind(), o.obj.GetName(), err)
		}
	}
	for _, u := range gone {
		err := s.dynamic.Resource(u.resource).Namespace(u.namespace).Delete(ctx, u.name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete %s %s: %w", u.resource.Resource, u.name, err)
		}
	}
	return nil
}

// lacksForcedProxy: v0.3.14 on OpenShift adds kubeRBACProxy when neither proxy is set.
func (s *StandIn) lacksForcedProxy(mr *unstructured.Unstructured) bool {
	if !s.opts.Generation.ForcesProxy() || !s.features.routes {
		return false
	}
	_, hasKubeRBAC, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "kubeRBACProxy")
	_, hasOAuth, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "oauthProxy")
	return !hasKubeRBAC && !hasOAuth
}

func (s *StandIn) forget(key string) {
	s.mu.Lock()
	delete(s.seen, key)
	s.mu.Unlock()
}

// finalize reports Finalizing, deletes the registry's Group, and removes the finalizer; the
// garbage collector deletes the owned objects afterwards.
func (s *StandIn) finalize(ctx context.Context, key string, mr *unstructured.Unstructured) error {
	if !slices.Contains(mr.GetFinalizers(), registry.Finalizer) {
		s.forget(key)
		return nil
	}
	name, namespace := mr.GetName(), mr.GetNamespace()
	conditions := slices.DeleteFunc(currentConditions(mr), func(c condition) bool { return c.Type == registry.ConditionDegraded })
	conditions = append(conditions, condition{
		Type: registry.ConditionDegraded, Status: "True", Reason: ReasonFinalizing,
		Message: fmt.Sprintf("Model registry %s is being deleted", name), LastTransitionTime: time.Now().UTC().Format(time.RFC3339),
	})
	hosts := currentHosts(mr)
	if err := s.patchStatus(ctx, mr, status{Conditions: conditions, Hosts: hosts, HostsStr: strings.Join(hosts, ",")}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if s.opts.Generation.FinalizerDeletesGateway() || s.opts.GatewayDomain != "" {
		if err := s.deleteGatewayObjects(ctx, name, namespace); err != nil {
			// v0.3.14 (DOMAIN.md): "failed to delete gateway resources: no matches for kind ...", forever,
			// with Degraded Finalizing; the operator's handleReconcileErrors puts the error in Available.
			conditions = slices.DeleteFunc(conditions, func(c condition) bool { return c.Type == registry.ConditionAvailable })
			conditions = append(conditions, condition{Type: registry.ConditionAvailable, Status: "False",
				Reason: registry.ReasonDeploymentUnavailable, Message: "unexpected reconcile error: " + err.Error(),
				LastTransitionTime: time.Now().UTC().Format(time.RFC3339)})
			if !statusMatches(mr, status{Conditions: conditions, Hosts: hosts, HostsStr: strings.Join(hosts, ",")}) {
				if err := s.patchStatus(ctx, mr, status{Conditions: conditions, Hosts: hosts, HostsStr: strings.Join(hosts, ",")}); err != nil && !apierrors.IsNotFound(err) {
					return err
				}
			}
			s.queue.AddAfter(key, time.Second)
			return nil
		}
	}
	// Cluster-scoped, so no owner reference can collect it; DOMAIN.md does not record its fate,
	// and the stand-in deletes it so a later registry of the same name starts with no members.
	if s.features.groups {
		if err := s.dynamic.Resource(registry.OpenShiftGroupResource).Delete(ctx, registry.UsersGroupName(name), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete Group %s: %w", registry.UsersGroupName(name), err)
		}
	}
	// The status patch moved the resourceVersion on; read the object again for the finalizer patch.
	fresh, err := s.dynamic.Resource(registry.GroupVersionResource).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		s.forget(key)
		return nil
	}
	if err != nil {
		return err
	}
	remaining := slices.DeleteFunc(slices.Clone(fresh.GetFinalizers()), func(f string) bool { return f == registry.Finalizer })
	if _, err := s.setFinalizers(ctx, fresh, remaining); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("remove finalizer: %w", err)
	}
	s.forget(key)
	return nil
}

// gatewayKindsServed is the discovery check behind the operator's "no matches for kind".
func (s *StandIn) gatewayKindsServed() error {
	if !served(s.kube, HTTPRouteResource.GroupVersion().String(), HTTPRouteResource.Resource) {
		return fmt.Errorf("no matches for kind \"HTTPRoute\" in version %q", HTTPRouteResource.GroupVersion().String())
	}
	if !served(s.kube, ReferenceGrantResource.GroupVersion().String(), ReferenceGrantResource.Resource) {
		return fmt.Errorf("no matches for kind \"ReferenceGrant\" in version %q", ReferenceGrantResource.GroupVersion().String())
	}
	return nil
}

// deleteGatewayObjects deletes the registry's HTTPRoute; the ReferenceGrant is the namespace's,
// shared by its registries, and stays.
func (s *StandIn) deleteGatewayObjects(ctx context.Context, name, namespace string) error {
	if err := s.gatewayKindsServed(); err != nil {
		return fmt.Errorf("failed to delete gateway resources: %w", err)
	}
	err := s.dynamic.Resource(HTTPRouteResource).Namespace(namespace).Delete(ctx, HTTPRouteName(name), metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("failed to delete gateway resources: %w", err)
	}
	return nil
}

// setFinalizers replaces the finalizer list, guarded by the resourceVersion it was computed from.
func (s *StandIn) setFinalizers(ctx context.Context, mr *unstructured.Unstructured, finalizers []string) (*unstructured.Unstructured, error) {
	if finalizers == nil {
		finalizers = []string{}
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"finalizers": finalizers, "resourceVersion": mr.GetResourceVersion(),
	}})
	if err != nil {
		return nil, err
	}
	return s.dynamic.Resource(registry.GroupVersionResource).Namespace(mr.GetNamespace()).
		Patch(ctx, mr.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
}

func (s *StandIn) patchStatus(ctx context.Context, mr *unstructured.Unstructured, desired status) error {
	patch, err := json.Marshal(map[string]any{"status": desired})
	if err != nil {
		return err
	}
	_, err = s.dynamic.Resource(registry.GroupVersionResource).Namespace(mr.GetNamespace()).
		Patch(ctx, mr.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager}, "status")
	if err != nil {
		return fmt.Errorf("patch status: %w", err)
	}
	return nil
}

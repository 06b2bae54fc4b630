// Package acctest is the acceptance tests' support: the TestMain that starts the
// local control plane and the operator stand-in, the cluster the tests look at,
// and the provider factory map. It is test support, never imported by
// production code, and takes the provider as an argument so that any package's
// tests can use it.
package acctest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/standin"
)

// Factories serve p in the test process under the provider's name.
func Factories(p provider.Provider) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"openshiftai": providerserver.NewProtocol6WithError(p),
	}
}

// TestCluster is the cluster the acceptance tests run against, with clients to
// look at what the provider wrote.
type TestCluster struct {
	ControlPlane *controlplane.ControlPlane
	StandIn      *standin.StandIn // nil on a cluster where the real operator runs
	Client       *kube.Client
	Typed        kubernetes.Interface
	Dynamic      dynamic.Interface
}

// Cooldown is the stand-in's wait from a ready Deployment to Available=True.
const Cooldown = time.Second

// Cluster is set by Main when TF_ACC is set.
var Cluster *TestCluster

// generation and gatewayDomain are what OPENSHIFTAI_OPERATOR_GENERATION and
// OPENSHIFTAI_OPERATOR_GATEWAY_DOMAIN chose for this run; Main reads them.
var (
	generation    = standin.DefaultGeneration
	gatewayDomain string
)

// Generation is the operator generation the stand-in plays in this run
// (OPENSHIFTAI_OPERATOR_GENERATION, default the newest). Tests whose expectations differ by
// generation ask it, so each runs on both instead of being skipped on one.
func Generation() standin.Generation { return generation }

// GatewayDomain is the gateway domain of this run (OPENSHIFTAI_OPERATOR_GATEWAY_DOMAIN), empty
// when gateway mode is off.
func GatewayDomain() string { return gatewayDomain }

// ShippedSourcesConfigMap is the ConfigMap that holds the shipped catalog sources in this run:
// model-catalog-default-sources on v0.3.8, default-catalog-sources from v0.3.9 on.
func ShippedSourcesConfigMap() string { return generation.ShippedSourcesConfigMap() }

// Hosts are the status.hosts the operator reports in this run for registry name with (or
// without) the auth proxy: the gateway host in gateway mode, the proxy's Route host, then the
// three in-cluster names (DOMAIN.md, "What the operator does, observed" and "Gateway mode").
func Hosts(name, namespace string, proxy bool) []string {
	var hosts []string
	if gatewayDomain != "" {
		hosts = append(hosts, standin.GatewayHost(gatewayDomain, name))
	}
	if proxy {
		hosts = append(hosts, standin.RouteHost(name, controlplane.AppsDomain))
	}
	return append(hosts, registry.InClusterHosts(name, namespace)...)
}

// ShippedSourcesFile is the sources.yaml the stand-in ships in this run's generation.
func ShippedSourcesFile() string { return generation.ShippedSourcesFile() }

// RestartWebhook makes the operator stand-in's webhooks refuse connections for down, then
// serve again; it fails the test on a cluster without the stand-in's webhooks.
func RestartWebhook(t *testing.T, down time.Duration) {
	t.Helper()
	if Cluster == nil || Cluster.StandIn == nil || !Cluster.StandIn.Webhooks() {
		t.Fatal("restarting the operator's webhook needs the operator stand-in with its webhooks (the local control plane)")
	}
	if err := Cluster.StandIn.RestartWebhook(down); err != nil {
		t.Fatal(err)
	}
}

// Main runs a package's tests; with TF_ACC set it first starts a local control
// plane and the operator stand-in and points KUBE_CONFIG_PATH at them. Use it
// as `func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }`.
func Main(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	ctx := context.Background()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "controlplane: "+format+"\n", args...) }
	var err error
	if generation, gatewayDomain, err = standin.FromEnv(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	started := time.Now()
	// v0.3.14's finalizer needs the Gateway API kinds; a v0.3.8 run has the cluster of its time.
	noGatewayAPI := !generation.FinalizerDeletesGateway() && gatewayDomain == ""
	cp, err := controlplane.Start(ctx, controlplane.Options{Logf: logf, NoGatewayAPI: noGatewayAPI})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the local control plane: %v\n", err)
		return 1
	}
	defer func() {
		if err := cp.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping the local control plane: %v\n", err)
		}
	}()
	// With the real operator on the cluster, the operator itself is what the tests run against.
	var stand *standin.StandIn
	found, err := standin.OperatorPresent(ctx, cp.RESTConfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "looking for the model-registry operator: %v\n", err)
		return 1
	}
	if found != "" {
		logf("the cluster runs the model-registry operator (%s): the operator stand-in is not started", found)
	} else {
		// A shorter cooldown than the operator's 5 s: the suite creates registries by the dozen.
		// An external cluster's API server (kind's in a container, behind a loopback port
		// forward) cannot call a webhook served on this machine's loopback.
		stand, err = standin.Start(ctx, cp.RESTConfig, standin.Options{Cooldown: Cooldown, NoWebhooks: cp.External, Logf: logf,
			Generation: generation, GatewayDomain: gatewayDomain})
		if err != nil {
			fmt.Fprintf(os.Stderr, "starting the operator stand-in: %v\n", err)
			return 1
		}
		defer stand.Stop()
	}
	logf("ready in %s, kubeconfig %s, operator generation %s, gateway domain %q", time.Since(started).Round(time.Millisecond),
		cp.KubeconfigPath, generation, gatewayDomain)

	client, err := kube.NewForConfig(cp.RESTConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	Cluster = &TestCluster{
		ControlPlane: cp,
		StandIn:      stand,
		Client:       client,
		Typed:        kubernetes.NewForConfigOrDie(cp.RESTConfig),
		Dynamic:      dynamic.NewForConfigOrDie(cp.RESTConfig),
	}
	// The provider under test finds the cluster as users' configurations do.
	os.Setenv("KUBE_CONFIG_PATH", cp.KubeconfigPath)
	return m.Run()
}

// PreCheck skips an acceptance test in a unit test run, as resource.Test
// does, and fails it when TF_ACC is set but no cluster runs. Call it first in
// tests that touch the cluster before resource.Test.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc)")
	}
	if Cluster == nil {
		t.Fatal("TF_ACC is set but the acceptance test cluster is not running")
	}
}

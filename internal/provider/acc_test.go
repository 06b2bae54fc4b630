package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/controlplane"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/controlplane/standin"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
)

// testAccProtoV6ProviderFactories serve the provider in the test process.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"openshiftai": providerserver.NewProtocol6WithError(New("test")()),
}

// accCluster is the cluster the acceptance tests run against, with clients to
// look at what the provider wrote.
type accCluster struct {
	ControlPlane *controlplane.ControlPlane
	StandIn      *standin.StandIn
	Client       *kube.Client
	Typed        kubernetes.Interface
	Dynamic      dynamic.Interface
}

// testAccCluster is set by TestMain when TF_ACC is set.
var testAccCluster *accCluster

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	ctx := context.Background()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "controlplane: "+format+"\n", args...) }
	started := time.Now()
	cp, err := controlplane.Start(ctx, controlplane.Options{Logf: logf})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the local control plane: %v\n", err)
		return 1
	}
	defer func() {
		if err := cp.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping the local control plane: %v\n", err)
		}
	}()
	stand, err := standin.Start(ctx, cp.RESTConfig, standin.Options{Logf: logf})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the operator stand-in: %v\n", err)
		return 1
	}
	defer stand.Stop()
	logf("ready in %s, kubeconfig %s", time.Since(started).Round(time.Millisecond), cp.KubeconfigPath)

	client, err := kube.NewForConfig(cp.RESTConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testAccCluster = &accCluster{
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

// testAccPreCheck skips an acceptance test in a unit test run, as
// resource.Test does, and fails it when TF_ACC is set but no cluster runs.
// Call it first in tests that touch the cluster before resource.Test.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc)")
	}
	if testAccCluster == nil {
		t.Fatal("TF_ACC is set but the acceptance test cluster is not running")
	}
}

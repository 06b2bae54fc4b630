package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// connectFunc builds a cluster client; it must make no request.
type connectFunc func(kube.Config) (*kube.Client, error)

func defaultConnect(cfg kube.Config) (*kube.Client, error) { return kube.New(cfg) }

// errConfigUnknown means the provider block depends on values known only at apply.
var errConfigUnknown = errors.New("the provider configuration depends on values that are not known until apply")

// providerData is what Configure hands the resources. The client is built on
// first use, so configuring the provider (validate, plan of new resources)
// never needs a cluster.
type providerData struct {
	unknown bool
	cfg     kube.Config
	connect connectFunc
	// configuredNamespace is registries_namespace or its environment variable.
	configuredNamespace string

	clientOnce sync.Once
	client     *kube.Client
	clientErr  error

	namespaceOnce sync.Once
	namespace     string
	namespaceDiag diag.Diagnostics
}

func newProviderData(cfg kube.Config, namespace string, connect connectFunc) *providerData {
	return &providerData{cfg: cfg, connect: connect, configuredNamespace: namespace}
}

// Client returns the cluster client, building it on first use.
func (d *providerData) Client() (*kube.Client, error) {
	if d.unknown {
		return nil, errConfigUnknown
	}
	d.clientOnce.Do(func() {
		d.client, d.clientErr = d.connect(d.cfg)
		if d.clientErr == nil {
			d.client.Register(registry.GroupVersionKind, registry.GroupVersionResource)
		}
	})
	return d.client, d.clientErr
}

// clientDiags returns the client or an error diagnostic saying why there is none.
func (d *providerData) clientDiags() (*kube.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	client, err := d.Client()
	if err != nil {
		diags.AddError("Cannot connect to the cluster", err.Error())
	}
	return client, diags
}

// RegistriesNamespace is the namespace of the registries: the configured one,
// else the DataScienceCluster's, else rhoai-model-registries. Known without a
// cluster only when configured.
func (d *providerData) RegistriesNamespace(ctx context.Context) (string, diag.Diagnostics) {
	if d.configuredNamespace != "" {
		return d.configuredNamespace, nil
	}
	d.namespaceOnce.Do(func() {
		d.namespace = registry.DefaultNamespace
		client, err := d.Client()
		if err != nil {
			d.namespaceDiag.AddError("Cannot connect to the cluster", err.Error())
			return
		}
		discovered, err := client.DiscoverRegistriesNamespace(ctx)
		switch {
		case err != nil:
			d.namespaceDiag.AddWarning("Registries namespace not discovered",
				fmt.Sprintf("Reading the DataScienceCluster failed (%v); using %q. Set registries_namespace in the provider block to choose it.", err, registry.DefaultNamespace))
		case discovered != "":
			d.namespace = discovered
		}
		tflog.Info(ctx, "registries namespace", map[string]any{"namespace": d.namespace, "discovered": discovered})
	})
	return d.namespace, d.namespaceDiag
}

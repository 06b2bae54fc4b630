package standin

import (
	"fmt"
	"os"
	"strings"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
)

// Generation is the operator release the stand-in plays. The stand-in is picked by a version
// string because a test run chooses what to play; the provider never looks at one (DOMAIN.md,
// "What later operators change": detect the generation from what the cluster has).
type Generation string

// The generations the stand-in plays: DOMAIN.md "What the operator does, observed" is v0.3.8,
// "What later operators change" gives what v0.3.9 to v0.3.14 add.
const (
	V0_3_8  Generation = "v0.3.8"
	V0_3_14 Generation = "v0.3.14"
	// DefaultGeneration is the newest one the stand-in plays.
	DefaultGeneration = V0_3_14
)

// Environment variables that pick the generation and gateway mode of a test run.
const (
	GenerationEnv    = "OPENSHIFTAI_OPERATOR_GENERATION"
	GatewayDomainEnv = "OPENSHIFTAI_OPERATOR_GATEWAY_DOMAIN"
)

// Generations lists what ParseGeneration accepts.
var Generations = []Generation{V0_3_8, V0_3_14}

// ParseGeneration reads a generation name; empty is DefaultGeneration.
func ParseGeneration(s string) (Generation, error) {
	if s == "" {
		return DefaultGeneration, nil
	}
	for _, g := range Generations {
		if Generation(s) == g {
			return g, nil
		}
	}
	return "", fmt.Errorf("operator generation %q is not one the stand-in plays: use %s (default %s)", s, joinGenerations(), DefaultGeneration)
}

func joinGenerations() string {
	names := make([]string, len(Generations))
	for i, g := range Generations {
		names[i] = string(g)
	}
	return strings.Join(names, " or ")
}

// CheckGatewayDomain refuses a gateway domain for a generation without gateway mode.
func (g Generation) CheckGatewayDomain(domain string) error {
	if domain != "" && !g.GatewayMode() {
		return fmt.Errorf("gateway domain %q given with operator generation %s: gateway mode exists from v0.3.10 on; use %s or leave %s empty",
			domain, g, V0_3_14, GatewayDomainEnv)
	}
	return nil
}

// FromEnv reads OPENSHIFTAI_OPERATOR_GENERATION and OPENSHIFTAI_OPERATOR_GATEWAY_DOMAIN.
func FromEnv() (Generation, string, error) {
	g, err := ParseGeneration(os.Getenv(GenerationEnv))
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", GenerationEnv, err)
	}
	domain := os.Getenv(GatewayDomainEnv)
	if err := g.CheckGatewayDomain(domain); err != nil {
		return "", "", fmt.Errorf("%s: %w", GatewayDomainEnv, err)
	}
	return g, domain, nil
}

func (g Generation) orDefault() Generation {
	if g == "" {
		return DefaultGeneration
	}
	return g
}

// ForcesProxy: v0.3.14 adds kubeRBACProxy on OpenShift, in its webhook and its reconciler
// (DOMAIN.md "What later operators change", "v0.3.14: the proxy is forced").
func (g Generation) ForcesProxy() bool { return g.orDefault() == V0_3_14 }

// ProxyConfigMapLabelTooLong: v0.3.2 to v0.3.10 label the proxy ConfigMap with its own name as
// app.kubernetes.io/instance, which breaks names over 40 characters ("Names over 40 characters
// break v0.3.2 to v0.3.10"); v0.3.14 labels it with the registry's name.
func (g Generation) ProxyConfigMapLabelTooLong() bool { return g.orDefault() == V0_3_8 }

// GatewayMode: gateway mode exists from v0.3.10 ("Gateway mode (v0.3.10 and later)").
func (g Generation) GatewayMode() bool { return g.orDefault() != V0_3_8 }

// FinalizerDeletesGateway: v0.3.14's finalizer deletes the gateway objects even with gateway
// mode off, and fails where the Gateway API is not served.
func (g Generation) FinalizerDeletesGateway() bool { return g.orDefault() == V0_3_14 }

// NetworkPolicyAdmitsGeneratedNamespaces: v0.3.9 adds a namespace selector to <name>-https-route.
func (g Generation) NetworkPolicyAdmitsGeneratedNamespaces() bool { return g.orDefault() != V0_3_8 }

// DefaultDatabaseRecreate: v0.3.14's default database Deployment uses the Recreate strategy.
func (g Generation) DefaultDatabaseRecreate() bool { return g.orDefault() == V0_3_14 }

// ShippedSourcesConfigMap is the ConfigMap of the shipped catalog sources: v0.3.9 renamed
// model-catalog-default-sources to default-catalog-sources ("Catalog ConfigMaps").
func (g Generation) ShippedSourcesConfigMap() string {
	if g.orDefault() == V0_3_8 {
		return catalog.DefaultSourcesConfigMap
	}
	return catalog.LaterDefaultSourcesConfigMap
}

// AgentSourcesConfigMap is the user ConfigMap of agent sources that v0.3.14 makes once.
const AgentSourcesConfigMap = "agent-catalog-sources"

// AgentSourcesConfigMap: v0.3.14 also makes agent-catalog-sources; empty before.
func (g Generation) AgentSourcesConfigMap() string {
	if g.orDefault() == V0_3_14 {
		return AgentSourcesConfigMap
	}
	return ""
}

// LabelledCatalogSources: v0.3.9 mounts ConfigMaps labelled opendatahub.io/catalog-source.
func (g Generation) LabelledCatalogSources() bool { return g.orDefault() != V0_3_8 }

// RemovesDefaultCatalogID: the operator deletes entries with id default_catalog from the user
// ConfigMaps and writes them back re-marshalled (modelled for v0.3.14).
func (g Generation) RemovesDefaultCatalogID() bool { return g.orDefault() == V0_3_14 }

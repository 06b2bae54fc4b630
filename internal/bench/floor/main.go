// Command floor is the bench's plugin floor: a provider that does nothing but has the
// resources of the real provider, with the same schemas, served by the same
// terraform-plugin-framework over the same protocol (6). Create and Update fill in the
// computed values, Read returns the state unchanged, Delete forgets; no API call is
// made, and the binary links no Kubernetes client. What a phase costs with it is what
// Terraform, the plugin protocol and the framework cost for these schemas, so the
// bench's ratio to it is the provider's own share. `bench` builds it like the provider.
//
// The schemas are copied by hand from internal/provider; schema_test.go compares them
// with the provider's and fails on any difference.
package main

import (
	"context"
	"log"
	"os"
	runtimedebug "runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// address is the floor's provider source; the bench's dev_overrides point it at the floor.
const address = "registry.terraform.io/openshiftai-terraform/openshiftaifloor"

func main() {
	quietDiscardedLogs()
	tuneGarbageCollector()
	if err := providerserver.Serve(context.Background(), newProvider, providerserver.ServeOpts{Address: address}); err != nil {
		log.Fatal(err)
	}
}

// quietDiscardedLogs turns the SDK loggers off when Terraform discards provider logs,
// as the provider does (provider.QuietDiscardedLogs; schema_test.go checks they agree),
// so the floor does not pay for logging the provider skips.
func quietDiscardedLogs() {
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level != "" && !strings.EqualFold(strings.TrimSpace(level), "off") {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_OPENSHIFTAI"} {
		if _, set := os.LookupEnv(name); !set {
			os.Setenv(name, "OFF")
		}
	}
}

// tuneGarbageCollector applies the provider's collector settings
// (provider.TuneGarbageCollector; schema_test.go checks they agree), so peak memory
// and CPU time compare like with like.
func tuneGarbageCollector() {
	if os.Getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		runtimedebug.SetMemoryLimit(memoryLimit)
	}
}

const (
	gcPercent   = 400
	memoryLimit = 384 << 20
)

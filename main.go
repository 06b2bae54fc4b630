// Command terraform-provider-openshiftai serves the OpenShift AI provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

// version is set by the release build through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		provider.QuietDiscardedLogs()
	}
	if os.Getenv("GOGC") == "" {
		// A plan or apply is a short-lived burst of small allocations: collecting
		// less often saves about a fifth of the provider's CPU for a little memory.
		runtimedebug.SetGCPercent(400)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/openshiftai-terraform/openshiftai",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

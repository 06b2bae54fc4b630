// Command terraform-provider-openshiftai serves the OpenShift AI provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"

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
	provider.TuneGarbageCollector()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/openshiftai-terraform/openshiftai",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

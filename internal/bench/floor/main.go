// Command floor is the bench's two floors, one binary.
//
// The plugin floor is a provider that does nothing but serves the real provider's
// resources with the real provider's schemas (its resources' own Schema methods, with
// descriptions and validators stripped, see strip.go), over the same
// terraform-plugin-framework and protocol (6). Create and Update fill in the computed
// values, Read returns the state unchanged, Delete forgets; no API call is made. What
// a phase costs with it is what Terraform, the plugin protocol and the framework cost
// for these schemas, so the bench's ratio to it is the provider's own share.
//
// The write floor (built with -ldflags '-X main.writes=true') is the plugin floor that
// also makes, for each resource, exactly the Kubernetes writes its result needs and
// nothing else (writes.go): the physical limit of a provider that makes these objects.
//
// It links the provider's packages, client-go with them, and starts as the provider
// does (its log and garbage collector settings); the README's Performance section gives
// what that costs in size and idle memory against a floor that links neither.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	realprovider "github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

// The floors' provider sources; the bench's dev_overrides point them at the floor's builds.
const (
	address      = "registry.terraform.io/openshiftai-terraform/openshiftaifloor"
	writeAddress = "registry.terraform.io/openshiftai-terraform/openshiftaiwritefloor"
)

// writes is "true" in the write floor's build.
var writes string

func main() {
	realprovider.QuietDiscardedLogs()
	realprovider.TuneGarbageCollector()
	factory, at := newProvider, address
	if writes == "true" {
		factory, at = newWriteProvider, writeAddress
	}
	if err := providerserver.Serve(context.Background(), factory, providerserver.ServeOpts{Address: at}); err != nil {
		log.Fatal(err)
	}
}

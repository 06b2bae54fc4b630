// Command terraform-provider-kubernetes serves the hashicorp/kubernetes stand-in
// to the real terraform binary, so that .ci/validate-examples can validate an
// example that keeps hashicorp/kubernetes for its moved blocks without the
// Terraform registry. It has no cluster client: it serves schemas for validate
// and plan, and is never used to apply.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/kubernetesstandin"
)

func main() {
	err := providerserver.Serve(context.Background(), kubernetesstandin.New(nil, nil), providerserver.ServeOpts{
		Address: "registry.terraform.io/hashicorp/kubernetes",
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

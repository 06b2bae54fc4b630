// Command profiled is the provider with a CPU profile: `bench -cpuprofile` builds it in
// place of the provider, and each provider process Terraform starts writes its profile to
// $OPENSHIFTAI_BENCH_PROFILE_DIR/<pid>.pprof when Terraform shuts it down.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

func main() {
	dir := os.Getenv("OPENSHIFTAI_BENCH_PROFILE_DIR")
	if dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.pprof", os.Getpid())))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	provider.QuietDiscardedLogs()
	provider.TuneGarbageCollector()
	err := providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address: "registry.terraform.io/openshiftai-terraform/openshiftai",
	})
	if err != nil {
		log.Print(err)
	}
}

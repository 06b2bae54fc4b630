// Command profiled is the provider with profiles: `bench -cpuprofile` or `bench -memprofile`
// builds it in place of the provider. Each provider process Terraform starts writes, when
// Terraform shuts it down:
//   - with $OPENSHIFTAI_BENCH_PROFILE_DIR, its CPU profile <pid>.pprof there;
//   - with $OPENSHIFTAI_BENCH_MEMPROFILE_DIR, its heap profile <pid>-exit.heap.pprof there
//     (alloc_space: everything the process allocated), and, whenever the live heap after a
//     collection has grown by a tenth since the last one written, <pid>-peak.heap.pprof
//     (inuse_space: what was live at the process's largest heap, which sets its peak RSS).
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

func main() {
	if dir := os.Getenv("OPENSHIFTAI_BENCH_PROFILE_DIR"); dir != "" {
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
	if dir := os.Getenv("OPENSHIFTAI_BENCH_MEMPROFILE_DIR"); dir != "" {
		stop := watchPeak(filepath.Join(dir, fmt.Sprintf("%d-peak.heap.pprof", os.Getpid())))
		defer writeHeapProfile(filepath.Join(dir, fmt.Sprintf("%d-exit.heap.pprof", os.Getpid())))
		defer stop()
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

// watchPeak polls the live heap of the last collection and writes a heap profile to
// path each time it has grown by a tenth; the profile's inuse figures are those of the
// same collection.
func watchPeak(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var written uint64
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			metrics.Read(sample)
			if live := sample[0].Value.Uint64(); live > written+written/10 && live > 4<<20 {
				writeHeapProfile(path)
				written = live
			}
		}
	}()
	return func() { close(done); <-finished }
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		log.Print(err)
		return
	}
	defer f.Close()
	// Without a collection first, the profile is that of the last one the runtime made.
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Print(err)
	}
}

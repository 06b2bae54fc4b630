package catalogsource

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/catalog"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/providerdata"
)

// Parallel creates share the read of the shipped sources that is in flight,
// and a caller that gives up does not fail the others.
func TestFreshShippedIDsShareOneReadInFlight(t *testing.T) {
	var reads atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"model-catalog-default-sources","namespace":"ns"},` +
			`"data":{"sources.yaml":"catalogs:\n- name: Red Hat AI models\n  id: redhat_ai_models\n  type: yaml\n  properties:\n    yamlCatalogPath: redhat.yaml\n"}}`))
	}))
	defer srv.Close()
	client, err := kube.NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	data := providerdata.New(kube.Config{}, "", func(kube.Config) (kube.Cluster, error) { return client, nil })
	// The first caller gives up while the read is in flight, and has returned
	// before the read is answered.
	gaveUp, giveUp := context.WithCancel(t.Context())
	gaveUpDone := make(chan struct{})
	var wg sync.WaitGroup
	results := make([][]string, 8)
	errs := make([]error, 8)
	for i := range 8 {
		ctx := t.Context()
		if i == 0 {
			ctx = gaveUp
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _, errs[i] = freshShippedIDs(ctx, data, client, "ns", catalog.ModelSources)
			if i == 0 {
				close(gaveUpDone)
			}
		}()
	}
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	giveUp()
	<-gaveUpDone
	close(release)
	wg.Wait()
	if !errors.Is(errs[0], context.Canceled) {
		t.Errorf("the caller that gave up got %v, want context.Canceled", errs[0])
	}
	for i := 1; i < 8; i++ {
		if errs[i] != nil || !slices.Equal(results[i], []string{"redhat_ai_models"}) {
			t.Errorf("caller %d: %v, %v", i, results[i], errs[i])
		}
	}
	if n := reads.Load(); n >= 8 {
		t.Errorf("%d reads for 8 parallel callers, want them shared", n)
	}
}

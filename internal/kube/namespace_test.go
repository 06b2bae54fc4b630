package kube

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// namespaceAPI serves a DataScienceCluster naming dscNamespace (none when
// ""; no such kind when dscServed is false) and an AIHub default-aihub naming
// hubNamespace (none when "").
func namespaceAPI(t *testing.T, dscServed bool, dscNamespace, hubNamespace string) *Client {
	t.Helper()
	client, _ := fakeAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/datascienceclusters") && dscServed:
			status := `{}`
			if dscNamespace != "" {
				status = `{"components":{"modelregistry":{"registriesNamespace":"` + dscNamespace + `"}}}`
			}
			_, _ = w.Write([]byte(`{"apiVersion":"datasciencecluster.opendatahub.io/v1","kind":"DataScienceClusterList","metadata":{},` +
				`"items":[{"apiVersion":"datasciencecluster.opendatahub.io/v1","kind":"DataScienceCluster","metadata":{"name":"default-dsc"},"status":` + status + `}]}`))
		case strings.HasSuffix(r.URL.Path, "/aihubs/default-aihub") && hubNamespace != "":
			_, _ = w.Write([]byte(`{"apiVersion":"components.platform.opendatahub.io/v1alpha1","kind":"AIHub","metadata":{"name":"default-aihub"},` +
				`"spec":{"instancesNamespace":"` + hubNamespace + `","applicationNamespace":"opendatahub"}}`))
		default:
			writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource", "")
		}
	})
	return client
}

func TestDiscoverRegistriesNamespaceInOrder(t *testing.T) {
	for _, tc := range []struct {
		step              string
		dscServed         bool
		dscNamespace, hub string
		want              string
	}{
		{"the DataScienceCluster's status first", true, "odh-model-registries", "ai-hub-instances", "odh-model-registries"},
		{"then default-aihub's instancesNamespace", true, "", "ai-hub-instances", "ai-hub-instances"},
		{"default-aihub on a cluster without DataScienceClusters", false, "", "ai-hub-instances", "ai-hub-instances"},
		{"neither: the caller's default", true, "", "", ""},
		{"neither kind served", false, "", "", ""},
	} {
		t.Run(tc.step, func(t *testing.T) {
			got, err := DiscoverRegistriesNamespace(context.Background(), namespaceAPI(t, tc.dscServed, tc.dscNamespace, tc.hub))
			if err != nil || got != tc.want {
				t.Errorf("namespace %q, error %v; want %q", got, err, tc.want)
			}
		})
	}
}

// A kind the API server does not serve answers a plain-text 404: it is
// missing at once, not a transient failure retried until the deadline.
func TestUnservedKindIsNotRetried(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("404 page not found"))
	})
	ns, err := DiscoverRegistriesNamespace(context.Background(), client)
	if ns != "" || err != nil || count.Load() != 2 {
		t.Errorf("namespace %q, error %v after %d requests; want none after 2 (the DataScienceClusters, the AIHub)", ns, err, count.Load())
	}
}

package main

import (
	"net/http"
	"net/url"
	"testing"
)

func TestParseRequestTotals(t *testing.T) {
	text := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="GET",version="v1"} 7
apiserver_request_total{code="404",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="GET",version="v1"} 3
apiserver_request_total{code="201",component="apiserver",dry_run="All",group="modelregistry.opendatahub.io",resource="modelregistries",scope="resource",subresource="",verb="APPLY",version="v1beta1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="modelregistry.opendatahub.io",resource="modelregistries",scope="resource",subresource="status",verb="PATCH",version="v1beta1"} 4
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="",scope="",subresource="/metrics",verb="GET",version=""} 9
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="PUT",version="v1"} 5
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="PUT",version="v1"} 2
apiserver_request_total_other{resource="secrets",verb="GET"} 100
`
	got, err := parseRequestTotals(text)
	if err != nil {
		t.Fatal(err)
	}
	want := counts{"GET secrets": 10, "APPLY modelregistries (dry-run)": 2, "PATCH modelregistries/status": 4,
		"PUT configmaps": 5, "PUT configmaps (409 conflict)": 2}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %d, want %d", k, got[k], v)
		}
	}
	if n := got.conflicts(); n != 2 {
		t.Errorf("conflicts: got %d, want 2", n)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		method, path, contentType, want string
	}{
		{"GET", "/api/v1/namespaces/ns/secrets/s", "", "GET secrets"},
		{"GET", "/api/v1/namespaces/ns/secrets", "", "LIST secrets"},
		{"GET", "/api/v1/namespaces/ns/secrets?watch=true", "", "WATCH secrets"},
		{"GET", "/api/v1/namespaces/p", "", "GET namespaces"},
		{"GET", "/apis/modelregistry.opendatahub.io/v1beta1/modelregistries?fieldSelector=metadata.name%3Dx", "", "GET modelregistries"},
		{"GET", "/apis/modelregistry.opendatahub.io/v1beta1/modelregistries?fieldSelector=metadata.name%21%3Dx", "", "LIST modelregistries"},
		{"PATCH", "/apis/modelregistry.opendatahub.io/v1beta1/namespaces/ns/modelregistries/r/status", "application/merge-patch+json", "PATCH modelregistries/status"},
		{"PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings/b?dryRun=All", "application/apply-patch+yaml", "APPLY rolebindings (dry-run)"},
		{"POST", "/apis/user.openshift.io/v1/groups", "", "POST groups"},
		{"DELETE", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles/r", "", "DELETE roles"},
	} {
		u, err := url.Parse(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		req := &http.Request{Method: tc.method, URL: u, Header: http.Header{}}
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		got, ok := classify(req)
		if !ok || got != tc.want {
			t.Errorf("%s %s: got %q (%v), want %q", tc.method, tc.path, got, ok, tc.want)
		}
	}
	if _, ok := classify(&http.Request{Method: "GET", URL: &url.URL{Path: "/metrics"}}); ok {
		t.Error("/metrics classified as a resource request")
	}
}

func TestAttribute(t *testing.T) {
	// The provider's waits opened 3 watches; the stand-in's one watch ended and opened again.
	server := counts{"GET secrets": 10, "PATCH modelregistries": 5, "WATCH modelregistries": 4, "PUT leases": 2, "POST roles": 3}
	standIn := counts{"PATCH modelregistries": 5, "POST roles": 3, "WATCH modelregistries": 1}
	a := attribute(server, standIn, counts{"GET secrets": 1}, counts{"DELETE secrets": 0, "GET secrets": 2})
	if a.Provider.total() != 10 || a.Provider["GET secrets"] != 7 || a.Provider["WATCH modelregistries"] != 3 {
		t.Errorf("provider: %v", a.Provider)
	}
	if a.Other["PUT leases"] != 2 || len(a.Other) != 1 {
		t.Errorf("other: %v", a.Other)
	}
}

package faultproxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

func startTestProxy(t *testing.T) (*Proxy, *http.Client) {
	t.Helper()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"path":"` + r.URL.Path + `"}`))
	}))
	t.Cleanup(upstream.Close)
	proxy, err := Start(&rest.Config{Host: upstream.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(proxy.CACertificatePEM()) {
		t.Fatal("the proxy's certificate does not parse")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	return proxy, client
}

func TestFaultsActOnTheChosenRequests(t *testing.T) {
	proxy, client := startTestProxy(t)
	proxy.Inject(
		&Fault{Method: http.MethodGet, Path: regexp.MustCompile(`/secrets/`), Nth: 2, Times: 2, Action: Action{Status: 503}},
		&Fault{Method: http.MethodGet, Path: regexp.MustCompile(`/configmaps/`), Action: Action{Status: 429, RetryAfter: 3}},
	)
	var got []int
	for range 5 {
		resp, err := client.Get(proxy.URL + "/api/v1/namespaces/n/secrets/s")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	if want := []int{200, 503, 503, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}

	resp, err := client.Get(proxy.URL + "/api/v1/namespaces/n/configmaps/c")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var status metav1.Status
	if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" || status.Reason != metav1.StatusReasonTooManyRequests {
		t.Errorf("429 answer: code %d, Retry-After %q, reason %q", resp.StatusCode, resp.Header.Get("Retry-After"), status.Reason)
	}
	if n := len(proxy.Matching(http.MethodGet, regexp.MustCompile(`/secrets/s$`))); n != 5 {
		t.Errorf("recorded %d secret requests, want 5", n)
	}
}

func TestDropAndDelay(t *testing.T) {
	proxy, client := startTestProxy(t)
	proxy.Inject(
		&Fault{Path: regexp.MustCompile(`/drop$`), Action: Action{Drop: true}},
		&Fault{Path: regexp.MustCompile(`/slow$`), Action: Action{Delay: 300 * time.Millisecond}},
	)
	if resp, err := client.Post(proxy.URL+"/drop", "application/json", nil); err == nil {
		resp.Body.Close()
		t.Fatal("a dropped request got an answer")
	}
	started := time.Now()
	resp, err := client.Get(proxy.URL + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if elapsed := time.Since(started); resp.StatusCode != 200 || elapsed < 300*time.Millisecond {
		t.Errorf("delayed request: status %d after %s", resp.StatusCode, elapsed)
	}
	requests := proxy.Requests()
	if len(requests) != 2 || requests[0].Status != 0 || !requests[0].Faulted || !requests[1].Faulted || requests[1].Status != 200 {
		t.Errorf("recorded %v", requests)
	}
}

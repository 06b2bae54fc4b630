// Package faultproxy is test support: a TLS reverse proxy in front of an API
// server that answers chosen requests with errors (429 with Retry-After, 500,
// 503, 409 Conflict), drops their connection or delays them, and records every
// request it saw. It forwards with the credentials it was built with (the
// test's admin configuration), so the client in front of it needs no
// credentials of its own. Production code never imports it.
package faultproxy

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Action is what the proxy does with a request a fault matches.
type Action struct {
	// Status answers with this HTTP status and a metav1.Status body (0: forward).
	Status int
	// Reason is the Status reason; derived from Status when empty.
	Reason metav1.StatusReason
	// RetryAfter sets the Retry-After header, in seconds, when positive.
	RetryAfter int
	// Drop closes the connection without answering.
	Drop bool
	// Delay waits this long before acting (or forwarding).
	Delay time.Duration
}

// Fault answers some of the requests that match Method and Path.
type Fault struct {
	// Method is the HTTP method to match; any when empty.
	Method string
	// Path matches the request path (without the query); any when nil.
	Path *regexp.Regexp
	// Query matches the raw query; any when nil.
	Query *regexp.Regexp
	// Nth is the first matching request (1-based) the fault acts on; 1 when zero.
	Nth int
	// Times is how many matching requests from Nth on it acts on; 1 when zero,
	// every one when negative.
	Times int
	Action

	matched int
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || f.Method == r.Method) &&
		(f.Path == nil || f.Path.MatchString(r.URL.Path)) &&
		(f.Query == nil || f.Query.MatchString(r.URL.RawQuery))
}

// hit counts a matching request and reports whether the fault acts on it.
func (f *Fault) hit() bool {
	f.matched++
	first := max(f.Nth, 1)
	if f.matched < first {
		return false
	}
	times := f.Times
	if times == 0 {
		times = 1
	}
	return times < 0 || f.matched < first+times
}

// Request is one request the proxy saw and what it did with it.
type Request struct {
	Method string
	Path   string
	Query  string
	// Status is the status the client got; 0 when the connection was dropped.
	Status int
	// Faulted is true when a fault answered, dropped or delayed the request.
	Faulted bool
}

func (r Request) String() string {
	s := fmt.Sprintf("%s %s", r.Method, r.Path)
	if r.Query != "" {
		s += "?" + r.Query
	}
	s += " -> " + strconv.Itoa(r.Status)
	if r.Faulted {
		s += " (fault)"
	}
	return s
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	// URL is the proxy's https address.
	URL    string
	server *httptest.Server
	target *rest.Config

	mu       sync.Mutex
	faults   []*Fault
	requests []Request
}

// Start proxies to the API server of target, with target's credentials.
func Start(target *rest.Config) (*Proxy, error) {
	upstream, err := url.Parse(target.Host)
	if err != nil {
		return nil, fmt.Errorf("API server address %q: %w", target.Host, err)
	}
	transport, err := rest.TransportFor(target)
	if err != nil {
		return nil, fmt.Errorf("building the proxy's transport: %w", err)
	}
	p := &Proxy{target: target}
	forward := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upstream)
			pr.Out.Host = upstream.Host
		},
		Transport: transport,
		// Flush at once: a wait for readiness watches the registry.
		FlushInterval: -1,
	}
	p.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.serve(w, r, forward)
	}))
	p.server.StartTLS()
	p.URL = p.server.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() { p.server.Close() }

// Inject adds faults; they act in the order given, the first that acts wins.
func (p *Proxy) Inject(faults ...*Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, faults...)
}

// Clear removes every fault and forgets the recorded requests.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults, p.requests = nil, nil
}

// Requests are the requests seen since Start or Clear, in order.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// Matching are the recorded requests with that method (any when empty) whose path matches.
func (p *Proxy) Matching(method string, path *regexp.Regexp) []Request {
	var out []Request
	for _, r := range p.Requests() {
		if (method == "" || r.Method == method) && path.MatchString(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

func (p *Proxy) pick(r *http.Request) *Action {
	p.mu.Lock()
	defer p.mu.Unlock()
	var chosen *Action
	for _, f := range p.faults {
		if f.matches(r) && f.hit() && chosen == nil {
			chosen = &f.Action
		}
	}
	return chosen
}

func (p *Proxy) record(r *http.Request, status int, faulted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Faulted: faulted})
}

// statusRecorder records a forwarded request with its status before the
// client can see the answer, so Requests never lags behind what a client saw.
type statusRecorder struct {
	http.ResponseWriter
	record   func(status int)
	recorded bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.recorded {
		s.recorded = true
		s.record(code)
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.recorded {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request, forward http.Handler) {
	action := p.pick(r)
	if action == nil {
		p.forward(w, r, forward, false)
		return
	}
	if action.Delay > 0 {
		select {
		case <-time.After(action.Delay):
		case <-r.Context().Done():
			p.record(r, 0, true)
			return
		}
	}
	switch {
	case action.Drop:
		p.record(r, 0, true)
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, _, err := hijacker.Hijack()
		if err == nil {
			conn.Close()
		}
	case action.Status != 0:
		p.record(r, action.Status, true)
		writeStatus(w, r, *action)
	default:
		p.forward(w, r, forward, true)
	}
}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, forward http.Handler, faulted bool) {
	rec := &statusRecorder{ResponseWriter: w, record: func(status int) { p.record(r, status, faulted) }}
	forward.ServeHTTP(rec, r)
	if !rec.recorded {
		// The upstream request failed before any answer; ReverseProxy answered nothing.
		p.record(r, 0, faulted)
	}
}

// writeStatus answers as the API server does: a metav1.Status the client turns
// into a typed error.
func writeStatus(w http.ResponseWriter, r *http.Request, a Action) {
	reason := a.Reason
	if reason == "" {
		reason = reasonFor(a.Status)
	}
	status := metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure,
		Message:  fmt.Sprintf("injected by faultproxy: %d %s for %s %s", a.Status, reason, r.Method, r.URL.Path),
		Reason:   reason,
		Code:     int32(a.Status),
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(a.RetryAfter))
		status.Details = &metav1.StatusDetails{RetryAfterSeconds: int32(a.RetryAfter)}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	_ = json.NewEncoder(w).Encode(status)
}

func reasonFor(code int) metav1.StatusReason {
	switch code {
	case http.StatusTooManyRequests:
		return metav1.StatusReasonTooManyRequests
	case http.StatusInternalServerError:
		return metav1.StatusReasonInternalError
	case http.StatusServiceUnavailable:
		return metav1.StatusReasonServiceUnavailable
	case http.StatusGatewayTimeout:
		return metav1.StatusReasonTimeout
	case http.StatusConflict:
		return metav1.StatusReasonConflict
	case http.StatusForbidden:
		return metav1.StatusReasonForbidden
	case http.StatusBadRequest:
		return metav1.StatusReasonBadRequest
	case http.StatusUnprocessableEntity:
		return metav1.StatusReasonInvalid
	case http.StatusNotFound:
		return metav1.StatusReasonNotFound
	}
	return metav1.StatusReasonUnknown
}

// CACertificatePEM is the PEM certificate a client must trust to reach the proxy.
func (p *Proxy) CACertificatePEM() []byte {
	return pemEncode(p.server.Certificate().Raw)
}

// WriteKubeconfig writes a kubeconfig that reaches the API server through the
// proxy, verifying the proxy's certificate; it needs no credentials because
// the proxy forwards with its own.
func (p *Proxy) WriteKubeconfig(dir string) (string, error) {
	config := clientcmdapi.NewConfig()
	cluster := clientcmdapi.NewCluster()
	cluster.Server = p.URL
	cluster.CertificateAuthorityData = p.CACertificatePEM()
	config.Clusters["faultproxy"] = cluster
	config.AuthInfos["faultproxy"] = clientcmdapi.NewAuthInfo()
	kubeContext := clientcmdapi.NewContext()
	kubeContext.Cluster, kubeContext.AuthInfo = "faultproxy", "faultproxy"
	config.Contexts["faultproxy"] = kubeContext
	config.CurrentContext = "faultproxy"
	path := filepath.Join(dir, "faultproxy-kubeconfig")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return path, clientcmd.WriteToFile(*config, path)
}

func pemEncode(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

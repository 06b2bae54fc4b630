package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"k8s.io/client-go/rest"
)

// counts are API requests keyed by "VERB resource[/subresource]", with " (dry-run)"
// appended for dry-run requests. The verbs are those of apiserver_request_total:
// GET, LIST, WATCH, POST, PUT, PATCH, APPLY (server-side apply), DELETE, DELETECOLLECTION.
type counts map[string]int

func (c counts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func (c counts) clone() counts { return maps.Clone(c) }

// minus returns c - other, keeping only positive entries.
func (c counts) minus(other counts) counts {
	out := counts{}
	for k, v := range c {
		if d := v - other[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// sortedKeys lists the keys by count, largest first.
func (c counts) sortedKeys() []string {
	keys := slices.Collect(maps.Keys(c))
	slices.SortFunc(keys, func(a, b string) int {
		if c[a] != c[b] {
			return c[b] - c[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

func (c counts) String() string {
	parts := make([]string, 0, len(c))
	for _, k := range c.sortedKeys() {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

func requestKey(verb, resource, subresource string, dryRun bool) string {
	k := verb + " " + resource
	if subresource != "" {
		k += "/" + subresource
	}
	if dryRun {
		k += " (dry-run)"
	}
	return k
}

// conflictSuffix marks the requests the API server answered 409 Conflict.
const conflictSuffix = " (409 conflict)"

// conflicts counts the requests of c answered 409 Conflict.
func (c counts) conflicts() int {
	n := 0
	for k, v := range c {
		if strings.HasSuffix(k, conflictSuffix) {
			n += v
		}
	}
	return n
}

// providerResources are the resources the provider reads or writes. Requests for
// anything else (leases, the API server's own bookkeeping) are never the provider's.
var providerResources = map[string]bool{
	"modelregistries": true, "secrets": true, "configmaps": true, "rolebindings": true,
	"roles": true, "groups": true, "namespaces": true, "datascienceclusters": true,
}

// scrapeRequests reads apiserver_request_total from the API server's /metrics and sums it
// by verb and resource over codes, scopes and versions. Non-resource requests (/metrics,
// /readyz, discovery) have no resource and are left out.
func scrapeRequests(ctx context.Context, client rest.Interface) (counts, error) {
	body, err := client.Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("scrape /metrics: %w", err)
	}
	return parseRequestTotals(string(body))
}

func parseRequestTotals(text string) (counts, error) {
	const metric = "apiserver_request_total{"
	out := counts{}
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(line, metric) {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		if end < 0 {
			return nil, fmt.Errorf("malformed metric line %q", line)
		}
		labels := parseLabels(line[len(metric):end])
		value, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			return nil, fmt.Errorf("malformed metric value in %q: %w", line, err)
		}
		if labels["resource"] == "" {
			continue
		}
		key := requestKey(labels["verb"], labels["resource"], labels["subresource"], labels["dry_run"] != "")
		if labels["code"] == "409" {
			// Updates that found the object changed since it was read: a writer redoes them.
			key += conflictSuffix
		}
		out[key] += int(value)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s samples in /metrics", strings.TrimSuffix(metric, "{"))
	}
	return out, nil
}

// parseLabels parses `a="x",b="y"` of the Prometheus text format.
func parseLabels(s string) map[string]string {
	labels := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			break
		}
		name := strings.TrimLeft(s[:eq], ", ")
		var value strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					value.WriteByte('\n')
				default:
					value.WriteByte(s[i])
				}
				continue
			}
			value.WriteByte(s[i])
		}
		labels[name] = value.String()
		if i >= len(s) {
			break
		}
		s = s[i+1:]
	}
	return labels
}

// requestCounter counts the requests of one client by verb and resource, the way the
// API server's apiserver_request_total classifies them, so they can be told apart from
// the provider's in the server's totals. It counts a request once its response arrives,
// as the server counts it once it has answered.
type requestCounter struct {
	mu     sync.Mutex
	counts counts
}

func newRequestCounter() *requestCounter { return &requestCounter{counts: counts{}} }

func (c *requestCounter) snapshot() counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts.clone()
}

// wrap installs the counter on a copy of config.
func (c *requestCounter) wrap(config *rest.Config) *rest.Config {
	config = rest.CopyConfig(config)
	previous := config.WrapTransport
	config.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		if previous != nil {
			rt = previous(rt)
		}
		return countingTransport{next: rt, counter: c}
	}
	return config
}

type countingTransport struct {
	next    http.RoundTripper
	counter *requestCounter
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if key, ok := classify(req); ok && err == nil {
		t.counter.mu.Lock()
		t.counter.counts[key]++
		t.counter.mu.Unlock()
	}
	return resp, err
}

// classify maps an HTTP request to apiserver_request_total's verb and resource.
func classify(req *http.Request) (string, bool) {
	segments := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case len(segments) >= 2 && segments[0] == "api":
		segments = segments[2:]
	case len(segments) >= 3 && segments[0] == "apis":
		segments = segments[3:]
	default:
		return "", false // non-resource request
	}
	watch := false
	if len(segments) > 0 && segments[0] == "watch" {
		watch, segments = true, segments[1:]
	}
	if len(segments) >= 3 && segments[0] == "namespaces" {
		segments = segments[2:] // namespaced: drop namespaces/<ns>
	}
	if len(segments) == 0 {
		return "", false
	}
	resource, name, subresource := segments[0], "", ""
	if len(segments) > 1 {
		name = segments[1]
	}
	if len(segments) > 2 {
		subresource = segments[2]
	}
	query := req.URL.Query()
	if query.Get("watch") == "true" || query.Get("watch") == "1" {
		watch = true
	}
	var verb string
	switch req.Method {
	case http.MethodGet:
		switch {
		case watch:
			verb = "WATCH"
		case name == "" && !selectsName(query.Get("fieldSelector")):
			verb = "LIST"
		default:
			verb = "GET"
		}
	case http.MethodPost:
		verb = "POST"
	case http.MethodPut:
		verb = "PUT"
	case http.MethodPatch:
		verb = "PATCH"
		if strings.HasPrefix(req.Header.Get("Content-Type"), "application/apply-patch") {
			verb = "APPLY"
		}
	case http.MethodDelete:
		verb = "DELETE"
		if name == "" {
			verb = "DELETECOLLECTION"
		}
	default:
		verb = req.Method
	}
	return requestKey(verb, resource, subresource, query.Get("dryRun") != ""), true
}

// selectsName reports whether a field selector pins metadata.name: the API server then
// counts the LIST as a GET (its scope is one resource).
func selectsName(selector string) bool {
	for term := range strings.SplitSeq(selector, ",") {
		if name, value, ok := strings.Cut(term, "="); ok && strings.TrimSpace(name) == "metadata.name" &&
			!strings.HasPrefix(value, "!") && strings.TrimPrefix(value, "=") != "" {
			return true
		}
	}
	return false
}

// attribution splits a phase's requests: the provider's are what is left of the server's
// count of the provider's resources once the stand-in's and the harness's own requests,
// counted on their clients, and kube-controller-manager's, counted in the audit log, are
// taken off. The server counts a WATCH when it ends: the provider's waits end theirs
// within the phase, and a long-running watch of the stand-in that ends and opens again
// in it is counted by the stand-in's client as it opens, which balances.
type attribution struct {
	Provider          counts `json:"provider"`
	StandIn           counts `json:"stand_in"`
	Harness           counts `json:"harness"`
	ControllerManager counts `json:"controller_manager"`
	Other             counts `json:"other"`
}

func attribute(server, standIn, harness, controllerManager counts) attribution {
	a := attribution{Provider: counts{}, StandIn: standIn, Harness: harness, ControllerManager: controllerManager, Other: counts{}}
	rest := server.minus(standIn).minus(harness).minus(controllerManager)
	for key, n := range rest {
		_, resource, _ := strings.Cut(key, " ")
		resource, _, _ = strings.Cut(resource, " ")
		resource, _, _ = strings.Cut(resource, "/")
		if providerResources[resource] {
			a.Provider[key] = n
		} else {
			a.Other[key] = n
		}
	}
	return a
}

package kube

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// waitServer serves one registry: GETs answer its current state, WATCHes
// answer with the handler, and every request is recorded as "GET rv=..." or
// "WATCH rv=...".
type waitServer struct {
	mu       sync.Mutex
	requests []string
	ready    bool
	rv       int
	watch    func(w http.ResponseWriter, r *http.Request, n int)
	watches  int
}

func (s *waitServer) object() string {
	status := "False"
	if s.ready {
		status = "True"
	}
	return fmt.Sprintf(`{"apiVersion":"modelregistry.opendatahub.io/v1beta1","kind":"ModelRegistry","metadata":{"name":"fraud","namespace":"ns","resourceVersion":"%d"},"status":{"conditions":[{"type":"Available","status":%q}]}}`, s.rv, status)
}

func (s *waitServer) requestLog() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.requests, ", ")
}

func startWaitServer(t *testing.T, ws *waitServer) *Client {
	client, _ := fakeAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		ws.mu.Lock()
		if r.URL.Query().Get("watch") == "true" {
			ws.watches++
			n := ws.watches
			ws.requests = append(ws.requests, "WATCH rv="+r.URL.Query().Get("resourceVersion")+" "+r.URL.Query().Get("fieldSelector"))
			ws.mu.Unlock()
			ws.watch(w, r, n)
			return
		}
		ws.requests = append(ws.requests, "GET")
		body := ws.object()
		ws.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
	return client
}

func sendEvent(w http.ResponseWriter, kind, object string) {
	_, _ = fmt.Fprintf(w, `{"type":%q,"object":%s}`+"\n", kind, object)
	http.NewResponseController(w).Flush() //nolint:errcheck // httptest's writer flushes
}

func startStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush() //nolint:errcheck // httptest's writer flushes
}

func isReady(obj *unstructured.Unstructured) (bool, error) {
	if obj == nil {
		return false, nil
	}
	conditions, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conditions {
		if m, ok := c.(map[string]any); ok && m["type"] == "Available" && m["status"] == "True" {
			return true, nil
		}
	}
	return false, nil
}

func notReadyObject(t *testing.T, ws *waitServer) *unstructured.Unstructured {
	t.Helper()
	obj := &unstructured.Unstructured{}
	ws.mu.Lock()
	body := ws.object()
	ws.mu.Unlock()
	if err := obj.UnmarshalJSON([]byte(body)); err != nil {
		t.Fatal(err)
	}
	return obj
}

// A wait that starts from a written object opens one watch from its
// resourceVersion and ends on the event that makes it ready: no read at all.
func TestWaitWatchesFromTheWrittenObject(t *testing.T) {
	ws := &waitServer{rv: 7}
	ws.watch = func(w http.ResponseWriter, r *http.Request, _ int) {
		startStream(w)
		ws.mu.Lock()
		ws.rv = 8
		notYet := ws.object()
		ws.rv, ws.ready = 9, true
		ready := ws.object()
		ws.mu.Unlock()
		sendEvent(w, "MODIFIED", notYet)
		sendEvent(w, "MODIFIED", ready)
		<-r.Context().Done()
	}
	client := startWaitServer(t, ws)
	last, err := client.WaitFrom(context.Background(), testRegistries, "ns", "fraud", notReadyObject(t, ws), isReady)
	if err != nil {
		t.Fatal(err)
	}
	if got := last.GetResourceVersion(); got != "9" {
		t.Errorf("the wait returned resourceVersion %s, want the ready object's 9", got)
	}
	if got, want := ws.requestLog(), "WATCH rv=7 metadata.name=fraud"; got != want {
		t.Errorf("requests: %s\nwant: %s", got, want)
	}
}

// A watch the server ends (its timeout, or 410 Gone for a resourceVersion too
// old) is replaced by one read and a watch from what that read saw.
func TestWaitReadsAndWatchesAgainWhenTheWatchEnds(t *testing.T) {
	for name, end := range map[string]func(w http.ResponseWriter){
		"closed": func(http.ResponseWriter) {},
		"410 Gone": func(w http.ResponseWriter) {
			sendEvent(w, "ERROR", `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version"}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			ws := &waitServer{rv: 7}
			ws.watch = func(w http.ResponseWriter, r *http.Request, n int) {
				startStream(w)
				if n == 1 {
					ws.mu.Lock()
					ws.rv = 12 // changed while nobody watched
					ws.mu.Unlock()
					end(w)
					return
				}
				ws.mu.Lock()
				ws.rv, ws.ready = 13, true
				ready := ws.object()
				ws.mu.Unlock()
				sendEvent(w, "MODIFIED", ready)
				<-r.Context().Done()
			}
			client := startWaitServer(t, ws)
			last, err := client.WaitFrom(context.Background(), testRegistries, "ns", "fraud", notReadyObject(t, ws), isReady)
			if err != nil {
				t.Fatal(err)
			}
			if got := last.GetResourceVersion(); got != "13" {
				t.Errorf("the wait returned resourceVersion %s, want 13", got)
			}
			want := "WATCH rv=7 metadata.name=fraud, GET, WATCH rv=12 metadata.name=fraud"
			if got := ws.requestLog(); got != want {
				t.Errorf("requests: %s\nwant: %s", got, want)
			}
		})
	}
}

// An identity without the watch verb polls, and the client does not ask for a
// watch of that resource again.
func TestWaitPollsWhenWatchIsForbidden(t *testing.T) {
	ws := &waitServer{rv: 7}
	ws.watch = func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeStatus(w, http.StatusForbidden, "Forbidden", `modelregistries is forbidden: cannot watch`, "")
	}
	client := startWaitServer(t, ws)
	reads := 0
	becomesReady := func(obj *unstructured.Unstructured) (bool, error) {
		reads++
		if reads == 3 {
			ws.mu.Lock()
			ws.ready = true
			ws.mu.Unlock()
		}
		return isReady(obj)
	}
	if _, err := client.WaitFrom(context.Background(), testRegistries, "ns", "fraud", notReadyObject(t, ws), becomesReady); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Wait(context.Background(), testRegistries, "ns", "fraud", isReady); err != nil {
		t.Fatal(err)
	}
	want := "WATCH rv=7 metadata.name=fraud, GET, GET, GET, GET"
	if got := ws.requestLog(); got != want {
		t.Errorf("requests: %s\nwant: %s", got, want)
	}
}

// A watch that fails to open for another reason is retried after a read:
// the server is not asked in a tight loop, and the wait still ends at once
// when the read sees the object ready.
func TestWaitReadsWhenTheWatchFails(t *testing.T) {
	ws := &waitServer{rv: 7}
	ws.watch = func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 2 {
			ws.mu.Lock()
			ws.ready = true
			ws.mu.Unlock()
		}
		writeStatus(w, http.StatusInternalServerError, "InternalError", "etcd is busy", "")
	}
	client := startWaitServer(t, ws)
	if _, err := client.WaitFrom(context.Background(), testRegistries, "ns", "fraud", notReadyObject(t, ws), isReady); err != nil {
		t.Fatal(err)
	}
	want := "WATCH rv=7 metadata.name=fraud, GET, WATCH rv=7 metadata.name=fraud, GET"
	if got := ws.requestLog(); got != want {
		t.Errorf("requests: %s\nwant: %s", got, want)
	}
}

// A wait that ends on its deadline returns the last object it saw.
func TestWaitTimesOutWithTheLastObject(t *testing.T) {
	ws := &waitServer{rv: 7}
	ws.watch = func(w http.ResponseWriter, r *http.Request, _ int) {
		startStream(w)
		ws.mu.Lock()
		ws.rv = 8
		notYet := ws.object()
		ws.mu.Unlock()
		sendEvent(w, "MODIFIED", notYet)
		<-r.Context().Done()
	}
	client := startWaitServer(t, ws)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	last, err := client.WaitFrom(ctx, testRegistries, "ns", "fraud", notReadyObject(t, ws), isReady)
	if err == nil || ctx.Err() == nil {
		t.Fatalf("want the deadline's error, got %v", err)
	}
	if last == nil || last.GetResourceVersion() != "8" {
		t.Errorf("want the last object seen (resourceVersion 8), got %v", last)
	}
}

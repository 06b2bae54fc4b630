package kube

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

var testRegistries = registry.GroupVersionResource

// fakeAPIServer answers with the handler and counts requests.
func fakeAPIServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int64)) (*Client, *atomic.Int64) {
	t.Helper()
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, count.Add(1))
	}))
	t.Cleanup(srv.Close)
	client, err := NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return client, &count
}

func writeStatus(w http.ResponseWriter, code int, reason, message, details string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"` + reason + `","message":"` + message + `","code":` +
		strconv.Itoa(code) + details + `}`
	_, _ = w.Write([]byte(body))
}

func TestMissingModelRegistryAPIIsExplained(t *testing.T) {
	client, _ := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource", "")
	})
	_, err := client.Get(context.Background(), testRegistries, "rhoai-model-registries", "fraud")
	if err == nil || !strings.Contains(err.Error(), "the cluster has no ModelRegistry API") ||
		!strings.Contains(err.Error(), "managementState: Managed") {
		t.Fatalf("want the missing API explained, got %v", err)
	}
	if !errors.Is(err, ErrNoModelRegistryAPI) || !IsMissingResourceType(err) {
		t.Errorf("the error must stay recognisable: %v", err)
	}
}

func TestMissingObjectStaysNotFound(t *testing.T) {
	client, _ := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusNotFound, "NotFound", `modelregistries \"fraud\" not found`,
			`,"details":{"name":"fraud","group":"modelregistry.opendatahub.io","kind":"modelregistries"}`)
	})
	_, err := client.Get(context.Background(), testRegistries, "rhoai-model-registries", "fraud")
	if !apierrors.IsNotFound(err) || IsMissingResourceType(err) {
		t.Fatalf("want a plain NotFound, got %v", err)
	}
	if !strings.Contains(err.Error(), "modelregistries.modelregistry.opendatahub.io rhoai-model-registries/fraud does not exist") {
		t.Errorf("message %q", err.Error())
	}
}

func TestTransientErrorsAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		code   int
		reason string
	}{
		{"throttled", http.StatusTooManyRequests, "TooManyRequests"},
		{"unavailable", http.StatusServiceUnavailable, "ServiceUnavailable"},
		{"internal error", http.StatusInternalServerError, "InternalError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, n int64) {
				if n <= 2 {
					w.Header().Set("Retry-After", "0")
					writeStatus(w, tc.code, tc.reason, "try again", "")
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"ns"}}`))
			})
			obj, err := client.Get(context.Background(), Secrets, "ns", "s")
			if err != nil {
				t.Fatalf("want success after retries, got %v", err)
			}
			if obj.GetName() != "s" || count.Load() < 3 {
				t.Errorf("got %q after %d requests", obj.GetName(), count.Load())
			}
		})
	}
}

func TestLastingErrorsAreNotRetried(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusForbidden, "Forbidden", `secrets \"s\" is forbidden: User \"bob\" cannot get resource`, "")
	})
	_, err := client.Get(context.Background(), Secrets, "ns", "s")
	if !apierrors.IsForbidden(err) || count.Load() != 1 {
		t.Fatalf("want one request and Forbidden, got %d requests and %v", count.Load(), err)
	}
	if !strings.Contains(err.Error(), "may not access secrets ns/s") || !strings.Contains(err.Error(), "docs/guides/permissions") {
		t.Errorf("message %q", err.Error())
	}
}

func TestRetryGivesUp(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "down", "")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := client.Get(ctx, Secrets, "ns", "s")
	if err == nil || count.Load() < 2 {
		t.Fatalf("want an error after retries, got %v after %d requests", err, count.Load())
	}
}

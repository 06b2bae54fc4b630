package kube

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// The API server's answer while the operator's webhook restarts.
const webhookRefused = `Internal error occurred: failed calling webhook \"vmodelregistry.opendatahub.io\": failed to call webhook: ` +
	`Post \"https://model-registry-operator-webhook-service.opendatahub.svc:443/validate-modelregistry-opendatahub-io-v1beta1-modelregistry?timeout=10s\": ` +
	`dial tcp 172.30.12.7:443: connect: connection refused`

// fastRetries makes client's pauses between attempts short.
func fastRetries(client *Client) {
	client.retryBackoff = Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}
}

func probeRegistry() registry.Registry {
	return registry.Registry{Name: "fraud", Namespace: "rhoai-model-registries",
		Database: registry.Database{Type: registry.DatabasePostgres, Generated: true}}
}

// webhookDownFor is an API server that answers the first failures writes with
// message, as when it cannot reach the webhook, and then accepts them; the
// client's pauses between attempts are short.
func webhookDownFor(t *testing.T, failures int64, message string) (*Client, *atomic.Int64) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, n int64) {
		if n <= failures {
			writeStatus(w, http.StatusInternalServerError, "InternalError", message, "")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"apiVersion":"modelregistry.opendatahub.io/v1beta1","kind":"ModelRegistry","metadata":{"name":"fraud","namespace":"rhoai-model-registries"}}`))
	})
	fastRetries(client)
	return client, count
}

// A webhook that refuses connections for longer than MaxAttempts requests is
// waited for until the operation's timeout.
func TestWriteWaitsForTheWebhookUntilTheTimeout(t *testing.T) {
	refusals := int64(MaxAttempts + 5)
	client, count := webhookDownFor(t, refusals, webhookRefused)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Apply(ctx, probeRegistry().ModelRegistry(), ApplyOptions{}); err != nil {
		t.Fatalf("apply after the webhook came back: %v", err)
	}
	if count.Load() != refusals+1 {
		t.Errorf("%d requests, want %d", count.Load(), refusals+1)
	}
}

// The first call after a restart on a connection the API server kept open to the
// webhook fails with a broken pipe or a reset, not a refusal: waited for the same way,
// past MaxAttempts until the operation's timeout.
func TestStaleWebhookConnectionIsRetried(t *testing.T) {
	for _, cause := range []string{
		"write tcp 10.128.0.2:45058->10.130.0.9:9443: write: broken pipe",
		"read tcp 10.128.0.2:45058->10.130.0.9:9443: read: connection reset by peer",
		"EOF",
	} {
		stale := `Internal error occurred: failed calling webhook \"mmodelregistry.opendatahub.io\": failed to call webhook: ` +
			`Post \"https://model-registry-operator-webhook-service.opendatahub.svc:443/mutate-modelregistry?timeout=10s\": ` + cause
		client, count := webhookDownFor(t, MaxAttempts+1, stale)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := client.Apply(ctx, probeRegistry().ModelRegistry(), ApplyOptions{}); err != nil || count.Load() != MaxAttempts+2 {
			t.Errorf("%s: %d requests, error %v; want %d and the write done", cause, count.Load(), err, MaxAttempts+2)
		}
		cancel()
	}
}

// A webhook that never comes back: the error says the operator's webhook is
// down and how to check it.
func TestWebhookThatStaysDownIsExplained(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusInternalServerError, "InternalError", webhookRefused, "")
	})
	fastRetries(client)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := client.Patch(ctx, registry.GroupVersionResource, "rhoai-model-registries", "fraud", []byte(`{}`))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		`admission webhook "vmodelregistry.opendatahub.io"`, "modelregistries.modelregistry.opendatahub.io rhoai-model-registries/fraud",
		"webhook is down", "oc get pods -n opendatahub", "oc get validatingwebhookconfigurations,mutatingwebhookconfigurations",
		"connection refused",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%s", want, err)
		}
	}
	if count.Load() <= MaxAttempts {
		t.Errorf("%d requests before the timeout, want more than %d", count.Load(), MaxAttempts)
	}
}

// Without a deadline a write gives up after MaxAttempts as any other, and a
// webhook that answered and refused is not retried at all.
func TestWebhookRetriesNeedADeadline(t *testing.T) {
	client, count := fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusInternalServerError, "InternalError", webhookRefused, "")
	})
	fastRetries(client)
	if _, err := client.Patch(context.Background(), registry.GroupVersionResource, "ns", "fraud", []byte(`{}`)); err == nil || count.Load() != MaxAttempts {
		t.Errorf("%d requests without a deadline, want %d (error %v)", count.Load(), MaxAttempts, err)
	}
	denied := `admission webhook \"vmodelregistry.opendatahub.io\" denied the request: namespace must be rhoai-model-registries`
	client, count = fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		writeStatus(w, http.StatusForbidden, "Forbidden", denied, "")
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := client.Patch(ctx, registry.GroupVersionResource, "ns", "fraud", []byte(`{}`))
	if err == nil || IsWebhookUnreachable(err) || count.Load() != 1 || strings.Contains(err.Error(), "webhook is down") {
		t.Errorf("a denial: %d requests, error %v", count.Load(), err)
	}
}

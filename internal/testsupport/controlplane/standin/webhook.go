package standin

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// Names of the webhook configurations and of the webhooks in them.
const (
	MutatingWebhookConfiguration   = "model-registry-operator-standin-mutating"
	ValidatingWebhookConfiguration = "model-registry-operator-standin-validating"
	mutatingWebhookName            = "mmodelregistry.opendatahub.io"
	validatingWebhookName          = "vmodelregistry.opendatahub.io"
	mutatePath                     = "/mutate-modelregistry"
	validatePath                   = "/validate-modelregistry"
)

// webhook serves the operator's admission webhooks for ModelRegistries.
type webhook struct {
	namespace  string
	registries cache.Indexer
	// forceProxy: v0.3.14 on OpenShift adds kubeRBACProxy when neither proxy is set.
	forceProxy bool
	addr       string
	handler    http.Handler
	tlsConfig  *tls.Config
	caPEM      []byte
	logf       func(string, ...any)

	mu        sync.Mutex
	server    *http.Server
	closed    bool
	elsewhere map[string]bool
}

// newWebhook listens on a loopback port with a serving certificate from a fresh CA.
func newWebhook(namespace string, registries cache.Indexer, forceProxy bool, logf func(string, ...any)) (*webhook, error) {
	ca, err := controlplane.NewCA("model-registry-operator-standin-webhook-ca")
	if err != nil {
		return nil, err
	}
	serving, err := ca.IssueServing("model-registry-operator-standin-webhook", []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	if err != nil {
		return nil, err
	}
	listener, err := listenBelowEphemeralPorts()
	if err != nil {
		return nil, err
	}
	w := &webhook{namespace: namespace, registries: registries, forceProxy: forceProxy, addr: listener.Addr().String(),
		caPEM: ca.CertPEM, logf: logf, elsewhere: map[string]bool{},
		tlsConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	mux := http.NewServeMux()
	mux.HandleFunc(mutatePath, w.serve(w.mutate))
	mux.HandleFunc(validatePath, w.serve(w.validate))
	w.handler = mux
	w.serveOn(listener)
	return w, nil
}

// listenBelowEphemeralPorts listens on a free loopback port below the kernel's
// ephemeral range (32768 and up), so that while RestartWebhook keeps the port
// closed no outgoing connection on the machine can take it as its source port
// and keep the webhook from coming back.
func listenBelowEphemeralPorts() (net.Listener, error) {
	const low, high = 20000, 32768
	var err error
	for range 200 {
		var listener net.Listener
		// #nosec G404 -- a port number, not a secret.
		if listener, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", low+rand.IntN(high-low))); err == nil {
			return listener, nil
		}
	}
	return nil, fmt.Errorf("operator stand-in: no free port for the webhooks between %d and %d: %w", low, high, err)
}

// serveOn starts a server on listener; the caller holds no lock.
func (w *webhook) serveOn(listener net.Listener) {
	server := &http.Server{
		Handler:           w.handler,
		TLSConfig:         w.tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
	}
	w.mu.Lock()
	w.server = server
	w.mu.Unlock()
	go func() {
		if err := server.ServeTLS(listener, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			w.logf("operator stand-in: webhook server: %v", err)
		}
	}()
}

func (w *webhook) url(path string) string {
	return (&url.URL{Scheme: "https", Host: w.addr, Path: path}).String()
}

func (w *webhook) close() {
	w.mu.Lock()
	w.closed = true
	server := w.server
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}

// restart closes the port at once, connections in flight included, and listens on it again
// after down, unless the stand-in stops meanwhile.
func (w *webhook) restart(down time.Duration) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errors.New("operator stand-in: the webhooks are stopped")
	}
	server := w.server
	w.mu.Unlock()
	if err := server.Close(); err != nil {
		return fmt.Errorf("operator stand-in: closing the webhook port: %w", err)
	}
	go func() {
		time.Sleep(down)
		for attempt := 0; ; attempt++ {
			w.mu.Lock()
			closed := w.closed
			w.mu.Unlock()
			if closed {
				return
			}
			listener, err := net.Listen("tcp", w.addr)
			if err == nil {
				w.serveOn(listener)
				return
			}
			if attempt == 50 {
				w.logf("operator stand-in: reopening the webhook port %s: %v", w.addr, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return nil
}

func (w *webhook) allowElsewhere(namespace, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.elsewhere[namespace+"/"+name] = true
}

func (w *webhook) isAllowedElsewhere(namespace, name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.elsewhere[namespace+"/"+name]
}

// rules select CREATE and UPDATE of ModelRegistries in both served versions.
func webhookRules() []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{
			APIGroups: []string{registry.Group}, APIVersions: []string{"v1beta1", "v1alpha1"},
			Resources: []string{registry.Resource}, Scope: ptr(admissionregistrationv1.NamespacedScope),
		},
	}}
}

// register writes both webhook configurations, pointing at this server by URL.
func (w *webhook) register(ctx context.Context, kube kubernetes.Interface) error {
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	mutating := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: MutatingWebhookConfiguration},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    mutatingWebhookName,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: ptr(w.url(mutatePath)), CABundle: w.caPEM},
			Rules:                   webhookRules(),
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr(int32(10)),
		}},
	}
	validating := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: ValidatingWebhookConfiguration},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    validatingWebhookName,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: ptr(w.url(validatePath)), CABundle: w.caPEM},
			Rules:                   webhookRules(),
			FailurePolicy:           &fail,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr(int32(10)),
		}},
	}
	mwc := kube.AdmissionregistrationV1().MutatingWebhookConfigurations()
	if _, err := mwc.Create(ctx, mutating, metav1.CreateOptions{FieldManager: FieldManager}); apierrors.IsAlreadyExists(err) {
		old, getErr := mwc.Get(ctx, mutating.Name, metav1.GetOptions{})
		if getErr != nil {
			return getErr
		}
		mutating.ResourceVersion = old.ResourceVersion
		_, err = mwc.Update(ctx, mutating, metav1.UpdateOptions{FieldManager: FieldManager})
		if err != nil {
			return fmt.Errorf("update MutatingWebhookConfiguration %s: %w", mutating.Name, err)
		}
	} else if err != nil {
		return fmt.Errorf("create MutatingWebhookConfiguration %s: %w", mutating.Name, err)
	}
	vwc := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	if _, err := vwc.Create(ctx, validating, metav1.CreateOptions{FieldManager: FieldManager}); apierrors.IsAlreadyExists(err) {
		old, getErr := vwc.Get(ctx, validating.Name, metav1.GetOptions{})
		if getErr != nil {
			return getErr
		}
		validating.ResourceVersion = old.ResourceVersion
		_, err = vwc.Update(ctx, validating, metav1.UpdateOptions{FieldManager: FieldManager})
		if err != nil {
			return fmt.Errorf("update ValidatingWebhookConfiguration %s: %w", validating.Name, err)
		}
	} else if err != nil {
		return fmt.Errorf("create ValidatingWebhookConfiguration %s: %w", validating.Name, err)
	}
	return nil
}

// unregister deletes both configurations. With the real operator down its webhook stays
// registered and fails closed (failurePolicy Fail): no registry could be created or changed.
// The stand-in removes its own so that a stopped stand-in does not wedge later tests.
func unregister(ctx context.Context, kube kubernetes.Interface) error {
	var errs []error
	if err := kube.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(ctx, MutatingWebhookConfiguration, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		errs = append(errs, err)
	}
	if err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, ValidatingWebhookConfiguration, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// waitServing waits until the API server calls the webhook: a server-side dry run of a
// registry that the validating webhook must reject comes back with its message.
func (w *webhook) waitServing(ctx context.Context, probe func(context.Context) error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := probe(ctx)
		if err != nil && strings.Contains(err.Error(), validatingWebhookName) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("operator stand-in: the API server does not call the webhook after 30s (last answer: %v)", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

type admitFunc func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse

func (w *webhook) serve(admit admitFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
			http.Error(rw, fmt.Sprintf("not an AdmissionReview: %v", err), http.StatusBadRequest)
			return
		}
		resp := admit(review.Request)
		resp.UID = review.Request.UID
		out, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp})
		if err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(out)
	}
}

func decodeRegistry(req *admissionv1.AdmissionRequest) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(req.Object.Raw); err != nil {
		return nil, err
	}
	return obj, nil
}

func errorResponse(err error) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Code: http.StatusBadRequest, Reason: metav1.StatusReasonBadRequest, Message: err.Error()}}
}

// mutate applies the operator's defaults as one JSON patch of spec.
func (w *webhook) mutate(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	mr, err := decodeRegistry(req)
	if err != nil {
		return errorResponse(err)
	}
	before, _, _ := unstructured.NestedMap(mr.Object, "spec")
	after := defaultSpec(before, w.forceProxy)
	if reflect.DeepEqual(before, after) {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	op := "replace"
	if before == nil {
		op = "add"
	}
	patch, err := json.Marshal([]map[string]any{{"op": op, "path": "/spec", "value": after}})
	if err != nil {
		return errorResponse(err)
	}
	patchType := admissionv1.PatchTypeJSONPatch
	return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: &patchType}
}

// defaultSpec returns spec with the operator's webhook defaults (DOMAIN.md, "What the
// operator does, observed"); it drops database blocks that name no database first. With
// forceProxy (v0.3.14 on OpenShift, "the proxy is forced") it adds kubeRBACProxy: {} when
// neither kubeRBACProxy nor oauthProxy is set.
func defaultSpec(in map[string]any, forceProxy bool) map[string]any {
	spec := deepCopy(in)
	if spec == nil {
		spec = map[string]any{}
	}
	if forceProxy && spec["kubeRBACProxy"] == nil && spec["oauthProxy"] == nil {
		spec["kubeRBACProxy"] = map[string]any{}
	}
	if pg, ok := spec["postgres"].(map[string]any); ok || spec["postgres"] == nil {
		generate, _ := pg["generateDeployment"].(bool)
		if str(pg, "host") == "" && str(pg, "hostAddress") == "" && !generate {
			delete(spec, "postgres")
		}
	}
	if mysql, ok := spec["mysql"].(map[string]any); ok || spec["mysql"] == nil {
		if str(mysql, "host") == "" {
			delete(spec, "mysql")
		} else {
			setDefault(mysql, "port", int64(3306))
			setDefault(mysql, "skipDBCreation", false)
		}
	}
	if rest, ok := spec["rest"].(map[string]any); ok {
		setDefault(rest, "port", int64(8080))
		setDefault(rest, "serviceRoute", "disabled")
	}
	if grpc, ok := spec["grpc"].(map[string]any); ok {
		setDefault(grpc, "port", int64(9090))
	}
	if proxy, ok := spec["kubeRBACProxy"].(map[string]any); ok {
		setDefault(proxy, "port", int64(8443))
		setDefault(proxy, "routePort", int64(443))
		setDefault(proxy, "serviceRoute", "enabled")
	}
	return spec
}

func setDefault(m map[string]any, key string, value any) {
	if v, ok := m[key]; !ok || v == nil {
		m[key] = value
	}
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return runtime.DeepCopyJSON(m)
}

// validate applies the operator's validation rules.
func (w *webhook) validate(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	mr, err := decodeRegistry(req)
	if err != nil {
		return errorResponse(err)
	}
	// A registry on its way out (the finalizer's removal is an UPDATE) is not judged again.
	if mr.GetDeletionTimestamp() != nil {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	errs := w.validationErrors(mr)
	if len(errs) == 0 {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	gk := schema.GroupKind{Group: registry.Group, Kind: registry.Kind}
	statusErr := apierrors.NewInvalid(gk, mr.GetName(), errs)
	return &admissionv1.AdmissionResponse{Allowed: false, Result: &statusErr.ErrStatus}
}

func (w *webhook) validationErrors(mr *unstructured.Unstructured) field.ErrorList {
	var errs field.ErrorList
	name, namespace := mr.GetName(), mr.GetNamespace()
	if namespace != w.namespace && !w.isAllowedElsewhere(namespace, name) {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "namespace"), namespace, "namespace must be "+w.namespace))
	}
	for _, obj := range w.registries.List() {
		other, ok := obj.(metav1.Object)
		if ok && other.GetName() == name && other.GetNamespace() != namespace {
			errs = append(errs, field.Duplicate(field.NewPath("metadata", "name"),
				fmt.Sprintf("registry named %s already exists in namespace %s", name, other.GetNamespace())))
			break
		}
	}
	_, hasMySQL, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "mysql")
	_, hasPostgres, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "postgres")
	if !hasMySQL && !hasPostgres {
		errs = append(errs, field.Required(field.NewPath("spec"), "one of mysql or postgres must be set"))
	}
	_, hasOAuth, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "oauthProxy")
	_, hasKubeRBAC, _ := unstructured.NestedFieldNoCopy(mr.Object, "spec", "kubeRBACProxy")
	if hasOAuth && hasKubeRBAC {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "oauthProxy"), "oauthProxy and kubeRBACProxy cannot both be set"))
	}
	return errs
}

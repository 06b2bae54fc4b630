package acceptance_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/kube"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/faultproxy"
)

// startFaultProxy puts a fault proxy in front of the test cluster and returns
// it with a kubeconfig that reaches the cluster through it.
func startFaultProxy(t *testing.T) (*faultproxy.Proxy, string) {
	t.Helper()
	proxy, err := faultproxy.Start(acctest.Cluster.ControlPlane.RESTConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	kubeconfig, err := proxy.WriteKubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return proxy, kubeconfig
}

func proxiedProvider(kubeconfig string) string {
	return fmt.Sprintf(`
provider "openshiftai" {
  config_path          = %[1]q
  registries_namespace = %[2]q
}
`, kubeconfig, acctest.Namespace)
}

// Paths of the objects of registry name, for matching requests.
func registryPath(name string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^/apis/%s/%s/namespaces/%s/%s/%s$`,
		regexp.QuoteMeta(registry.Group), registry.Version, acctest.Namespace, registry.Resource, name))
}

func secretPath(name string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^/api/v1/namespaces/%s/secrets/%s$`, acctest.Namespace, name))
}

func configMapPath(name string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^/api/v1/namespaces/%s/configmaps/%s$`, acctest.Namespace, name))
}

func bindingPath(name string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings/%s$`, acctest.Namespace, name))
}

// The lists a refresh reads registries and bindings from.
var (
	namespaceRegistryListPath = regexp.MustCompile(fmt.Sprintf(`^/apis/%s/%s/namespaces/%s/%s$`,
		regexp.QuoteMeta(registry.Group), registry.Version, acctest.Namespace, registry.Resource))
	bindingListPath = regexp.MustCompile(fmt.Sprintf(`^/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings$`, acctest.Namespace))
	// A refresh reads the password Secrets of the namespace with one list.
	secretListPath = regexp.MustCompile(fmt.Sprintf(`^/api/v1/namespaces/%s/secrets$`, acctest.Namespace))
)

// watchQuery matches the query of a watch, which goes to the list's path.
var watchQuery = regexp.MustCompile(`(^|&)watch=true(&|$)`)

// checkWatchFaulted asserts that the proxy failed a wait's watch: the apply
// still ending with the registry ready shows the wait got past it (the read
// that replaces the watch is checked with checkRetried).
func checkWatchFaulted(t *testing.T, proxy *faultproxy.Proxy) {
	t.Helper()
	faulted := 0
	var lines []string
	for _, r := range proxy.Matching(http.MethodGet, namespaceRegistryListPath) {
		if watchQuery.MatchString(r.Query) {
			lines = append(lines, r.String())
			if r.Faulted {
				faulted++
			}
		}
	}
	if faulted == 0 {
		t.Errorf("the wait's watch was never failed; watches:\n  %s", strings.Join(lines, "\n  "))
	}
}

var registryListPath = regexp.MustCompile(fmt.Sprintf(`^/apis/%s/%s/%s$`, regexp.QuoteMeta(registry.Group), registry.Version, registry.Resource))

// checkRetried asserts that every request a fault answered was followed by
// the same request succeeding.
func checkRetried(t *testing.T, proxy *faultproxy.Proxy, method string, path *regexp.Regexp, minFaults int) {
	t.Helper()
	checkRetriedAnswer(t, proxy, method, path, minFaults, false)
}

// checkRetriedOrCollected is checkRetried for the DELETE of an object the
// registry owns: the garbage collector may have removed it before the retry,
// which the API server answers with 404.
func checkRetriedOrCollected(t *testing.T, proxy *faultproxy.Proxy, path *regexp.Regexp, minFaults int) {
	t.Helper()
	checkRetriedAnswer(t, proxy, http.MethodDelete, path, minFaults, true)
}

func checkRetriedAnswer(t *testing.T, proxy *faultproxy.Proxy, method string, path *regexp.Regexp, minFaults int, notFoundRecovers bool) {
	t.Helper()
	requests := proxy.Matching(method, path)
	faulted, recovered := 0, false
	for _, r := range requests {
		switch {
		case r.Faulted && (r.Status == 0 || r.Status >= 400):
			faulted++
			recovered = false
		case r.Status >= 200 && r.Status < 300, notFoundRecovers && !r.Faulted && r.Status == http.StatusNotFound:
			recovered = true
		}
	}
	if faulted < minFaults || !recovered {
		var lines []string
		for _, r := range requests {
			lines = append(lines, r.String())
		}
		t.Errorf("%s %s: %d faulted requests (want at least %d), recovered afterwards: %v; requests:\n  %s",
			method, path, faulted, minFaults, recovered, strings.Join(lines, "\n  "))
	}
}

func faultRegistryConfig(kubeconfig, name, pem, extra string) string {
	return proxiedProvider(kubeconfig) + acctest.RegistryConfig(name, "Faults", fmt.Sprintf("  ca_certificate { pem = %q }\n%s", pem, extra))
}

// TestAccFaults_transientErrorsAreRetried answers reads and writes of a create,
// a refresh and a delete with throttling, server errors and dropped
// connections: every one is retried and the operations succeed.
func TestAccFaults_transientErrorsAreRetried(t *testing.T) {
	acctest.PreCheck(t)
	proxy, kubeconfig := startFaultProxy(t)
	name := acctest.RegistryName("retry")
	pem := acctest.CA(t)
	permission := registry.Permission{Registry: name, Namespace: acctest.Namespace, Kind: registry.SubjectUser, Subject: "alice"}
	config := faultRegistryConfig(kubeconfig, name, pem, `  timeouts {
    create = "2m"
    update = "2m"
    delete = "2m"
  }`) + `
resource "openshiftai_model_registry_permission" "alice" {
  registry = openshiftai_model_registry.test.resource_name
  user     = "alice"
}
`
	secret, configMap := registry.PasswordSecretName(name), registry.CAConfigMapName(name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.Inject(
						// Plan: the cluster-wide name check.
						&faultproxy.Fault{Method: http.MethodGet, Path: registryListPath, Action: faultproxy.Action{Status: 503}},
						// Create: the real writes (the first PATCH of the ConfigMap and the registry is the
						// dry run; the Secret, written first, has none).
						&faultproxy.Fault{Method: http.MethodPatch, Path: secretPath(secret), Times: 2, Action: faultproxy.Action{Status: 503}},
						&faultproxy.Fault{Method: http.MethodPatch, Path: configMapPath(configMap), Nth: 2, Action: faultproxy.Action{Drop: true}},
						&faultproxy.Fault{Method: http.MethodPatch, Path: registryPath(name), Nth: 2, Action: faultproxy.Action{Status: 429, RetryAfter: 1}},
						// The Secret's owner reference: the fourth PATCH, after two failures and the write.
						&faultproxy.Fault{Method: http.MethodPatch, Path: secretPath(secret), Nth: 4, Action: faultproxy.Action{Status: 500}},
						// The wait for readiness: its watch fails to open, and the read that takes
						// its place fails twice (an error, then a dropped connection).
						&faultproxy.Fault{Method: http.MethodGet, Path: namespaceRegistryListPath, Query: watchQuery, Action: faultproxy.Action{Status: 500}},
						&faultproxy.Fault{Method: http.MethodGet, Path: registryPath(name), Action: faultproxy.Action{Status: 500}},
						&faultproxy.Fault{Method: http.MethodGet, Path: registryPath(name), Nth: 2, Action: faultproxy.Action{Drop: true}},
						// The permission: writing the binding (the registry's UID comes from its create).
						&faultproxy.Fault{Method: http.MethodPatch, Path: bindingPath(permission.BindingName()), Action: faultproxy.Action{Status: 504}},
					)
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openshiftai_model_registry.test", tfjsonpath.New("ready"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					checkRetried(t, proxy, http.MethodGet, registryListPath, 1)
					checkRetried(t, proxy, http.MethodPatch, secretPath(secret), 3)
					checkRetried(t, proxy, http.MethodPatch, configMapPath(configMap), 1)
					checkRetried(t, proxy, http.MethodPatch, registryPath(name), 1)
					checkRetried(t, proxy, http.MethodGet, registryPath(name), 2)
					checkWatchFaulted(t, proxy)
					checkRetried(t, proxy, http.MethodPatch, bindingPath(permission.BindingName()), 1)
					checkOwnedObjects(t, name)
					return nil
				},
			},
			{
				// Refresh and update: reads and the update's writes fail first.
				PreConfig: func() {
					proxy.Clear()
					proxy.Inject(
						&faultproxy.Fault{Method: http.MethodGet, Path: namespaceRegistryListPath, Times: 2, Action: faultproxy.Action{Status: 503}},
						&faultproxy.Fault{Method: http.MethodGet, Path: bindingListPath, Action: faultproxy.Action{Status: 500}},
						&faultproxy.Fault{Method: http.MethodGet, Path: secretListPath, Action: faultproxy.Action{Drop: true}},
						&faultproxy.Fault{Method: http.MethodPatch, Path: registryPath(name), Action: faultproxy.Action{Status: 503, Delay: 500 * time.Millisecond}},
					)
				},
				Config: strings.Replace(config, `"Models of the test"`, `"Models of the test, updated"`, 1),
				Check: func(*terraform.State) error {
					checkRetried(t, proxy, http.MethodGet, namespaceRegistryListPath, 2)
					checkRetried(t, proxy, http.MethodGet, bindingListPath, 1)
					checkRetried(t, proxy, http.MethodGet, secretListPath, 1)
					checkRetried(t, proxy, http.MethodPatch, registryPath(name), 1)
					if got := acctest.GetRegistry(t, name).GetAnnotations()[registry.AnnotationDescription]; got != "Models of the test, updated" {
						return fmt.Errorf("description on the cluster is %q after the update", got)
					}
					return nil
				},
			},
			{
				// Destroy: the deletes fail first.
				PreConfig: func() {
					proxy.Clear()
					proxy.Inject(
						&faultproxy.Fault{Method: http.MethodDelete, Path: bindingPath(permission.BindingName()), Action: faultproxy.Action{Status: 503}},
						&faultproxy.Fault{Method: http.MethodDelete, Path: registryPath(name), Action: faultproxy.Action{Status: 429, RetryAfter: 1}},
						&faultproxy.Fault{Method: http.MethodDelete, Path: secretPath(secret), Action: faultproxy.Action{Drop: true}},
					)
				},
				Config:  config,
				Destroy: true,
				Check: func(*terraform.State) error {
					checkRetried(t, proxy, http.MethodDelete, bindingPath(permission.BindingName()), 1)
					checkRetried(t, proxy, http.MethodDelete, registryPath(name), 1)
					checkRetriedOrCollected(t, proxy, secretPath(secret), 1)
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			checkNoObjects(t, name)
			return nil
		},
	})
}

// TestAccFaults_persistentErrorsStopAtTheTimeout: a server that keeps failing
// costs the create its timeout, not the retries' own budget.
func TestAccFaults_persistentErrorsStopAtTheTimeout(t *testing.T) {
	acctest.PreCheck(t)
	proxy, kubeconfig := startFaultProxy(t)
	name := acctest.RegistryName("persist")
	pem := acctest.CA(t)
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					started = time.Now()
					proxy.Inject(
						&faultproxy.Fault{Method: http.MethodGet, Path: namespaceRegistryListPath, Query: watchQuery, Times: -1, Action: faultproxy.Action{Status: 503}},
						&faultproxy.Fault{Method: http.MethodGet, Path: registryPath(name), Times: -1, Action: faultproxy.Action{Status: 503}},
					)
				},
				Config:      faultRegistryConfig(kubeconfig, name, pem, `  timeouts { create = "4s" }`),
				ExpectError: regexp.MustCompile(`(?s)Timed out waiting for the model registry`),
			},
			{
				// The registry was written and is in state (tainted): it is replaced, never orphaned.
				PreConfig: func() {
					if elapsed := time.Since(started); elapsed > 25*time.Second {
						t.Errorf("a create with a 4s timeout against a failing server took %s", elapsed)
					}
					proxy.Clear()
				},
				Config: faultRegistryConfig(kubeconfig, name, pem, ""),
				Check: func(*terraform.State) error {
					checkOwnedObjects(t, name)
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			checkNoObjects(t, name)
			return nil
		},
	})
}

// TestAccFaults_createFailsAtEachStep fails one write of a registry create at
// a time: nothing is left behind, and the next apply makes exactly the
// configured objects.
func TestAccFaults_createFailsAtEachStep(t *testing.T) {
	acctest.PreCheck(t)
	// The create writes, in order: dry runs of the registry and the ConfigMap, then
	// the Secret, the ConfigMap, the registry, and the Secret and ConfigMap again
	// with the registry as their owner.
	steps := map[string]func(name string) *faultproxy.Fault{
		"secret": func(name string) *faultproxy.Fault {
			return &faultproxy.Fault{Method: http.MethodPatch, Path: secretPath(registry.PasswordSecretName(name)), Nth: 1}
		},
		"config map": func(name string) *faultproxy.Fault {
			return &faultproxy.Fault{Method: http.MethodPatch, Path: configMapPath(registry.CAConfigMapName(name)), Nth: 2}
		},
		"registry": func(name string) *faultproxy.Fault {
			return &faultproxy.Fault{Method: http.MethodPatch, Path: registryPath(name), Nth: 2}
		},
		"owner of the secret": func(name string) *faultproxy.Fault {
			return &faultproxy.Fault{Method: http.MethodPatch, Path: secretPath(registry.PasswordSecretName(name)), Nth: 2}
		},
		"owner of the config map": func(name string) *faultproxy.Fault {
			return &faultproxy.Fault{Method: http.MethodPatch, Path: configMapPath(registry.CAConfigMapName(name)), Nth: 3}
		},
	}
	for step, fault := range steps {
		// A failed first write has nothing to undo.
		want := `(?s)Cannot create the model registry.*removed again`
		if step == "secret" {
			want = `(?s)The API server rejected the model registry.*Nothing was created`
		}
		t.Run(step, func(t *testing.T) {
			proxy, kubeconfig := startFaultProxy(t)
			name := acctest.RegistryName("failat")
			pem := acctest.CA(t)
			config := faultRegistryConfig(kubeconfig, name, pem, "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							f := fault(name)
							// A lasting error: retrying does not help, the create must undo what it did.
							f.Action = faultproxy.Action{Status: http.StatusForbidden}
							proxy.Inject(f)
						},
						Config:      config,
						ExpectError: regexp.MustCompile(want),
					},
					{
						PreConfig: func() {
							if faulted := faultedRequests(proxy); len(faulted) != 1 {
								t.Errorf("want exactly one failed request, got %v", faulted)
							}
							checkNoObjects(t, name)
							proxy.Clear()
						},
						Config: config,
						Check: func(*terraform.State) error {
							checkOwnedObjects(t, name)
							return nil
						},
					},
				},
				CheckDestroy: func(*terraform.State) error {
					checkNoObjects(t, name)
					return nil
				},
			})
		})
	}
}

// TestAccFaults_conflictOnApplyIsRetried: server-side apply with force does not
// conflict on fields, but a 409 can still come back (an object changed between
// the server's read and write, a create racing another). Apply sends the whole
// desired object, so sending it again is applying it to the fresh object.
func TestAccFaults_conflictOnApplyIsRetried(t *testing.T) {
	acctest.PreCheck(t)
	proxy, kubeconfig := startFaultProxy(t)
	name := acctest.RegistryName("conflict")
	pem := acctest.CA(t)
	config := faultRegistryConfig(kubeconfig, name, pem, "")
	conflict := faultproxy.Action{Status: http.StatusConflict}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.Inject(
						&faultproxy.Fault{Method: http.MethodPatch, Path: registryPath(name), Nth: 2, Action: conflict},
						&faultproxy.Fault{Method: http.MethodPatch, Path: secretPath(registry.PasswordSecretName(name)), Nth: 2, Action: conflict},
					)
				},
				Config: config,
				Check: func(*terraform.State) error {
					checkRetried(t, proxy, http.MethodPatch, registryPath(name), 1)
					checkRetried(t, proxy, http.MethodPatch, secretPath(registry.PasswordSecretName(name)), 1)
					checkOwnedObjects(t, name)
					return nil
				},
			},
			{
				// An update whose apply conflicts once, while someone else edits the registry.
				PreConfig: func() {
					proxy.Clear()
					proxy.Inject(&faultproxy.Fault{Method: http.MethodPatch, Path: registryPath(name), Action: conflict})
					acctest.DashboardPatch(t, name, `{"metadata":{"annotations":{"openshift.io/display-name":"Edited in the dashboard"}}}`)
				},
				Config: strings.Replace(config, `"Faults"`, `"Faults, renamed"`, 1),
				Check: func(*terraform.State) error {
					checkRetried(t, proxy, http.MethodPatch, registryPath(name), 1)
					if got := acctest.GetRegistry(t, name).GetAnnotations()[registry.AnnotationDisplayName]; got != "Faults, renamed" {
						return fmt.Errorf("display name on the cluster is %q after the update", got)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			checkNoObjects(t, name)
			return nil
		},
	})
}

func faultedRequests(proxy *faultproxy.Proxy) []string {
	var out []string
	for _, r := range proxy.Requests() {
		if r.Faulted {
			out = append(out, r.String())
		}
	}
	return out
}

// checkNoObjects asserts that no registry, Secret or ConfigMap of registry
// name is on the cluster; a deleted registry may take a moment to lose its finalizer.
func checkNoObjects(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left []string
		if _, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, acctest.Namespace, name); !apierrors.IsNotFound(err) {
			left = append(left, fmt.Sprintf("ModelRegistry %s (err=%v)", name, err))
		}
		left = append(left, objectsOf(t, name)...)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("left behind: %s", strings.Join(left, ", "))
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// objectsOf lists the Secrets and ConfigMaps that carry registry name's label
// or start with its name.
func objectsOf(t *testing.T, name string) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	secrets, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets.Items {
		if s.Labels[registry.LabelRegistryName] == name || strings.HasPrefix(s.Name, name+"-") {
			found = append(found, "Secret "+s.Name)
		}
	}
	configMaps, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range configMaps.Items {
		// The operator's own ConfigMap of the auth proxy is not the provider's to count.
		if c.Name == name+"-kube-rbac-proxy-config" {
			continue
		}
		if c.Labels[registry.LabelRegistryName] == name || strings.HasPrefix(c.Name, name+"-") {
			found = append(found, "ConfigMap "+c.Name)
		}
	}
	return found
}

// checkOwnedObjects asserts that registry name exists once with exactly its
// password Secret and CA ConfigMap, both owned by it.
func checkOwnedObjects(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	registries, err := acctest.Cluster.Client.ListByName(ctx, registry.GroupVersionResource, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(registries) != 1 || registries[0].GetNamespace() != acctest.Namespace {
		t.Errorf("want one registry %s/%s, found %d", acctest.Namespace, name, len(registries))
		return
	}
	uid := registries[0].GetUID()
	want := []string{"Secret " + registry.PasswordSecretName(name), "ConfigMap " + registry.CAConfigMapName(name)}
	if got := objectsOf(t, name); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("objects of registry %s: %v, want %v", name, got, want)
	}
	owners := map[string][]metav1.OwnerReference{}
	marked := map[string]bool{"registry": registries[0].GetAnnotations()[registry.AnnotationCreatePending] != ""}
	if s, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(ctx, registry.PasswordSecretName(name), metav1.GetOptions{}); err == nil {
		owners["Secret"] = s.OwnerReferences
		marked["Secret"] = s.Annotations[registry.AnnotationCreatePending] != ""
	}
	if c, err := acctest.Cluster.Typed.CoreV1().ConfigMaps(acctest.Namespace).Get(ctx, registry.CAConfigMapName(name), metav1.GetOptions{}); err == nil {
		owners["ConfigMap"] = c.OwnerReferences
		marked["ConfigMap"] = c.Annotations[registry.AnnotationCreatePending] != ""
	}
	for kind, m := range marked {
		if m {
			t.Errorf("the %s of registry %s keeps the create mark %s after the create", kind, name, registry.AnnotationCreatePending)
		}
	}
	if len(owners) != 2 {
		t.Errorf("registry %s: found %d of its Secret and ConfigMap", name, len(owners))
	}
	for kind, refs := range owners {
		if len(refs) != 1 || refs[0].UID != uid || refs[0].Kind != registry.Kind {
			t.Errorf("%s of registry %s: owner references %v, want the registry (uid %s)", kind, name, refs, uid)
		}
	}
}

// --- the real terraform binary ---

// buildProvider builds the provider binary into a new directory for dev_overrides.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-openshiftai"),
		"github.com/openshiftai-terraform/terraform-provider-openshiftai")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// terraformRun runs the terraform binary in one working directory with the
// provider built from this tree through dev_overrides.
type terraformRun struct {
	t      *testing.T
	binary string
	dir    string
	env    []string
}

func newTerraformRun(t *testing.T, providerDir string, env ...string) *terraformRun {
	t.Helper()
	binary := terraformBinary()
	if _, err := exec.LookPath(binary); err != nil {
		t.Fatalf("the terraform binary is needed: %v", err)
	}
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"openshiftai-terraform/openshiftai\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	base := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"}
	return &terraformRun{t: t, binary: binary, dir: work, env: append(append(os.Environ(), base...), env...)}
}

// terraformBinary is the CLI the acceptance tests run: TF_ACC_TERRAFORM_PATH
// (OpenTofu in make testacc-tofu), else terraform from PATH.
func terraformBinary() string {
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	return "terraform"
}

const terraformBlock = `
terraform {
  required_providers {
    openshiftai = {
      source = "openshiftai-terraform/openshiftai"
    }
  }
}
`

func (r *terraformRun) writeConfig(config string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(terraformBlock+config), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func (r *terraformRun) command(args ...string) *exec.Cmd {
	cmd := exec.Command(r.binary, append([]string{"-chdir=" + r.dir}, args...)...)
	cmd.Env = r.env
	return cmd
}

// run runs terraform and returns its standard output; it fails the test when
// terraform fails.
func (r *terraformRun) run(args ...string) string {
	r.t.Helper()
	out, err := r.try(args...)
	if err != nil {
		r.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (r *terraformRun) try(args ...string) (string, error) {
	cmd := r.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String() + stderr.String(), err
}

// childProvider finds the provider process terraform started.
func childProvider(terraformPID int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
		s := string(stat)
		closing := strings.LastIndexByte(s, ')')
		if closing < 0 {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		comm := s[strings.IndexByte(s, '(')+1 : closing]
		if len(fields) > 1 && fields[1] == strconv.Itoa(terraformPID) && strings.HasPrefix(comm, "terraform-provi") {
			return pid
		}
	}
	return 0
}

// TestAccFaults_providerKilledMidApply kills the provider process while the
// registry waits for readiness, then applies again: the registry and its
// Secret exist once, and the state agrees with the cluster.
func TestAccFaults_providerKilledMidApply(t *testing.T) {
	acctest.PreCheck(t)
	providerDir := buildProvider(t)
	tf := newTerraformRun(t, providerDir)
	name := acctest.RegistryName("killed")
	pem := acctest.CA(t)
	// The operator stand-in leaves the registry un-ready, so the apply waits.
	acctest.Cluster.StandIn.Ignore(acctest.Namespace, name)
	t.Cleanup(func() {
		// A failed run must not leave its registry to the tests that follow.
		acctest.Cluster.StandIn.Unignore(acctest.Namespace, name)
		ctx := context.Background()
		_ = acctest.Cluster.Client.Delete(ctx, registry.GroupVersionResource, acctest.Namespace, name, "")
		_ = acctest.Cluster.Client.Delete(ctx, kube.Secrets, acctest.Namespace, registry.PasswordSecretName(name), "")
		_ = acctest.Cluster.Client.Delete(ctx, kube.ConfigMaps, acctest.Namespace, registry.CAConfigMapName(name), "")
	})
	tf.writeConfig(fmt.Sprintf(`
provider "openshiftai" {
  config_path          = %[1]q
  registries_namespace = %[2]q
}
`, acctest.Cluster.ControlPlane.KubeconfigPath, acctest.Namespace) + acctest.RegistryConfig(name, "Killed", fmt.Sprintf("  ca_certificate { pem = %q }", pem)))

	apply := tf.command("apply", "-auto-approve", "-no-color")
	var output bytes.Buffer
	apply.Stdout, apply.Stderr = &output, &output
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	applyDone := make(chan error, 1)
	go func() { applyDone <- apply.Wait() }()
	ctx := context.Background()
	killed := false
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && !killed; time.Sleep(100 * time.Millisecond) {
		obj, err := acctest.Cluster.Client.Get(ctx, registry.GroupVersionResource, acctest.Namespace, name)
		if err != nil {
			continue
		}
		// The registry is the last write before the wait; the password Secret,
		// written first, carries the create mark until the create is done.
		secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(ctx, registry.PasswordSecretName(name), metav1.GetOptions{})
		if err != nil || secret.Annotations[registry.AnnotationCreatePending] == "" {
			t.Fatalf("registry %s exists, but its password Secret is not marked as created by an unfinished create (%v): %v", name, err, secret.GetAnnotations())
		}
		if len(secret.OwnerReferences) != 0 {
			t.Fatalf("the Secret has owner references %v before the wait for readiness ended", secret.OwnerReferences)
		}
		pid := childProvider(apply.Process.Pid)
		if pid == 0 {
			t.Fatalf("the provider process of terraform (pid %d) was not found", apply.Process.Pid)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		t.Logf("killed provider pid %d while registry %s (uid %s) waited for readiness", pid, name, obj.GetUID())
		killed = true
	}
	if !killed {
		_ = apply.Process.Kill()
		t.Fatalf("the registry never reached the wait for readiness; terraform said:\n%s", output.String())
	}
	select {
	case err := <-applyDone:
		if err == nil {
			t.Fatalf("terraform apply succeeded although its provider was killed:\n%s", output.String())
		}
	case <-time.After(time.Minute):
		_ = apply.Process.Kill()
		t.Fatalf("terraform did not end after its provider was killed:\n%s", output.String())
	}
	firstUID := acctest.GetRegistry(t, name).GetUID()

	// The operator comes back; the next apply converges.
	acctest.Cluster.StandIn.Unignore(acctest.Namespace, name)
	out := tf.run("apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, "Adopting an interrupted create") {
		t.Errorf("the second apply does not say it adopts the registry:\n%s", out)
	}
	checkOwnedObjects(t, name)
	adopted := acctest.GetRegistry(t, name)
	if uid := adopted.GetUID(); uid != firstUID {
		t.Errorf("the registry was recreated (uid %s, was %s); it should have been adopted", uid, firstUID)
	}
	if _, marked := adopted.GetAnnotations()[registry.AnnotationCreatePending]; marked {
		t.Errorf("the adopted registry has %s", registry.AnnotationCreatePending)
	}
	if secret, err := acctest.Cluster.Typed.CoreV1().Secrets(acctest.Namespace).Get(ctx, registry.PasswordSecretName(name), metav1.GetOptions{}); err != nil {
		t.Error(err)
	} else if _, marked := secret.Annotations[registry.AnnotationCreatePending]; marked {
		t.Errorf("the adopted registry's password Secret keeps %s", registry.AnnotationCreatePending)
	}

	state := tf.run("state", "list")
	if strings.TrimSpace(state) != "openshiftai_model_registry.test" {
		t.Errorf("state lists %q, want the one registry", state)
	}
	show := tf.run("show", "-no-color")
	obj := acctest.GetRegistry(t, name)
	for _, want := range []string{`uid`, string(obj.GetUID()), `ready`} {
		if !strings.Contains(show, want) {
			t.Errorf("terraform show lacks %q:\n%s", want, show)
		}
	}
	if plan, err := tf.try("plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Errorf("the plan after recovery is not empty (%v):\n%s", err, plan)
	}
	tf.run("destroy", "-auto-approve", "-no-color")
	checkNoObjects(t, name)
}

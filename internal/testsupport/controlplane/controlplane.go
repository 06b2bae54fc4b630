// Package controlplane runs a local etcd, kube-apiserver and kube-controller-manager for the
// provider's tests and installs the OpenShift AI fixtures the provider expects (the ModelRegistry,
// Group, DataScienceCluster and Route CRDs, the registries namespace and its trusted CA bundle).
//
// The controller manager runs the controllers a real cluster applies to the provider's objects:
// the garbage collector (owner references cascade), Deployments and ReplicaSets, Endpoints and
// EndpointSlices, namespace deletion and service accounts. There is no scheduler and no kubelet:
// package node stands in for one node (it binds Pods and reports them Running and Ready), and
// package router admits Routes as the OpenShift router does.
//
// It is test support: production code never imports it. Pair it with package standin, which
// plays the model-registry operator.
package controlplane

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/node"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane/router"
)

// Options configure Start. The zero value is ready to use.
type Options struct {
	// Dir holds the data, certificates, kubeconfigs and logs; a new temporary directory when empty.
	Dir string
	// KeepDir keeps Dir after Stop, for reading the logs.
	KeepDir bool
	// StartTimeout bounds the wait for /readyz; 2 minutes when zero.
	StartTimeout time.Duration
	// CRDDir overrides OPENSHIFTAI_TEST_CRD_DIR: a directory whose ModelRegistry CRD replaces the fixture.
	CRDDir string
	// Kubeconfig overrides OPENSHIFTAI_TEST_KUBECONFIG: use this cluster instead of starting one.
	Kubeconfig string
	// ExtraAPIServerFlags are appended to the kube-apiserver command line.
	ExtraAPIServerFlags []string
	// NoSignalHandler leaves SIGINT, SIGTERM and SIGHUP alone. By default the first Start installs
	// a handler that kills every running control plane, removes its directory, and then lets the
	// signal terminate the process as it would have.
	NoSignalHandler bool
	// Logf reports progress (for example t.Logf); silent when nil.
	Logf func(format string, args ...any)
	// NoControllers starts neither kube-controller-manager nor the node and router stand-ins:
	// an API server alone, where owner references do not cascade and no Pod runs.
	NoControllers bool
	// NoGatewayAPI leaves out the Gateway API CRDs (HTTPRoute, ReferenceGrant): a cluster before
	// OpenShift 4.19, where operator v0.3.14 cannot finalize a registry.
	NoGatewayAPI bool
}

// ControlPlane is a running local control plane, or an existing cluster with the fixtures installed.
type ControlPlane struct {
	// KubeconfigPath is an admin kubeconfig (system:masters, or the external cluster's kubeconfig).
	KubeconfigPath string
	// RESTConfig is the admin client configuration, with client-side rate limiting raised for tests.
	RESTConfig *rest.Config
	// Dir is the working directory (see Options.Dir).
	Dir string
	// External is true when the cluster came from OPENSHIFTAI_TEST_KUBECONFIG; Stop then leaves it running.
	External bool

	// CA signs the API server's serving certificate and the client certificates it accepts.
	// Nil on an external cluster.
	CA *KeyPair
	// ClusterBundleCA is the CA in odh-trusted-ca-bundle key ca-bundle.crt; it has its key so
	// tests can issue server certificates a registry would trust.
	ClusterBundleCA *KeyPair
	// OpenShiftBundleCA is the CA in odh-trusted-ca-bundle key odh-ca-bundle.crt.
	OpenShiftBundleCA *KeyPair

	opts              Options
	etcd              *process
	apiserver         *process
	controllerManager *process
	node              *node.Node
	router            *router.Router
	kubeconfigSeq     int
	stopOnce          sync.Once
	stopErr           error
	mu                sync.Mutex
}

const (
	defaultStartTimeout = 2 * time.Minute
	adminUser           = "openshiftai-test-admin"
	clusterName         = "openshiftai-local"
)

// Start starts etcd and kube-apiserver on free loopback ports, installs the fixtures, then starts
// kube-controller-manager, the node stand-in and the router stand-in and waits until they act.
// With OPENSHIFTAI_TEST_KUBECONFIG (Options.Kubeconfig) set it only installs the fixtures into
// that cluster, which has controllers of its own. Always call Stop.
func Start(ctx context.Context, opts Options) (*ControlPlane, error) {
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = defaultStartTimeout
	}
	if opts.CRDDir == "" {
		opts.CRDDir = os.Getenv(EnvCRDDir)
	}
	if opts.Kubeconfig == "" {
		opts.Kubeconfig = os.Getenv(EnvKubeconfig)
	}
	if opts.Kubeconfig != "" {
		return startExternal(ctx, opts)
	}

	binDir, err := EnsureBinaries(ctx, opts.Logf)
	if err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "openshiftai-controlplane-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cp := &ControlPlane{Dir: dir, opts: opts}
	if !opts.NoSignalHandler {
		registerForSignals(cp)
	}
	if err := cp.startLocal(ctx, binDir); err != nil {
		cp.stopAfterFailedStart()
		return nil, err
	}
	if err := cp.installFixtures(ctx); err != nil {
		cp.stopAfterFailedStart()
		return nil, err
	}
	if !opts.NoControllers {
		if err := cp.startControllers(ctx, binDir); err != nil {
			cp.stopAfterFailedStart()
			return nil, err
		}
	}
	return cp, nil
}

// startControllers starts what a cluster runs beside the API server. It comes after the fixtures,
// so the garbage collector knows their CRDs from its first sync instead of its next one (30 s).
func (cp *ControlPlane) startControllers(ctx context.Context, binDir string) error {
	if err := cp.startControllerManager(ctx, binDir, filepath.Join(cp.Dir, "pki")); err != nil {
		return err
	}
	var err error
	if cp.node, err = node.Start(ctx, cp.RESTConfig, node.Options{Logf: cp.opts.Logf}); err != nil {
		return err
	}
	cp.router, err = router.Start(ctx, cp.RESTConfig, router.Options{Domain: AppsDomain, Logf: cp.opts.Logf})
	return err
}

func startExternal(ctx context.Context, opts Options) (*ControlPlane, error) {
	config, err := clientcmd.BuildConfigFromFlags("", opts.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", EnvKubeconfig, opts.Kubeconfig, err)
	}
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "openshiftai-controlplane-"); err != nil {
			return nil, err
		}
	}
	cp := &ControlPlane{
		KubeconfigPath: opts.Kubeconfig,
		RESTConfig:     withTestRateLimits(config),
		Dir:            dir,
		External:       true,
		opts:           opts,
	}
	if err := cp.installFixtures(ctx); err != nil {
		cp.stopAfterFailedStart()
		return nil, err
	}
	return cp, nil
}

// stopAfterFailedStart stops what a failed Start got running. The start error is what the
// caller gets; a failure to clean up is only logged, so it cannot hide that error.
func (cp *ControlPlane) stopAfterFailedStart() {
	if err := cp.Stop(); err != nil {
		cp.opts.Logf("control plane: cleaning up after a failed start: %v", err)
	}
}

// withTestRateLimits lifts client-go's default 5 requests per second, which would make
// tests that create hundreds of objects crawl.
func withTestRateLimits(config *rest.Config) *rest.Config {
	config = rest.CopyConfig(config)
	config.QPS = 1000
	config.Burst = 2000
	return config
}

func (cp *ControlPlane) startLocal(ctx context.Context, binDir string) error {
	var err error
	if cp.CA, err = NewCA("openshiftai-local-cluster-ca"); err != nil {
		return err
	}
	serving, err := cp.CA.IssueServing("kube-apiserver", []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		return err
	}
	admin, err := cp.CA.IssueClient(adminUser, "system:masters")
	if err != nil {
		return err
	}
	saPrivate, saPublic, err := newServiceAccountKeys()
	if err != nil {
		return err
	}
	pki := filepath.Join(cp.Dir, "pki")
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return err
	}
	if err := writeFiles(map[string][]byte{
		filepath.Join(pki, "ca.crt"): cp.CA.CertPEM, filepath.Join(pki, "serving.crt"): serving.CertPEM,
		filepath.Join(pki, "serving.key"): serving.KeyPEM, filepath.Join(pki, "sa.key"): saPrivate,
		filepath.Join(pki, "sa.pub"): saPublic,
	}); err != nil {
		return err
	}

	// A free port can be taken between picking it and binding it (parallel test packages
	// pick at the same time), so a start that loses that race is retried on new ports.
	const attempts = 3
	for attempt := 1; ; attempt++ {
		port, err := cp.launch(ctx, binDir, pki)
		if err == nil {
			return cp.writeAdminKubeconfig(port, admin)
		}
		if attempt == attempts || !errors.Is(err, errPortTaken) {
			return err
		}
		cp.opts.Logf("control plane start attempt %d lost a port race, retrying: %v", attempt, err)
	}
}

var errPortTaken = errors.New("port already in use")

// writeFiles writes each path's content, readable by this user only (keys among them).
func writeFiles(files map[string][]byte) error {
	for path, content := range files {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// launch starts etcd and kube-apiserver and waits until /readyz answers ok.
func (cp *ControlPlane) launch(ctx context.Context, binDir, pki string) (apiserverPort int, err error) {
	ports, err := freePorts(3)
	if err != nil {
		return 0, err
	}
	etcdClientPort, etcdPeerPort, apiserverPort := ports[0], ports[1], ports[2]
	etcdClientURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClientPort)
	etcdPeerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeerPort)
	dataDir := filepath.Join(cp.Dir, "etcd")
	os.RemoveAll(dataDir) // a failed attempt may have left a member with other URLs

	cp.etcd, err = startProcess("etcd", filepath.Join(binDir, etcdBinary), []string{
		"--name=default",
		"--data-dir=" + dataDir,
		"--listen-client-urls=" + etcdClientURL,
		"--advertise-client-urls=" + etcdClientURL,
		"--listen-peer-urls=" + etcdPeerURL,
		"--initial-advertise-peer-urls=" + etcdPeerURL,
		"--initial-cluster=default=" + etcdPeerURL,
		"--unsafe-no-fsync=true", // test data: durability is not worth the disk latency
		"--log-level=warn",
	}, filepath.Join(cp.Dir, "etcd.log"))
	if err != nil {
		return 0, err
	}

	serverURL := fmt.Sprintf("https://127.0.0.1:%d", apiserverPort)
	args := []string{
		"--advertise-address=127.0.0.1",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(apiserverPort),
		"--etcd-servers=" + etcdClientURL,
		"--cert-dir=" + filepath.Join(cp.Dir, "apiserver-certs"),
		"--tls-cert-file=" + filepath.Join(pki, "serving.crt"),
		"--tls-private-key-file=" + filepath.Join(pki, "serving.key"),
		"--client-ca-file=" + filepath.Join(pki, "ca.crt"),
		"--service-account-issuer=" + serverURL,
		"--service-account-key-file=" + filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file=" + filepath.Join(pki, "sa.key"),
		// Room for a Service per registry of a 1000-registry benchmark and more (a /24 holds 254).
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=RBAC",
		// The lease reconciler would publish 127.0.0.1 in the kubernetes Service's endpoints,
		// which the API server refuses; nothing here needs that Service to route.
		"--endpoint-reconciler-type=none",
		// Priority and fairness costs goroutines and CPU that a 2-core machine needs elsewhere.
		"--enable-priority-and-fairness=false",
		"--allow-privileged=true",
	}
	args = append(args, cp.opts.ExtraAPIServerFlags...)
	cp.apiserver, err = startProcess("kube-apiserver", filepath.Join(binDir, apiserverBinary), args,
		filepath.Join(cp.Dir, "kube-apiserver.log"))
	if err != nil {
		if stopErr := cp.etcd.stop(time.Second); stopErr != nil {
			cp.opts.Logf("control plane: stopping etcd after kube-apiserver failed to start: %v", stopErr)
		}
		return 0, err
	}
	cp.opts.Logf("control plane: etcd pid %d on %s, kube-apiserver pid %d on %s, dir %s",
		cp.etcd.pid(), etcdClientURL, cp.apiserver.pid(), serverURL, cp.Dir)

	if err := cp.waitReady(ctx, serverURL, pki); err != nil {
		if stopErr := errors.Join(cp.apiserver.stop(2*time.Second), cp.etcd.stop(2*time.Second)); stopErr != nil {
			cp.opts.Logf("control plane: stopping etcd and kube-apiserver after they did not become ready: %v", stopErr)
		}
		return 0, err
	}
	return apiserverPort, nil
}

func (cp *ControlPlane) waitReady(ctx context.Context, serverURL, pki string) error {
	ca, err := os.ReadFile(filepath.Join(pki, "ca.crt"))
	if err != nil {
		return err
	}
	admin, err := cp.CA.IssueClient(adminUser, "system:masters")
	if err != nil {
		return err
	}
	probe := &rest.Config{
		Host:            serverURL,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca, CertData: admin.CertPEM, KeyData: admin.KeyPEM},
		Timeout:         5 * time.Second,
	}
	client, err := kubernetes.NewForConfig(probe)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cp.opts.StartTimeout)
	defer cancel()
	start := time.Now()
	var lastErr error
	for {
		for _, p := range []*process{cp.etcd, cp.apiserver} {
			if p.hasExited() {
				tail := logTail(p.logPath)
				if strings.Contains(tail, "address already in use") {
					return fmt.Errorf("%s exited: %w", p.name, errPortTaken)
				}
				return fmt.Errorf("%s exited before the API server was ready (%v); last lines of %s:\n%s",
					p.name, p.waitErr, p.logPath, tail)
			}
		}
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			cp.opts.Logf("control plane ready in %s", time.Since(start).Round(10*time.Millisecond))
			return nil
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready after %s (last probe error: %v); last lines of %s:\n%s",
				time.Since(start).Round(time.Second), lastErr, cp.apiserver.logPath, logTail(cp.apiserver.logPath))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (cp *ControlPlane) writeAdminKubeconfig(port int, admin *KeyPair) error {
	path := filepath.Join(cp.Dir, "kubeconfig")
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	if err := writeKubeconfig(path, server, cp.CA.CertPEM, adminUser, func(a *clientcmdapi.AuthInfo) {
		a.ClientCertificateData, a.ClientKeyData = admin.CertPEM, admin.KeyPEM
	}); err != nil {
		return err
	}
	config, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return err
	}
	cp.KubeconfigPath = path
	cp.RESTConfig = withTestRateLimits(config)
	return nil
}

func writeKubeconfig(path, server string, caPEM []byte, user string, auth func(*clientcmdapi.AuthInfo)) error {
	config := clientcmdapi.NewConfig()
	cluster := clientcmdapi.NewCluster()
	cluster.Server = server
	cluster.CertificateAuthorityData = caPEM
	config.Clusters[clusterName] = cluster
	authInfo := clientcmdapi.NewAuthInfo()
	auth(authInfo)
	config.AuthInfos[user] = authInfo
	kubeContext := clientcmdapi.NewContext()
	kubeContext.Cluster = clusterName
	kubeContext.AuthInfo = user
	config.Contexts[user] = kubeContext
	config.CurrentContext = user
	return clientcmd.WriteToFile(*config, path)
}

// UserKubeconfig writes a kubeconfig for user in groups and returns its path. On the local
// control plane it holds a client certificate signed by the cluster CA (CN=user, O=groups);
// on an external cluster it holds the admin credentials impersonating user and groups.
// Either way the API server authenticates user, groups and system:authenticated.
func (cp *ControlPlane) UserKubeconfig(user string, groups ...string) (string, error) {
	cp.mu.Lock()
	cp.kubeconfigSeq++
	path := filepath.Join(cp.Dir, fmt.Sprintf("kubeconfig-%d-%s", cp.kubeconfigSeq, fileSafe(user)))
	cp.mu.Unlock()

	if cp.External {
		raw, err := clientcmd.LoadFromFile(cp.KubeconfigPath)
		if err != nil {
			return "", err
		}
		current := raw.Contexts[raw.CurrentContext]
		if current == nil || raw.AuthInfos[current.AuthInfo] == nil {
			return "", fmt.Errorf("%s: no current context with credentials to impersonate %q from", cp.KubeconfigPath, user)
		}
		auth := raw.AuthInfos[current.AuthInfo]
		auth.Impersonate, auth.ImpersonateGroups = user, groups
		if err := clientcmdapi.FlattenConfig(raw); err != nil {
			return "", err
		}
		return path, clientcmd.WriteToFile(*raw, path)
	}

	cert, err := cp.CA.IssueClient(user, groups...)
	if err != nil {
		return "", err
	}
	return path, writeKubeconfig(path, cp.RESTConfig.Host, cp.CA.CertPEM, user, func(a *clientcmdapi.AuthInfo) {
		a.ClientCertificateData, a.ClientKeyData = cert.CertPEM, cert.KeyPEM
	})
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// PIDs are the process ids of etcd, kube-apiserver and kube-controller-manager, in that order
// (none on an external cluster, no manager with Options.NoControllers).
func (cp *ControlPlane) PIDs() []int {
	var pids []int
	for _, p := range []*process{cp.etcd, cp.apiserver, cp.controllerManager} {
		if p != nil && p.cmd.Process != nil {
			pids = append(pids, p.pid())
		}
	}
	return pids
}

// APIServerLog is the path of kube-apiserver's log (empty on an external cluster).
func (cp *ControlPlane) APIServerLog() string { return filepath.Join(cp.Dir, "kube-apiserver.log") }

// EtcdLog is the path of etcd's log (empty on an external cluster).
func (cp *ControlPlane) EtcdLog() string { return filepath.Join(cp.Dir, "etcd.log") }

// ControllerManagerLog is the path of kube-controller-manager's log.
func (cp *ControlPlane) ControllerManagerLog() string {
	return filepath.Join(cp.Dir, controllerManagerBinary+".log")
}

// NodeName is the node the node stand-in registers and binds Pods to (empty when none runs).
func (cp *ControlPlane) NodeName() string {
	if cp.node == nil {
		return ""
	}
	return cp.node.Name()
}

// Stop stops the router and node stand-ins, kube-controller-manager, kube-apiserver and etcd,
// waits until they are gone and removes Dir unless Options.KeepDir. On an external cluster it
// removes only Dir: the fixtures stay, because other test binaries may share them.
func (cp *ControlPlane) Stop() error {
	cp.stopOnce.Do(func() {
		unregisterForSignals(cp)
		var errs []error
		if cp.router != nil {
			cp.router.Stop()
		}
		if cp.node != nil {
			cp.node.Stop()
		}
		if cp.controllerManager != nil {
			errs = append(errs, cp.controllerManager.stop(5*time.Second))
		}
		if cp.apiserver != nil {
			errs = append(errs, cp.apiserver.stop(5*time.Second))
		}
		if cp.etcd != nil {
			errs = append(errs, cp.etcd.stop(5*time.Second))
		}
		if !cp.opts.KeepDir && cp.Dir != "" {
			errs = append(errs, os.RemoveAll(cp.Dir))
		}
		cp.stopErr = errors.Join(errs...)
	})
	return cp.stopErr
}

// killNow is the signal handler's Stop: no waiting, no errors.
func (cp *ControlPlane) killNow() {
	cp.controllerManager.killNow()
	cp.apiserver.killNow()
	cp.etcd.killNow()
	if !cp.opts.KeepDir && cp.Dir != "" {
		os.RemoveAll(cp.Dir)
	}
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		listeners = append(listeners, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, fmt.Errorf("find a free port: listener address %v is a %T, not a TCP address", l.Addr(), l.Addr())
		}
		ports = append(ports, addr.Port)
	}
	return ports, nil
}

// logTail is the end of a log, enough to show why a process failed.
func logTail(path string) string {
	const lines = 30
	content, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	all := strings.Split(strings.TrimRight(string(content), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

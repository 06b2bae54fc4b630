package controlplane

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/kubernetes"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ControllerManagerUser is the user kube-controller-manager authenticates as. Its client
// certificate also puts it in system:masters: with --use-service-account-credentials=false every
// controller acts as this one user, and the bootstrap role system:kube-controller-manager only
// grants what is needed to mint per-controller identities, not the garbage collector's delete of
// any kind (custom resources included).
const ControllerManagerUser = "system:kube-controller-manager"

// controllers are the kube-controller-manager controllers that give the provider's objects what a
// real cluster gives them. Left out on purpose: node-lifecycle-controller (no kubelet heartbeats
// here, it would mark the node stand-in NotReady and evict its pods), taint-eviction-controller
// (no taints to act on), node-ipam-controller (the node stand-in owns its pod range), the
// persistent-volume, attach-detach and cloud controllers (no storage, no cloud), and everything
// whose objects the provider never makes (jobs, cronjobs, daemonsets, statefulsets, quotas,
// certificate signing, bootstrap tokens).
var controllers = []string{
	"garbage-collector-controller",             // owner references cascade, foreground and background
	"deployment-controller",                    // Deployments make ReplicaSets
	"replicaset-controller",                    // ReplicaSets make Pods
	"endpoints-controller",                     // Services get Endpoints of ready Pods
	"endpointslice-controller",                 // ... and EndpointSlices
	"namespace-controller",                     // namespace deletion empties the namespace and completes
	"serviceaccount-controller",                // every namespace gets its "default" ServiceAccount
	"serviceaccount-token-controller",          // service-account-token Secrets get their token
	"root-ca-certificate-publisher-controller", // every namespace gets the kube-root-ca.crt ConfigMap
	"clusterrole-aggregation-controller",       // admin, edit and view get the rules aggregated into them
}

// startControllerManager runs kube-controller-manager against the API server and waits until it
// is healthy and its garbage collector acts, so that no test races its start.
func (cp *ControlPlane) startControllerManager(ctx context.Context, binDir, pki string) error {
	start := time.Now()
	cert, err := cp.CA.IssueClient(ControllerManagerUser, "system:masters")
	if err != nil {
		return err
	}
	kubeconfig := filepath.Join(cp.Dir, "kube-controller-manager.kubeconfig")
	if err := writeKubeconfig(kubeconfig, cp.RESTConfig.Host, cp.CA.CertPEM, ControllerManagerUser, func(a *clientcmdapi.AuthInfo) {
		a.ClientCertificateData, a.ClientKeyData = cert.CertPEM, cert.KeyPEM
	}); err != nil {
		return err
	}
	serving, err := cp.CA.IssueServing(controllerManagerBinary, []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		return err
	}
	servingCert, servingKey := filepath.Join(pki, "kube-controller-manager.crt"), filepath.Join(pki, "kube-controller-manager.key")
	if err := writeFiles(map[string][]byte{servingCert: serving.CertPEM, servingKey: serving.KeyPEM}); err != nil {
		return err
	}

	// The port is picked before the process binds it, so a start that loses that race to a
	// parallel test package is retried on another port.
	const attempts = 3
	for attempt := 1; ; attempt++ {
		ports, err := freePorts(1)
		if err != nil {
			return err
		}
		cp.controllerManager, err = startProcess(controllerManagerBinary, filepath.Join(binDir, controllerManagerBinary), []string{
			"--kubeconfig=" + kubeconfig,
			"--authentication-kubeconfig=" + kubeconfig,
			"--authorization-kubeconfig=" + kubeconfig,
			"--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(ports[0]),
			"--tls-cert-file=" + servingCert,
			"--tls-private-key-file=" + servingKey,
			"--leader-elect=false", // one manager, and no lease round trips before it starts
			"--controllers=" + strings.Join(controllers, ","),
			"--use-service-account-credentials=false",
			"--service-account-private-key-file=" + filepath.Join(pki, "sa.key"),
			"--root-ca-file=" + filepath.Join(pki, "ca.crt"),
			// The default 20 requests per second is a client-side throttle that would make tests
			// with hundreds of Deployments wait on the manager instead of on the API server.
			"--kube-api-qps=500",
			"--kube-api-burst=1000",
			"--profiling=false",
		}, filepath.Join(cp.Dir, controllerManagerBinary+".log"))
		if err != nil {
			return err
		}
		cp.opts.Logf("control plane: kube-controller-manager pid %d, health on https://127.0.0.1:%d/healthz", cp.controllerManager.pid(), ports[0])
		err = cp.waitControllerManagerHealthy(ctx, ports[0])
		if err == nil {
			break
		}
		if stopErr := cp.controllerManager.stop(2 * time.Second); stopErr != nil {
			cp.opts.Logf("control plane: stopping kube-controller-manager after it did not become healthy: %v", stopErr)
		}
		if attempt == attempts || !errors.Is(err, errPortTaken) {
			return err
		}
		cp.opts.Logf("kube-controller-manager start attempt %d lost a port race, retrying: %v", attempt, err)
	}
	healthy := time.Since(start)
	if err := cp.waitGarbageCollector(ctx); err != nil {
		return err
	}
	if err := cp.waitDefaultServiceAccounts(ctx); err != nil {
		return err
	}
	cp.opts.Logf("kube-controller-manager healthy in %s, its controllers acting in %s",
		healthy.Round(10*time.Millisecond), time.Since(start).Round(10*time.Millisecond))
	return nil
}

// waitControllerManagerHealthy polls the manager's /healthz, which answers without credentials.
func (cp *ControlPlane) waitControllerManagerHealthy(ctx context.Context, port int) error {
	roots := x509.NewCertPool()
	roots.AddCert(cp.CA.Certificate())
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}},
	}
	defer client.CloseIdleConnections()
	url := fmt.Sprintf("https://127.0.0.1:%d/healthz", port)
	ctx, cancel := context.WithTimeout(ctx, cp.opts.StartTimeout)
	defer cancel()
	var lastErr error
	for {
		if p := cp.controllerManager; p.hasExited() {
			tail := logTail(p.logPath)
			if strings.Contains(tail, "address already in use") {
				return fmt.Errorf("%s exited: %w", p.name, errPortTaken)
			}
			return fmt.Errorf("%s exited before it was healthy (%v); last lines of %s:\n%s", p.name, p.waitErr, p.logPath, tail)
		}
		lastErr = probeHealthz(ctx, client, url)
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-controller-manager not healthy after %s (last probe: %v); last lines of %s:\n%s",
				cp.opts.StartTimeout, lastErr, cp.controllerManager.logPath, logTail(cp.controllerManager.logPath))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func probeHealthz(ctx context.Context, client *http.Client, url string) error {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	response, err := client.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, 4096))
	if err != nil {
		return err
	}
	if response.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("%s: %s %s", url, response.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// waitGarbageCollector deletes a throwaway owner and waits until the garbage collector has
// deleted its dependent: /healthz is ok before the collector's informers have synced.
func (cp *ControlPlane) waitGarbageCollector(ctx context.Context) error {
	client, err := kubernetes.NewForConfig(cp.RESTConfig)
	if err != nil {
		return err
	}
	configMaps := client.CoreV1().ConfigMaps(metav1.NamespaceSystem)
	name := "openshiftai-gc-probe-" + rand.String(6)
	owner, err := configMaps.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("garbage collector probe: %w", err)
	}
	dependent := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Name: name + "-dependent",
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID,
		}},
	}}
	if _, err := configMaps.Create(ctx, dependent, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("garbage collector probe: %w", err)
	}
	if err := configMaps.Delete(ctx, owner.Name, metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("garbage collector probe: %w", err)
	}
	return cp.poll(ctx, "the garbage collector to delete ConfigMap kube-system/"+dependent.Name+" after its owner", func() error {
		_, err := configMaps.Get(ctx, dependent.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return errors.New("still there")
	})
}

// waitDefaultServiceAccounts waits for the "default" ServiceAccount of the fixtures' namespaces:
// without it the API server refuses Pods there.
func (cp *ControlPlane) waitDefaultServiceAccounts(ctx context.Context) error {
	client, err := kubernetes.NewForConfig(cp.RESTConfig)
	if err != nil {
		return err
	}
	for _, namespace := range []string{metav1.NamespaceDefault, RegistriesNamespace} {
		err := cp.poll(ctx, "ServiceAccount "+namespace+"/default", func() error {
			_, err := client.CoreV1().ServiceAccounts(namespace).Get(ctx, "default", metav1.GetOptions{})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// poll calls check until it returns nil, failing after Options.StartTimeout with check's last
// error and the end of the manager's log.
func (cp *ControlPlane) poll(ctx context.Context, what string, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, cp.opts.StartTimeout)
	defer cancel()
	for {
		err := check()
		if err == nil {
			return nil
		}
		if cp.controllerManager.hasExited() {
			return fmt.Errorf("kube-controller-manager exited (%v) while waiting for %s; last lines of %s:\n%s",
				cp.controllerManager.waitErr, what, cp.controllerManager.logPath, logTail(cp.controllerManager.logPath))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waited %s for %s (last: %v); last lines of %s:\n%s", cp.opts.StartTimeout, what, err,
				cp.controllerManager.logPath, logTail(cp.controllerManager.logPath))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Package kube talks to the Kubernetes API server for the provider: client
// construction from the provider settings, server-side apply under one field
// manager, reads, deletes, waits and error messages a person can act on.
package kube

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Default client-side rate limits. A 1000-resource apply at Terraform's default
// parallelism of 10 sends a few hundred requests a second at its peak, so the
// limits sit well above that: the API server's own priority and fairness, not
// the provider, decides what a cluster can take.
const (
	DefaultQPS   float32 = 1000
	DefaultBurst int     = 2000
)

// ExecConfig runs a credential plugin, as a kubeconfig's exec section does.
type ExecConfig struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// Config is how to reach the cluster: the attributes of the provider block
// after environment fallbacks, in the shape of the hashicorp/kubernetes provider.
type Config struct {
	ConfigPath           string
	ConfigPaths          []string
	ConfigContext        string
	ConfigContextUser    string
	ConfigContextCluster string
	Host                 string
	Token                string
	ClientCertificate    string
	ClientKey            string
	ClusterCACertificate string
	Insecure             bool
	TLSServerName        string
	ProxyURL             string
	Exec                 *ExecConfig
	QPS                  float32
	Burst                int
	UserAgent            string
	// Credential names the setting that supplied the credential (never the
	// credential itself), so that a 401 says which one to renew.
	Credential string
}

// inClusterEnv is set in every pod; without it rest.InClusterConfig cannot work.
const inClusterEnv = "KUBERNETES_SERVICE_HOST"

// RESTConfig builds the client configuration with clientcmd. Explicit
// attributes override what the kubeconfig says; with nothing configured inside
// a pod, the pod's service account is used.
func (c Config) RESTConfig() (*rest.Config, error) {
	paths, err := c.kubeconfigPaths()
	if err != nil {
		return nil, err
	}
	var restConfig *rest.Config
	if len(paths) == 0 && c.Host == "" && c.Exec == nil && os.Getenv(inClusterEnv) != "" {
		restConfig, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("using the pod's service account: %w", err)
		}
	} else {
		rules := &clientcmd.ClientConfigLoadingRules{Precedence: paths}
		overrides := c.overrides()
		restConfig, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			if clientcmd.IsEmptyConfig(err) {
				return nil, errors.New("no cluster is configured: set config_path (or KUBE_CONFIG_PATH) to a kubeconfig, or host with token or client certificates")
			}
			return nil, fmt.Errorf("loading the cluster configuration: %w", err)
		}
	}
	restConfig.QPS = DefaultQPS
	restConfig.Burst = DefaultBurst
	if c.QPS > 0 {
		restConfig.QPS = c.QPS
	}
	if c.Burst > 0 {
		restConfig.Burst = c.Burst
	}
	if c.UserAgent != "" {
		restConfig.UserAgent = c.UserAgent
	}
	return restConfig, nil
}

func (c Config) kubeconfigPaths() ([]string, error) {
	var raw []string
	if c.ConfigPath != "" {
		raw = append(raw, c.ConfigPath)
	}
	raw = append(raw, c.ConfigPaths...)
	paths := make([]string, 0, len(raw))
	for _, p := range raw {
		expanded, err := expandHome(p)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(expanded); err != nil {
			return nil, fmt.Errorf("kubeconfig %q cannot be read: %w", p, err)
		}
		paths = append(paths, expanded)
	}
	return paths, nil
}

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expanding %q: %w", p, err)
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
}

func (c Config) overrides() *clientcmd.ConfigOverrides {
	o := &clientcmd.ConfigOverrides{}
	o.CurrentContext = c.ConfigContext
	o.Context.AuthInfo = c.ConfigContextUser
	o.Context.Cluster = c.ConfigContextCluster
	if c.Host != "" {
		// A host without a scheme is taken as https, as kubectl does.
		o.ClusterInfo.Server = c.Host
	}
	if c.ClusterCACertificate != "" {
		o.ClusterInfo.CertificateAuthorityData = []byte(c.ClusterCACertificate)
	}
	if c.Insecure {
		o.ClusterInfo.InsecureSkipTLSVerify = true
	}
	o.ClusterInfo.TLSServerName = c.TLSServerName
	o.ClusterInfo.ProxyURL = c.ProxyURL
	if c.ClientCertificate != "" {
		o.AuthInfo.ClientCertificateData = []byte(c.ClientCertificate)
	}
	if c.ClientKey != "" {
		o.AuthInfo.ClientKeyData = []byte(c.ClientKey)
	}
	o.AuthInfo.Token = c.Token
	if c.Exec != nil {
		exec := &clientcmdapi.ExecConfig{
			APIVersion:      c.Exec.APIVersion,
			Command:         c.Exec.Command,
			Args:            c.Exec.Args,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		for _, name := range slices.Sorted(maps.Keys(c.Exec.Env)) {
			exec.Env = append(exec.Env, clientcmdapi.ExecEnvVar{Name: name, Value: c.Exec.Env[name]})
		}
		o.AuthInfo.Exec = exec
	}
	return o
}

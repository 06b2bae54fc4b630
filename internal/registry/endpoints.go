package registry

import (
	"slices"
	"strings"
)

// InClusterHosts are the Service names the operator lists in status.hosts
// after any external host: `<name>.<namespace>.svc.cluster.local`,
// `<name>.<namespace>` and `<name>`.
func InClusterHosts(name, namespace string) []string {
	return []string{name + "." + namespace + ".svc.cluster.local", name + "." + namespace, name}
}

// ExternalHost is the first host of status.hosts that is not one of the
// registry's in-cluster Service names: the gateway host with its path
// (`<gateway domain>/model-registry/<name>`) in gateway mode, else the Route
// host of the auth proxy (`<name>-rest.<apps domain>`). It is "" while the
// operator lists no external host: before it has reconciled the registry, or
// when the registry has no proxy Route (no auth proxy, or its route disabled).
func ExternalHost(name, namespace string, hosts []string) string {
	internal := InClusterHosts(name, namespace)
	for _, host := range hosts {
		host = strings.TrimSpace(host)
		if host == "" || slices.Contains(internal, host) {
			continue
		}
		return host
	}
	return ""
}

// RESTURL is the registry's external REST URL, `https://<host>[/<path>]` of
// ExternalHost: the Route and the gateway both serve HTTPS on 443. It is ""
// when there is no external host.
func RESTURL(name, namespace string, hosts []string) string {
	host := ExternalHost(name, namespace, hosts)
	if host == "" {
		return ""
	}
	// A gateway host carries a path; the URL keeps it and ends without a slash.
	return "https://" + strings.TrimRight(host, "/")
}

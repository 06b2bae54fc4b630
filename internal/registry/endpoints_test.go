package registry

import "testing"

func TestRESTURLInEveryMode(t *testing.T) {
	const name, namespace = "fraud", "rhoai-model-registries"
	internal := InClusterHosts(name, namespace)
	for _, tc := range []struct {
		mode  string
		hosts []string
		want  string
	}{
		{"auth proxy with its Route (v0.3.8 and later)",
			append([]string{"fraud-rest.apps.example.com"}, internal...), "https://fraud-rest.apps.example.com"},
		{"gateway mode: the gateway host keeps its path, the Route follows",
			append([]string{"gateway.example.com/model-registry/fraud", "fraud-rest.apps.example.com"}, internal...),
			"https://gateway.example.com/model-registry/fraud"},
		{"gateway host written with a trailing slash",
			append([]string{"gateway.example.com/model-registry/fraud/"}, internal...), "https://gateway.example.com/model-registry/fraud"},
		{"no auth proxy, or its route disabled: in-cluster names only", internal, ""},
		{"not reconciled yet: no hosts", nil, ""},
		{"the registry name alone", []string{name}, ""},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			if got := RESTURL(name, namespace, tc.hosts); got != tc.want {
				t.Errorf("RESTURL(%q) = %q, want %q", tc.hosts, got, tc.want)
			}
		})
	}
}

// A Service name of another registry's namespace is not this registry's: the
// operator lists only its own, so anything else is external.
func TestExternalHostIsNotAnInClusterNameOfThisRegistry(t *testing.T) {
	hosts := []string{"fraud.other-namespace", "fraud.rhoai-model-registries", "fraud"}
	if got := ExternalHost("fraud", "rhoai-model-registries", hosts); got != "fraud.other-namespace" {
		t.Errorf("ExternalHost = %q, want fraud.other-namespace", got)
	}
}

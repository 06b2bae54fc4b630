package kube

import (
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// A 401 names the setting that supplied the credential and how to renew it.
func TestExplainUnauthorizedNamesTheCredential(t *testing.T) {
	rejected := apierrors.NewUnauthorized("Unauthorized")
	cases := []struct {
		credential string
		want       []string
	}{
		{"the token argument of the provider block", []string{
			"401 Unauthorized", "modelregistries.modelregistry.opendatahub.io rhoai-model-registries/fraud",
			"The credential came from the token argument of the provider block.", "dynamic credentials", "Start the run again", "exec block",
		}},
		{"the KUBE_TOKEN environment variable (the provider's token)", []string{"came from the KUBE_TOKEN environment variable", "Start the run again"}},
		{`the exec block of the provider block (command "oc-login")`, []string{`command "oc-login"`, "run the plugin's command yourself"}},
		{"the client_certificate and client_key arguments of the provider block", []string{"issue a new one"}},
		{"", []string{"check the token, client certificate or kubeconfig of the provider block"}},
	}
	for _, tc := range cases {
		client := &Client{credential: tc.credential}
		err := client.explain(rejected, registry.GroupVersionResource, "rhoai-model-registries", "fraud")
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("credential %q: %q does not say %q", tc.credential, err, want)
			}
		}
		if !apierrors.IsUnauthorized(errors.Unwrap(err)) {
			t.Errorf("credential %q: the API error is not kept", tc.credential)
		}
	}
}

package kube

import (
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/registry"
)

// ErrNoModelRegistryAPI means the cluster serves no ModelRegistry resource.
var ErrNoModelRegistryAPI = errors.New("the cluster has no ModelRegistry API (modelregistry.opendatahub.io/v1beta1): " +
	"the model registry component of OpenShift AI is not enabled. Enable it in the DataScienceCluster " +
	"(spec.components.modelregistry.managementState: Managed, for example with " +
	"`oc patch datasciencecluster default-dsc --type merge -p '{\"spec\":{\"components\":{\"modelregistry\":{\"managementState\":\"Managed\"}}}}'`) " +
	"and wait until the operator has installed the API")

// APIError keeps the API server's error while giving a message a person can act on.
type APIError struct {
	Message string
	Err     error
}

func (e *APIError) Error() string { return e.Message }
func (e *APIError) Unwrap() error { return e.Err }

// IsMissingResourceType reports a 404 for the resource type itself rather than for one object.
func IsMissingResourceType(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || !apierrors.IsNotFound(err) {
		return false
	}
	details := status.Status().Details
	return details == nil || details.Name == ""
}

// Explain turns an API error about an object into a message that names it.
// NotFound for an existing resource type stays recognisable with apierrors.IsNotFound.
func Explain(err error, gvr schema.GroupVersionResource, namespace, name string) error {
	return explain(err, gvr, namespace, name, "")
}

// explain is Explain naming the client's credential when the API server rejects it.
func (c *Client) explain(err error, gvr schema.GroupVersionResource, namespace, name string) error {
	return explain(err, gvr, namespace, name, c.credential)
}

func explain(err error, gvr schema.GroupVersionResource, namespace, name, credential string) error {
	if err == nil {
		return nil
	}
	var already *APIError
	if errors.As(err, &already) {
		return err
	}
	object := describe(gvr, namespace, name)
	switch {
	case IsWebhookUnreachable(err):
		return &APIError{Message: webhookDown(object, err), Err: err}
	case IsMissingResourceType(err) && gvr.Group == registry.Group:
		return &APIError{Message: ErrNoModelRegistryAPI.Error(), Err: errors.Join(ErrNoModelRegistryAPI, err)}
	case IsMissingResourceType(err):
		return &APIError{Message: fmt.Sprintf("the cluster does not serve %s: %v", gvr.GroupResource(), err), Err: err}
	case apierrors.IsNotFound(err):
		return &APIError{Message: fmt.Sprintf("%s does not exist", object), Err: err}
	case apierrors.IsForbidden(err):
		return &APIError{Message: fmt.Sprintf("the provider's identity may not access %s: %v. "+
			"Grant it the rules listed in the provider's documentation (docs/guides/permissions)", object, apiMessage(err)), Err: err}
	case apierrors.IsUnauthorized(err):
		return &APIError{Message: unauthorized(object, credential), Err: err}
	case apierrors.IsInvalid(err):
		return &APIError{Message: fmt.Sprintf("the API server rejected %s: %v", object, err), Err: err}
	}
	return &APIError{Message: fmt.Sprintf("%s: %v", object, err), Err: err}
}

func describe(gvr schema.GroupVersionResource, namespace, name string) string {
	what := gvr.Resource
	if gvr.Group != "" {
		what += "." + gvr.Group
	}
	switch {
	case name == "" && namespace == "":
		return what
	case name == "":
		return fmt.Sprintf("%s in namespace %q", what, namespace)
	case namespace == "":
		return fmt.Sprintf("%s %q", what, name)
	}
	return fmt.Sprintf("%s %s/%s", what, namespace, name)
}

func apiMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Message != "" {
		return status.Status().Message
	}
	return err.Error()
}

// unauthorized explains a 401: which setting supplied the rejected credential
// and how to renew it. Tokens expire (HCP Terraform's dynamic credentials with
// the run, `oc whoami -t` after a day, projected service account tokens after an
// hour), so a long apply can outlive the one it started with.
func unauthorized(object, credential string) string {
	if credential == "" {
		return fmt.Sprintf("the API server rejected the provider's credential (401 Unauthorized) while accessing %s: "+
			"check the token, client certificate or kubeconfig of the provider block", object)
	}
	fix := "Check that it is valid for this cluster."
	switch {
	case strings.Contains(credential, "token") || strings.Contains(credential, "KUBE_TOKEN"):
		fix = "A bearer token is valid for a limited time: HCP Terraform and Terraform Enterprise dynamic credentials last as long " +
			"as the run's workload identity token, `oc whoami -t` tokens about a day, service account tokens as long as they were " +
			"requested for. Start the run again for a fresh token. For applies that outlast the token, let the provider fetch " +
			"tokens itself with an exec block (or a kubeconfig user with an exec plugin; the plugin runs again when the token it " +
			"returned expires, if it reports the expiry), or request a token that lives longer than the apply."
	case strings.Contains(credential, "exec"):
		fix = "The credential plugin's token was refused: run the plugin's command yourself to check that it still logs in."
	case strings.Contains(credential, "client_certificate") || strings.Contains(credential, "KUBE_CLIENT_CERT_DATA"):
		fix = "The client certificate has expired or the cluster does not trust its issuer: issue a new one."
	}
	return fmt.Sprintf("the API server rejected the provider's credential (401 Unauthorized) while accessing %s. "+
		"The credential came from %s. %s", object, credential, fix)
}

package kube

import (
	"errors"
	"fmt"

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
	if err == nil {
		return nil
	}
	var already *APIError
	if errors.As(err, &already) {
		return err
	}
	object := describe(gvr, namespace, name)
	switch {
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
		return &APIError{Message: fmt.Sprintf("the API server did not accept the provider's credentials while accessing %s: "+
			"check the token, client certificate or kubeconfig of the provider block", object), Err: err}
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

package kube

import (
	"fmt"
	"regexp"
	"strings"
)

// webhookTransportFailures are what the API server reports when it cannot
// talk to an admission webhook at all: the webhook's pod is restarting, has no
// endpoints yet, or presents a certificate that is being replaced. A restart
// also breaks the connections the API server keeps open to the webhook: the
// first call on one of them fails with "broken pipe", "connection reset" or
// "EOF" before new calls are refused.
var webhookTransportFailures = []string{
	"connection refused", "no endpoints available", "i/o timeout", "deadline exceeded", "Client.Timeout",
	"connection reset", "broken pipe", "EOF", "no route to host", "tls:", "x509:", "not found",
}

// IsWebhookUnreachable reports a write the API server refused because it could
// not call an admission webhook ("failed calling webhook ...: connection
// refused" and similar), as opposed to a webhook that answered and rejected it.
func IsWebhookUnreachable(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if !strings.Contains(msg, "failed calling webhook") && !strings.Contains(msg, "failed to call webhook") {
		return false
	}
	for _, failure := range webhookTransportFailures {
		if strings.Contains(msg, failure) {
			return true
		}
	}
	return false
}

var (
	webhookName      = regexp.MustCompile(`failed calling webhook "([^"]+)"`)
	webhookNamespace = regexp.MustCompile(`https://[a-z0-9-]+\.([a-z0-9-]+)\.svc[.:/]`)
)

// webhookDown explains a write that failed because the operator's webhook
// could not be reached until the operation's timeout, and how to check it.
func webhookDown(object string, err error) string {
	msg := apiMessage(err)
	name := "of the model-registry operator"
	if m := webhookName.FindStringSubmatch(msg); m != nil {
		name = fmt.Sprintf("%q", m[1])
	}
	pods := "oc get pods -n <operator namespace> (opendatahub on Open Data Hub, redhat-ods-applications on OpenShift AI)"
	if m := webhookNamespace.FindStringSubmatch(msg); m != nil {
		pods = "oc get pods -n " + m[1]
	}
	return fmt.Sprintf("the API server could not reach the admission webhook %s while writing %s, and it did not come back before "+
		"the timeout: the model-registry operator's webhook is down. The operator restarts its webhook when the cluster's TLS "+
		"profile changes, which takes seconds; longer means its pod is not running. Check the operator's pods with `%s` "+
		"(and their logs), and which service the webhook calls with "+
		"`oc get validatingwebhookconfigurations,mutatingwebhookconfigurations -o wide | grep -i modelregistry`. "+
		"Then apply again. The API server said: %s", name, object, pods, msg)
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

const kcm = controlplane.ControllerManagerUser

func auditLine(user, stage, verb, uri, resource, subresource string) string {
	return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"` + stage +
		`","requestURI":"` + uri + `","verb":"` + verb + `","user":{"username":"` + user +
		`","groups":["system:masters"]},"objectRef":{"resource":"` + resource + `","subresource":"` + subresource + `"}}` + "\n"
}

func TestCountAudit(t *testing.T) {
	log := auditLine(kcm, "ResponseComplete", "delete", "/api/v1/namespaces/r/secrets/a", "secrets", "") +
		auditLine(kcm, "ResponseComplete", "delete", "/api/v1/namespaces/r/secrets/b", "secrets", "") +
		auditLine(kcm, "ResponseComplete", "get", "/apis/modelregistry.opendatahub.io/v1beta1/namespaces/r/modelregistries/a", "modelregistries", "") +
		auditLine(kcm, "ResponseComplete", "patch", "/api/v1/namespaces/r/configmaps/c?dryRun=All", "configmaps", "") +
		auditLine(kcm, "ResponseComplete", "update", "/apis/apps/v1/namespaces/r/deployments/a/status", "deployments", "status") +
		auditLine(kcm, "ResponseComplete", "watch", "/api/v1/secrets?watch=true", "secrets", "") +
		// An update answered 409 Conflict, counted apart as the server's metrics count it.
		strings.Replace(auditLine(kcm, "ResponseComplete", "update", "/apis/apps/v1/namespaces/r/deployments/b/status", "deployments", "status"),
			`}}`+"\n", `},"responseStatus":{"metadata":{},"code":409}}`+"\n", 1) +
		// Not counted: another user, an unfinished request, a non-resource request.
		auditLine("kubernetes-admin", "ResponseComplete", "delete", "/api/v1/namespaces/r/secrets/c", "secrets", "") +
		auditLine(kcm, "ResponseStarted", "delete", "/api/v1/namespaces/r/secrets/d", "secrets", "") +
		`{"stage":"ResponseComplete","requestURI":"/healthz","verb":"get","user":{"username":"` + kcm + `"}}` + "\n"
	out := counts{}
	read, err := countAudit(strings.NewReader(log+`{"stage":"Respo`), kcm, out)
	if err != nil {
		t.Fatal(err)
	}
	if read != int64(len(log)) {
		t.Errorf("read %d bytes, want %d: the unfinished last line is left for the next read", read, len(log))
	}
	want := counts{"DELETE secrets": 2, "GET modelregistries": 1, "PATCH configmaps (dry-run)": 1, "PUT deployments/status": 1,
		"PUT deployments/status (409 conflict)": 1, "WATCH secrets": 1}
	if out.String() != want.String() {
		t.Errorf("counted %v, want %v", out, want)
	}
}

func TestUserRequestsReadsOnlyWhatTheLogGained(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	u := newUserRequests(path, kcm)
	if c, err := u.snapshot(); err != nil || c.total() != 0 {
		t.Fatalf("before the log exists: %v, %v", c, err)
	}
	first := auditLine(kcm, "ResponseComplete", "delete", "/api/v1/namespaces/r/roles/a", "roles", "")
	if err := os.WriteFile(path, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, _ := u.snapshot(); c["DELETE roles"] != 1 {
		t.Fatalf("after one event: %v", c)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(auditLine(kcm, "ResponseComplete", "delete", "/api/v1/namespaces/r/roles/b", "roles", "")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if c, _ := u.snapshot(); c["DELETE roles"] != 2 {
		t.Errorf("after a second event: %v, want DELETE roles=2 (the first counted once)", c)
	}
}

func TestAuditPolicyAuditsTheControllerManagerAlone(t *testing.T) {
	policy := auditPolicy(false)
	if !strings.Contains(policy, `users: ["`+kcm+`"]`) || !strings.HasSuffix(policy, "- level: None\n") {
		t.Errorf("policy:\n%s", policy)
	}
	if strings.Contains(auditPolicy(true), "users:") {
		t.Errorf("-audit policy must log every user:\n%s", auditPolicy(true))
	}
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/controlplane"
)

// The API server's request metric has no user label, so the requests of
// kube-controller-manager (the garbage collector's deletes of a registry's dependents, its
// reads of owners) would count as the provider's. The API server audits that one user, and
// only it unless -audit asks for every request, and the bench takes its requests off the
// totals the way it takes off the stand-in's and its own.

// auditPolicy logs request metadata once answered: of every user with all set, else of
// kube-controller-manager alone.
func auditPolicy(all bool) string {
	rules := "rules:\n"
	if all {
		rules += "- level: Metadata\n"
	} else {
		rules += "- level: Metadata\n  users: [\"" + controlplane.ControllerManagerUser + "\"]\n- level: None\n"
	}
	return "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived, ResponseStarted]\n" + rules
}

// auditFlags make the API server write the audit log synchronously, so that a phase's
// requests are in it when the phase ends.
func auditFlags(work string, all bool) (flags []string, logPath string, err error) {
	policy := filepath.Join(work, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy(all)), 0o644); err != nil {
		return nil, "", err
	}
	logPath = filepath.Join(work, "audit.log")
	return []string{"--audit-policy-file=" + policy, "--audit-log-path=" + logPath, "--audit-log-mode=blocking"}, logPath, nil
}

// auditEvent is the part of an audit.k8s.io/v1 Event the bench reads.
type auditEvent struct {
	Stage      string `json:"stage"`
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

// auditVerbs maps the audit log's Kubernetes verbs to apiserver_request_total's.
var auditVerbs = map[string]string{
	"get": "GET", "list": "LIST", "watch": "WATCH", "create": "POST", "update": "PUT",
	"patch": "PATCH", "delete": "DELETE", "deletecollection": "DELETECOLLECTION",
}

// userRequests counts the requests of one user in an audit log, from where the last call
// stopped reading; the log is read once, however many phases ask.
type userRequests struct {
	user   string
	path   string
	mu     sync.Mutex
	offset int64
	counts counts
}

func newUserRequests(path, user string) *userRequests {
	return &userRequests{path: path, user: user, counts: counts{}}
}

// snapshot reads what the log gained and returns the user's requests counted so far.
func (u *userRequests) snapshot() (counts, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f, err := os.Open(u.path)
	if os.IsNotExist(err) {
		return u.counts.clone(), nil // nothing audited yet
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(u.offset, io.SeekStart); err != nil {
		return nil, err
	}
	read, err := countAudit(f, u.user, u.counts)
	u.offset += read
	if err != nil {
		return nil, fmt.Errorf("audit log %s: %w", u.path, err)
	}
	return u.counts.clone(), nil
}

// countAudit adds the complete lines of r that record a finished request of user to out
// and returns how many bytes those lines took; a line still being written is left for
// the next read.
func countAudit(r io.Reader, user string, out counts) (int64, error) {
	var read int64
	reader := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := reader.ReadBytes('\n')
		if err == io.EOF {
			return read, nil
		}
		if err != nil {
			return read, err
		}
		read += int64(len(line))
		if !bytes.Contains(line, []byte(user)) {
			continue
		}
		var ev auditEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			return read, fmt.Errorf("malformed audit event %q: %w", strings.TrimSpace(string(line)), err)
		}
		if key, ok := ev.key(user); ok {
			out[key]++
		}
	}
}

// key is the event's apiserver_request_total key, when it is a finished resource request of user.
func (ev auditEvent) key(user string) (string, bool) {
	if ev.User.Username != user || ev.ObjectRef == nil || ev.ObjectRef.Resource == "" ||
		(ev.Stage != "ResponseComplete" && ev.Stage != "Panic") {
		return "", false
	}
	verb, ok := auditVerbs[ev.Verb]
	if !ok {
		verb = strings.ToUpper(ev.Verb)
	}
	dryRun := false
	if u, err := url.ParseRequestURI(ev.RequestURI); err == nil {
		dryRun = u.Query().Get("dryRun") != ""
		if verb == "GET" && u.Query().Get("watch") != "" {
			verb = "WATCH"
		}
	}
	key := requestKey(verb, ev.ObjectRef.Resource, ev.ObjectRef.Subresource, dryRun)
	if ev.ResponseStatus != nil && ev.ResponseStatus.Code == 409 {
		key += conflictSuffix // as the server's metrics count it
	}
	return key, true
}

package registry

import (
	"net/netip"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Seeds shared by the name fuzzers: display names users type, and the edges.
var nameSeeds = []string{
	"Fraud detection models", "fraud", "", " ", "---", "123 models", "Émile's registry", "İstanbul", "\u212a models",
	"a\tb\nc", "UPPER_case.and.dots", "x" + strings.Repeat("-y", 40), strings.Repeat("a", 58), strings.Repeat("a", 59),
	"models\u00a0with\u2003unicode spaces", "a--b", "-a-", "\x00\xff",
}

func isNameChar(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }

func FuzzDeriveResourceName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, displayName string) {
		name := DeriveResourceName(displayName)
		if again := DeriveResourceName(name); again != name {
			t.Fatalf("not idempotent: %q -> %q -> %q", displayName, name, again)
		}
		if len(name) > DashboardNameMaxLength {
			t.Fatalf("%q -> %q is longer than the dashboard's %d characters", displayName, name, DashboardNameMaxLength)
		}
		if name == "" {
			return
		}
		if strings.IndexFunc(name, func(r rune) bool { return !isNameChar(r) }) >= 0 {
			t.Fatalf("%q -> %q has characters outside [a-z0-9-]", displayName, name)
		}
		if strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") || strings.Contains(name, "--") {
			t.Fatalf("%q -> %q has a dash at an end or two in a row", displayName, name)
		}
		// Short enough and starting with a letter, the name is one the operator can run.
		if len(name) <= MaxResourceNameLength && name[0] >= 'a' && name[0] <= 'z' {
			if problems := ValidateResourceName(name); len(problems) > 0 {
				t.Fatalf("%q -> %q is rejected: %v", displayName, name, problems)
			}
		}
	})
}

func FuzzValidateResourceName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
		f.Add(DeriveResourceName(s))
	}
	f.Fuzz(func(t *testing.T, name string) {
		problems := ValidateResourceName(name)
		if len(problems) > 0 {
			return
		}
		// Accepted: a Service name (DNS-1035 label) whose REST Route host label fits too.
		if msgs := validation.IsDNS1035Label(name); len(msgs) > 0 {
			t.Fatalf("%q accepted but is no DNS-1035 label: %v", name, msgs)
		}
		if msgs := validation.IsDNS1123Label(name + restRouteSuffix); len(msgs) > 0 {
			t.Fatalf("%q accepted but %q is no DNS label: %v", name, name+restRouteSuffix, msgs)
		}
		for _, derived := range []string{UserRoleName(name), UsersGroupName(name), PasswordSecretName(name), CAConfigMapName(name)} {
			if msgs := validation.IsDNS1123Subdomain(derived); len(msgs) > 0 {
				t.Fatalf("%q accepted but its object name %q is invalid: %v", name, derived, msgs)
			}
		}
	})
}

func FuzzValidateDatabaseHost(f *testing.F) {
	for _, s := range []string{
		"mysql", "mysql.db.svc", "mysql.db.svc.cluster.local", "mysql.db.svc.cluster.local.", "db.example.com",
		"10.0.0.5", "fd00::1", "[fd00::1]", "mysql:3306", "mysql.svc", "a.b.c.svc", "mysql.db.svc.cluster",
		"svc", "svc.cluster.local", "MySQL.Example.COM", "my_sql", "mysql..db", " mysql", "", "a/b", "db?x",
		"fe80::1%eth0", "mysql.db.svc.cluster.localx", strings.Repeat("a", 64) + ".com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if len(ValidateDatabaseHost(host)) > 0 {
			return
		}
		if _, err := netip.ParseAddr(host); err == nil {
			return
		}
		if strings.TrimSpace(host) != host || strings.ContainsAny(host, ":/?@ ") {
			t.Fatalf("%q accepted but cannot be a host name", host)
		}
		trimmed := strings.ToLower(strings.TrimSuffix(host, "."))
		if msgs := validation.IsDNS1123Subdomain(trimmed); len(msgs) > 0 {
			t.Fatalf("%q accepted but is no DNS name: %v", host, msgs)
		}
		labels := strings.Split(strings.TrimSuffix(host, "."), ".")
		for i, label := range labels {
			if label != "svc" {
				continue
			}
			rest := strings.Join(labels[i+1:], ".")
			if i != 2 || (rest != "" && rest != "cluster.local") {
				t.Fatalf("%q accepted but is a malformed cluster-local name", host)
			}
		}
	})
}

func FuzzBindingName(f *testing.F) {
	f.Add("fraud", uint8(0), "alice")
	f.Add("fraud", uint8(1), "system:authenticated")
	f.Add("fraud", uint8(2), "team-a")
	f.Add(strings.Repeat("r", MaxResourceNameLength), uint8(0), strings.Repeat("long.user@example.com", 5))
	f.Add("a", uint8(1), "oidc:team/data-science")
	f.Add("x", uint8(0), "")
	f.Add("x", uint8(0), "!!!")
	f.Add("models", uint8(1), "\u212a\u0130-group")
	kinds := []SubjectKind{SubjectUser, SubjectGroup, SubjectProject}
	f.Fuzz(func(t *testing.T, registryName string, kind uint8, subject string) {
		// The resource only accepts valid registry names; make one from the input.
		registryName = DeriveResourceName(registryName)
		if len(ValidateResourceName(registryName)) > 0 {
			return
		}
		p := Permission{Registry: registryName, Namespace: DefaultNamespace, Kind: kinds[int(kind)%len(kinds)], Subject: subject}
		name := p.BindingName()
		if len(name) > 63 {
			t.Fatalf("%+v: binding name %q has %d characters", p, name, len(name))
		}
		if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
			t.Fatalf("%+v: binding name %q is invalid: %v", p, name, msgs)
		}
		if again := p.BindingName(); again != name {
			t.Fatalf("%+v: binding name not deterministic: %q, %q", p, name, again)
		}
		other := p
		other.Subject += "x"
		if other.BindingName() == name {
			t.Fatalf("%+v and subject %q share binding name %q", p, other.Subject, name)
		}
	})
}

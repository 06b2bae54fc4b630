package registry

import (
	"reflect"
	"strings"
	"testing"
)

func TestDeriveResourceName(t *testing.T) {
	for displayName, want := range map[string]string{
		"Fraud models":               "fraud-models",
		"  Fraud   Models  ":         "fraud-models",
		"Team A: Fraud/Models (v2)!": "team-a-fraudmodels-v2",
		"--leading and trailing--":   "leading-and-trailing",
		"ÜBER models":                "ber-models",
		"42 models":                  "42-models",
		"!!!":                        "",
		"tab\tseparated":             "tab-separated",
		// Cut at 40 as the dashboard's form cuts, and never on a dash.
		strings.Repeat("fraud ", 12):    "fraud-fraud-fraud-fraud-fraud-fraud-frau",
		strings.Repeat("abcdefghi ", 5): "abcdefghi-abcdefghi-abcdefghi-abcdefghi",
	} {
		if got := DeriveResourceName(displayName); got != want {
			t.Errorf("DeriveResourceName(%q) = %q, want %q", displayName, got, want)
		}
	}
}

func TestValidateResourceName(t *testing.T) {
	long58 := "a" + strings.Repeat("b", 57)
	cases := map[string][]string{
		"fraud-models": nil,
		long58:         nil,
		long58 + "c": {
			`is 59 characters long; at most 58 are allowed because the operator's REST Route host starts with "` + long58 + `c-rest", which must fit in a 63-character DNS label`,
		},
		"a" + strings.Repeat("b", 63): {
			"is 64 characters long; at most 63 are allowed because the operator creates a Service of the same name",
		},
		"1fraud": {
			`must start with a lowercase letter, not "1": the operator creates a Service of the same name, and Service names are DNS-1035 labels`,
		},
		"": {"must not be empty"},
		"Fraud": {
			"is not a valid Kubernetes object name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
			`must start with a lowercase letter, not "F": the operator creates a Service of the same name, and Service names are DNS-1035 labels`,
		},
	}
	for name, want := range cases {
		if got := ValidateResourceName(name); !reflect.DeepEqual(got, want) {
			t.Errorf("ValidateResourceName(%q) =\n%q\nwant\n%q", name, got, want)
		}
	}
}

func TestValidateDatabaseHost(t *testing.T) {
	valid := []string{
		"mysql.example.com", "mysql", "10.0.0.12", "fd00::12", "mysql.databases.svc.cluster.local",
		"mysql.databases.svc", "MySQL.Example.com",
	}
	for _, host := range valid {
		if problems := ValidateDatabaseHost(host); problems != nil {
			t.Errorf("ValidateDatabaseHost(%q) = %q, want no problem", host, problems)
		}
	}
	invalid := map[string]string{
		"":                                "must not be empty",
		" mysql":                          "must not have leading or trailing white space",
		"mysql:3306":                      "must be a host name or an IP address without a port; set the port in database.port",
		"my_sql.example.com":              "is not a valid host name",
		"mysql.svc.cluster.local":         `"mysql.svc.cluster.local" looks like a cluster-local service name but is malformed; use "<service>.<namespace>.svc.cluster.local" or "<service>"`,
		"mysql.db.svc.cluster":            `"mysql.db.svc.cluster" looks like a cluster-local service name but is malformed`,
		"a.mysql.db.svc.cluster.local":    `looks like a cluster-local service name but is malformed`,
		"mysql.db.svc.cluster.local.evil": `looks like a cluster-local service name but is malformed`,
	}
	for host, want := range invalid {
		problems := ValidateDatabaseHost(host)
		if len(problems) != 1 || !strings.Contains(problems[0], want) {
			t.Errorf("ValidateDatabaseHost(%q) = %q, want one problem containing %q", host, problems, want)
		}
	}
}

func TestValidateDatabaseName(t *testing.T) {
	if p := ValidateDatabaseName("model_registry"); p != nil {
		t.Errorf("valid name: %q", p)
	}
	want := "must not contain '?', '@' or '/': the operator puts the database name into a connection string without escaping it"
	for _, name := range []string{"mr?tls=true", "a/b", "db@host"} {
		if p := ValidateDatabaseName(name); len(p) != 1 || p[0] != want {
			t.Errorf("ValidateDatabaseName(%q) = %q", name, p)
		}
	}
	if p := ValidateDatabaseName(""); len(p) != 1 || p[0] != "must not be empty" {
		t.Errorf("empty: %q", p)
	}
}

func TestResourceNameFromDisplayName(t *testing.T) {
	if name, err := ResourceNameFromDisplayName("Fraud models"); err != nil || name != "fraud-models" {
		t.Errorf(`ResourceNameFromDisplayName("Fraud models") = %q, %v`, name, err)
	}
	for displayName, want := range map[string]string{
		"!!!":         `the Kubernetes name derived from "!!!" is "", which must not be empty`,
		"2024 models": `the Kubernetes name derived from "2024 models" is "2024-models", which must start with a lowercase letter, not "2"`,
	} {
		_, err := ResourceNameFromDisplayName(displayName)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ResourceNameFromDisplayName(%q) error = %v, want it to start with %q", displayName, err, want)
		}
	}
}

func TestDatabaseURLCharacters(t *testing.T) {
	for _, user := range []string{"mr?x", "mr@host", "a/b"} {
		if p := ValidateDatabaseUser(user); len(p) != 1 || !strings.Contains(p[0], "'?', '@' or '/'") {
			t.Errorf("ValidateDatabaseUser(%q) = %q", user, p)
		}
	}
	if p := ValidateDatabaseUser("mr_user.1"); p != nil {
		t.Errorf("valid user: %q", p)
	}
	if !PasswordBreaksURL("pa@ss") || !PasswordBreaksURL("a/b") || !PasswordBreaksURL("x?") || PasswordBreaksURL("S3cret!#$%") {
		t.Error("PasswordBreaksURL flags the wrong passwords")
	}
}

func TestDefaultDatabaseResourceName(t *testing.T) {
	if p := ValidateDefaultDatabaseResourceName(strings.Repeat("a", 54)); p != nil {
		t.Errorf("54 characters: %q", p)
	}
	p := ValidateDefaultDatabaseResourceName(strings.Repeat("a", 55))
	if len(p) != 1 || !strings.Contains(p[0], "-postgres") || !strings.Contains(p[0], "at most 54") {
		t.Errorf("55 characters: %q", p)
	}
}

func TestValidateHostAddress(t *testing.T) {
	for _, ok := range []string{"10.0.0.1", "fd00::1"} {
		if p := ValidateHostAddress(ok); p != nil {
			t.Errorf("ValidateHostAddress(%q) = %q", ok, p)
		}
	}
	if p := ValidateHostAddress("pg.example.com"); len(p) != 1 {
		t.Errorf("host name accepted as an address: %q", p)
	}
}

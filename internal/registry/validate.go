package registry

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// MaxResourceNameLength is the longest registry name the operator can run: the
// name becomes a Service name, a DNS-1035 label of at most 63 characters, and
// "<name>-rest" becomes the first label of the REST Route's host.
const MaxResourceNameLength = validation.DNS1035LabelMaxLength - len(restRouteSuffix)

const restRouteSuffix = "-rest"

// DashboardNameMaxLength is where the dashboard's create form cuts a derived name.
const DashboardNameMaxLength = 40

var (
	whitespace     = regexp.MustCompile(`\s`)
	notNameChar    = regexp.MustCompile(`[^a-z0-9-]`)
	repeatedDashes = regexp.MustCompile(`-+`)
)

// DeriveResourceName turns a display name into a Kubernetes name the way the
// dashboard's create form does: trimmed, lower-cased, white space turned into
// dashes, every other character outside [a-z0-9-] dropped, dashes collapsed and
// stripped from both ends, cut to DashboardNameMaxLength characters. It returns
// "" when nothing usable is left.
func DeriveResourceName(displayName string) string {
	name := nameChars(displayName)
	if len(name) > DashboardNameMaxLength {
		// A cut that ends on a dash would not be a valid name.
		name = strings.TrimRight(name[:DashboardNameMaxLength], "-")
	}
	return name
}

// nameChars is DeriveResourceName without the length cut.
func nameChars(s string) string {
	name := strings.ToLower(strings.TrimSpace(s))
	name = whitespace.ReplaceAllString(name, "-")
	name = notNameChar.ReplaceAllString(name, "")
	name = repeatedDashes.ReplaceAllString(name, "-")
	return strings.Trim(name, "-")
}

// ResourceNameFromDisplayName is the registry name derived from a display name,
// or an error that says why no registry can have the name derived.
func ResourceNameFromDisplayName(displayName string) (string, error) {
	name := DeriveResourceName(displayName)
	if problems := ValidateResourceName(name); len(problems) > 0 {
		return name, fmt.Errorf("the Kubernetes name derived from %q is %q, which %s", displayName, name, strings.Join(problems, "; it "))
	}
	return name, nil
}

// ValidateResourceName returns one message per rule that name breaks; none when
// the operator can run a registry of that name.
func ValidateResourceName(name string) []string {
	if name == "" {
		return []string{"must not be empty"}
	}
	var problems []string
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		problems = append(problems, "is not a valid Kubernetes object name: "+msg)
	}
	if strings.Contains(name, ".") {
		problems = append(problems,
			"must not contain dots: the operator creates a Service of the same name, and Service names are DNS-1035 labels")
	}
	if c := name[0]; c < 'a' || c > 'z' {
		problems = append(problems, fmt.Sprintf(
			"must start with a lowercase letter, not %q: the operator creates a Service of the same name, and Service names are DNS-1035 labels", string(c)))
	}
	if len(name) > validation.DNS1035LabelMaxLength {
		problems = append(problems, fmt.Sprintf(
			"is %d characters long; at most %d are allowed because the operator creates a Service of the same name",
			len(name), validation.DNS1035LabelMaxLength))
	} else if len(name) > MaxResourceNameLength {
		problems = append(problems, fmt.Sprintf(
			"is %d characters long; at most %d are allowed because the operator's REST Route host starts with %q, which must fit in a 63-character DNS label",
			len(name), MaxResourceNameLength, name+restRouteSuffix))
	}
	return problems
}

// ValidateNamespace returns the problems of a namespace name.
func ValidateNamespace(namespace string) []string {
	return validation.IsDNS1123Label(namespace)
}

// ValidateObjectName returns the problems of a ConfigMap or Secret name.
func ValidateObjectName(name string) []string {
	return validation.IsDNS1123Subdomain(name)
}

// ValidateDataKey returns the problems of a ConfigMap or Secret key.
func ValidateDataKey(key string) []string {
	return validation.IsConfigMapKey(key)
}

// ValidateDatabaseHost returns the problems of a database host: a DNS name or
// an IP address; a cluster-local name is "<service>" or
// "<service>.<namespace>.svc.cluster.local" (or "<service>.<namespace>.svc").
func ValidateDatabaseHost(host string) []string {
	if host == "" {
		return []string{"must not be empty"}
	}
	if strings.TrimSpace(host) != host {
		return []string{"must not have leading or trailing white space"}
	}
	if isIP(host) {
		return nil
	}
	if strings.Contains(host, ":") {
		return []string{"must be a host name or an IP address without a port; set the port in database.port"}
	}
	if msgs := validation.IsDNS1123Subdomain(strings.ToLower(strings.TrimSuffix(host, "."))); len(msgs) > 0 {
		return []string{"is not a valid host name: " + strings.Join(msgs, "; ")}
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	for i, label := range labels {
		if label != "svc" {
			continue
		}
		// A ".svc" label makes a cluster-local name: exactly service.namespace.svc[.cluster.local].
		rest := strings.Join(labels[i+1:], ".")
		if i != 2 || (rest != "" && rest != "cluster.local") {
			return []string{fmt.Sprintf(
				"%q looks like a cluster-local service name but is malformed; use \"<service>.<namespace>.svc.cluster.local\" or \"<service>\"", host)}
		}
		for _, part := range labels[:2] {
			if msgs := validation.IsDNS1123Label(part); len(msgs) > 0 {
				return []string{fmt.Sprintf("%q: %q is not a valid service or namespace name: %s", host, part, strings.Join(msgs, "; "))}
			}
		}
	}
	return nil
}

// urlBreakers are the characters that break the database URL the operator
// builds without escaping, for MySQL and PostgreSQL alike.
const urlBreakers = "?@/"

// ValidateDatabaseName returns the problems of a database name: the operator
// splices it into a database URL unescaped, so '?', '@' and '/' are not allowed.
func ValidateDatabaseName(database string) []string {
	var problems []string
	if database == "" {
		problems = append(problems, "must not be empty")
	}
	if strings.ContainsAny(database, urlBreakers) {
		problems = append(problems, "must not contain '?', '@' or '/': the operator puts the database name into a connection string without escaping it")
	}
	if strings.TrimSpace(database) != database {
		problems = append(problems, "must not have leading or trailing white space")
	}
	return problems
}

// ValidateDatabaseUser returns the problems of a database user name, which the
// operator also splices into the database URL unescaped.
func ValidateDatabaseUser(user string) []string {
	if strings.ContainsAny(user, urlBreakers) {
		return []string{"must not contain '?', '@' or '/': the operator puts the user name into a connection string without escaping it"}
	}
	return nil
}

// PasswordBreaksURL reports whether a password has a character that breaks the
// operator's unescaped database URL. It says nothing of the password itself.
func PasswordBreaksURL(password string) bool {
	return strings.ContainsAny(password, urlBreakers)
}

// ValidateHostAddress returns the problems of spec.postgres.hostAddress: a
// numeric IP address.
func ValidateHostAddress(address string) []string {
	if !isIP(address) {
		return []string{"is not an IP address; put a host name in database.host instead"}
	}
	return nil
}

// MaxDefaultDatabaseResourceNameLength is the longest registry name with the
// default database: the operator makes a Service "<name>-postgres", a DNS-1035
// label of at most 63 characters.
const MaxDefaultDatabaseResourceNameLength = validation.DNS1035LabelMaxLength - len(defaultDatabaseServiceSuffix)

const defaultDatabaseServiceSuffix = "-postgres"

// ValidateDefaultDatabaseResourceName returns the problems of a registry name
// beyond ValidateResourceName when the registry uses the default database.
func ValidateDefaultDatabaseResourceName(name string) []string {
	if len(name) > MaxDefaultDatabaseResourceNameLength {
		return []string{fmt.Sprintf(
			"is %d characters long; with the default database at most %d are allowed, because the operator makes a Service %q, which must fit in a 63-character DNS label",
			len(name), MaxDefaultDatabaseResourceNameLength, name+defaultDatabaseServiceSuffix)}
	}
	return nil
}

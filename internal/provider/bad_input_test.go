package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Plan-time validation: every invalid configuration fails at plan, with no
// cluster to talk to, and the error names the attribute at fault.

// badInputProvider points at an address nothing listens on: any request the
// plan made would fail, so what fails here fails before the cluster.
const badInputProvider = `
provider "openshiftai" {
  host                 = "https://127.0.0.1:1"
  token                = "unused"
  registries_namespace = "rhoai-model-registries"
}
`

// testPEM are PEM blocks for the certificate checks.
type testPEM struct {
	valid, expired, notYetValid, privateKey string
}

func newTestPEM(t *testing.T) testPEM {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := func(notBefore, notAfter time.Time) string {
		template := &x509.Certificate{
			SerialNumber:          big.NewInt(time.Now().UnixNano()),
			Subject:               pkix.Name{CommonName: "bad input test CA"},
			NotBefore:             notBefore,
			NotAfter:              notAfter,
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign,
		}
		der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	return testPEM{
		valid:       cert(now.Add(-time.Hour), now.Add(24*time.Hour)),
		expired:     cert(now.Add(-48*time.Hour), now.Add(-24*time.Hour)),
		notYetValid: cert(now.Add(24*time.Hour), now.Add(48*time.Hour)),
		privateKey:  string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})),
	}
}

// registryBody is a valid registry with one part replaced.
type registryBody struct {
	name, resourceName, namespace, database, ca, extra string
	// noDatabase leaves the database block out.
	noDatabase bool
}

func (b registryBody) String() string {
	name := b.name
	if name == "" {
		name = `name = "Fraud models"`
	}
	database := b.database
	if database == "" {
		database = validDatabase("")
	}
	database = "database " + database
	if b.noDatabase {
		database = ""
	}
	return fmt.Sprintf(`
resource "openshiftai_model_registry" "r" {
  %s
  %s
  %s
  %s
  %s
  %s
}
`, name, b.resourceName, b.namespace, database, b.ca, b.extra)
}

// hclBlock renders a block from a compact body: arguments separated by commas,
// where `x = { ... }` is a nested block x (HCL allows no commas or nested
// blocks on one line).
func hclBlock(name, body string) string {
	var lines []string
	for _, item := range splitTopLevel(body) {
		key, value, _ := strings.Cut(item, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if strings.HasPrefix(value, "{") && strings.HasSuffix(value, "}") {
			lines = append(lines, hclBlock(key, strings.TrimSuffix(strings.TrimPrefix(value, "{"), "}")))
			continue
		}
		lines = append(lines, key+" = "+value)
	}
	return name + " {\n" + strings.Join(lines, "\n") + "\n}"
}

// splitTopLevel splits at the commas outside braces and quotes.
func splitTopLevel(body string) []string {
	var items []string
	depth, quoted, start := 0, false, 0
	for i, c := range body {
		switch {
		case c == '"' && (i == 0 || body[i-1] != '\\'):
			quoted = !quoted
		case quoted:
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == ',' && depth == 0:
			items = append(items, body[start:i])
			start = i + 1
		}
	}
	items = append(items, body[start:])
	var out []string
	for _, item := range items {
		if strings.TrimSpace(item) != "" {
			out = append(out, strings.TrimSpace(item))
		}
	}
	return out
}

// validDatabase is the body of a valid database block with extra arguments or,
// when replace holds "key = value" lines, those arguments replaced; a value
// `{ a = b, c = d }` is a nested block.
func validDatabase(replace string) string {
	attributes := map[string]string{
		"host":                `"mysql.db.svc.cluster.local"`,
		"username":            `"mruser"`,
		"database":            `"model_registry"`,
		"password_wo":         `"secret"`,
		"password_wo_version": `1`,
	}
	order := []string{"type", "host", "host_address", "port", "username", "database", "ssl_mode", "password_wo", "password_wo_version", "existing_password_secret"}
	for _, line := range strings.Split(replace, "\n") {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if value == "null" {
			delete(attributes, key)
			continue
		}
		attributes[key] = value
	}
	var lines []string
	for _, key := range order {
		v, ok := attributes[key]
		switch {
		case !ok:
		case strings.HasPrefix(v, "{"):
			lines = append(lines, hclBlock(key, strings.TrimSuffix(strings.TrimPrefix(v, "{"), "}")))
		default:
			lines = append(lines, fmt.Sprintf("    %s = %s", key, v))
		}
	}
	return "{\n" + strings.Join(lines, "\n") + "\n  }"
}

func permissionBody(body string) string {
	return "\nresource \"openshiftai_model_registry_permission\" \"p\" {\n" + body + "\n}\n"
}

const validPermission = `
resource "openshiftai_model_registry_permission" "ok" {
  registry = "fraud"
  user     = "alice"
}
`

type badInput struct {
	config string
	// attribute is the path the error must name.
	attribute string
	// message is a part of the error that says what is wrong.
	message string
}

func badInputCases(t *testing.T) map[string]badInput {
	t.Helper()
	certs := newTestPEM(t)
	ca := func(body string) string { return hclBlock("ca_certificate", body) }
	pemCA := func(content string) string { return ca(fmt.Sprintf("pem = %q", content)) }
	db := func(replace string) registryBody { return registryBody{database: validDatabase(replace)} }
	registryCase := func(b registryBody, attribute, message string) badInput {
		return badInput{config: badInputProvider + b.String(), attribute: attribute, message: message}
	}
	permissionCase := func(body, attribute, message string) badInput {
		return badInput{config: badInputProvider + permissionBody(body), attribute: attribute, message: message}
	}
	providerCase := func(block, attribute, message string) badInput {
		return badInput{config: "provider \"openshiftai\" {\n" + block + "\n}\n" + validPermission, attribute: attribute, message: message}
	}
	return map[string]badInput{
		// Names.
		"empty display name":                   registryCase(registryBody{name: `name = ""`}, "name", `must not be empty`),
		"display name with white space":        registryCase(registryBody{name: `name = " Fraud"`}, "name", `white space`),
		"display name with nothing usable":     registryCase(registryBody{name: `name = "!!! ???"`}, "name", `Cannot derive a registry name`),
		"display name starting with a digit":   registryCase(registryBody{name: `name = "2024 models"`}, "name", `must start with a lowercase letter`),
		"display name cut to a digit start":    registryCase(registryBody{name: `name = "` + strings.Repeat("1", 45) + ` models"`}, "name", `must start with a lowercase letter`),
		"resource name upper case":             registryCase(registryBody{resourceName: `resource_name = "Fraud"`}, "resource_name", `Invalid registry name`),
		"resource name with underscore":        registryCase(registryBody{resourceName: `resource_name = "fraud_models"`}, "resource_name", `not a valid Kubernetes object name`),
		"resource name with dots":              registryCase(registryBody{resourceName: `resource_name = "fraud.models"`}, "resource_name", `must not contain dots`),
		"resource name starting with a dash":   registryCase(registryBody{resourceName: `resource_name = "-fraud"`}, "resource_name", `Invalid registry name`),
		"resource name too long for the route": registryCase(registryBody{resourceName: `resource_name = "` + strings.Repeat("a", 59) + `"`}, "resource_name", `REST Route host`),
		"resource name too long for a service": registryCase(registryBody{resourceName: `resource_name = "` + strings.Repeat("a", 64) + `"`}, "resource_name", `Service of the same name`),
		"namespace not a namespace name":       registryCase(registryBody{namespace: `namespace = "Model_Registries"`}, "namespace", `not a valid namespace name`),

		// Database.
		"empty host":                   registryCase(db(`host = ""`), "database.host", `must not be empty`),
		"host with port":               registryCase(db(`host = "mysql:3306"`), "database.host", `without a port`),
		"host with white space":        registryCase(db(`host = " mysql"`), "database.host", `white space`),
		"host with underscore":         registryCase(db(`host = "my_sql.example.com"`), "database.host", `not a valid host name`),
		"host with empty label":        registryCase(db(`host = "mysql..example.com"`), "database.host", `not a valid host name`),
		"host .svc without namespace":  registryCase(db(`host = "mysql.svc"`), "database.host", `malformed`),
		"host .svc.cluster":            registryCase(db(`host = "mysql.db.svc.cluster"`), "database.host", `malformed`),
		"host .svc with extra label":   registryCase(db(`host = "a.mysql.db.svc.cluster.local"`), "database.host", `malformed`),
		"host .svc.cluster.localx":     registryCase(db(`host = "mysql.db.svc.cluster.localx"`), "database.host", `malformed`),
		"host URL":                     registryCase(db(`host = "mysql://db.example.com"`), "database.host", `without a port`),
		"port zero":                    registryCase(db(`port = 0`), "database.port", `between 1 and 65535`),
		"port negative":                registryCase(db(`port = -1`), "database.port", `between 1 and 65535`),
		"port too high":                registryCase(db(`port = 70000`), "database.port", `between 1 and 65535`),
		"empty username":               registryCase(db(`username = ""`), "database.username", `must not be empty`),
		"database with question mark":  registryCase(db(`database = "db?tls=false"`), "database.database", `must not contain '\?', '@' or '/'`),
		"database with slash":          registryCase(db(`database = "a/b"`), "database.database", `must not contain '\?', '@' or '/'`),
		"database with at sign":        registryCase(db(`database = "a@b"`), "database.database", `must not contain '\?', '@' or '/'`),
		"username with at sign":        registryCase(db(`username = "mr@corp"`), "database.username", `must not contain '\?', '@' or '/'`),
		"postgres username with slash": registryCase(db("type = \"postgres\"\nusername = \"a/b\""), "database.username", `must not contain '\?', '@' or '/'`),
		"password with at sign":        registryCase(db(`password_wo = "p@ss"`), "database.password_wo", `Invalid database password`),
		"postgres password with slash": registryCase(db("type = \"postgres\"\npassword_wo = \"a/b\""), "database.password_wo", `break the database URL`),

		// Database types and the default database.
		"unknown database type":         registryCase(db(`type = "oracle"`), "database.type", `value must be one of`),
		"ssl_mode with mysql":           registryCase(db(`ssl_mode = "require"`), "database.ssl_mode", `applies to PostgreSQL only`),
		"host_address with mysql":       registryCase(db("host = null\nhost_address = \"10.0.0.1\""), "database.host_address", `applies to PostgreSQL only`),
		"unknown ssl_mode":              registryCase(db("type = \"postgres\"\nssl_mode = \"strict\""), "database.ssl_mode", `value must be one of`),
		"host and host_address":         registryCase(db("type = \"postgres\"\nhost_address = \"10.0.0.1\""), "database.host_address", `Two database hosts`),
		"postgres without host":         registryCase(db("type = \"postgres\"\nhost = null"), "database.host", `Missing database host`),
		"host_address not an address":   registryCase(db("type = \"postgres\"\nhost = null\nhost_address = \"pg.example.com\""), "database.host_address", `is not an IP address`),
		"default and external database": registryCase(registryBody{extra: `default_database = true`}, "default_database", `Two databases`),
		"default database with a CA": registryCase(registryBody{noDatabase: true, extra: `default_database = true`, ca: ca(`cluster_bundle = true`)},
			"ca_certificate", `CA certificate with the default database`),
		"default database name too long": registryCase(registryBody{noDatabase: true, extra: `default_database = true`, resourceName: `resource_name = "` + strings.Repeat("a", 55) + `"`},
			"resource_name", `with the default database at most 54`),
		"empty database":               registryCase(db(`database = ""`), "database.database", `must not be empty`),
		"two password sources":         registryCase(db(`existing_password_secret = { name = "pw", key = "password" }`), "database.password_wo", `Two password sources`),
		"no database block":            registryCase(registryBody{noDatabase: true}, "database", `Missing database`),
		"default_database false":       registryCase(registryBody{noDatabase: true, extra: `default_database = false`}, "database", `Missing database`),
		"database without host":        registryCase(db(`host = null`), "database.host", `Missing database host`),
		"database without username":    registryCase(db(`username = null`), "database.username", `needs the argument "username"`),
		"config map without key":       registryCase(registryBody{ca: ca(`config_map = { name = "ca" }`)}, "ca_certificate.config_map.key", `needs the argument "key"`),
		"no password":                  registryCase(db("password_wo = null\npassword_wo_version = null"), "database", `Missing database password`),
		"password version with secret": registryCase(db("password_wo = null\nexisting_password_secret = { name = \"pw\", key = \"password\" }"), "database.password_wo_version", `only rotates`),
		"existing secret name invalid": registryCase(db("password_wo = null\npassword_wo_version = null\nexisting_password_secret = { name = \"Bad_Name\", key = \"password\" }"), "database.existing_password_secret.name", `not a valid ConfigMap or Secret name`),
		"existing secret key invalid":  registryCase(db("password_wo = null\npassword_wo_version = null\nexisting_password_secret = { name = \"pw\", key = \"bad key\" }"), "database.existing_password_secret.key", `not a valid ConfigMap or Secret key`),

		// Misspelled arguments: blocks are checked argument by argument, at every level.
		"misspelled in database": registryCase(registryBody{database: strings.Replace(validDatabase(""), "\n  }", "\n    usersecret_name = \"mruser\"\n  }", 1)},
			"usersecret_name", `An argument named "usersecret_name" is not expected here`),
		"misspelled in existing_password_secret": registryCase(db("password_wo = null\npassword_wo_version = null\nexisting_password_secret = { name = \"pw\", key = \"password\", secret_name = \"pw\" }"),
			"secret_name", `An argument named "secret_name" is not expected here`),
		"misspelled in ca_certificate": registryCase(registryBody{ca: ca(`cluster_bundle = true, clusterbundle = true`)},
			"clusterbundle", `An argument named "clusterbundle" is not expected here`),
		"misspelled in config_map": registryCase(registryBody{ca: ca(`config_map = { name = "ca", key = "ca.crt", kye = "ca.crt" }`)},
			"kye", `An argument named "kye" is not expected here`),
		"misspelled in secret": registryCase(registryBody{ca: ca(`secret = { name = "ca", key = "ca.crt", nam = "ca" }`)},
			"nam", `An argument named "nam" is not expected here`),
		"misspelled in timeouts": registryCase(registryBody{extra: hclBlock("timeouts", `craete = "5m"`)},
			"craete", `An argument named "craete" is not expected here`),
		"misspelled block": registryCase(registryBody{extra: hclBlock("ca_certificat", `cluster_bundle = true`)},
			"ca_certificat", `Blocks of type "ca_certificat" are not expected here`),
		"permission misspelled in timeouts": permissionCase(`registry = "fraud"`+"\n"+`user = "alice"`+"\n"+hclBlock("timeouts", `reed = "2m"`),
			"reed", `An argument named "reed" is not expected here`),

		// CA sources.
		"no CA source":              registryCase(registryBody{ca: ca("")}, "ca_certificate", `Missing CA source`),
		"two CA sources":            registryCase(registryBody{ca: ca(`cluster_bundle = true, openshift_ai_bundle = true`)}, "ca_certificate", `Several CA sources`),
		"CA bundle false":           registryCase(registryBody{ca: ca(`cluster_bundle = false`)}, "ca_certificate.cluster_bundle", `selects nothing`),
		"OpenShift AI bundle false": registryCase(registryBody{ca: ca(`openshift_ai_bundle = false`)}, "ca_certificate.openshift_ai_bundle", `selects nothing`),
		"config map name invalid":   registryCase(registryBody{ca: ca(`config_map = { name = "CA!", key = "ca.crt" }`)}, "ca_certificate.config_map.name", `not a valid ConfigMap or Secret name`),
		"config map key invalid":    registryCase(registryBody{ca: ca(`config_map = { name = "ca", key = "ca/crt" }`)}, "ca_certificate.config_map.key", `not a valid ConfigMap or Secret key`),
		"secret key invalid":        registryCase(registryBody{ca: ca(`secret = { name = "ca", key = "" }`)}, "ca_certificate.secret.key", `not a valid ConfigMap or Secret key`),
		"PEM garbage":               registryCase(registryBody{ca: pemCA("not a certificate")}, "ca_certificate.pem", `not a PEM block`),
		"PEM private key":           registryCase(registryBody{ca: pemCA(certs.privateKey)}, "ca_certificate.pem", `private key`),
		"PEM expired":               registryCase(registryBody{ca: pemCA(certs.expired)}, "ca_certificate.pem", `expired on`),
		"PEM not yet valid":         registryCase(registryBody{ca: pemCA(certs.notYetValid)}, "ca_certificate.pem", `is not valid before`),
		"PEM with trailing text":    registryCase(registryBody{ca: pemCA(certs.valid + "trailing text\n")}, "ca_certificate.pem", `not a PEM block`),
		"PEM certificate and key":   registryCase(registryBody{ca: pemCA(certs.valid + certs.privateKey)}, "ca_certificate.pem", `private key`),
		"PEM block not X.509":       registryCase(registryBody{ca: pemCA("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}, "ca_certificate.pem", `not a valid X.509 certificate`),

		// Permissions: registries and subjects.
		"permission registry display name":       permissionCase(`registry = "Fraud models"`+"\n"+`user = "alice"`, "registry", `Invalid registry name`),
		"permission registry digit":              permissionCase(`registry = "1fraud"`+"\n"+`user = "alice"`, "registry", `must start with a lowercase letter`),
		"registry create timeout not a duration": registryCase(registryBody{extra: `timeouts { create = "soon" }`}, "timeouts.create", `is not a duration`),
		"registry delete timeout negative":       registryCase(registryBody{extra: `timeouts { delete = "-5m" }`}, "timeouts.delete", `must be longer than zero`),
		"permission read timeout not a duration": permissionCase(`registry = "fraud"`+"\n"+`user = "alice"`+"\n"+`timeouts { read = "2 minutes" }`, "timeouts.read", `is not a duration`),
		"permission without subject":             permissionCase(`registry = "fraud"`, "[user,group,project]", `Exactly one of these attributes`),
		"permission with two subjects":           permissionCase(`registry = "fraud"`+"\n"+`user = "alice"`+"\n"+`group = "team"`, "[user,group,project]", `Exactly one of these attributes`),
		"permission empty user":                  permissionCase(`registry = "fraud"`+"\n"+`user = ""`, "user", `must not be empty`),
		"permission group with white space":      permissionCase(`registry = "fraud"`+"\n"+`group = "team "`, "group", `white space`),
		"permission project invalid":             permissionCase(`registry = "fraud"`+"\n"+`project = "Team_A"`, "project", `not a valid namespace name`),
		"permission namespace invalid":           permissionCase(`registry = "fraud"`+"\n"+`namespace = "NS"`+"\n"+`user = "alice"`, "namespace", `not a valid namespace name`),

		// The provider block.
		"config_path and config_paths":   providerCase(`config_path = "/a"`+"\n"+`config_paths = ["/b"]`, "config_path", `cannot be configured together`),
		"empty config_paths":             providerCase(`config_paths = []`, "config_paths", `at least 1`),
		"blank config_paths entry":       providerCase(`config_paths = [""]`, "config_paths", `must not be empty`),
		"client certificate without key": providerCase(`host = "https://127.0.0.1:1"`+"\n"+fmt.Sprintf("client_certificate = %q", certs.valid), "client_key", `must be configured together`),
		"client key without certificate": providerCase(`host = "https://127.0.0.1:1"`+"\n"+`client_key = "key"`, "client_certificate", `must be configured together`),
		"insecure with CA":               providerCase(`host = "https://127.0.0.1:1"`+"\n"+`insecure = true`+"\n"+fmt.Sprintf("cluster_ca_certificate = %q", certs.valid), "insecure", `Conflicting TLS settings`),
		"host http":                      providerCase(`host = "http://127.0.0.1:6443"`, "host", `must be a URL such as https://`),
		"host without scheme":            providerCase(`host = "127.0.0.1:6443"`, "host", `Invalid URL`),
		"client certificate garbage":     providerCase(`host = "https://127.0.0.1:1"`+"\n"+`client_certificate = "garbage"`+"\n"+`client_key = "key"`, "client_certificate", `not a PEM block`),
		"cluster CA private key":         providerCase(`host = "https://127.0.0.1:1"`+"\n"+fmt.Sprintf("cluster_ca_certificate = %q", certs.privateKey), "cluster_ca_certificate", `private key`),
		"cluster CA expired":             providerCase(`host = "https://127.0.0.1:1"`+"\n"+fmt.Sprintf("cluster_ca_certificate = %q", certs.expired), "cluster_ca_certificate", `expired on`),
		"cluster CA not yet valid":       providerCase(`host = "https://127.0.0.1:1"`+"\n"+fmt.Sprintf("cluster_ca_certificate = %q", certs.notYetValid), "cluster_ca_certificate", `not valid before`),
		"proxy_url ftp":                  providerCase(`host = "https://127.0.0.1:1"`+"\n"+`proxy_url = "ftp://proxy:21"`, "proxy_url", `Invalid URL`),
		"registries_namespace invalid":   providerCase(`host = "https://127.0.0.1:1"`+"\n"+`registries_namespace = "Bad_NS"`, "registries_namespace", `not a valid namespace name`),
		"qps zero":                       providerCase(`host = "https://127.0.0.1:1"`+"\n"+`qps = 0`, "qps", `positive number`),
		"burst negative":                 providerCase(`host = "https://127.0.0.1:1"`+"\n"+`burst = -1`, "burst", `positive whole number`),
		"exec without command": providerCase(`host = "https://127.0.0.1:1"`+"\n"+`exec {
  api_version = "client.authentication.k8s.io/v1"
  command     = ""
}`, "exec[0].command", `must not be empty`),
		"two exec blocks": providerCase(`host = "https://127.0.0.1:1"`+"\n"+strings.Repeat(`exec {
  api_version = "client.authentication.k8s.io/v1"
  command     = "oc"
}
`, 2), "exec", `at most 1`),
	}
}

func TestBadInputFailsAtPlan(t *testing.T) {
	cases := badInputCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("KUBE_CONFIG_PATH", "")
			// Terraform wraps long messages: any white space matches a space.
			attribute, message := regexp.QuoteMeta(tc.attribute), strings.ReplaceAll(tc.message, " ", `\s+`)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:   tc.config,
					PlanOnly: true,
					// Both, in either order: the attribute's path and what is wrong with it.
					ExpectError: regexp.MustCompile(`(?s)(` + attribute + `.*` + message + `|` + message + `.*` + attribute + `)`),
				}},
			})
		})
	}
}

// Valid configurations plan without a cluster; warnings are allowed.
func TestValidInputPlansWithoutCluster(t *testing.T) {
	certs := newTestPEM(t)
	cases := map[string]string{
		"registry with a PEM CA": badInputProvider + registryBody{ca: fmt.Sprintf("ca_certificate { pem = %q }", certs.valid)}.String(),
		"registry with a config map CA": badInputProvider + registryBody{
			resourceName: `resource_name = "fraud"`,
			ca:           hclBlock("ca_certificate", `config_map = { name = "db-ca", key = "ca.crt" }`),
		}.String(),
		"registry with an existing password secret and the cluster bundle": badInputProvider + registryBody{
			database: validDatabase("password_wo = null\npassword_wo_version = null\nexisting_password_secret = { name = \"fraud-db\", key = \"database-password\" }\nport = 3307"),
			ca:       `ca_certificate { cluster_bundle = true }`,
		}.String(),
		"registry with a cluster-local host": badInputProvider + registryBody{database: validDatabase(`host = "mysql.databases.svc"`)}.String(),
		"registry with an IPv6 host":         badInputProvider + registryBody{database: validDatabase(`host = "fd00::1"`)}.String(),
		"registry with PostgreSQL by address": badInputProvider + registryBody{
			database: validDatabase("type = \"postgres\"\nhost = null\nhost_address = \"10.0.0.9\"\nssl_mode = \"verify-full\""),
			ca:       `ca_certificate { openshift_ai_bundle = true }`,
		}.String(),
		"registry with the default database": badInputProvider + registryBody{noDatabase: true, extra: `default_database = true`,
			resourceName: `resource_name = "` + strings.Repeat("a", 54) + `"`}.String(),
		"permissions": badInputProvider + validPermission + permissionBody(`registry = "fraud"`+"\n"+`project = "team-a"`),
		"insecure provider": `provider "openshiftai" {
  host                 = "https://127.0.0.1:1"
  insecure             = true
  registries_namespace = "rhoai-model-registries"
}
` + validPermission,
		"client certificate provider": fmt.Sprintf(`provider "openshiftai" {
  host                   = "https://127.0.0.1:1"
  client_certificate     = %q
  client_key             = "key"
  cluster_ca_certificate = %q
  registries_namespace   = "rhoai-model-registries"
}
`, certs.valid, certs.valid) + validPermission,
	}
	for name, config := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("KUBE_CONFIG_PATH", "")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:             config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
}

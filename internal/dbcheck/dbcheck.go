// Package dbcheck verifies that a model registry's MySQL or MariaDB database
// is reachable and usable with the configured credentials, before anything is
// written to the cluster.
//
// Verify runs these steps in order and stops at the first failure, returning
// an *Error naming the step and a message a person can act on:
//
//	resolve       DNS lookup of the host (skipped for IP addresses)
//	connect       TCP connection to host:port and the server's greeting
//	tls           TLS handshake and certificate verification (with CAPEM)
//	authenticate  user name and password
//	version       SELECT VERSION(): flavor and version, MySQL 5 or newer
//	database      the database exists, or the user may create it
//
// Verify never creates or changes anything on the server. The password never
// appears in any message or error it returns, and Verify logs nothing.
package dbcheck

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DefaultConnectTimeout is used when Config.ConnectTimeout is zero or
// negative.
const DefaultConnectTimeout = 5 * time.Second

// Config describes the database to verify.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	Database string
	// SkipDatabaseCreation means the database must already exist; otherwise
	// the user must be allowed to create it.
	SkipDatabaseCreation bool
	// CAPEM holds PEM CA certificates. Nil (or empty) means no TLS; set,
	// TLS is required and the server certificate must be signed by one of
	// these CAs and be valid for Host.
	CAPEM []byte
	// ConnectTimeout bounds each of the four network phases separately:
	// the DNS lookup, connecting (TCP, TLS and authentication together),
	// the version query, and the database checks. Verify therefore returns
	// within about 4 × ConnectTimeout, or earlier if ctx ends. Zero or
	// negative means DefaultConnectTimeout (5s).
	ConnectTimeout time.Duration
}

// Result describes a successfully verified server.
type Result struct {
	// ServerVersion is what SELECT VERSION() returned, e.g. "8.0.36" or
	// "10.11.6-MariaDB-0+deb12u1".
	ServerVersion string
	// Flavor is FlavorMySQL or FlavorMariaDB.
	Flavor string
	// DatabaseExists is false when the database is missing but the user
	// may create it.
	DatabaseExists bool
}

// Step names the verification step that failed.
type Step string

// Verification steps, in the order they run.
const (
	StepResolve      Step = "resolve"
	StepConnect      Step = "connect"
	StepTLS          Step = "tls"
	StepAuthenticate Step = "authenticate"
	StepVersion      Step = "version"
	StepDatabase     Step = "database"
)

// Error is the error Verify returns. Summary is a short title (suitable for a
// diagnostic summary) and Detail a complete sentence saying what is wrong and
// what to change (suitable for a diagnostic detail). Err is the underlying
// cause, if any.
type Error struct {
	Step    Step
	Summary string
	Detail  string
	Err     error
}

// Error returns Summary and Detail.
func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Summary
	}
	return e.Summary + ": " + e.Detail
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// minRedactLen is the shortest password that is redacted from messages;
// shorter ones would mangle unrelated text and cannot be protected anyway.
const minRedactLen = 3

// Verify checks the database described by cfg. On failure the error is an
// *Error. It never modifies the server.
func Verify(ctx context.Context, cfg Config) (*Result, error) {
	res, err := verify(ctx, cfg)
	if err != nil {
		return nil, redact(err, cfg.Password)
	}
	return res, nil
}

func verify(ctx context.Context, cfg Config) (*Result, error) {
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	if err := validate(cfg); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))

	// Step: resolve.
	if net.ParseIP(cfg.Host) == nil {
		if err := resolve(ctx, cfg.Host, timeout); err != nil {
			return nil, err
		}
	}

	// Steps: connect, tls, authenticate.
	mcfg := mysql.NewConfig()
	mcfg.Net = "tcp"
	mcfg.Addr = addr
	mcfg.User = cfg.Username
	mcfg.Passwd = cfg.Password
	mcfg.Timeout = timeout
	mcfg.ReadTimeout = timeout
	mcfg.WriteTimeout = timeout
	mcfg.Logger = discardLogger{}
	// Fail instead of asking for cleartext or old, insecure password
	// methods; the error says so.
	mcfg.AllowCleartextPasswords = false
	mcfg.AllowOldPasswords = false
	if len(cfg.CAPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CAPEM) {
			return nil, &Error{
				Step:    StepTLS,
				Summary: "Invalid database CA certificate",
				Detail:  "database.ca_certificate does not contain any PEM-encoded certificate; provide the CA certificate(s) that signed the database server's certificate, starting with -----BEGIN CERTIFICATE-----",
			}
		}
		name, err := tlsConfigName()
		if err != nil {
			return nil, &Error{Step: StepTLS, Summary: "TLS setup failed", Detail: err.Error(), Err: err}
		}
		tlsCfg := &tls.Config{RootCAs: pool, ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
		if err := mysql.RegisterTLSConfig(name, tlsCfg); err != nil {
			return nil, &Error{Step: StepTLS, Summary: "TLS setup failed", Detail: err.Error(), Err: err}
		}
		defer mysql.DeregisterTLSConfig(name)
		mcfg.TLSConfig = name
	}
	probe := &dialProbe{timeout: timeout}
	mcfg.DialFunc = probe.dial
	connector, err := mysql.NewConnector(mcfg)
	if err != nil {
		// Only invalid configurations get here; the message names no secret.
		return nil, &Error{Step: StepConnect, Summary: "Invalid database connection settings", Detail: err.Error(), Err: err}
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(1)

	cctx, cancel := context.WithTimeout(ctx, timeout)
	conn, err := db.Conn(cctx)
	cancel()
	if err != nil {
		return nil, classifyConnectError(ctx, err, cfg, addr, timeout, probe)
	}
	defer conn.Close()

	// Step: version.
	qctx, cancel := context.WithTimeout(ctx, timeout)
	var raw string
	err = conn.QueryRowContext(qctx, "SELECT VERSION()").Scan(&raw)
	cancel()
	if err != nil {
		return nil, &Error{
			Step:    StepVersion,
			Summary: "Could not read the database server version",
			Detail:  fmt.Sprintf("SELECT VERSION() failed on %s: %v", addr, err),
			Err:     err,
		}
	}
	v, err := ParseVersion(raw)
	if err != nil {
		return nil, &Error{
			Step:    StepVersion,
			Summary: "Unrecognized database server version",
			Detail:  fmt.Sprintf("the server at %s reports version %q, which is not a MySQL or MariaDB version; check database.host and database.port point at a MySQL server", addr, raw),
			Err:     err,
		}
	}
	if err := checkSupported(v); err != nil {
		return nil, &Error{
			Step:    StepVersion,
			Summary: "Unsupported database server version",
			Detail:  fmt.Sprintf("the server at %s runs %s %s; version %d or newer is required; upgrade the database server", addr, v.Flavor, raw, minMajor),
			Err:     err,
		}
	}
	res := &Result{ServerVersion: raw, Flavor: v.Flavor}

	// Step: database.
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	exists, err := checkDatabase(dctx, conn, cfg, addr)
	if err != nil {
		return nil, err
	}
	res.DatabaseExists = exists
	return res, nil
}

func validate(cfg Config) error {
	switch {
	case strings.TrimSpace(cfg.Host) == "":
		return &Error{Step: StepResolve, Summary: "Missing database host", Detail: "database.host is empty; set it to the MySQL server's host name or IP address"}
	case cfg.Port < 1 || cfg.Port > 65535:
		return &Error{Step: StepConnect, Summary: "Invalid database port", Detail: fmt.Sprintf("database.port %d is not a TCP port (1-65535); MySQL usually listens on 3306", cfg.Port)}
	case cfg.Username == "":
		return &Error{Step: StepAuthenticate, Summary: "Missing database user name", Detail: "database.username is empty; set the MySQL user the model registry connects as"}
	case cfg.Database == "":
		return &Error{Step: StepDatabase, Summary: "Missing database name", Detail: "database.database is empty; set the name of the model registry's database"}
	}
	return nil
}

func resolve(ctx context.Context, host string, timeout time.Duration) error {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := net.DefaultResolver.LookupHost(rctx, host)
	if err == nil {
		return nil
	}
	var dnsErr *net.DNSError
	reason := err.Error()
	summary := "Database host could not be resolved"
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		reason = "no such host"
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("the DNS lookup timed out after %s", timeout)
		summary = "Database host lookup timed out"
	case errors.As(err, &dnsErr):
		reason = dnsErr.Err
	}
	return &Error{
		Step:    StepResolve,
		Summary: summary,
		Detail:  fmt.Sprintf("database host %q could not be resolved: %s; check database.host and that the name resolves from where Terraform runs", host, reason),
		Err:     err,
	}
}

// dialProbe dials for the driver, remembering the dial error and what the
// server sent first (its greeting), so that failures can be attributed.
type dialProbe struct {
	timeout time.Duration

	mu      sync.Mutex
	dialed  bool
	dialErr error
	conn    *sniffConn
}

func (p *dialProbe) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: p.timeout}
	c, err := d.DialContext(ctx, network, addr)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dialed = true
	p.dialErr = err
	if err != nil {
		return nil, err
	}
	p.conn = &sniffConn{Conn: c}
	return p.conn, nil
}

func (p *dialProbe) state() (dialed bool, dialErr error, g greeting, readErr error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		g, readErr = p.conn.result()
	}
	return p.dialed, p.dialErr, g, readErr
}

// sniffConn records the first packet the server sends.
type sniffConn struct {
	net.Conn
	mu      sync.Mutex
	buf     []byte
	full    bool
	readErr error
}

const maxGreeting = 1024

func (c *sniffConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	if !c.full {
		c.buf = append(c.buf, b[:n]...)
		if len(c.buf) >= 4 {
			want := 4 + int(c.buf[0]) | int(c.buf[1])<<8 | int(c.buf[2])<<16
			if len(c.buf) >= want || len(c.buf) >= maxGreeting {
				c.full = true
			}
		}
	}
	if err != nil && c.readErr == nil {
		c.readErr = err
	}
	c.mu.Unlock()
	return n, err
}

func (c *sniffConn) result() (greeting, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return parseGreeting(c.buf), c.readErr
}

// greeting is what we learn from the server's first packet.
type greeting struct {
	received   bool // a complete protocol-10 greeting was parsed
	version    string
	supportTLS bool
}

const clientSSL = 0x0800

func parseGreeting(b []byte) greeting {
	var g greeting
	if len(b) < 5 {
		return g
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	payload := b[4:]
	if len(payload) < n {
		return g
	}
	payload = payload[:n]
	if len(payload) == 0 || payload[0] != 10 {
		return g
	}
	end := strings.IndexByte(string(payload[1:]), 0)
	if end < 0 {
		return g
	}
	g.version = string(payload[1 : 1+end])
	pos := 1 + end + 1 + 4 + 8 + 1
	if len(payload) < pos+2 {
		return g
	}
	caps := int(payload[pos]) | int(payload[pos+1])<<8
	g.supportTLS = caps&clientSSL != 0
	g.received = true
	return g
}

// MySQL and MariaDB error numbers handled specially.
const (
	erConCount              = 1040 // too many connections
	erAccessDenied          = 1045
	erHostIsBlocked         = 1129
	erHostNotPrivileged     = 1130
	erSecureTransportNeeded = 3159 // MySQL require_secure_transport
	erMariaSecureTransport  = 4188 // reserved in MariaDB's error list; 10.11 sends 1045 instead
	erMustChangePassword    = 1820
	erAccountLocked         = 3118
	erMariaAccountLocked    = 4151
)

func classifyConnectError(parent context.Context, err error, cfg Config, addr string, timeout time.Duration, p *dialProbe) error {
	dialed, dialErr, g, readErr := p.state()
	tlsRequested := len(cfg.CAPEM) > 0

	// Nothing was dialed, or the dial failed: a TCP problem.
	if !dialed || dialErr != nil {
		cause := dialErr
		if cause == nil {
			cause = err
		}
		return connectError(parent, cause, addr, timeout)
	}

	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return serverError(myErr, cfg, addr, g)
	}

	var unknownAuthority x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var alert tls.AlertError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(err, mysql.ErrNoTLS):
		return &Error{
			Step:    StepTLS,
			Summary: "Database server does not support TLS",
			Detail:  fmt.Sprintf("database.ca_certificate is set, so TLS is required, but the server at %s does not support TLS; enable TLS on the server (ssl_cert/ssl_key) or remove database.ca_certificate", addr),
			Err:     err,
		}
	case errors.As(err, &unknownAuthority):
		return &Error{
			Step:    StepTLS,
			Summary: "Database server certificate not trusted",
			Detail:  fmt.Sprintf("TLS verification of %s failed: the server's certificate is not signed by the CA in ca_certificate (%s); set database.ca_certificate to the CA that issued the server certificate", addr, describeCert(unknownAuthority.Cert)),
			Err:     err,
		}
	case errors.As(err, &hostErr):
		return &Error{
			Step:    StepTLS,
			Summary: "Database server certificate does not match the host",
			Detail:  fmt.Sprintf("TLS verification of %s failed: the server's certificate is not valid for host %q; it is valid for %s; set database.host to one of those names or reissue the server certificate for %q", addr, cfg.Host, certNames(hostErr.Certificate), cfg.Host),
			Err:     err,
		}
	case errors.As(err, &invalidCert):
		return &Error{
			Step:    StepTLS,
			Summary: "Database server certificate invalid",
			Detail:  fmt.Sprintf("TLS verification of %s failed: %v; renew or fix the server certificate", addr, invalidCert),
			Err:     err,
		}
	case errors.As(err, &verifyErr):
		return &Error{
			Step:    StepTLS,
			Summary: "Database server certificate rejected",
			Detail:  fmt.Sprintf("TLS verification of %s failed: %v; check database.ca_certificate and the server certificate", addr, verifyErr.Err),
			Err:     err,
		}
	case errors.As(err, &alert), errors.As(err, &recordErr):
		return &Error{
			Step:    StepTLS,
			Summary: "TLS handshake with the database failed",
			Detail:  fmt.Sprintf("the TLS handshake with %s failed: %v; check that the server's TLS setup accepts TLS 1.2 or newer", addr, err),
			Err:     err,
		}
	case errors.Is(err, mysql.ErrCleartextPassword), errors.Is(err, mysql.ErrOldPassword),
		errors.Is(err, mysql.ErrNativePassword), errors.Is(err, mysql.ErrUnknownPlugin):
		return &Error{
			Step:    StepAuthenticate,
			Summary: "Unsupported database authentication method",
			Detail:  fmt.Sprintf("user %q on %s uses an authentication method this check does not support (%v); use mysql_native_password or caching_sha2_password for this user", cfg.Username, addr, err),
			Err:     err,
		}
	}

	if !g.received {
		// TCP worked, but no MySQL greeting arrived.
		reason := "did not answer like a MySQL server"
		var ne net.Error
		if (errors.As(readErr, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded) {
			reason = fmt.Sprintf("sent no MySQL greeting within %s", timeout)
		} else if readErr != nil {
			reason = fmt.Sprintf("closed the connection before the MySQL greeting (%v)", readErr)
		}
		if parent.Err() != nil {
			reason = "was still being contacted when the operation was canceled"
		}
		return &Error{
			Step:    StepConnect,
			Summary: "Database server did not respond",
			Detail:  fmt.Sprintf("%s accepted the TCP connection but %s; check that database.host and database.port point at a MySQL or MariaDB server", addr, reason),
			Err:     err,
		}
	}
	step := StepAuthenticate
	what := "logging in"
	if tlsRequested {
		step, what = StepTLS, "the TLS handshake or logging in"
	}
	reason := err.Error()
	var ne net.Error
	if (errors.As(readErr, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded) {
		reason = fmt.Sprintf("no answer within %s", timeout)
	} else if readErr != nil {
		reason = readErr.Error()
	}
	return &Error{
		Step:    step,
		Summary: "Database connection failed",
		Detail:  fmt.Sprintf("the connection to %s failed during %s: %s; check the server's error log", addr, what, reason),
		Err:     err,
	}
}

func connectError(parent context.Context, err error, addr string, timeout time.Duration) error {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{
			Step:    StepConnect,
			Summary: "Database connection refused",
			Detail:  fmt.Sprintf("the connection to %s was refused: nothing listens on that port or a firewall rejects it; check database.host, database.port and that the server is running", addr),
			Err:     err,
		}
	case parent.Err() != nil:
		return &Error{
			Step:    StepConnect,
			Summary: "Database connection canceled",
			Detail:  fmt.Sprintf("connecting to %s was canceled: %v", addr, parent.Err()),
			Err:     err,
		}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{
			Step:    StepConnect,
			Summary: "Database connection timed out",
			Detail:  fmt.Sprintf("the connection to %s timed out after %s: the host is down or unreachable, or a firewall drops the traffic; check database.host, database.port and network access from where Terraform runs", addr, timeout),
			Err:     err,
		}
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return &Error{
			Step:    StepConnect,
			Summary: "Database host unreachable",
			Detail:  fmt.Sprintf("%s is unreachable (%v); check database.host and network routes from where Terraform runs", addr, err),
			Err:     err,
		}
	}
	return &Error{
		Step:    StepConnect,
		Summary: "Database connection failed",
		Detail:  fmt.Sprintf("could not connect to %s: %v; check database.host and database.port", addr, err),
		Err:     err,
	}
}

func serverError(myErr *mysql.MySQLError, cfg Config, addr string, g greeting) error {
	tlsRequested := len(cfg.CAPEM) > 0
	switch myErr.Number {
	case erSecureTransportNeeded, erMariaSecureTransport:
		return &Error{
			Step:    StepTLS,
			Summary: "Database requires TLS",
			Detail:  fmt.Sprintf("the server at %s requires TLS (require_secure_transport=ON); set database.ca_certificate to the CA that signed the server certificate", addr),
			Err:     myErr,
		}
	case erAccessDenied:
		detail := fmt.Sprintf("access denied for user %q on %s; check database.username and the password", cfg.Username, addr)
		summary := "Database access denied"
		if !tlsRequested && g.supportTLS {
			// MariaDB rejects non-TLS logins under require_secure_transport
			// with this same error, so it cannot be told apart from a wrong
			// password.
			summary = "Database access denied (TLS may be required)"
			detail += ", and that the user may log in from this client's address. The server supports TLS but database.ca_certificate is not set, and MariaDB reports a login without TLS as access denied when require_secure_transport=ON: if the server requires TLS, set database.ca_certificate"
		} else {
			detail += ", and that the user may log in from this client's address"
		}
		return &Error{Step: StepAuthenticate, Summary: summary, Detail: detail, Err: myErr}
	case erHostNotPrivileged:
		return &Error{
			Step:    StepAuthenticate,
			Summary: "Database refuses this client host",
			Detail:  fmt.Sprintf("the server at %s does not accept connections from this client's address (%s); create the user for this host (e.g. '%s'@'%%') or connect from an allowed address", addr, myErr.Message, cfg.Username),
			Err:     myErr,
		}
	case erHostIsBlocked:
		return &Error{
			Step:    StepConnect,
			Summary: "Database blocks this client host",
			Detail:  fmt.Sprintf("the server at %s blocks this client's address after too many connection errors (%s); run FLUSH HOSTS on the server or raise max_connect_errors", addr, myErr.Message),
			Err:     myErr,
		}
	case erConCount:
		return &Error{
			Step:    StepConnect,
			Summary: "Database has too many connections",
			Detail:  fmt.Sprintf("the server at %s refused the connection: too many connections; retry later or raise max_connections", addr),
			Err:     myErr,
		}
	case erAccountLocked, erMariaAccountLocked:
		return &Error{
			Step:    StepAuthenticate,
			Summary: "Database account locked",
			Detail:  fmt.Sprintf("the account of user %q on %s is locked; unlock it with ALTER USER ... ACCOUNT UNLOCK", cfg.Username, addr),
			Err:     myErr,
		}
	case erMustChangePassword:
		return &Error{
			Step:    StepAuthenticate,
			Summary: "Database password expired",
			Detail:  fmt.Sprintf("the password of user %q on %s has expired; set a new password for the user and update the configuration", cfg.Username, addr),
			Err:     myErr,
		}
	}
	return &Error{
		Step:    StepAuthenticate,
		Summary: "Database login failed",
		Detail:  fmt.Sprintf("logging in to %s as user %q failed: %v", addr, cfg.Username, myErr),
		Err:     myErr,
	}
}

func describeCert(c *x509.Certificate) string {
	if c == nil {
		return "certificate unavailable"
	}
	return fmt.Sprintf("it was issued by %q", c.Issuer.String())
}

// certNames lists the DNS names and IP addresses a certificate is valid for.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no names (certificate unavailable)"
	}
	var names []string
	for _, n := range c.DNSNames {
		names = append(names, strconv.Quote(n))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, strconv.Quote(ip.String()))
	}
	if len(names) == 0 {
		return fmt.Sprintf("no names (it has no subject alternative names; its common name is %q, which TLS no longer accepts)", c.Subject.CommonName)
	}
	return strings.Join(names, ", ")
}

func checkDatabase(ctx context.Context, conn *sql.Conn, cfg Config, addr string) (bool, error) {
	var n int
	err := conn.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", cfg.Database).Scan(&n)
	if err != nil {
		return false, &Error{
			Step:    StepDatabase,
			Summary: "Could not check the database",
			Detail:  fmt.Sprintf("listing databases on %s failed: %v", addr, err),
			Err:     err,
		}
	}
	if n > 0 {
		return true, nil
	}
	if cfg.SkipDatabaseCreation {
		return false, &Error{
			Step:    StepDatabase,
			Summary: "Database does not exist",
			Detail: fmt.Sprintf("database %q does not exist on %s (or user %q has no privilege on it, which hides it) and database.skip_database_creation is true; create it and grant the user access, or set skip_database_creation = false",
				cfg.Database, addr, cfg.Username),
		}
	}
	grants, err := showGrants(ctx, conn)
	if err != nil {
		return false, &Error{
			Step:    StepDatabase,
			Summary: "Could not check database privileges",
			Detail:  fmt.Sprintf("database %q does not exist on %s and SHOW GRANTS failed, so it is unknown whether user %q may create it: %v", cfg.Database, addr, cfg.Username, err),
			Err:     err,
		}
	}
	v := canCreateDatabase(grants, cfg.Database)
	if v.canCreate {
		return false, nil
	}
	detail := fmt.Sprintf("database %q does not exist on %s and user %q may not create it: its grants include no CREATE privilege on *.* or on `%s`.*; create the database and grant the user access to it, or GRANT CREATE ON `%s`.* to the user",
		cfg.Database, addr, cfg.Username, cfg.Database, cfg.Database)
	if v.hasRoles {
		detail += " (privileges the user has through roles were not inspected)"
	}
	return false, &Error{Step: StepDatabase, Summary: "Database cannot be created", Detail: detail}
}

func showGrants(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SHOW GRANTS")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func tlsConfigName() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a TLS configuration name: %w", err)
	}
	return "dbcheck-" + hex.EncodeToString(b[:]), nil
}

type discardLogger struct{}

func (discardLogger) Print(...any) {}

// redact removes the password from an error's messages, including the
// cause: a cause whose message contains the password is replaced, a
// *mysql.MySQLError by a copy with a redacted message, any other error by an
// opaque error that still answers errors.Is for the original chain but no
// longer unwraps to it.
func redact(err error, password string) error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Step: StepConnect, Summary: "Database check failed", Detail: err.Error(), Err: err}
	}
	if len(password) < minRedactLen {
		return e
	}
	r := strings.NewReplacer(password, "[REDACTED]")
	out := *e
	out.Summary = r.Replace(e.Summary)
	out.Detail = r.Replace(e.Detail)
	if e.Err != nil && strings.Contains(fmt.Sprintf("%v %+v %#v", e.Err, e.Err, e.Err), password) {
		var myErr *mysql.MySQLError
		if errors.As(e.Err, &myErr) && myErr.Error() == e.Err.Error() {
			c := *myErr
			c.Message = r.Replace(myErr.Message)
			out.Err = &c
		} else {
			out.Err = &redactedError{msg: r.Replace(e.Err.Error()), err: e.Err}
		}
	}
	return &out
}

// redactedError hides an error whose message contained the password.
type redactedError struct {
	msg string
	err error
}

func (r *redactedError) Error() string { return r.msg }

// Is reports whether the hidden error matches target.
func (r *redactedError) Is(target error) bool { return errors.Is(r.err, target) }

// GoString keeps %#v from printing the hidden error.
func (r *redactedError) GoString() string {
	return "&dbcheck.redactedError{" + strconv.Quote(r.msg) + "}"
}

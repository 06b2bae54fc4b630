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
	"time"

	"github.com/go-sql-driver/mysql"
)

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

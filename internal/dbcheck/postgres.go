package dbcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// MinPostgresVersion is the oldest PostgreSQL server the model registry can use:
// its schema migrations create identity columns (`id INTEGER GENERATED ALWAYS AS
// IDENTITY`, kubeflow/model-registry internal/platform/db/postgres/migrations/
// 000001_create_artifact_table.up.sql and the ones after it), which PostgreSQL
// has since version 10. The registry's own tests run against PostgreSQL 16.
const MinPostgresVersion = 10

// FlavorPostgreSQL is Result.Flavor for a PostgreSQL server.
const FlavorPostgreSQL = "PostgreSQL"

// PostgresConfig describes a PostgreSQL database to verify.
type PostgresConfig struct {
	Config
	// SSLMode is the sslmode the registry connects with when no CA is set:
	// disable, allow, prefer, require, verify-ca or verify-full ("" is disable,
	// the CRD's default). With CAPEM the check requires TLS and verifies the
	// server's certificate against it, as the registry server does.
	SSLMode string
}

// PostgreSQL error codes the check tells apart.
const (
	pgInvalidPassword      = "28P01"
	pgInvalidAuthorization = "28000"
	pgInvalidCatalogName   = "3D000"
)

// VerifyPostgres checks the PostgreSQL database described by cfg, in the
// steps of Verify: resolve, connect, tls, authenticate, version and database
// (the database exists, the registry's schema exists and, unless
// SkipDatabaseCreation, the user may create tables in it). It never modifies
// the server; on failure the error is an *Error without the password.
func VerifyPostgres(ctx context.Context, cfg PostgresConfig) (*Result, error) {
	res, err := verifyPostgres(ctx, cfg)
	if err != nil {
		return nil, redact(err, cfg.Password)
	}
	return res, nil
}

func verifyPostgres(ctx context.Context, cfg PostgresConfig) (*Result, error) {
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	if err := validate(cfg.Config); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	if net.ParseIP(cfg.Host) == nil {
		if err := resolve(ctx, cfg.Host, timeout); err != nil {
			return nil, err
		}
	}
	// Step: connect, on its own so that a refused or silent port is told apart
	// from what PostgreSQL answers.
	dctx, cancel := context.WithTimeout(ctx, timeout)
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	cancel()
	if err != nil {
		return nil, connectError(ctx, err, addr, timeout)
	}
	_ = conn.Close() //nolint:errcheck // a probe connection; nothing was sent

	pgCfg, err := postgresConnConfig(cfg, timeout)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pg, err := pgconn.ConnectConfig(cctx, pgCfg)
	if err != nil {
		return nil, classifyPostgresError(err, cfg, addr)
	}
	defer pg.Close(context.Background()) //nolint:errcheck // closing a read-only session

	// Step: version.
	version, err := queryOne(cctx, pg, "SHOW server_version_num")
	if err != nil {
		return nil, &Error{Step: StepVersion, Summary: "Cannot read the server version",
			Detail: fmt.Sprintf("SHOW server_version_num failed on %s: %v; is this a PostgreSQL server?", addr, err), Err: err}
	}
	num, _ := strconv.Atoi(version)
	display := pg.ParameterStatus("server_version")
	if num/10000 < MinPostgresVersion {
		return nil, &Error{Step: StepVersion, Summary: "PostgreSQL too old",
			Detail: fmt.Sprintf("%s runs PostgreSQL %s; the model registry needs PostgreSQL %d or later; upgrade the server or point database.host at a newer one",
				addr, display, MinPostgresVersion)}
	}

	// Step: database. Connecting to it proved it exists; the registry creates
	// its tables in the first schema of the search path.
	schema, err := queryOne(cctx, pg, "SELECT coalesce(current_schema(), '')")
	if err != nil {
		return nil, &Error{Step: StepDatabase, Summary: "Cannot read the database schema", Detail: fmt.Sprintf("reading the current schema of database %q failed: %v", cfg.Database, err), Err: err}
	}
	if schema == "" {
		return nil, &Error{Step: StepDatabase, Summary: "No schema for the registry's tables",
			Detail: fmt.Sprintf("database %q has no schema in user %q's search_path that exists; create one (for example CREATE SCHEMA AUTHORIZATION %s) or set the user's search_path",
				cfg.Database, cfg.Username, cfg.Username)}
	}
	privilege := "CREATE"
	if cfg.SkipDatabaseCreation {
		privilege = "USAGE"
	}
	allowed, err := queryOne(cctx, pg, fmt.Sprintf("SELECT has_schema_privilege(current_schema(), '%s')::text", privilege))
	if err != nil {
		return nil, &Error{Step: StepDatabase, Summary: "Cannot check the schema's privileges", Detail: err.Error(), Err: err}
	}
	if allowed != "true" {
		fix := fmt.Sprintf("GRANT CREATE ON SCHEMA %s TO %s", schema, cfg.Username)
		what := "create the registry's tables in"
		if cfg.SkipDatabaseCreation {
			fix, what = fmt.Sprintf("GRANT USAGE ON SCHEMA %s TO %s", schema, cfg.Username), "use"
		}
		return nil, &Error{Step: StepDatabase, Summary: "Missing privilege on the schema",
			Detail: fmt.Sprintf("user %q may not %s schema %q of database %q; run %s", cfg.Username, what, schema, cfg.Database, fix)}
	}
	return &Result{ServerVersion: display, Flavor: FlavorPostgreSQL, DatabaseExists: true}, nil
}

// postgresConnConfig is the connection the registry server would open.
func postgresConnConfig(cfg PostgresConfig, timeout time.Duration) (*pgconn.Config, error) {
	mode := cfg.SSLMode
	if mode == "" {
		mode = "disable"
	}
	if len(cfg.CAPEM) > 0 {
		// With a CA mounted the registry server connects with TLS, whatever sslMode says.
		mode = "require"
	}
	// The host goes into the string: pgconn decides on TLS per host, and a
	// default host may be a unix socket, which never gets TLS.
	quote := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	pgCfg, err := pgconn.ParseConfig(fmt.Sprintf("host='%s' port=%d sslmode='%s'", quote.Replace(cfg.Host), cfg.Port, quote.Replace(mode)))
	if err != nil {
		return nil, &Error{Step: StepTLS, Summary: "Invalid sslmode", Detail: fmt.Sprintf("database.ssl_mode %q: %v", cfg.SSLMode, err), Err: err}
	}
	pgCfg.User, pgCfg.Password, pgCfg.Database = cfg.Username, cfg.Password, cfg.Database
	pgCfg.ConnectTimeout = timeout
	pgCfg.RuntimeParams = map[string]string{"application_name": "terraform-provider-openshiftai"}
	if len(cfg.CAPEM) > 0 {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(cfg.CAPEM) {
			return nil, &Error{Step: StepTLS, Summary: "Invalid CA certificate", Detail: "the CA certificate holds no PEM certificate; check ca_certificate"}
		}
		pgCfg.TLSConfig = &tls.Config{RootCAs: roots, ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
		pgCfg.Fallbacks = nil
	}
	return pgCfg, nil
}

func queryOne(ctx context.Context, pg *pgconn.PgConn, sql string) (string, error) {
	results, err := pg.Exec(ctx, sql).ReadAll()
	if err != nil {
		return "", err
	}
	if len(results) != 1 || len(results[0].Rows) != 1 || len(results[0].Rows[0]) != 1 {
		return "", fmt.Errorf("%s returned no value", sql)
	}
	return string(results[0].Rows[0][0]), nil
}

// classifyPostgresError names the step of a failed PostgreSQL connection:
// TLS, authentication or the database.
func classifyPostgresError(err error, cfg PostgresConfig, addr string) error {
	var pgErr *pgconn.PgError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	tlsWanted := len(cfg.CAPEM) > 0 || cfg.SSLMode == "require" || strings.HasPrefix(cfg.SSLMode, "verify-")
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == pgInvalidPassword:
		return &Error{Step: StepAuthenticate, Summary: "Database authentication failed",
			Detail: fmt.Sprintf("%s rejected user %q: %s; check database.username and the password", addr, cfg.Username, pgErr.Message), Err: err}
	case errors.As(err, &pgErr) && pgErr.Code == pgInvalidCatalogName:
		return &Error{Step: StepDatabase, Summary: "Database does not exist",
			Detail: fmt.Sprintf("database %q does not exist on %s; the model registry does not create PostgreSQL databases: create it (CREATE DATABASE %s OWNER %s) or fix database.database",
				cfg.Database, addr, cfg.Database, cfg.Username), Err: err}
	case errors.As(err, &pgErr) && pgErr.Code == pgInvalidAuthorization && strings.Contains(pgErr.Message, "no encryption") && !tlsWanted:
		return &Error{Step: StepTLS, Summary: "Database requires TLS",
			Detail: fmt.Sprintf("%s accepts only TLS connections (%s); set database.ssl_mode = \"require\" or a ca_certificate", addr, pgErr.Message), Err: err}
	case errors.As(err, &pgErr) && pgErr.Code == pgInvalidAuthorization:
		return &Error{Step: StepAuthenticate, Summary: "Database refused the connection",
			Detail: fmt.Sprintf("%s refused user %q for database %q: %s; check the server's pg_hba.conf, database.username and database.database", addr, cfg.Username, cfg.Database, pgErr.Message), Err: err}
	case errors.As(err, &unknownAuthority), errors.As(err, &verifyErr) && errors.As(verifyErr.Err, &unknownAuthority):
		return &Error{Step: StepTLS, Summary: "Database certificate not trusted",
			Detail: fmt.Sprintf("the TLS certificate of %s is not signed by the configured CA; set ca_certificate to the CA that signed it", addr), Err: err}
	case errors.As(err, &hostnameErr):
		return &Error{Step: StepTLS, Summary: "Database certificate does not match the host",
			Detail: fmt.Sprintf("the TLS certificate of %s is not valid for %q (%s); connect by a name the certificate lists", addr, cfg.Host, certNames(hostnameErr.Certificate)), Err: err}
	case errors.As(err, &invalidCert):
		return &Error{Step: StepTLS, Summary: "Database certificate invalid",
			Detail: fmt.Sprintf("the TLS certificate of %s is invalid: %v", addr, invalidCert), Err: err}
	case strings.Contains(err.Error(), "server refused TLS connection"):
		return &Error{Step: StepTLS, Summary: "Database does not offer TLS",
			Detail: fmt.Sprintf("%s does not accept TLS connections, but ssl_mode or ca_certificate asks for TLS; enable TLS on the server or remove ca_certificate and set database.ssl_mode = \"disable\"", addr), Err: err}
	case strings.Contains(err.Error(), "tls:"):
		return &Error{Step: StepTLS, Summary: "Database TLS handshake failed", Detail: fmt.Sprintf("the TLS handshake with %s failed: %v", addr, err), Err: err}
	}
	return &Error{Step: StepConnect, Summary: "Database connection failed",
		Detail: fmt.Sprintf("could not connect to PostgreSQL at %s: %v; check database.host, database.port and that it is a PostgreSQL server", addr, err), Err: err}
}

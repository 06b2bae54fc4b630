// Package dbcheck verifies that a model registry's database is reachable and
// usable with the configured credentials, before anything is written to the
// cluster. This file holds what both engines share: the configuration, the
// result, the steps and their errors, and redaction; mysql.go checks MySQL and
// MariaDB (Verify), postgres.go PostgreSQL (VerifyPostgres).
//
// Both run these steps in order and stops at the first failure, returning
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
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
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

// Package mariadbtest starts throw-away MariaDB servers for tests.
//
// It runs the mariadbd binary from Debian's mariadb-server package (install it
// with "apt-get install -y mariadb-server") in a temporary data directory, on
// a free loopback TCP port and a private unix socket. It never uses a system
// service or the system configuration files (--no-defaults).
//
// When mariadbd is not installed, tests are skipped, except when the
// environment variable CI is "true": then they fail, so that CI never silently
// skips database tests.
package mariadbtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// InstallHint tells a person how to get the server binaries.
const InstallHint = "apt-get update && apt-get install -y mariadb-server"

// ErrNotInstalled is returned by New when mariadbd or mariadb-install-db
// cannot be found.
var ErrNotInstalled = errors.New("mariadbd not found; install it with: " + InstallHint)

// startTimeout bounds how long New waits for a server to accept connections.
const startTimeout = 60 * time.Second

// Options selects how the server is configured.
type Options struct {
	// TLS enables TLS with a freshly generated CA and server certificate.
	TLS bool
	// CertHosts are the DNS names and IP addresses in the server
	// certificate; when empty they are "localhost" and "127.0.0.1".
	// Only used with TLS.
	CertHosts []string
	// RequireSecureTransport sets require_secure_transport=ON, so that
	// clients must use TLS. Requires TLS.
	RequireSecureTransport bool
}

func (o Options) key() string {
	return fmt.Sprintf("tls=%t hosts=%q require=%t", o.TLS, o.CertHosts, o.RequireSecureTransport)
}

// Server is a running MariaDB server.
type Server struct {
	// Host is the address clients connect to over TCP: "127.0.0.1".
	Host string
	// Port is the TCP port the server listens on.
	Port int
	// CAPEM is the PEM certificate of the CA that signed the server
	// certificate; nil without TLS.
	CAPEM []byte
	// Socket is the unix socket path; root connects there without password.
	Socket string
	// Dir is the temporary directory holding data, socket and logs.
	Dir string

	cmd     *exec.Cmd
	exited  chan struct{}
	admin   *sql.DB
	stopped atomic.Bool
}

// Start starts a server for the test and stops it when the test ends.
// It skips the test when mariadbd is missing, unless CI=true.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	dir := t.TempDir()
	s, err := newServer(dir, opts)
	if err != nil {
		handleStartError(t, err)
	}
	t.Cleanup(s.Stop)
	return s
}

func handleStartError(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err.Error())
	}
	t.Fatalf("starting MariaDB: %v", err)
}

var (
	sharedMu      sync.Mutex
	sharedServers = map[string]*sharedEntry{}
)

type sharedEntry struct {
	once sync.Once
	srv  *Server
	dir  string
	err  error
}

// Shared returns a server for opts that is started at most once per test
// binary and shared by every test asking for equal Options. Tests must not
// change global server state on a shared server; create their own users and
// databases with unique names instead. Call StopShared from TestMain after
// m.Run; the servers also die with the test process (Pdeathsig).
func Shared(t testing.TB, opts Options) *Server {
	t.Helper()
	sharedMu.Lock()
	e, ok := sharedServers[opts.key()]
	if !ok {
		e = &sharedEntry{}
		sharedServers[opts.key()] = e
	}
	sharedMu.Unlock()
	e.once.Do(func() {
		// Not t.TempDir: the server outlives the test that happens to start it (later
		// tests share it, StopShared removes the directory), and t.TempDir would be
		// deleted under the running server when that first test ends. The short
		// /tmp/mariadbtest-N path also keeps the unix socket under its 108-byte limit.
		e.dir, e.err = os.MkdirTemp("", "mariadbtest-") //nolint:usetesting // shared across tests, see above
		if e.err != nil {
			return
		}
		e.srv, e.err = newServer(e.dir, opts)
		if e.err != nil {
			_ = os.RemoveAll(e.dir)
		}
	})
	if e.err != nil {
		handleStartError(t, e.err)
	}
	return e.srv
}

// StopShared stops every server started by Shared and removes its files.
func StopShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for k, e := range sharedServers {
		if e.srv != nil {
			e.srv.Stop()
		}
		if e.dir != "" {
			_ = os.RemoveAll(e.dir)
		}
		delete(sharedServers, k)
	}
}

func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

func newServer(dir string, opts Options) (*Server, error) {
	if opts.RequireSecureTransport && !opts.TLS {
		return nil, errors.New("RequireSecureTransport needs TLS")
	}
	mariadbd, err := findBinary("mariadbd")
	if err != nil {
		return nil, err
	}
	installDB, err := findBinary("mariadb-install-db")
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	// A private tmpdir: concurrent bootstraps sharing /tmp collide on their
	// temporary table files.
	tmpDir := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmpDir, 0o700); err != nil {
		return nil, err
	}
	install := exec.Command(installDB,
		"--no-defaults",
		"--datadir="+dataDir,
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--skip-name-resolve",
		"--user="+currentUserName(),
		"--tmpdir="+tmpDir,
	)
	install.Env = append(os.Environ(), "TMPDIR="+tmpDir)
	if out, err := install.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("mariadb-install-db: %w\n%s", err, out)
	}

	s := &Server{Host: "127.0.0.1", Dir: dir, Socket: filepath.Join(dir, "mysqld.sock")}
	args := []string{
		"--no-defaults",
		"--datadir=" + dataDir,
		"--socket=" + s.Socket,
		"--pid-file=" + filepath.Join(dir, "mysqld.pid"),
		"--log-error=" + filepath.Join(dir, "error.log"),
		"--tmpdir=" + tmpDir,
		"--skip-networking=0",
		"--bind-address=127.0.0.1",
		"--skip-name-resolve",
		"--performance-schema=OFF",
		"--innodb-buffer-pool-size=32M",
		"--user=" + currentUserName(),
	}
	if opts.TLS {
		ca, err := newCA("mariadbtest CA")
		if err != nil {
			return nil, err
		}
		hosts := opts.CertHosts
		if len(hosts) == 0 {
			hosts = []string{"localhost", "127.0.0.1"}
		}
		certPEM, keyPEM, err := ca.issue(hosts)
		if err != nil {
			return nil, err
		}
		files := map[string][]byte{"ca.pem": ca.certPEM, "server-cert.pem": certPEM, "server-key.pem": keyPEM}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				return nil, err
			}
		}
		s.CAPEM = ca.certPEM
		args = append(args,
			"--ssl-ca="+filepath.Join(dir, "ca.pem"),
			"--ssl-cert="+filepath.Join(dir, "server-cert.pem"),
			"--ssl-key="+filepath.Join(dir, "server-key.pem"),
		)
		if opts.RequireSecureTransport {
			args = append(args, "--require-secure-transport=ON")
		}
	}

	// The port is picked free and then handed to mariadbd, so another
	// process may grab it in between: retry a few times.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.Port = port
		lastErr = s.launch(mariadbd, append(args, "--port="+strconv.Itoa(port)))
		if lastErr == nil {
			return s, nil
		}
	}
	return nil, lastErr
}

func currentUserName() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return strconv.Itoa(os.Geteuid())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("finding a free port: listener address %v is a %T, not a TCP address", l.Addr(), l.Addr())
	}
	return addr.Port, nil
}

func (s *Server) launch(mariadbd string, args []string) error {
	var output bytes.Buffer
	cmd := exec.Command(mariadbd, args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(s.Dir, "tmp"))
	cmd.Stdout = &output
	cmd.Stderr = &output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting mariadbd: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited

	cfg := mysql.NewConfig()
	cfg.Net = "unix"
	cfg.Addr = s.Socket
	cfg.User = "root"
	cfg.Timeout = 5 * time.Second
	cfg.MultiStatements = true
	cfg.Logger = discardLogger{}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		s.kill()
		return err
	}
	db := sql.OpenDB(connector)
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-exited:
			db.Close()
			return fmt.Errorf("mariadbd exited during start-up: %s\n%s", output.String(), s.errorLog())
		default:
		}
		if time.Now().After(deadline) {
			db.Close()
			s.kill()
			return fmt.Errorf("mariadbd did not accept connections within %s: %v\n%s", startTimeout, err, s.errorLog())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.admin = db
	return nil
}

func (s *Server) errorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return string(b)
}

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	// The negative pid addresses the process group created by Setpgid.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
	}
}

// Stop kills the server. The data is thrown away, so there is no clean
// shutdown. Stop is idempotent.
func (s *Server) Stop() {
	if !s.stopped.CompareAndSwap(false, true) {
		return
	}
	if s.admin != nil {
		s.admin.Close()
	}
	s.kill()
}

// Addr returns "host:port" of the TCP listener.
func (s *Server) Addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// Exec runs statements as root over the unix socket and fails the test on
// error. Several statements may be separated by semicolons.
func (s *Server) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, query, args...); err != nil {
		t.Fatalf("mariadbtest: %s: %v", query, err)
	}
}

// Admin returns the root connection pool (unix socket). Do not close it.
func (s *Server) Admin() *sql.DB { return s.admin }

var nameCounter atomic.Uint64

// UniqueName returns prefix followed by a number unique in this process,
// usable as a user or database name.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), nameCounter.Add(1))
}

// CreateUser creates user@'%' identified by password and applies grants,
// each of the form "privileges ON object" (for example "ALL ON `db`.*").
func (s *Server) CreateUser(t testing.TB, user, password string, grants ...string) {
	t.Helper()
	s.Exec(t, "CREATE USER "+quoteAccount(user)+" IDENTIFIED BY "+quoteString(password))
	for _, g := range grants {
		s.Exec(t, "GRANT "+g+" TO "+quoteAccount(user))
	}
}

// CreateDatabase creates a database.
func (s *Server) CreateDatabase(t testing.TB, name string) {
	t.Helper()
	s.Exec(t, "CREATE DATABASE "+QuoteIdent(name))
}

// QuoteIdent quotes a MariaDB identifier with backticks.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func quoteAccount(user string) string {
	return quoteString(user) + "@'%'"
}

func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

type discardLogger struct{}

func (discardLogger) Print(...any) {}

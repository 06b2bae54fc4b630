// Package pgtest starts throw-away PostgreSQL servers for tests.
//
// It runs the binaries of Debian's postgresql package (PostgreSQL 15 at
// /usr/lib/postgresql/15/bin, or the newest version there; install it with
// "apt-get install -y postgresql") in a temporary data directory, on a free
// loopback TCP port and a private unix socket, never as a system service. As
// PostgreSQL refuses to run as root, a root test process runs the server as
// the "postgres" user.
//
// When PostgreSQL is not installed, tests are skipped, except when the
// environment variable CI is "true": then they fail, so that CI never silently
// skips database tests.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// InstallHint tells a person how to get the server binaries.
const InstallHint = "apt-get update && apt-get install -y postgresql"

// ErrNotInstalled is returned when no PostgreSQL binaries are found.
var ErrNotInstalled = errors.New("PostgreSQL not found under /usr/lib/postgresql; install it with: " + InstallHint)

const startTimeout = 60 * time.Second

// Options selects how the server is configured.
type Options struct {
	// TLS makes the server accept TLS connections only (hostssl in
	// pg_hba.conf), with a certificate for localhost and 127.0.0.1 signed by a
	// fresh CA (Server.CAPEM).
	TLS bool
}

// Server is a running PostgreSQL server. Clients connect over TCP to
// Host:Port with password authentication (scram-sha-256).
type Server struct {
	Host string
	Port int
	// CAPEM is the CA that signed the server certificate; nil without TLS.
	CAPEM []byte
	// Dir holds data, socket and log; it is removed by Stop.
	Dir string

	socketDir string
	cmd       *exec.Cmd
	exited    chan struct{}
	output    *bytes.Buffer
	stopped   atomic.Bool
}

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := newServer(opts)
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
	t.Fatalf("starting PostgreSQL: %v", err)
}

var (
	sharedMu      sync.Mutex
	sharedServers = map[Options]*sharedEntry{}
)

type sharedEntry struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns a server for opts started at most once per test binary.
// Tests create their own users and databases (UniqueName) on it. Call
// StopShared from TestMain after m.Run.
func Shared(t testing.TB, opts Options) *Server {
	t.Helper()
	sharedMu.Lock()
	e, ok := sharedServers[opts]
	if !ok {
		e = &sharedEntry{}
		sharedServers[opts] = e
	}
	sharedMu.Unlock()
	e.once.Do(func() { e.srv, e.err = newServer(opts) })
	if e.err != nil {
		handleStartError(t, e.err)
	}
	return e.srv
}

// StopShared stops every server started by Shared.
func StopShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for _, e := range sharedServers {
		if e.srv != nil {
			e.srv.Stop()
		}
	}
	sharedServers = map[Options]*sharedEntry{}
}

// binDir is the bin directory of the installed PostgreSQL, 15 preferred.
func binDir() (string, error) {
	if _, err := os.Stat("/usr/lib/postgresql/15/bin/postgres"); err == nil {
		return "/usr/lib/postgresql/15/bin", nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(found) == 0 {
		return "", ErrNotInstalled
	}
	sort.Strings(found)
	return filepath.Dir(found[len(found)-1]), nil
}

// serverUser is the account the server runs as: "postgres" when we are root.
func serverUser() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, os.Geteuid(), os.Getegid(), nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("running as root needs the postgres user of the postgresql package: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid, gid, nil //nolint:gosec // ids from the passwd file
}

func newServer(opts Options) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, uid, gid, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, socketDir: filepath.Join(dir, "run")}
	fail := func(err error) (*Server, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil { //nolint:gosec // the server user must reach its files
		return fail(err)
	}
	for _, sub := range []string{"run", "tls"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return fail(err)
		}
	}
	dataDir := filepath.Join(dir, "data")
	var initOut bytes.Buffer
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8")
	initdb.Stdout, initdb.Stderr = &initOut, &initOut
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := chown(dir, uid, gid); err != nil {
		return fail(err)
	}
	if err := initdb.Run(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, initOut.String()))
	}
	hba := "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	args := []string{"-D", dataDir, "-k", s.socketDir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"}
	if opts.TLS {
		caPEM, certPEM, keyPEM, err := issueServerCert()
		if err != nil {
			return fail(err)
		}
		s.CAPEM = caPEM
		certFile, keyFile := filepath.Join(dir, "tls", "server.crt"), filepath.Join(dir, "tls", "server.key")
		if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
			return fail(err)
		}
		hba = "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n"
		args = append(args, "-c", "ssl=on", "-c", "ssl_cert_file="+certFile, "-c", "ssl_key_file="+keyFile)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fail(err)
	}
	if err := chown(dir, uid, gid); err != nil {
		return fail(err)
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		s.Port = port
		err = s.launch(filepath.Join(bin, "postgres"), append(args, "-p", strconv.Itoa(port)), cred)
		if err == nil {
			return s, nil
		}
		if attempt == 2 || !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "in use") {
			return fail(err)
		}
	}
}

func chown(dir string, uid, gid int) error {
	if os.Geteuid() != 0 {
		return nil
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

func (s *Server) launch(postgres string, args []string, cred *syscall.Credential) error {
	s.output = &bytes.Buffer{}
	cmd := exec.Command(postgres, args...)
	cmd.Stdout, cmd.Stderr = s.output, s.output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := s.admin(context.Background())
		if err == nil {
			conn.Close(context.Background()) //nolint:errcheck // probe
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("postgres exited during start-up: %s", s.output.String())
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("postgres did not accept connections within %s: %v\n%s", startTimeout, err, s.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// admin connects as the superuser over the unix socket.
func (s *Server) admin(ctx context.Context) (*pgconn.PgConn, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return pgconn.Connect(ctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", s.socketDir, s.Port))
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// Stop kills the server and removes its files. It is idempotent.
func (s *Server) Stop() {
	if s.stopped.Swap(true) {
		return
	}
	s.kill()
	_ = os.RemoveAll(s.Dir)
}

// Addr is "host:port".
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Exec runs SQL as the superuser in database (empty for "postgres") and fails
// the test on error.
func (s *Server) Exec(t testing.TB, database, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := s.admin(ctx)
	if err == nil && database != "" {
		conn.Close(ctx) //nolint:errcheck // reconnecting to another database
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err = pgconn.Connect(cctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", s.socketDir, s.Port, database))
		cancel()
	}
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx) //nolint:errcheck // admin session
	if _, err := conn.Exec(ctx, sql).ReadAll(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

var counter atomic.Int64

// UniqueName returns prefix followed by a number unique in this process.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s%d_%d", prefix, os.Getpid(), counter.Add(1))
}

// CreateUser creates a login role with password.
func (s *Server) CreateUser(t testing.TB, user, password string) {
	t.Helper()
	s.Exec(t, "", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", user, strings.ReplaceAll(password, "'", "''")))
}

// CreateDatabase creates a database owned by owner, who may then create tables in it.
func (s *Server) CreateDatabase(t testing.TB, name, owner string) {
	t.Helper()
	s.Exec(t, "", fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, owner))
}

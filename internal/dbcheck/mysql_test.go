package dbcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/mariadbtest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	mariadbtest.StopShared()
	pgtest.StopShared()
	os.Exit(code)
}

// password is distinctive so that any leak is found by a substring search.
const password = "Pw-9f3c1e7a-do-not-leak"

func plainServer(t *testing.T) *mariadbtest.Server {
	t.Helper()
	return mariadbtest.Shared(t, mariadbtest.Options{})
}

// tlsServer requires TLS and has a certificate for "localhost" only, so that
// connecting to 127.0.0.1 gives a host name mismatch.
func tlsServer(t *testing.T) *mariadbtest.Server {
	t.Helper()
	return mariadbtest.Shared(t, mariadbtest.Options{TLS: true, CertHosts: []string{"localhost"}, RequireSecureTransport: true})
}

// setup creates a user with grants; grant objects may use %DB% for a fresh
// unique database name, which is returned (and created when createDB).
func setup(t *testing.T, s *mariadbtest.Server, createDB bool, grants ...string) (user, db string) {
	t.Helper()
	user = mariadbtest.UniqueName("u")
	db = mariadbtest.UniqueName("db")
	if createDB {
		s.CreateDatabase(t, db)
	}
	for i, g := range grants {
		grants[i] = strings.ReplaceAll(g, "%DB%", mariadbtest.QuoteIdent(db))
	}
	s.CreateUser(t, user, password, grants...)
	return user, db
}

func config(s *mariadbtest.Server, host, user, db string) Config {
	return Config{Host: host, Port: s.Port, Username: user, Password: password, Database: db, ConnectTimeout: 5 * time.Second}
}

// mustFail runs Verify, requires an *Error at step whose message contains
// every want, and checks that the password appears nowhere.
func mustFail(t *testing.T, cfg Config, step Step, want ...string) {
	t.Helper()
	_ = failure(t, cfg, step, want...) // failure has checked it; the caller wants nothing more
}

// failure is mustFail returning the *Error for further checks.
func failure(t *testing.T, cfg Config, step Step, want ...string) *Error {
	t.Helper()
	res, err := Verify(context.Background(), cfg)
	if err == nil {
		t.Fatalf("Verify succeeded (%+v), want a %s error", res, step)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *dbcheck.Error", err, err)
	}
	t.Logf("%s: %s", e.Step, e.Error())
	if e.Step != step {
		t.Errorf("step = %q, want %q; error: %v", e.Step, step, err)
	}
	for _, w := range want {
		if !strings.Contains(e.Error(), w) {
			t.Errorf("message does not contain %q:\n%s", w, e.Error())
		}
	}
	assertNoPassword(t, err, cfg.Password)
	return e
}

// tcpPort is the port l listens on.
func tcpPort(t *testing.T, l net.Listener) int {
	t.Helper()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is a %T, not a TCP address", l.Addr(), l.Addr())
	}
	return addr.Port
}

func assertNoPassword(t *testing.T, err error, pw string) {
	t.Helper()
	texts := []string{fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	var e *Error
	if errors.As(err, &e) {
		texts = append(texts, e.Summary, e.Detail)
	}
	for u := err; u != nil; u = errors.Unwrap(u) {
		texts = append(texts, u.Error())
	}
	for _, s := range texts {
		if strings.Contains(s, pw) {
			t.Fatalf("password leaked in error text: %s", s)
		}
	}
}

func TestVerifyPlainServer(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	res, err := Verify(context.Background(), config(s, s.Host, user, db))
	if err != nil {
		t.Fatal(err)
	}
	if res.Flavor != FlavorMariaDB || !strings.Contains(res.ServerVersion, "MariaDB") || !res.DatabaseExists {
		t.Errorf("result = %+v, want MariaDB with existing database", res)
	}
	v, err := ParseVersion(res.ServerVersion)
	if err != nil || v.Major < 10 {
		t.Errorf("reported version %q parses as %+v, %v", res.ServerVersion, v, err)
	}
}

func TestVerifyHostName(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	user, db := setup(t, s, true, "SELECT ON %DB%.*")
	if _, err := Verify(context.Background(), config(s, "localhost", user, db)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyMissingDatabaseCreatable(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	for name, grant := range map[string]string{
		"database level": "ALL PRIVILEGES ON %DB%.*",
		"global create":  "CREATE ON *.*",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			user, db := setup(t, s, false, grant)
			res, err := Verify(context.Background(), config(s, s.Host, user, db))
			if err != nil {
				t.Fatal(err)
			}
			if res.DatabaseExists {
				t.Errorf("DatabaseExists = true for a missing database")
			}
		})
	}
}

func TestVerifyMissingDatabaseSkipCreation(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	user, db := setup(t, s, false, "ALL ON %DB%.*")
	cfg := config(s, s.Host, user, db)
	cfg.SkipDatabaseCreation = true
	mustFail(t, cfg, StepDatabase,
		fmt.Sprintf(`database %q does not exist on %s`, db, s.Addr()),
		"database.skip_database_creation is true; create it",
		"set skip_database_creation = false")
}

func TestVerifyMissingDatabaseNoCreatePrivilege(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	other := mariadbtest.UniqueName("other")
	s.CreateDatabase(t, other)
	user, db := setup(t, s, false, "SELECT, INSERT ON "+mariadbtest.QuoteIdent(other)+".*")
	mustFail(t, config(s, s.Host, user, db), StepDatabase,
		fmt.Sprintf(`database %q does not exist on %s and user %q may not create it`, db, s.Addr(), user),
		"GRANT CREATE ON `"+db+"`.*")
}

func TestVerifyWrongPassword(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	cfg := config(s, s.Host, user, db)
	cfg.Password = "wrong-" + password
	e := failure(t, cfg, StepAuthenticate,
		fmt.Sprintf(`access denied for user %q on %s; check database.username and the password`, user, s.Addr()))
	if strings.Contains(e.Error(), "TLS") {
		t.Errorf("server without TLS, yet the message mentions TLS: %s", e.Error())
	}
	// The configured password (not only the test constant) must not leak.
	assertNoPassword(t, e, cfg.Password)
}

func TestVerifyClosedPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := tcpPort(t, l)
	l.Close()
	start := time.Now()
	mustFail(t, Config{Host: "127.0.0.1", Port: port, Username: "u", Password: password, Database: "d"}, StepConnect,
		fmt.Sprintf("the connection to 127.0.0.1:%d was refused", port), "check database.host, database.port")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refused connection took %s", d)
	}
}

func TestVerifyUnresolvableHost(t *testing.T) {
	t.Parallel()
	mustFail(t, Config{Host: "db.example.invalid", Port: 3306, Username: "u", Password: password, Database: "d", ConnectTimeout: 3 * time.Second},
		StepResolve, `database host "db.example.invalid" could not be resolved`, "check database.host")
}

func TestVerifySilentServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold the connection open, say nothing
		}
	}()
	port := tcpPort(t, l)
	start := time.Now()
	mustFail(t, Config{Host: "127.0.0.1", Port: port, Username: "u", Password: password, Database: "d", ConnectTimeout: 300 * time.Millisecond},
		StepConnect, fmt.Sprintf("127.0.0.1:%d accepted the TCP connection but sent no MySQL greeting within 300ms", port))
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("silent server took %s, want about the 300ms timeout", d)
	}
}

func TestVerifyNotMySQL(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
			c.Close()
		}
	}()
	port := tcpPort(t, l)
	mustFail(t, Config{Host: "127.0.0.1", Port: port, Username: "u", Password: password, Database: "d"},
		StepConnect, "accepted the TCP connection but", "point at a MySQL or MariaDB server")
}

func TestVerifyTLS(t *testing.T) {
	t.Parallel()
	s := tlsServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	cfg := config(s, "localhost", user, db)
	cfg.CAPEM = s.CAPEM
	res, err := Verify(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Flavor != FlavorMariaDB || !res.DatabaseExists {
		t.Errorf("result = %+v", res)
	}
}

func TestVerifyTLSWrongCA(t *testing.T) {
	t.Parallel()
	s := tlsServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	cfg := config(s, "localhost", user, db)
	cfg.CAPEM = mariadbtest.UnrelatedCAPEM(t)
	mustFail(t, cfg, StepTLS, "the server's certificate is not signed by the CA in ca_certificate", "localhost:")
}

func TestVerifyTLSHostnameMismatch(t *testing.T) {
	t.Parallel()
	s := tlsServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	cfg := config(s, "127.0.0.1", user, db)
	cfg.CAPEM = s.CAPEM
	mustFail(t, cfg, StepTLS, `not valid for host "127.0.0.1"; it is valid for "localhost"`)
}

func TestVerifyTLSRequiredWithoutCA(t *testing.T) {
	t.Parallel()
	s := tlsServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	// MariaDB answers a non-TLS login under require_secure_transport with
	// error 1045 (access denied), like a wrong password; the message says
	// both.
	mustFail(t, config(s, "localhost", user, db), StepAuthenticate,
		fmt.Sprintf("access denied for user %q", user),
		"if the server requires TLS, set database.ca_certificate")
}

func TestVerifyTLSNotSupported(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	user, db := setup(t, s, true, "ALL ON %DB%.*")
	cfg := config(s, s.Host, user, db)
	cfg.CAPEM = mariadbtest.UnrelatedCAPEM(t)
	mustFail(t, cfg, StepTLS, "does not support TLS", "remove database.ca_certificate")
}

func TestVerifyInvalidCAPEM(t *testing.T) {
	t.Parallel()
	mustFail(t, Config{Host: "127.0.0.1", Port: 1, Username: "u", Password: password, Database: "d", CAPEM: []byte("not a certificate")},
		StepTLS, "database.ca_certificate does not contain any PEM-encoded certificate")
}

func TestVerifyInvalidConfig(t *testing.T) {
	t.Parallel()
	base := Config{Host: "127.0.0.1", Port: 3306, Username: "u", Password: password, Database: "d"}
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		step   Step
		want   string
	}{
		{"no host", func(c *Config) { c.Host = " " }, StepResolve, "database.host is empty"},
		{"port zero", func(c *Config) { c.Port = 0 }, StepConnect, "database.port 0 is not a TCP port"},
		{"port too big", func(c *Config) { c.Port = 70000 }, StepConnect, "database.port 70000 is not a TCP port"},
		{"no user", func(c *Config) { c.Username = "" }, StepAuthenticate, "database.username is empty"},
		{"no database", func(c *Config) { c.Database = "" }, StepDatabase, "database.database is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.modify(&cfg)
			mustFail(t, cfg, tc.step, tc.want)
		})
	}
}

// TestPasswordNeverInErrors provokes every failure the package reports
// against real servers with one password and checks no message contains it.
func TestPasswordNeverInErrors(t *testing.T) {
	t.Parallel()
	plain, secure := plainServer(t), tlsServer(t)
	user, db := setup(t, plain, false, "SELECT ON *.*")
	tuser, tdb := setup(t, secure, true, "ALL ON %DB%.*")
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := tcpPort(t, closed)
	closed.Close()
	// A user whose name contains the password: the password must still be
	// redacted, even though the user name is quoted in messages.
	cases := map[string]Config{
		"unresolvable": {Host: "pw.example.invalid", Port: 1, Username: "u", Password: password, Database: "d"},
		"refused":      {Host: "127.0.0.1", Port: closedPort, Username: "u", Password: password, Database: "d"},
		"bad CA PEM":   {Host: "127.0.0.1", Port: 1, Username: "u", Password: password, Database: "d", CAPEM: []byte(password)},
		"wrong pw":     {Host: plain.Host, Port: plain.Port, Username: user, Password: password + "x", Database: db},
		"wrong user":   {Host: plain.Host, Port: plain.Port, Username: "nobody", Password: password, Database: db},
		"skip create":  {Host: plain.Host, Port: plain.Port, Username: user, Password: password, Database: db, SkipDatabaseCreation: true},
		"no create":    {Host: plain.Host, Port: plain.Port, Username: user, Password: password, Database: db},
		"no TLS":       {Host: plain.Host, Port: plain.Port, Username: user, Password: password, Database: db, CAPEM: secure.CAPEM},
		"wrong CA":     {Host: "localhost", Port: secure.Port, Username: tuser, Password: password, Database: tdb, CAPEM: mariadbtest.UnrelatedCAPEM(t)},
		"mismatch":     {Host: "127.0.0.1", Port: secure.Port, Username: tuser, Password: password, Database: tdb, CAPEM: secure.CAPEM},
		"TLS required": {Host: "localhost", Port: secure.Port, Username: tuser, Password: password, Database: tdb},
		"pw in user":   {Host: plain.Host, Port: plain.Port, Username: "x" + password, Password: password, Database: db},
		"pw in db":     {Host: plain.Host, Port: plain.Port, Username: user, Password: password, Database: password, SkipDatabaseCreation: true},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Verify(context.Background(), cfg)
			if err == nil {
				t.Fatal("Verify succeeded")
			}
			t.Logf("%v", err)
			assertNoPassword(t, err, cfg.Password)
		})
	}
}

type leakyError struct{ msg string }

func (e leakyError) Error() string { return e.msg }

func TestRedactWrappedCause(t *testing.T) {
	cause := leakyError{"driver said " + password}
	err := redact(&Error{Step: StepConnect, Summary: "s " + password, Detail: "d " + password, Err: cause}, password)
	assertNoPassword(t, err, password)
	var le leakyError
	if errors.As(err, &le) {
		t.Error("the leaky cause is still reachable through Unwrap")
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is no longer finds the cause")
	}
	if !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error %q lacks the redaction marker", err)
	}
}

func TestVerifyCanceledContext(t *testing.T) {
	t.Parallel()
	s := plainServer(t)
	// A caller's context that is already done stops Verify at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Verify(ctx, Config{Host: "127.0.0.1", Port: s.Port, Username: "u", Password: password, Database: "d"})
	var e *Error
	if !errors.As(err, &e) || e.Step != StepConnect || !strings.Contains(e.Error(), "canceled") {
		t.Fatalf("got %v, want a canceled connect error", err)
	}
	assertNoPassword(t, err, password)
}

// MySQL (unlike MariaDB) answers a non-TLS login under
// require_secure_transport with error 3159; no MySQL server runs in these
// tests, so the mapping is checked directly.
func TestServerErrorSecureTransportRequired(t *testing.T) {
	cfg := Config{Host: "db", Port: 3306, Username: "u", Password: password, Database: "d"}
	err := serverError(&mysql.MySQLError{Number: 3159, Message: "Connections using insecure transport are prohibited while --require_secure_transport=ON."}, cfg, "db:3306", greeting{})
	var e *Error
	if !errors.As(err, &e) || e.Step != StepTLS || !strings.Contains(e.Error(), "the server at db:3306 requires TLS (require_secure_transport=ON); set database.ca_certificate") {
		t.Fatalf("got %v", err)
	}
}

func TestParseGreeting(t *testing.T) {
	payload := []byte{10}
	payload = append(payload, "8.0.36"...)
	payload = append(payload, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0x00, 0x08) // caps: CLIENT_SSL
	packet := append([]byte{byte(len(payload)), 0, 0, 0}, payload...)
	g := parseGreeting(packet)
	if !g.received || g.version != "8.0.36" || !g.supportTLS {
		t.Errorf("parseGreeting = %+v", g)
	}
	packet[len(packet)-1] = 0
	if g := parseGreeting(packet); !g.received || g.supportTLS {
		t.Errorf("without CLIENT_SSL: %+v", g)
	}
	for _, bad := range [][]byte{nil, {1, 0, 0, 0}, []byte("SSH-2.0-OpenSSH\r\n"), packet[:10]} {
		if g := parseGreeting(bad); g.received {
			t.Errorf("parseGreeting(%q) = %+v", bad, g)
		}
	}
}

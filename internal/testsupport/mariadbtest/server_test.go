package mariadbtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

func TestStartPlainAndTLS(t *testing.T) {
	t.Parallel()
	start := time.Now()
	s := Start(t, Options{TLS: true, RequireSecureTransport: true})
	t.Logf("TLS server started in %s on %s", time.Since(start), s.Addr())

	user, pass := UniqueName("u"), "harness-pw-123"
	s.CreateUser(t, user, pass)

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM) {
		t.Fatal("CA PEM not parsable")
	}
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd = "tcp", s.Addr(), user, pass
	cfg.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	cfg.Timeout = 5 * time.Second
	ping := func(cfg *mysql.Config) error {
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			return err
		}
		db := sql.OpenDB(c)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return db.PingContext(ctx)
	}
	if err := ping(cfg); err != nil {
		t.Fatalf("TLS connection: %v", err)
	}
	plain := cfg.Clone()
	plain.TLS = nil
	err := ping(plain)
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("plain connection to a server requiring TLS: got %v, want a server error", err)
	}
	t.Logf("plain connection to a server requiring TLS: %d %s", me.Number, me.Message)
}

func TestSharedIsShared(t *testing.T) {
	t.Parallel()
	start := time.Now()
	a := Shared(t, Options{})
	t.Logf("plain server started in %s", time.Since(start))
	b := Shared(t, Options{})
	if a != b {
		t.Fatal("Shared started two servers for equal options")
	}
	var version string
	if err := a.Admin().QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	t.Logf("version %s", version)
}

func TestMain(m *testing.M) {
	code := m.Run()
	StopShared()
	if code != 0 {
		panic(code)
	}
}

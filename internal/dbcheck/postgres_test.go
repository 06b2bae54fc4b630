package dbcheck

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/mariadbtest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/testsupport/pgtest"
)

// pgCase is a user and database made for one test on a shared server.
func pgCase(t *testing.T, s *pgtest.Server) (user, database string) {
	t.Helper()
	user, database = pgtest.UniqueName("mr"), pgtest.UniqueName("registry")
	s.CreateUser(t, user, "s3cret-pass")
	s.CreateDatabase(t, database, user)
	return user, database
}

func pgConfig(s *pgtest.Server, user, database string) PostgresConfig {
	return PostgresConfig{Config: Config{Host: s.Host, Port: s.Port, Username: user, Password: "s3cret-pass", Database: database}}
}

func wantStep(t *testing.T, err error, step Step, detail string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Step != step || !strings.Contains(e.Detail, detail) {
		t.Errorf("step %s, detail %q; want step %s with %q", e.Step, e.Detail, step, detail)
	}
	if strings.Contains(e.Error(), "s3cret-pass") || strings.Contains(e.Error(), "wrong-pass") {
		t.Errorf("the password leaked: %s", e.Error())
	}
}

func TestVerifyPostgres(t *testing.T) {
	plain := pgtest.Shared(t, pgtest.Options{})
	user, database := pgCase(t, plain)
	res, err := VerifyPostgres(context.Background(), pgConfig(plain, user, database))
	if err != nil {
		t.Fatal(err)
	}
	if res.Flavor != FlavorPostgreSQL || !strings.HasPrefix(res.ServerVersion, "1") {
		t.Errorf("result %+v", res)
	}

	t.Run("wrong password", func(t *testing.T) {
		cfg := pgConfig(plain, user, database)
		cfg.Password = "wrong-pass"
		_, err := VerifyPostgres(context.Background(), cfg)
		wantStep(t, err, StepAuthenticate, "rejected user")
	})
	t.Run("missing database", func(t *testing.T) {
		_, err := VerifyPostgres(context.Background(), pgConfig(plain, user, "no_such_db"))
		wantStep(t, err, StepDatabase, `database "no_such_db" does not exist`)
	})
	t.Run("no create privilege", func(t *testing.T) {
		// Another user's database: since PostgreSQL 15 only the owner creates in public.
		other := pgtest.UniqueName("other")
		plain.CreateUser(t, other, "s3cret-pass")
		_, err := VerifyPostgres(context.Background(), pgConfig(plain, other, database))
		wantStep(t, err, StepDatabase, "GRANT CREATE ON SCHEMA public")
		// With skip_database_creation the schema only needs to be usable.
		cfg := pgConfig(plain, other, database)
		cfg.SkipDatabaseCreation = true
		if _, err := VerifyPostgres(context.Background(), cfg); err != nil {
			t.Errorf("skip_database_creation: %v", err)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		cfg := pgConfig(plain, user, database)
		cfg.Port = 1
		_, err := VerifyPostgres(context.Background(), cfg)
		wantStep(t, err, StepConnect, "refused")
	})
	t.Run("TLS asked of a plain server", func(t *testing.T) {
		cfg := pgConfig(plain, user, database)
		cfg.CAPEM = pgtestCA(t)
		_, err := VerifyPostgres(context.Background(), cfg)
		wantStep(t, err, StepTLS, "does not accept TLS")
	})
}

func pgtestCA(t *testing.T) []byte {
	t.Helper()
	return pgtest.Shared(t, pgtest.Options{TLS: true}).CAPEM
}

func TestVerifyPostgresTLS(t *testing.T) {
	s := pgtest.Shared(t, pgtest.Options{TLS: true})
	user, database := pgCase(t, s)
	cfg := pgConfig(s, user, database)
	cfg.CAPEM = s.CAPEM
	if _, err := VerifyPostgres(context.Background(), cfg); err != nil {
		t.Fatalf("TLS with the CA: %v", err)
	}
	t.Run("without TLS", func(t *testing.T) {
		_, err := VerifyPostgres(context.Background(), pgConfig(s, user, database))
		wantStep(t, err, StepTLS, "accepts only TLS")
	})
	t.Run("ssl_mode require without a CA", func(t *testing.T) {
		cfg := pgConfig(s, user, database)
		cfg.SSLMode = "require"
		if _, err := VerifyPostgres(context.Background(), cfg); err != nil {
			t.Errorf("sslmode=require: %v", err)
		}
	})
	t.Run("another CA", func(t *testing.T) {
		cfg := pgConfig(s, user, database)
		cfg.CAPEM = mariadbtest.UnrelatedCAPEM(t)
		_, err := VerifyPostgres(context.Background(), cfg)
		wantStep(t, err, StepTLS, "not signed by the configured CA")
	})
}

// Package storetest opens fresh, migrated stores for tests: SQLite always, and PostgreSQL when
// QLOOP_TEST_POSTGRES_DSN is set (each test in a schema of its own, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qloop/internal/store"
)

// EnvPostgresDSN names the variable holding the PostgreSQL DSN tests run against.
const EnvPostgresDSN = "QLOOP_TEST_POSTGRES_DSN"

const howTo = EnvPostgresDSN + " is not set. Start PostgreSQL and set it, e.g. " +
	EnvPostgresDSN + "=postgres://qloop:qloop@127.0.0.1:5432/qloop_test?sslmode=disable (.ci/run does both)"

// Open returns a fresh migrated SQLite store in tb.TempDir(), closed at cleanup.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "qloop.db"))
	if err != nil {
		tb.Fatalf("storetest: open sqlite: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// OpenPostgres returns a fresh migrated PostgreSQL store in a new schema with a random name, dropped
// at cleanup. Without QLOOP_TEST_POSTGRES_DSN it fails the test under CI=true and skips otherwise.
func OpenPostgres(tb testing.TB) *store.Store {
	tb.Helper()
	dsn := os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("storetest: " + howTo)
		}
		tb.Log("storetest: PostgreSQL half skipped: " + howTo)
		tb.SkipNow()
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("storetest: open postgres: %v", err)
	}
	tb.Cleanup(func() { admin.Close() })
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "qloop_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	sdsn, err := withSearchPath(dsn, schema)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", EnvPostgresDSN, err)
	}
	s, err := store.Open(ctx, sdsn)
	if err != nil {
		tb.Fatalf("storetest: open postgres: %v", err)
	}
	tb.Cleanup(func() { s.Close() }) // runs before the schema is dropped
	return s
}

// withSearchPath adds search_path=schema,public to a postgres:// URL; pgx sends it as a run-time parameter.
func withSearchPath(dsn, schema string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return "", errors.New("want a postgres:// URL")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema+",public") // public: where extensions such as pg_trgm live
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Each runs fn as subtest "sqlite" on a fresh SQLite store and as subtest "postgres" on a fresh
// PostgreSQL schema (see OpenPostgres for when that half fails or is skipped).
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

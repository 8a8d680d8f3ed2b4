package store_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

func TestMigrationParity(t *testing.T) {
	lite, err := store.MigrationNames(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.MigrationNames(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("migration names differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
	name := regexp.MustCompile(`^(\d{4})_[a-z]+(_[a-z0-9]+)+\.sql$`)
	seen := map[string]bool{}
	for _, n := range lite {
		m := name.FindStringSubmatch(n)
		if m == nil {
			t.Errorf("%s: want NNNN_verb_object.sql", n)
			continue
		}
		if seen[m[1]] {
			t.Errorf("%s: number %s used twice", n, m[1])
		}
		seen[m[1]] = true
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		dsn  string
	}{
		{"memory", ":memory:"},
		{"path", filepath.Join(dir, "a.db")},
		{"file URI", "file:" + filepath.Join(dir, "b.db")},
		{"reopen migrated", filepath.Join(dir, "a.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(ctx, tt.dsn)
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.dsn, err)
			}
			defer s.Close()
			if s.Dialect() != store.SQLite {
				t.Errorf("Dialect() = %q", s.Dialect())
			}
			if _, err := s.UpsertRecords(ctx, recs("c-", 3, "您好"), "t"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Record(ctx, "c-0001"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenPostgresDialect(t *testing.T) {
	s := storetest.OpenPostgres(t)
	if s.Dialect() != store.Postgres {
		t.Errorf("Dialect() = %q", s.Dialect())
	}
}

// Package store is the only package that knows SQL. One *Store on database/sql serves SQLite
// (modernc.org/sqlite, the default) and PostgreSQL (pgx); DML is shared, with $n placeholders.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialects a Store can speak.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// sqlitePragmas are applied to every SQLite connection.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(ON)"

// maxParams keeps one statement below SQLite's (32766) and PostgreSQL's (65535) parameter limits.
var maxParams = 30000

// Store reads and writes qloop's data. It is safe for concurrent use.
type Store struct {
	dialect string
	w       *sql.DB // writes; on SQLite a single connection, so writers queue instead of failing busy
	r       *sql.DB // reads; on SQLite a pool of WAL readers
	// Now returns the current time; tests may replace it.
	Now func() time.Time
}

// Open connects to dsn and applies pending migrations. A dsn starting with postgres:// or
// postgresql:// opens PostgreSQL; anything else is a SQLite file path, file: URI or ":memory:".
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{Now: time.Now}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.dialect = Postgres
		if dsn, err = customPlans(dsn); err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s.w, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s.w.SetMaxOpenConns(max(8, 2*runtime.NumCPU()))
		s.w.SetMaxIdleConns(max(8, 2*runtime.NumCPU()))
		s.r = s.w
	} else if err = s.openSQLite(dsn); err != nil {
		return nil, err
	}
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect %s: %w", s.dialect, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// customPlans sets plan_cache_mode=force_custom_plan unless dsn sets it. Cached generic plans are
// made while tables are still small and would keep, for instance, scanning all of findings to
// delete the rows of a thousand records; planning each batch statement costs far less.
func customPlans(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if q.Get("plan_cache_mode") == "" {
		q.Set("plan_cache_mode", "force_custom_plan")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// openSQLite opens one writer connection and, for a file, a pool of readers.
func (s *Store) openSQLite(dsn string) error {
	s.dialect = SQLite
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	w, err := sql.Open("sqlite", dsn+sep+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s.w, s.r = w, w
	if isMemory(dsn) { // every connection to :memory: is a database of its own
		return nil
	}
	r, err := sql.Open("sqlite", dsn+sep+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()))
	s.r = r
	return nil
}

func isMemory(dsn string) bool {
	return strings.HasPrefix(dsn, ":memory:") || strings.HasPrefix(dsn, "file::memory:") ||
		strings.Contains(dsn, "mode=memory")
}

// Dialect returns SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		if rerr := s.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// MigrationNames lists the embedded migration files of dialect, in order.
func MigrationNames(dialect string) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+dialect)
	if err != nil {
		return nil, fmt.Errorf("store: list migrations %s: %w", dialect, err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// migrate applies pending migrations with goose; each file runs in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect == Postgres { // several servers may start at once
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.w, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	return nil
}

// inTx runs fn in one write transaction, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// execValues runs prefix VALUES (…) suffix for rows of cols arguments each. PostgreSQL gets
// multi-row statements, as few as the parameter limit allows, to save round trips. SQLite runs
// in-process, where parsing a long statement costs more than reusing one prepared row.
func (s *Store) execValues(ctx context.Context, tx *sql.Tx, prefix, suffix string, cols int, args []any) error {
	if len(args) == 0 {
		return nil
	}
	if s.dialect == SQLite {
		stmt, err := tx.PrepareContext(ctx, prefix+" VALUES "+s.valueRows(1, cols)+" "+suffix)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for ; len(args) > 0; args = args[cols:] {
			if _, err := stmt.ExecContext(ctx, args[:cols]...); err != nil {
				return err
			}
		}
		return nil
	}
	per := max(1, maxParams/cols) * cols
	for len(args) > 0 {
		n := min(per, len(args))
		q := prefix + " VALUES " + s.valueRows(n/cols, cols) + " " + suffix
		if _, err := tx.ExecContext(ctx, q, args[:n]...); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

// valueRows returns "($1,$2),($3,$4)" for rows=2, cols=2; see params.
func (s *Store) valueRows(rows, cols int) string {
	b := make([]byte, 0, rows*cols*7)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = s.params(b, 1+i*cols, cols)
		b = append(b, ')')
	}
	return string(b)
}

// params appends "$from,$from+1,…" for n parameters. SQLite gets "?,?,…" instead: it numbers a
// bare ? one past the highest so far, the same binding, but it looks each $n name up in a list,
// which makes long $n statements quadratic to prepare and bind.
func (s *Store) params(b []byte, from, n int) []byte {
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if s.dialect == SQLite {
			b = append(b, '?')
			continue
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(from+i), 10)
	}
	return b
}

// parallel calls fn(0…n-1) spread over every core and returns the first error a worker met.
// Encoding and decoding JSON is the CPU-heavy part of a batch; the database work stays serial.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n/64+1)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if errs[w] = fn(i); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// inList returns "col IN (…)" over ids, with the arguments, numbering parameters from from.
// PostgreSQL gets "col = ANY($from)" with one text[] argument instead: its cached generic plan
// for a long IN list may scan the whole table.
func (s *Store) inList(col string, from int, ids []string) (string, []any) {
	if s.dialect == Postgres {
		return col + " = ANY($" + strconv.Itoa(from) + ")", []any{ids}
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + string(s.params(nil, from, len(ids))) + ")", args
}

// ms converts t to unix milliseconds; the zero time is stored as 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

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
	"unsafe"

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
	ckpt    *checkpointer
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
	if err := s.checkMaskVersion(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// Texts an interrupted import stored but did not index yet (search.go): searches find them
	// anyway, indexing them keeps searches quick.
	if _, err := s.IndexSearch(ctx); err != nil {
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

// sqliteWriter is added to the writer connection's pragmas. A larger page cache (16 MiB instead of
// 2 MiB) keeps the index pages an import touches in every batch (records' five indexes, the
// inspections' keys, the rollups) instead of reading them back; the writer checkpoints by itself
// only once the WAL holds walAutoCheckpoint pages, the checkpointer having done the work before.
const sqliteWriter = "&_pragma=cache_size(-16384)&_pragma=wal_autocheckpoint(" + walAutoCheckpoint + ")&_txlock=immediate"

// walAutoCheckpoint is the WAL size, in pages (64 MiB at 8 KiB), at which the writer checkpoints by
// itself: by then the checkpointer has copied nearly everything, the writer copies the rest, and its
// next transaction starts the WAL file over, so the file stays that small.
const walAutoCheckpoint = "8192"

// openSQLite opens one writer connection and, for a file, a pool of readers and a checkpointer.
func (s *Store) openSQLite(dsn string) error {
	s.dialect = SQLite
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	if !isMemory(dsn) {
		if err := initPageSize(dsn, sep); err != nil {
			return fmt.Errorf("store: open sqlite: %w", err)
		}
	}
	w, err := sql.Open("sqlite", dsn+sep+sqlitePragmas+sqliteWriter)
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
	if s.ckpt, err = newCheckpointer(dsn + sep + sqlitePragmas); err != nil {
		w.Close()
		r.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	return nil
}

// checkpointer copies committed pages from the WAL back into the database file on a connection of
// its own, after each write transaction (inTx wakes it). A checkpoint writes every page once more
// and waits for the disk twice (fsync of the WAL, then of the database); on the writer's connection
// that held up every import batch, here it overlaps the next ones (200,000 demo records: ~1–2 s of
// ~20 s). It runs PASSIVE checkpoints, which never block the writer or readers and leave alone what
// a reader still needs. Durability is unchanged: with synchronous=NORMAL in WAL mode commits never
// wait for the disk and checkpoints always do, whichever connection runs them.
type checkpointer struct {
	db    *sql.DB
	kick  chan struct{} // a checkpoint is wanted; buffered, so waking never blocks
	quit  chan struct{}
	done  chan struct{}
	close func() // stops it; a second call does nothing
}

func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	c.close = sync.OnceFunc(func() {
		close(c.quit)
		<-c.done
		c.db.Close()
	})
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.quit:
			return
		case <-c.kick:
			// An error (a lock held by another process's checkpoint) only skips this round; the
			// writer's own checkpoint at walAutoCheckpoint pages bounds the WAL regardless.
			c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// wake asks for a checkpoint soon.
func (c *checkpointer) wake() {
	select {
	case c.kick <- struct{}{}:
	default: // one is pending already
	}
}

// newPageSize is the page size of a new database file. Most bytes are rows of 1–2 KB (a record's
// JSON, its findings), which 8 KiB pages hold with less waste and fewer page writes than SQLite's
// default 4 KiB: 200,000 demo records wrote their batches in 11 s instead of 15–18 s (16 KiB: 13 s).
// An existing file keeps the page size it was created with.
const newPageSize = 8192

// initPageSize gives a new, empty database file newPageSize pages. It runs before the connections
// with the usual pragmas: once the file is in WAL mode its page size is fixed, and the driver
// applies a DSN's journal_mode before its page_size.
func initPageSize(dsn, sep string) error {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn+sep+"_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var pages int
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil || pages > 0 {
		return err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA page_size = "+strconv.Itoa(newPageSize)); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA journal_mode = WAL") // writes the header: the size holds
	return err
}

func isMemory(dsn string) bool {
	return strings.HasPrefix(dsn, ":memory:") || strings.HasPrefix(dsn, "file::memory:") ||
		strings.Contains(dsn, "mode=memory")
}

// Dialect returns SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database connections.
func (s *Store) Close() error {
	if s.ckpt != nil {
		s.ckpt.close()
	}
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
	if err := tx.Commit(); err != nil {
		return err
	}
	if s.ckpt != nil {
		s.ckpt.wake()
	}
	return nil
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
func parallel(n int, fn func(i int) error) error { return parallelN(n, 0, fn) }

// parallelN is parallel on at most workers goroutines (every core when workers <= 0).
func parallelN(n, workers int, fn func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n/64+1)
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

// unsafeString returns b as a string without copying it. Only for a slice nothing writes to
// afterwards, such as the fresh result of a JSON Marshal: it saves a copy of every record's JSON and
// every inspection's findings on the import path.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

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

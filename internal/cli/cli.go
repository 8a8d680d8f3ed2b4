// Package cli is qloop's command line: one file per subcommand, all sharing Main's environment.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"qloop/internal/load"
	"qloop/internal/scorecard"
	"qloop/internal/store"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitRejected = 3 // the command finished, but some input was rejected
)

// Env is what a command may touch: arguments, environment, streams and the clock. Tests pass their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader // passwords with --password-stdin; a terminal *os.File allows prompting
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
	Log    *slog.Logger
	// Ready, when set, gets the web console's address once it listens (tests use port 0).
	Ready func(addr string)

	help bool // the command was asked for its usage (-h): not a usage error
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env *Env, args []string) int
}

func commands() []command {
	return []command{
		{"import", "导入服务记录 import service records (JSON Lines, CSV, XLSX, WebVTT, SRT, Whisper JSON)", runImport},
		{"scorecard", "管理质检标准 manage scorecards: validate | import | list | show | activate", runScorecard},
		{"inspect", "自动质检 inspect every record not yet inspected (or --file FILE without storing)", runInspect},
		{"show", "查看记录 print a record's transcript with its findings marked", runShow},
		{"stats", "统计 counts, pass rate and the most frequent failed items", runStats},
		{"user", "用户 manage accounts: add | passwd | disable | enable | list", runUser},
		{"feedback", "客户反馈 customer feedback: import | verify | list | overdue", runFeedback},
		{"sample", "抽样 sampling plans for human review: plan | list | run | size", runSample},
		{"serve", "控制台 start the web console and the REST API", runServe},
		{"demo", "演示 generate demo data, import and inspect it", runDemo},
		{"version", "print the version", func(_ context.Context, env *Env, _ []string) int {
			fmt.Fprintln(env.Stdout, "qloop", Version)
			return ExitOK
		}},
	}
}

// Version is set at build time with -ldflags "-X qloop/internal/cli.Version=…".
var Version = "dev"

// Main runs one qloop command and returns the process exit status.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Log == nil {
		env.Log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return ExitOK
	}
	if path := env.Getenv("QLOOP_CPUPROFILE"); path != "" {
		// For performance work: profile the whole command (go tool pprof qloop PATH).
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	for _, c := range commands() {
		if c.name == args[0] {
			code := c.run(ctx, env, args[1:])
			// `qloop CMD -h` prints the usage it was asked for: that is success, as for `qloop -h`.
			// A command with subcommands (scorecard, user, sample) prints its own list for a lone -h.
			if code == ExitUsage && (env.help || len(args) == 2 && isHelp(args[1])) {
				code = ExitOK
			}
			return code
		}
	}
	fmt.Fprintf(env.Stderr, "qloop: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "qloop — 客服质检与服务质量改善平台 customer-service quality inspection and improvement")
	fmt.Fprintln(w, "\nUsage: qloop COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db PATH|postgres://URL (default $QLOOP_DB or qloop.db).")
	fmt.Fprintln(w, "Run `qloop COMMAND -h` for its flags.")
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// flagOutput is a flag set's output: env.Stderr, remembering the env so that parse can tell Main
// that help was asked for.
type flagOutput struct {
	io.Writer
	env *Env
}

// newFlags returns a flag set that reports errors to env.Stderr and a --db flag.
func newFlags(env *Env, name, args string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{Writer: env.Stderr, env: env})
	def := env.Getenv("QLOOP_DB")
	if def == "" {
		def = "qloop.db"
	}
	db := fs.String("db", def, "database: a SQLite file path or a postgres:// URL")
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: qloop %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs, db
}

// parse parses flags, allowing them after positional arguments too (qloop show ID --db x.db).
func parse(fs *flag.FlagSet, args []string) ([]string, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if o, ok := fs.Output().(*flagOutput); ok && errors.Is(err, flag.ErrHelp) {
				o.env.help = true
			}
			return nil, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// openStore opens an existing database. A SQLite file that does not exist is refused rather than
// created: a mistyped --db would otherwise become an empty database that answers "not found".
func openStore(ctx context.Context, env *Env, dsn string) (*store.Store, bool) {
	if p, ok := sqliteFile(dsn); ok {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(env.Stderr, "qloop: database %s does not exist: check --db (or $QLOOP_DB); `qloop import FILE --db %s` or `qloop demo --db %s` creates a new one\n",
				dsn, dsn, dsn)
			return nil, false
		}
	}
	return createStore(ctx, env, dsn)
}

// createStore opens a database, creating a SQLite file that does not exist yet (import and demo).
func createStore(ctx context.Context, env *Env, dsn string) (*store.Store, bool) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "qloop: cannot open database %s: %v\n", redactDSN(dsn), err)
		return nil, false
	}
	return st, true
}

// sqliteFile returns the file of a SQLite DSN (a path, or file:PATH?options); false for PostgreSQL
// URLs and in-memory databases.
func sqliteFile(dsn string) (string, bool) {
	if strings.Contains(dsn, "://") {
		return "", false
	}
	p, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if p == "" || p == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return "", false
	}
	return p, true
}

// redactDSN hides a password in a postgres:// URL before it is printed.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.LastIndex(dsn, "@"); j > i {
			if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
				return dsn[:i+3+k] + ":***" + dsn[j:]
			}
		}
	}
	return dsn
}

// fail prints err for the user and returns the exit status for it.
func fail(env *Env, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(env.Stderr, "qloop: interrupted; the work done so far is saved — run the command again to finish")
		return ExitError
	}
	var ps scorecard.Problems
	if errors.As(err, &ps) {
		fmt.Fprintln(env.Stderr, ps.Error())
		return ExitError
	}
	// One line for the operator, internal or not: logging it as well printed every error twice.
	fmt.Fprintf(env.Stderr, "qloop: %v\n", err)
	return ExitError
}

// ensureDefaults installs the shipped scorecards the store has never seen (see load.EnsureDefaults).
func ensureDefaults(ctx context.Context, st *store.Store) error { return load.EnsureDefaults(ctx, st) }

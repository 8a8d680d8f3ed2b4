package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"qloop/internal/demo"
	"qloop/internal/ingest"
	"qloop/internal/load"
	"qloop/internal/store"
)

func runDemo(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "demo", "")
	if env.Getenv("QLOOP_DB") == "" {
		fs.Lookup("db").DefValue = "qloop-demo.db"
		fs.Set("db", "qloop-demo.db")
	}
	records := fs.Int("records", 6000, "how many records to generate")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the web console")
	noServe := fs.Bool("no-serve", false, "do not start the web console afterwards")
	out := fs.String("out", "", "only write the generated records to this JSON Lines file (no database), e.g. for benchmarks")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	if *out != "" {
		return writeDemo(env, *out, demo.Options{Seed: *seed, Records: *records})
	}
	start := time.Now()
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	opt := demo.Options{Seed: *seed, Records: *records}
	fmt.Fprintf(env.Stderr, "生成演示数据 generating %d demo records (calls, chats, tickets; %d agents; 3 months)…\n", *records, len(demo.Agents(opt)))
	res, err := importDemo(ctx, st, opt)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stderr, "导入 imported: %d new, %d updated, %d unchanged\n", res.Inserted, res.Updated, res.Unchanged)
	if code := inspectStored(ctx, env, st, false); code != ExitOK {
		return code
	}
	fmt.Fprintf(env.Stdout, "\n演示数据已就绪 demo data ready in %s (%.1fs).\n", *db, time.Since(start).Seconds())
	fmt.Fprintf(env.Stdout, `接下来 next:
  qloop stats --db %[1]s                     统计与最常见的失分项 counts, pass rate, top failed items
  qloop show --db %[1]s c-20260801-0001      查看一通电话及其质检结果 one call with its findings
  qloop scorecard show callcenter --db %[1]s 查看呼叫中心质检标准 the call-centre scorecard
  qloop inspect --file FILE --scorecard callcenter --json   在不入库的情况下试用质检标准 try a scorecard on a file
`, *db)
	if *noServe || env.Serve == nil {
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "\n控制台 web console: http://%s\n", *addr)
	if err := env.Serve(ctx, st, *addr); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// importDemo streams generated records through the same loader as `qloop import`.
func importDemo(ctx context.Context, st *store.Store, opt demo.Options) (store.ImportResult, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(demo.Generate(pw, opt)) }()
	var first *ingest.Reject
	res, err := load.Reader(ctx, st, pr, "demo.jsonl", load.Options{Ingest: ingest.Options{Format: ingest.FormatJSONL},
		Reject: func(r ingest.Reject) {
			if first == nil {
				first = &r
			}
		}})
	pr.Close()
	if err == nil && first != nil {
		err = fmt.Errorf("demo: generated data was rejected (a bug): %s", first)
	}
	return res.ImportResult, err
}

func writeDemo(env *Env, path string, opt demo.Options) int {
	f, err := os.Create(path)
	if err != nil {
		return fail(env, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.Generate(w, opt); err != nil {
		f.Close()
		return fail(env, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fail(env, err)
	}
	if err := f.Close(); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %d records to %s\n", opt.Records, path)
	return ExitOK
}

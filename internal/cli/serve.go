package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"qloop/internal/api"
	"qloop/internal/feedback"
	"qloop/internal/ingest"
	"qloop/internal/mask"
	"qloop/internal/server"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

func runServe(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "serve", "")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	recordings := fs.String("recordings", "", "directory that relative recording paths are resolved against")
	insecure := fs.Bool("insecure-cookies", false, "send session cookies over plain HTTP to a non-local address (use TLS instead where you can)")
	flow := workflowFlags(fs)
	maxUpload := fs.Int("max-upload", api.DefaultMaxUpload>>20, "largest import upload in MB; a request that declares more is refused before it is read")
	maxLine := fs.Int("max-line", ingest.DefaultMaxLine>>20, "longest line of an upload (JSON Lines, CSV, subtitles) in MB; a longer line is rejected without being kept")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	if err := ensureDefaults(ctx, st); err != nil {
		return fail(env, err)
	}
	users, err := st.Users(ctx)
	if err != nil {
		return fail(env, err)
	}
	if len(users) == 0 {
		fmt.Fprintf(env.Stderr, "还没有账号 no accounts yet: create one with `qloop user add admin --role admin --db %s`\n", *db)
	}
	if *maxUpload < 1 || *maxLine < 1 {
		fmt.Fprintln(env.Stderr, "qloop serve: --max-upload and --max-line are sizes in MB, at least 1")
		return ExitUsage
	}
	return serve(ctx, env, st, *addr, *recordings, *insecure, flow, limits{upload: int64(*maxUpload) << 20, line: *maxLine << 20})
}

// limits bound what one upload may cost the server; zero values are the defaults.
type limits struct {
	upload int64
	line   int
}

// jobs are the settings of the work serve does on its own, beside answering requests.
type jobs struct {
	flow        *workflow.Service
	verifyEvery time.Duration // feedback verification (0 = never)
}

// workflowFlags registers the review workflow's and the scheduled jobs' settings on fs.
func workflowFlags(fs *flag.FlagSet) *jobs {
	j := &jobs{flow: &workflow.Service{}}
	fs.DurationVar(&j.verifyEvery, "verify-every", 24*time.Hour, "how often to verify customer feedback against the records (0 = only by hand)")
	w := j.flow
	fs.DurationVar(&w.DisputeWindow, "dispute-window", 7*24*time.Hour, "how long after a review its score may be disputed")
	fs.DurationVar(&w.TaskDue, "task-due", 3*24*time.Hour, "how long a review task may stay open before it is overdue")
	fs.StringVar(&w.Webhook, "incident-webhook", "", "URL that receives a JSON POST for every major incident (重大事故)")
	fs.StringVar(&w.BaseURL, "base-url", "", "the console's public address, for links sent out (e.g. https://qa.example.com)")
	return j
}

// serve runs the console until ctx ends (Ctrl-C).
func serve(ctx context.Context, env *Env, st *store.Store, addr, recordings string, insecure bool, j *jobs, lim limits) int {
	// Request logs go through the masking ReplaceAttr: personal data never reaches a log line.
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: mask.ReplaceAttr}))
	flow := j.flow
	flow.Store, flow.Log = st, log
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if j.verifyEvery > 0 {
		go verifyFeedback(ctx, st, log, env.Now, j.verifyEvery)
	}
	if flow.BaseURL == "" {
		flow.BaseURL = "http://" + addr
	}
	h := server.New(server.Config{Store: st, Log: log, Now: env.Now, InsecureCookies: insecure, Recordings: recordings, Flow: flow,
		MaxUpload: lim.upload, MaxLine: lim.line})
	err := server.Serve(ctx, addr, h, func(bound string) {
		fmt.Fprintf(env.Stdout, "控制台 web console: http://%s  (Ctrl-C 停止 to stop)\n", bound)
		if env.Ready != nil {
			env.Ready(bound)
		}
	})
	if err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// verifyFeedback runs the feedback verification every period until ctx ends, the first time one
// period after the start (an operator who wants it now presses the console's button).
func verifyFeedback(ctx context.Context, st *store.Store, log *slog.Logger, now func() time.Time, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := st.VerifyFeedback(ctx, feedback.Options{Now: now(), By: "system"})
		if err != nil {
			if ctx.Err() == nil {
				log.Error("feedback verification", "err", err)
			}
			continue
		}
		log.Info("feedback verified", "entries", res.Entries, "added", res.Added, "contradictions", res.Contradictions,
			"pending", res.Pending, "overdue", res.Overdue)
	}
}

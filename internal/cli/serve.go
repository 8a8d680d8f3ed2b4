package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

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
	return serve(ctx, env, st, *addr, *recordings, *insecure, flow)
}

// workflowFlags registers the review workflow's settings on fs.
func workflowFlags(fs *flag.FlagSet) *workflow.Service {
	w := &workflow.Service{}
	fs.DurationVar(&w.DisputeWindow, "dispute-window", 7*24*time.Hour, "how long after a review its score may be disputed")
	fs.DurationVar(&w.TaskDue, "task-due", 3*24*time.Hour, "how long a review task may stay open before it is overdue")
	fs.StringVar(&w.Webhook, "incident-webhook", "", "URL that receives a JSON POST for every major incident (重大事故)")
	fs.StringVar(&w.BaseURL, "base-url", "", "the console's public address, for links sent out (e.g. https://qa.example.com)")
	return w
}

// serve runs the console until ctx ends (Ctrl-C).
func serve(ctx context.Context, env *Env, st *store.Store, addr, recordings string, insecure bool, flow *workflow.Service) int {
	// Request logs go through the masking ReplaceAttr: personal data never reaches a log line.
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: mask.ReplaceAttr}))
	flow.Store, flow.Log = st, log
	if flow.BaseURL == "" {
		flow.BaseURL = "http://" + addr
	}
	h := server.New(server.Config{Store: st, Log: log, Now: env.Now, InsecureCookies: insecure, Recordings: recordings, Flow: flow})
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

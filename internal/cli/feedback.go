package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"qloop/internal/feedback"
	"qloop/internal/store"
)

// runFeedback is `qloop feedback import | verify | list | overdue`.
func runFeedback(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "Usage: qloop feedback import FILE... | verify | list | overdue  (qloop feedback SUBCOMMAND -h for flags)")
		return ExitUsage
	}
	switch args[0] {
	case "import":
		return feedbackImport(ctx, env, args[1:])
	case "verify":
		return feedbackVerify(ctx, env, args[1:])
	case "list":
		return feedbackList(ctx, env, args[1:], false)
	case "overdue":
		return feedbackList(ctx, env, args[1:], true)
	}
	fmt.Fprintf(env.Stderr, "qloop feedback: unknown subcommand %q: use import, verify, list or overdue\n", args[0])
	return ExitUsage
}

func feedbackImport(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "feedback import", "FILE...")
	format := fs.String("format", "", "jsonl, csv or xlsx (default: by file extension)")
	kind := fs.String("kind", "", "rating, callback, complaint or escalation: the kind of rows without a 类型/kind column")
	rejects := fs.String("rejects", "", "write rejected lines here as JSON Lines (default: FILE.rejects.jsonl beside each input)")
	by := fs.String("by", "", "who imports (stored with every revision; default $USER)")
	reason := fs.String("reason", "", "why (stored with every changed entry; default: 导入 FILE)")
	files, ok := parse(fs, args)
	if !ok {
		return ExitUsage
	}
	if len(files) == 0 {
		fs.Usage()
		return ExitUsage
	}
	if *by == "" {
		*by = env.Getenv("USER")
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	var total feedback.Result
	for _, file := range files {
		rw := &rejectWriter{env: env, path: *rejects}
		if rw.path == "" {
			rw.path = file + ".rejects.jsonl"
		}
		f, err := os.Open(file)
		if err != nil {
			return fail(env, err)
		}
		why := *reason
		if why == "" {
			why = "导入 " + filepath.Base(file)
		}
		res, err := feedback.Import(ctx, st, f, file, feedback.ReadOptions{Format: *format, Kind: *kind},
			feedback.Source{File: filepath.Base(file), Actor: *by, Reason: why}, rw.add)
		f.Close()
		rw.close()
		total.Read += res.Read
		total.Inserted += res.Inserted
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		total.Rejected += res.Rejected
		if err != nil {
			return fail(env, err)
		}
	}
	fmt.Fprintf(env.Stdout, "反馈导入完成 feedback imported: %d new, %d updated, %d unchanged, %d rejected\n",
		total.Inserted, total.Updated, total.Unchanged, total.Rejected)
	if total.Rejected > 0 {
		return ExitRejected
	}
	return ExitOK
}

func feedbackVerify(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "feedback verify", "")
	seed := fs.Int64("seed", 0, "picks which 1 and 5 ratings are sampled for a callback; the same seed samples the same ones")
	rate := fs.Float64("sample", feedback.DefaultSampleRate, "share of 1 and 5 ratings sampled for a confirming callback")
	by := fs.String("by", "", "who runs it (stored with every result; default $USER)")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	if *rate <= 0 || *rate > 1 {
		fmt.Fprintln(env.Stderr, "qloop feedback verify: --sample must be in (0, 1], e.g. 0.2")
		return ExitUsage
	}
	if *by == "" {
		*by = env.Getenv("USER")
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	res, err := st.VerifyFeedback(ctx, feedback.Options{Now: env.Now(), By: *by, Seed: *seed, SampleRate: *rate})
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "数据核验 verified %d entries: %d results, %d new, %d closed; now %d contradictions, %d 待核实, %d callbacks due, %d overdue\n",
		res.Entries, res.Checks, res.Added, res.Closed, res.Contradictions, res.Pending, res.CallbacksDue, res.Overdue)
	return ExitOK
}

func feedbackList(ctx context.Context, env *Env, args []string, overdue bool) int {
	name := "feedback list"
	if overdue {
		name = "feedback overdue"
	}
	fs, db := newFlags(env, name, "")
	kind := fs.String("kind", "", "rating, callback, complaint or escalation")
	status := fs.String("status", "", "entries with a current check of this status (contradiction, pending, callback_due, …)")
	record := fs.String("record", "", "one record's feedback")
	limit := fs.Int("limit", 200, "at most this many entries")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	f := feedback.Filter{Kind: *kind, Status: *status, RecordID: *record, Limit: *limit}
	if overdue {
		f.Overdue = env.Now()
	}
	items, err := st.Feedback(ctx, f)
	if err != nil {
		return fail(env, err)
	}
	for _, it := range items {
		var checks []string
		for _, c := range it.Checks {
			if overdue && !c.Overdue(f.Overdue) {
				continue
			}
			s := c.Rule + "=" + c.Status
			if c.DueAt != nil {
				s += " due " + c.DueAt.In(env.Now().Location()).Format("2006-01-02 15:04")
			}
			checks = append(checks, s)
		}
		fmt.Fprintf(env.Stdout, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", it.ID, it.Key(), it.Kind, it.RecordID, it.AgentID, it.Overall(), strings.Join(checks, "; "))
	}
	fmt.Fprintf(env.Stderr, "%d entries\n", len(items))
	return ExitOK
}

// The store is what feedback.Import needs.
var _ feedback.Store = (*store.Store)(nil)

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"qloop/internal/ingest"
	"qloop/internal/inspect"
	"qloop/internal/load"
	"qloop/internal/qa"
	"qloop/internal/store"
)

func runImport(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "import", "FILE...")
	format := fs.String("format", "", "input format: jsonl, csv, xlsx, vtt, srt, whisper (default: by file extension)")
	mapping := fs.String("mapping", "", "column mapping YAML for CSV/XLSX exports (default: common Chinese and English headers)")
	rejects := fs.String("rejects", "", "write rejected lines here as JSON Lines (default: FILE.rejects.jsonl beside each input)")
	inspectAfter := fs.Bool("inspect", false, "inspect the imported records right away")
	maxLine := fs.Int("max-line", ingest.DefaultMaxLine>>20, "longest line (JSON Lines, CSV, subtitles) in MB; a longer line is rejected without being kept in memory")
	meta := metaFlags(fs)
	files, ok := parse(fs, args)
	if !ok {
		return ExitUsage
	}
	if len(files) == 0 {
		fs.Usage()
		return ExitUsage
	}
	if *maxLine < 1 {
		fmt.Fprintln(env.Stderr, "qloop import: --max-line is a size in MB, at least 1")
		return ExitUsage
	}
	opt := ingest.Options{Format: *format, MaxLine: *maxLine << 20}
	if *mapping != "" {
		m, err := ingest.LoadMapping(*mapping)
		if err != nil {
			return fail(env, err)
		}
		opt.Mapping = m
	}
	if m, err := meta.record(); err != nil {
		return fail(env, err)
	} else {
		opt.Meta = m
	}
	st, ok := createStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()

	var insp *load.Inspector
	if *inspectAfter {
		var err error
		if insp, err = load.NewInspector(ctx, st, env.Now); err != nil {
			return fail(env, err)
		}
	}
	var total store.ImportResult
	rejected := 0
	for _, file := range files {
		res, err := importFile(ctx, env, st, file, opt, *rejects, insp)
		err = auditImport(ctx, env, st, file, res, err)
		total.Add(res.ImportResult)
		rejected += res.Rejected
		if err != nil {
			return fail(env, err)
		}
	}
	fmt.Fprintf(env.Stdout, "导入完成 imported: %d new, %d updated, %d unchanged, %d rejected\n",
		total.Inserted, total.Updated, total.Unchanged, rejected)
	if insp != nil {
		// Records imported earlier but never inspected (a killed run, a scorecard activated since)
		// are caught up here; what this import inspected on the way is not pending any more.
		if code := inspectStoredOpts(ctx, env, st, inspect.Workers(), false, insp.Summary); code != ExitOK {
			return code
		}
	}
	if rejected > 0 {
		return ExitRejected
	}
	return ExitOK
}

// importFile streams one file into the store; rejects go to stderr and the rejects file.
func importFile(ctx context.Context, env *Env, st *store.Store, file string, opt ingest.Options, rejectsPath string, insp *load.Inspector) (load.Result, error) {
	rw := &rejectWriter{env: env, path: rejectsPath}
	if rw.path == "" {
		rw.path = file + ".rejects.jsonl"
	}
	defer rw.close()
	prog := newProgress(env.Stderr, "导入 "+file, 0)
	defer prog.finish()
	f, err := os.Open(file)
	if err != nil {
		return load.Result{}, err
	}
	defer f.Close()
	return load.Reader(ctx, st, f, file, load.Options{Ingest: opt, Inspect: insp, Reject: rw.add, Progress: prog.set})
}

// rejectWriter reports rejects on stderr (the first few) and keeps all of them in a file.
type rejectWriter struct {
	env  *Env
	path string
	f    *os.File
	enc  *json.Encoder
	n    int
}

const shownRejects = 20

func (w *rejectWriter) add(r ingest.Reject) {
	w.n++
	if w.n <= shownRejects {
		fmt.Fprintln(w.env.Stderr, r.String())
	} else if w.n == shownRejects+1 {
		fmt.Fprintf(w.env.Stderr, "… more rejects in %s\n", w.path)
	}
	if w.f == nil {
		f, err := os.Create(w.path)
		if err != nil {
			fmt.Fprintf(w.env.Stderr, "qloop: cannot write rejects file: %v\n", err)
			return
		}
		w.f, w.enc = f, json.NewEncoder(f)
		w.enc.SetEscapeHTML(false)
	}
	w.enc.Encode(map[string]any{"file": r.File, "line": r.Line, "reason": r.Reason, "raw": r.Raw})
}

func (w *rejectWriter) close() {
	if w.f != nil {
		w.f.Close()
		fmt.Fprintf(w.env.Stderr, "%d rejected; all of them are listed in %s\n", w.n, w.path)
	}
}

// meta holds the flags that describe a transcript file (one call per file).
type meta struct {
	id, channel, agent, agentName, team, startedAt, business, customer, recording *string
}

func metaFlags(fs interface {
	String(name, value, usage string) *string
}) *meta {
	return &meta{
		id:        fs.String("id", "", "transcripts: record id (default: the file name)"),
		channel:   fs.String("channel", "", "transcripts: channel (default call)"),
		agent:     fs.String("agent", "", "transcripts: agent id"),
		agentName: fs.String("agent-name", "", "transcripts: agent name"),
		team:      fs.String("team", "", "transcripts: team"),
		startedAt: fs.String("started-at", "", "transcripts: start time, RFC 3339 (2026-11-02T09:15:00+08:00)"),
		business:  fs.String("business-type", "", "transcripts: business type"),
		customer:  fs.String("customer-id", "", "transcripts: customer id"),
		recording: fs.String("recording", "", "transcripts: path or URL of the audio"),
	}
}

func (m *meta) record() (*qa.Record, error) {
	r := &qa.Record{ID: *m.id, Channel: *m.channel, AgentID: *m.agent, AgentName: *m.agentName, Team: *m.team,
		BusinessType: *m.business, CustomerID: *m.customer, Recording: *m.recording}
	if *m.startedAt != "" {
		t, err := time.Parse(time.RFC3339, *m.startedAt)
		if err != nil {
			return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("--started-at %q is not RFC 3339: use e.g. 2026-11-02T09:15:00+08:00", *m.startedAt))
		}
		r.StartedAt = t
	}
	if *m.id+*m.channel+*m.agent+*m.agentName+*m.team+*m.business+*m.customer+*m.recording == "" && r.StartedAt.IsZero() {
		return nil, nil
	}
	return r, nil
}

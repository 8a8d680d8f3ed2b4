package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"qloop/internal/ingest"
	"qloop/internal/inspect"
	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/store"
)

// batchSize records go into one transaction: big enough to be fast, small enough that a kill
// loses little and memory stays flat.
const batchSize = 1000

func runImport(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "import", "FILE...")
	format := fs.String("format", "", "input format: jsonl, csv, xlsx, vtt, srt, whisper (default: by file extension)")
	mapping := fs.String("mapping", "", "column mapping YAML for CSV/XLSX exports (default: common Chinese and English headers)")
	rejects := fs.String("rejects", "", "write rejected lines here as JSON Lines (default: FILE.rejects.jsonl beside each input)")
	inspectAfter := fs.Bool("inspect", false, "inspect the imported records right away")
	meta := metaFlags(fs)
	files, ok := parse(fs, args)
	if !ok {
		return ExitUsage
	}
	if len(files) == 0 {
		fs.Usage()
		return ExitUsage
	}
	opt := ingest.Options{Format: *format}
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
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()

	var insp *inspector
	if *inspectAfter {
		var err error
		if insp, err = newInspector(ctx, env, st); err != nil {
			return fail(env, err)
		}
	}
	var total store.ImportResult
	rejected := 0
	for _, file := range files {
		res, n, err := importFile(ctx, env, st, file, opt, *rejects, insp)
		total.Inserted += res.Inserted
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		rejected += n
		if err != nil {
			return fail(env, err)
		}
	}
	fmt.Fprintf(env.Stdout, "导入完成 imported: %d new, %d updated, %d unchanged, %d rejected\n",
		total.Inserted, total.Updated, total.Unchanged, rejected)
	if insp != nil {
		// Records imported earlier but never inspected (a killed run, a scorecard activated since)
		// are caught up here; what this import inspected on the way is not pending any more.
		if code := inspectStoredOpts(ctx, env, st, inspect.Workers(), false, insp.sum); code != ExitOK {
			return code
		}
	}
	if rejected > 0 {
		return ExitRejected
	}
	return ExitOK
}

// importFile streams one file into the store in batches; it returns how many pieces were rejected.
func importFile(ctx context.Context, env *Env, st *store.Store, file string, opt ingest.Options, rejectsPath string, insp *inspector) (store.ImportResult, int, error) {
	var res store.ImportResult
	rw := &rejectWriter{env: env, path: rejectsPath}
	if rw.path == "" {
		rw.path = file + ".rejects.jsonl"
	}
	defer rw.close()
	prog := newProgress(env.Stderr, "导入 "+file, 0)
	defer prog.finish()
	batch := make([]qa.Record, 0, batchSize)
	read := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		r, err := st.UpsertRecords(context.WithoutCancel(ctx), batch, file)
		if err != nil {
			return err
		}
		if insp != nil {
			if err := insp.batch(ctx, st, batch, r.Revs); err != nil {
				return err
			}
		}
		res.Inserted += r.Inserted
		res.Updated += r.Updated
		res.Unchanged += r.Unchanged
		batch = batch[:0]
		prog.set(read)
		return nil
	}
	_, err := ingest.ReadFile(ctx, file, opt, func(r qa.Record) error {
		read++
		batch = append(batch, r)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	}, rw.add)
	if ferr := flush(); err == nil {
		err = ferr
	}
	return res, rw.n, err
}

// inspector inspects each imported batch right away with the active scorecards.
type inspector struct {
	env     *Env
	engines []*rules.Engine
	sum     inspect.Summary
}

func newInspector(ctx context.Context, env *Env, st *store.Store) (*inspector, error) {
	if err := ensureDefaults(ctx, st); err != nil {
		return nil, err
	}
	scs, err := st.ActiveScorecards(ctx)
	if err != nil {
		return nil, err
	}
	es, err := inspect.Engines(scs)
	if err != nil {
		return nil, err
	}
	return &inspector{env: env, engines: es}, nil
}

func (in *inspector) batch(ctx context.Context, st *store.Store, recs []qa.Record, revs []int) error {
	start := time.Now()
	ins := inspect.Batch(recs, revs, in.engines, inspect.Workers(), in.env.Now())
	if err := st.SaveInspections(context.WithoutCancel(ctx), ins); err != nil {
		return err
	}
	in.sum.AddAll(ins)
	in.sum.Elapsed += time.Since(start)
	return nil
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

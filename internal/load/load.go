// Package load brings records into the store: a stream from any import format, in batches of one
// transaction each, optionally inspected as each batch lands. The CLI, the API and the demo share it.
package load

import (
	"context"
	"io"
	"time"

	"qloop/internal/ingest"
	"qloop/internal/inspect"
	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/scorecard"
	"qloop/internal/store"
)

// BatchSize records go into one transaction: big enough to be fast, small enough that a kill loses
// little and memory stays flat.
const BatchSize = 1000

// Result is what one load did.
type Result struct {
	store.ImportResult
	Read, Rejected int
	Inspected      inspect.Summary
}

// Options tune a load.
type Options struct {
	Ingest   ingest.Options
	Inspect  *Inspector          // nil: store only
	Reject   func(ingest.Reject) // each rejected piece (nil: counted only)
	Progress func(read int)      // after each batch
}

// Reader loads records from r; name is the file name used in messages and for format detection.
func Reader(ctx context.Context, st *store.Store, r io.Reader, name string, opt Options) (Result, error) {
	var res Result
	batch := make([]qa.Record, 0, BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// A batch that started is finished even when ctx is cancelled: it is one transaction.
		ir, err := st.UpsertRecords(context.WithoutCancel(ctx), batch, name)
		if err != nil {
			return err
		}
		res.ImportResult.Add(ir)
		if opt.Inspect != nil {
			if err := opt.Inspect.Batch(ctx, st, batch, ir.Revs); err != nil {
				return err
			}
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(res.Read)
		}
		return nil
	}
	reject := func(r ingest.Reject) {
		res.Rejected++
		if opt.Reject != nil {
			opt.Reject(r)
		}
	}
	sum, err := ingest.Read(ctx, r, name, opt.Ingest, func(rec qa.Record) error {
		res.Read++
		batch = append(batch, rec)
		if len(batch) == BatchSize {
			return flush()
		}
		return nil
	}, reject)
	if ferr := flush(); err == nil {
		err = ferr
	}
	res.Read = sum.Read
	if opt.Inspect != nil {
		res.Inspected = opt.Inspect.Summary
	}
	return res, err
}

// Inspector inspects each loaded batch right away with the active scorecards.
type Inspector struct {
	engines []*rules.Engine
	now     func() time.Time
	Summary inspect.Summary
}

// NewInspector compiles the active scorecards, installing the shipped defaults on first use.
func NewInspector(ctx context.Context, st *store.Store, now func() time.Time) (*Inspector, error) {
	if err := EnsureDefaults(ctx, st); err != nil {
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
	if now == nil {
		now = time.Now
	}
	return &Inspector{engines: es, now: now}, nil
}

// Batch inspects the new or changed records of a stored batch (revs from UpsertRecords) and saves
// the inspections in one transaction.
func (in *Inspector) Batch(ctx context.Context, st *store.Store, recs []qa.Record, revs []int) error {
	start := time.Now()
	ins := inspect.Batch(recs, revs, in.engines, inspect.Workers(), in.now())
	if err := st.SaveInspections(context.WithoutCancel(ctx), ins); err != nil {
		return err
	}
	in.Summary.AddAll(ins)
	in.Summary.Elapsed += time.Since(start)
	return nil
}

// EnsureDefaults installs and activates each shipped scorecard that the store has never seen, so a
// fresh database inspects out of the box; a name the user already manages is left alone.
func EnsureDefaults(ctx context.Context, st *store.Store) error {
	have, err := st.Scorecards(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, s := range have {
		known[s.Name] = true
	}
	for _, d := range scorecard.Defaults() {
		if known[d.Name] {
			continue
		}
		sc, err := scorecard.Parse(d.Src, "defaults/"+d.Name+".yaml")
		if err != nil {
			return err
		}
		v, _, err := st.SaveScorecard(ctx, sc, d.Src)
		if err != nil {
			return err
		}
		if err := st.ActivateScorecard(ctx, sc.Name, v); err != nil {
			return err
		}
	}
	return nil
}

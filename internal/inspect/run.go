package inspect

import (
	"context"
	"errors"
	"time"

	"qloop/internal/ingest"
	"qloop/internal/pipe"
	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/store"
)

// Store is what a stored run needs; *store.Store satisfies it.
type Store interface {
	ActiveScorecards(ctx context.Context) ([]qa.Scorecard, error)
	Pending(ctx context.Context, scorecard string, version int, scope qa.Scope, afterID string, limit int) ([]store.Pending, error)
	SaveInspections(ctx context.Context, ins []qa.Inspection) error
}

// PageSize is how many records one transaction inspects and saves: a kill loses at most one page,
// and the next run picks up exactly where this one stopped.
const PageSize = 1000

// Options tune a stored run.
type Options struct {
	Workers  int                 // default: every core
	Now      func() time.Time    // default: time.Now
	Progress Progress            // optional
	Emit     func(qa.Inspection) // optional: each inspection made, in record id order per scorecard
}

// Stored inspects every stored record not yet inspected with the active version of each scorecard
// whose scope covers it. Cancelling ctx stops after the page in progress is saved.
func Stored(ctx context.Context, st Store, opt Options) (sum Summary, err error) {
	workers, now, progress := opt.Workers, opt.Now, opt.Progress
	if workers < 1 {
		workers = Workers()
	}
	if now == nil {
		now = time.Now
	}
	start := time.Now()
	defer func() { sum.Elapsed = time.Since(start) }()
	scs, err := st.ActiveScorecards(ctx)
	if err != nil {
		return sum, err
	}
	if len(scs) == 0 {
		return sum, qa.NewError(qa.EInvalid, "no active scorecard: run `qloop scorecard import FILE` and `qloop scorecard activate NAME`")
	}
	engines, err := Engines(scs)
	if err != nil {
		return sum, err
	}
	done := 0
	for _, e := range engines {
		sc := e.Scorecard()
		after := ""
		for {
			page, err := st.Pending(ctx, sc.Name, sc.Version, sc.AppliesTo, after, PageSize)
			if err != nil {
				return sum, err
			}
			if len(page) == 0 {
				break
			}
			after = page[len(page)-1].Record.ID
			i := 0
			var batch []qa.Inspection
			err = pipe.Ordered(context.WithoutCancel(ctx), workers, func() (store.Pending, bool, error) {
				if i == len(page) {
					return store.Pending{}, false, nil
				}
				i++
				return page[i-1], true, nil
			}, func(p store.Pending) []qa.Inspection {
				if !e.Applies(&p.Record) {
					return nil
				}
				in := e.Inspect(&p.Record)
				in.RecordRev = p.Rev
				in.InspectedAt = now()
				return []qa.Inspection{in}
			}, func(ins []qa.Inspection) error {
				if len(ins) > 0 {
					sum.add(ins)
					batch = append(batch, ins...)
					if opt.Emit != nil {
						opt.Emit(ins[0])
					}
				}
				return nil
			})
			if err != nil {
				return sum, err
			}
			if err := st.SaveInspections(context.WithoutCancel(ctx), batch); err != nil {
				return sum, err
			}
			done += len(page)
			if progress != nil {
				progress(done)
			}
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
		}
	}
	return sum, nil
}

// File inspects the records of a file without storing anything: each record with the first
// (most specific) engine that applies; emit gets results in file order.
func File(ctx context.Context, path string, opt ingest.Options, engines []*rules.Engine, workers int,
	emit func(*qa.Record, []qa.Inspection) error, reject func(ingest.Reject)) (Summary, ingest.Summary, error) {
	var sum Summary
	start := time.Now()
	type item struct {
		rec qa.Record
		ins []qa.Inspection
	}
	recs := make(chan qa.Record, 256)
	var isum ingest.Summary
	var readErr error
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(recs)
		isum, readErr = ingest.ReadFile(rctx, path, opt, func(r qa.Record) error {
			select {
			case recs <- r:
				return nil
			case <-rctx.Done():
				return rctx.Err()
			}
		}, reject)
	}()
	err := pipe.Ordered(ctx, workers, func() (*item, bool, error) {
		r, ok := <-recs
		if !ok {
			return nil, false, nil
		}
		return &item{rec: r}, true, nil
	}, func(it *item) *item {
		it.ins = Judge(engines, &it.rec, false)
		return it
	}, func(it *item) error {
		sum.add(it.ins)
		return emit(&it.rec, it.ins)
	})
	cancel()
	for range recs { // let the reader finish before reading its results
	}
	sum.Elapsed = time.Since(start)
	if err == nil && readErr != nil && !errors.Is(readErr, context.Canceled) {
		err = readErr
	}
	return sum, isum, err
}

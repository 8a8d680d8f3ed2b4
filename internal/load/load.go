// Package load brings records into the store: a stream from any import format, in batches of one
// transaction each, optionally inspected as each batch lands. The CLI, the API and the demo share it.
package load

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
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

// queued is how many prepared batches may wait for the writer: the writer is the slowest stage, so
// parsing and inspecting run ahead, and a batch is ready whenever the writer is.
const queued = 2

// indexEvery is how many new or changed records a load writes before it brings the full-text index
// up to date on the way (it always does at the end), so that searches during a long import read few
// texts directly and one indexing transaction holds the write lock for about a second.
var indexEvery = 50000

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
	Progress func(stored int)    // after each batch, with the records stored so far
}

// Reader loads records from r; name is the file name used in messages and for format detection.
//
// Three stages overlap, so that the database writes one batch while the next ones are parsed and
// inspected: ingest parses records and cuts batches; store.PrepareRecords encodes each batch and,
// with an Inspector, inspects its new and changed records; one writer stores each batch with its
// inspections in one transaction (store.WriteRecords) and, every indexEvery records and at the
// end, brings the full-text index up to date (store.IndexSearch). At most a few batches are in
// flight, so memory stays flat. A batch that started is finished even when ctx is cancelled, and so
// are the batches already read by then: a kill loses at most those, and the next run redoes them.
func Reader(ctx context.Context, st *store.Store, r io.Reader, name string, opt Options) (Result, error) {
	var res Result
	start := time.Now()
	bg := context.WithoutCancel(ctx)
	var judge store.Judge
	if opt.Inspect != nil {
		judge = opt.Inspect.judge
	}
	// SQLite writes on one connection in this process, the slowest stage: parsing and preparing leave
	// it a core of its own rather than slow it down by taking turns with it on every core.
	workers := 0
	if st.Dialect() == store.SQLite {
		workers = max(1, runtime.GOMAXPROCS(0)-1)
		if opt.Ingest.Workers == 0 {
			opt.Ingest.Workers = workers
		}
	}

	var (
		mu      sync.Mutex
		pipeErr error
		stop    = make(chan struct{}) // closed at the first error of a stage
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if pipeErr == nil {
			pipeErr = err
			close(stop)
		}
	}
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return pipeErr
	}

	batches := make(chan []qa.Record)
	prepared := make(chan *store.Batch, queued)
	go func() {
		defer close(prepared)
		for recs := range batches {
			if failed() != nil {
				continue
			}
			b, err := st.PrepareRecords(bg, recs, name, judge, workers)
			if err != nil {
				fail(err)
				continue
			}
			prepared <- b
		}
	}()
	written := make(chan struct{})
	go func() {
		defer close(written)
		stored, unindexed := 0, 0
		for b := range prepared {
			if failed() != nil {
				continue // drain, so that the stage before can finish
			}
			ir, err := st.WriteRecords(bg, b)
			if err != nil {
				fail(err)
				continue
			}
			res.ImportResult.Add(ir)
			if opt.Inspect != nil {
				opt.Inspect.Summary.AddAll(ir.Inspections)
			}
			stored += b.Len()
			if unindexed += ir.Inserted + ir.Updated; unindexed >= indexEvery {
				if _, err := st.IndexSearch(bg); err != nil {
					fail(err)
					continue
				}
				unindexed = 0
			}
			if opt.Progress != nil {
				opt.Progress(stored)
			}
		}
	}()

	batch := make([]qa.Record, 0, BatchSize)
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case batches <- batch:
			batch = make([]qa.Record, 0, BatchSize)
			return nil
		case <-stop:
			return failed()
		}
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
			return send()
		}
		return nil
	}, reject)
	if serr := send(); err == nil {
		err = serr
	}
	close(batches)
	<-written
	// A stage's error is the cause; ingest only saw it, or a cancellation, second hand.
	if perr := failed(); perr != nil && (err == nil || err == perr || errors.Is(err, context.Canceled)) {
		err = perr
	}
	// Searches find what was just stored either way; indexing it now keeps them quick. This runs even
	// after an error or Ctrl-C: what landed is indexed.
	if _, ierr := st.IndexSearch(bg); err == nil {
		err = ierr
	}
	res.Read = sum.Read
	if opt.Inspect != nil {
		opt.Inspect.Summary.Elapsed += time.Since(start)
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

// judge inspects one new or changed record with every active scorecard whose scope covers it.
func (in *Inspector) judge(r *qa.Record) []qa.Inspection {
	ins := inspect.Judge(in.engines, r, true)
	at := in.now()
	for j := range ins {
		ins[j].InspectedAt = at
	}
	return ins
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

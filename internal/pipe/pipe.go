// Package pipe runs work in parallel while keeping input order, for streams of records.
package pipe

import (
	"context"
	"sync"
)

// Ordered runs work on n goroutines over the items next yields and hands each result to emit in
// input order, so output is deterministic however the work is scheduled. It stops at the first
// error from next or emit, or when ctx is done; results already emitted stay emitted.
func Ordered[In, Out any](ctx context.Context, n int, next func() (In, bool, error), work func(In) Out, emit func(Out) error) error {
	if n < 1 {
		n = 1
	}
	type job struct {
		seq int
		in  In
	}
	type result struct {
		seq int
		out Out
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, n*64)
	results := make(chan result, n*64)
	var readErr error
	go func() {
		defer close(jobs)
		for seq := 0; ; seq++ {
			if ctx.Err() != nil {
				return
			}
			in, ok, err := next()
			if err != nil {
				readErr = err
				return
			}
			if !ok {
				return
			}
			select {
			case jobs <- job{seq, in}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- result{j.seq, work(j.in)}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]Out{}
	want := 0
	var emitErr error
	for r := range results {
		if emitErr != nil {
			continue // drain so workers can finish
		}
		pending[r.seq] = r.out
		for {
			out, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			if err := emit(out); err != nil {
				emitErr = err
				cancel()
				break
			}
		}
	}
	if emitErr != nil {
		return emitErr
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

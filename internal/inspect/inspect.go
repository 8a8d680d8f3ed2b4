// Package inspect runs automatic inspections: every stored record against every active scorecard
// whose scope covers it (C1), or records straight from a file without storing anything.
package inspect

import (
	"runtime"
	"sort"
	"time"

	"qloop/internal/qa"
	"qloop/internal/rules"
)

// Engines compiles scorecards, most specific scope first, so that a record read from a file is
// judged by the scorecard written for its channel rather than a general one.
func Engines(scs []qa.Scorecard) ([]*rules.Engine, error) {
	var es []*rules.Engine
	for i := range scs {
		e, err := rules.Compile(&scs[i], rules.Options{})
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	sort.SliceStable(es, func(i, j int) bool { return breadth(es[i].Scorecard()) < breadth(es[j].Scorecard()) })
	return es, nil
}

// breadth ranks a scope: fewer channels is more specific; no channel list is the broadest.
func breadth(sc *qa.Scorecard) int {
	n := len(sc.AppliesTo.Channels)
	if n == 0 {
		n = 10
	}
	return n*10 - len(sc.AppliesTo.BusinessTypes) - len(sc.AppliesTo.Tags)
}

// Progress receives the running count; it is called from one goroutine at a time.
type Progress func(done int)

// Summary tells what a run did.
type Summary struct {
	Records     int // records examined
	Inspections int // inspections made
	Skipped     int // records no scorecard applies to
	Passed      int
	Fatal       int
	Elapsed     time.Duration
}

// Workers is the default parallelism: every core.
func Workers() int { return runtime.GOMAXPROCS(0) }

// Judge inspects r with every engine whose scope covers it (all of them when all is set, else the
// first, most specific one).
func Judge(es []*rules.Engine, r *qa.Record, all bool) []qa.Inspection {
	var out []qa.Inspection
	for _, e := range es {
		if !e.Applies(r) {
			continue
		}
		out = append(out, e.Inspect(r))
		if !all {
			break
		}
	}
	return out
}

func (s *Summary) add(ins []qa.Inspection) {
	s.Records++
	if len(ins) == 0 {
		s.Skipped++
	}
	for _, in := range ins {
		s.Inspections++
		if in.Passed {
			s.Passed++
		}
		if in.Fatal {
			s.Fatal++
		}
	}
}

// AddAll counts inspections made outside a run (e.g. during an import).
func (s *Summary) AddAll(ins []qa.Inspection) {
	for _, in := range ins {
		s.Inspections++
		if in.Passed {
			s.Passed++
		}
		if in.Fatal {
			s.Fatal++
		}
	}
}

// Merge adds o's counts and time to s.
func (s *Summary) Merge(o Summary) {
	s.Records += o.Records
	s.Inspections += o.Inspections
	s.Skipped += o.Skipped
	s.Passed += o.Passed
	s.Fatal += o.Fatal
	s.Elapsed += o.Elapsed
}

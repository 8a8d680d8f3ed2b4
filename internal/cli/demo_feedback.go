package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"time"

	"qloop/internal/demo"
	"qloop/internal/feedback"
	"qloop/internal/qa"
	"qloop/internal/store"

	gojson "github.com/goccy/go-json"
)

// demoFeedback gives the demo's records the customer feedback a contact centre collects (ratings,
// callbacks, complaint-ledger lines, escalations; feedback.Synthesize) and runs the verification
// once as of the demo's last day, so the feedback pages and their contradictions have something true
// to show. A second run changes nothing.
func demoFeedback(ctx context.Context, env *Env, st *store.Store, opt demo.Options) error {
	var buf bytes.Buffer
	if err := demo.Generate(&buf, opt); err != nil {
		return err
	}
	var recs []qa.Record
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var r qa.Record
		if err := gojson.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("demo feedback: decode a generated record (a bug): %w", err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	res, err := st.UpsertFeedback(ctx, feedback.Synthesize(recs, opt.Seed),
		feedback.Source{File: "demo", Actor: "system", Reason: "演示数据 demo data"})
	if err != nil {
		return fmt.Errorf("demo feedback: %w", err)
	}
	end := time.Date(opt.Today.Year(), opt.Today.Month(), opt.Today.Day(), 18, 0, 0, 0, opt.Today.Location())
	run, err := st.VerifyFeedback(ctx, feedback.Options{Now: end, By: "system", Seed: opt.Seed})
	if err != nil {
		return fmt.Errorf("demo feedback: verify: %w", err)
	}
	fmt.Fprintf(env.Stderr, "客户反馈 feedback: %d new, %d unchanged; 核验 verified: %d contradictions, %d 待核实, %d callbacks due\n",
		res.Inserted, res.Unchanged, run.Contradictions, run.Pending, run.CallbacksDue)
	return nil
}

package inspect_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qloop/internal/ingest"
	"qloop/internal/inspect"
	"qloop/internal/qa"
	"qloop/internal/scorecard"
)

// sharedData returns ../shared/data, failing loudly under CI when it is missing.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing: CI must have ../shared beside the clone", dir)
		}
		t.Skipf("%s not found; the real-data suite needs ../shared/data", dir)
	}
	return dir
}

func defaults(t *testing.T) []qa.Scorecard {
	var out []qa.Scorecard
	for _, d := range scorecard.Defaults() {
		sc, err := scorecard.Parse(d.Src, d.Name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *sc)
	}
	return out
}

// agentOnly lists items whose evidence must be an agent turn: phrase-like checks on agent speech.
func agentOnly(scs []qa.Scorecard) map[string]bool {
	m := map[string]bool{}
	for _, sc := range scs {
		for _, d := range sc.Dimensions {
			for _, it := range d.Items {
				c := it.Check
				if c == nil {
					continue
				}
				switch c.Type {
				case qa.CheckPhrase, qa.CheckForbidden, qa.CheckRegex, qa.CheckInterrupt, qa.CheckHold, qa.CheckSurname, qa.CheckResponseTime:
					if c.Speaker == "" || c.Speaker == qa.SpeakerAgent {
						m[sc.Name+"/"+it.ID] = true
					}
				}
			}
		}
	}
	return m
}

func TestRealData(t *testing.T) {
	dir := sharedData(t)
	scs := defaults(t)
	engines, err := inspect.Engines(scs)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]int{}
	for _, sc := range scs {
		for _, d := range sc.Dimensions {
			items[sc.Name] += len(d.Items)
		}
	}
	agentItems := agentOnly(scs)
	sets := []struct {
		name      string
		records   int
		scorecard string
	}{
		{"stc3_zh", 2000, "activity"},
		{"stc3_en", 896, "activity"},
		{"jddc_zh", 800, "activity"},
		{"mobilecs_zh", 10, "callcenter"},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			var rejects []ingest.Reject
			failed := map[string]int{}
			n := 0
			sum, isum, err := inspect.File(context.Background(), filepath.Join(dir, set.name, "conversations.jsonl"), ingest.Options{}, engines, 2,
				func(r *qa.Record, ins []qa.Inspection) error {
					n++
					if len(ins) != 1 {
						t.Fatalf("%s: %d inspections, want 1", r.ID, len(ins))
					}
					in := ins[0]
					if in.Scorecard != set.scorecard {
						t.Fatalf("%s inspected with %s, want %s", r.ID, in.Scorecard, set.scorecard)
					}
					if in.RecordID != r.ID {
						t.Fatalf("result for %s delivered with record %s: order broken", in.RecordID, r.ID)
					}
					if len(in.Findings) != items[in.Scorecard] {
						t.Fatalf("%s: %d findings, want one per item (%d)", r.ID, len(in.Findings), items[in.Scorecard])
					}
					if in.Score < 0 || in.Score > 100 {
						t.Fatalf("%s: score %.1f out of range", r.ID, in.Score)
					}
					for _, f := range in.Findings {
						if f.Result != qa.ResultFail {
							if f.Turn != nil || f.Text != "" {
								t.Fatalf("%s/%s: %s finding carries evidence %+v", r.ID, f.Item, f.Result, f)
							}
							continue
						}
						failed[f.Item]++
						if f.Turn == nil {
							continue
						}
						if *f.Turn < 0 || *f.Turn >= len(r.Turns) {
							t.Fatalf("%s/%s: turn %d out of range", r.ID, f.Item, *f.Turn)
						}
						turn := r.Turns[*f.Turn]
						if agentItems[in.Scorecard+"/"+f.Item] && turn.Speaker != qa.SpeakerAgent {
							t.Fatalf("%s/%s: agent item with evidence on a %s turn: %q", r.ID, f.Item, turn.Speaker, turn.Text)
						}
						if len(f.Span) == 2 {
							rs := []rune(turn.Text)
							if f.Span[0] < 0 || f.Span[1] > len(rs) || string(rs[f.Span[0]:f.Span[1]]) != f.Text {
								t.Fatalf("%s/%s: span %v does not select %q in %q", r.ID, f.Item, f.Span, f.Text, turn.Text)
							}
						}
					}
					return nil
				}, func(r ingest.Reject) { rejects = append(rejects, r) })
			if err != nil {
				t.Fatal(err)
			}
			if len(rejects) > 0 {
				t.Fatalf("%d rejects, first: %s", len(rejects), rejects[0])
			}
			if n != set.records || sum.Inspections != set.records || isum.Emitted != set.records {
				t.Fatalf("records %d, inspections %d, emitted %d; want %d", n, sum.Inspections, isum.Emitted, set.records)
			}
			// Plausibility: real agents mostly behave, so no item may fail nearly everywhere, and
			// the data has no timestamps, so timing items are never failed.
			for item, c := range failed {
				if float64(c) > 0.9*float64(set.records) && set.records > 100 {
					t.Errorf("item %s fails %d of %d real records: the check is miscalibrated", item, c, set.records)
				}
			}
			for _, item := range []string{"interrupt", "silence", "response_timeliness"} {
				if failed[item] > 0 {
					t.Errorf("%s failed %d times on data without timestamps", item, failed[item])
				}
			}
			t.Logf("%s: %d records, %d passed; failed items %v", set.name, n, sum.Passed, failed)
		})
	}
}

func TestMobileCSOpening(t *testing.T) {
	// The first MobileCS call opens with 「你好，很高兴为您服务」: a greeting without the offer of help.
	dir := sharedData(t)
	engines, err := inspect.Engines(defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	var first *qa.Inspection
	_, _, err = inspect.File(context.Background(), filepath.Join(dir, "mobilecs_zh", "conversations.jsonl"), ingest.Options{}, engines, 1,
		func(r *qa.Record, ins []qa.Inspection) error {
			if first == nil {
				first = &ins[0]
			}
			return nil
		}, func(ingest.Reject) {})
	if err != nil || first == nil {
		t.Fatal(err)
	}
	for _, f := range first.Findings {
		if f.Item == "opening" {
			if f.Result != qa.ResultFail || f.Turn == nil || *f.Turn != 0 {
				t.Fatalf("opening = %+v, want a fail on turn 0", f)
			}
			return
		}
	}
	t.Fatal("no opening finding")
}

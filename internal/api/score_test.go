package api_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// scoreRow is the part of a record list row this test reads, by its JSON names, so that the test
// compiles against a row without the source field (and fails on its values).
type scoreRow struct {
	ID          string
	Score       *float64
	Passed      bool
	Fatal       bool
	ScoreSource string
	Failed      []string
}

type scoreDash struct {
	Records, Inspected, Passed, Reviewed int
	AvgScore, PassRate                   float64
	Trend                                []struct{ Reviewed int }
	Agents                               []struct {
		AgentID            string
		Records, Reviewed  int
		AvgScore, PassRate float64
	}
}

// figures are the ones a final score reaches: the record's list row, the agent's ranking entry,
// the dashboard (from the rollup and from the records), and store.Stats.
type figures struct {
	row                   scoreRow
	dash, hours           scoreDash
	agentAvg, agentPass   float64
	agentRev              int
	stats                 store.Stats
	detailSource          string
	inLowList, inHighList bool
}

func (f *fixture) figures(t *testing.T, id string, score float64) figures {
	t.Helper()
	var g figures
	var page struct{ Rows []scoreRow }
	f.getJSON(t, auth.RoleSupervisor, "/api/v1/records?limit=200&agent="+agentID, &page)
	for _, r := range page.Rows {
		if r.ID == id {
			g.row = r
		}
	}
	if g.row.ID == "" {
		t.Fatalf("record %s not in the list of agent %s", id, agentID)
	}
	// The score filters, as a script exporting low scores uses them, follow the final score.
	for _, q := range []struct {
		query string
		in    *bool
	}{{fmt.Sprintf("score_max=%.4f", score-0.01), &g.inLowList}, {fmt.Sprintf("score_min=%.4f&score_max=%.4f", score-0.01, score+0.01), &g.inHighList}} {
		var p struct{ Rows []scoreRow }
		f.getJSON(t, auth.RoleSupervisor, "/api/v1/records?limit=200&agent="+agentID+"&"+q.query, &p)
		for _, r := range p.Rows {
			*q.in = *q.in || r.ID == id
		}
	}
	f.getJSON(t, auth.RoleSupervisor, "/api/v1/dashboard", &g.dash)
	// An RFC 3339 bound off midnight: aggregated from the records instead of the rollup.
	f.getJSON(t, auth.RoleSupervisor, "/api/v1/dashboard?from=2000-01-01T00:00:01%2B08:00", &g.hours)
	for _, a := range g.dash.Agents {
		if a.AgentID == agentID {
			g.agentAvg, g.agentPass, g.agentRev = a.AvgScore, a.PassRate, a.Reviewed
		}
	}
	var err error
	if g.stats, err = f.st.Stats(context.Background(), store.StatsFilter{}); err != nil {
		t.Fatal(err)
	}
	var detail struct {
		Final struct {
			Source string `json:"score_source"`
		} `json:"final"`
	}
	f.getJSON(t, auth.RoleSupervisor, "/api/v1/records/"+id, &detail)
	g.detailSource = detail.Final.Source
	return g
}

// TestReviewedScoreIsFinal reviews a record that failed its automatic inspection to a pass and
// checks that every figure shows the reviewed score and says so; a dispute takes the human score
// out until the decision, an amended decision puts the second review's score in, and a later
// automatic inspection does not replace it. On SQLite and PostgreSQL.
func TestReviewedScoreIsFinal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		tk := f.tokens
		var page struct{ Rows []scoreRow }
		f.getJSON(t, auth.RoleSupervisor, "/api/v1/records?limit=200&agent="+agentID, &page)
		var id string
		var auto float64
		for _, r := range page.Rows {
			if r.Score != nil && !r.Passed && !r.Fatal && r.ID != piiRec && *r.Score > 1 {
				id, auto = r.ID, *r.Score
				break
			}
		}
		if id == "" {
			t.Fatalf("no automatically failed record of agent %s in the fixture", agentID)
		}
		before := f.figures(t, id, auto)
		if before.row.ScoreSource != "auto" || before.detailSource != "auto" || before.dash.Reviewed != 0 || before.stats.Reviewed != 0 {
			t.Fatalf("before any review: row %+v, detail %q, dashboard reviewed %d, stats reviewed %d; want auto, auto, 0, 0",
				before.row, before.detailSource, before.dash.Reviewed, before.stats.Reviewed)
		}

		// The failed-item filter follows the final result too: listed while the item fails automatically,
		// not once a review passes it.
		if len(before.row.Failed) == 0 || !f.failing(t, id, before.row.Failed[0]) {
			t.Fatalf("record %s not listed under its automatically failed item %v", id, before.row.Failed)
		}

		// The review: every automatic result a pass (scale items at level 5), each with a reason.
		task, err := f.flow.AssignTask(ctx, f.users[auth.RoleSupervisor], id, f.users[auth.RoleInspector].ID)
		if err != nil {
			t.Fatal(err)
		}
		var form struct{ Items []review.ItemScore }
		f.call(t, tk[auth.RoleInspector], "GET", fmt.Sprintf("/api/v1/reviews/%d", task.ID), "", 200, &form)
		var rv review.Review
		f.call(t, tk[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", task.ID), allPass(form.Items, "复听录音合格"), 201, &rv, `"passed":true`)
		if rv.Score <= auto {
			t.Fatalf("the review scored %.1f, not above the automatic %.1f", rv.Score, auto)
		}

		after := f.figures(t, id, rv.Score)
		checkFinal(t, "after the review", before, after, rv.Score-auto, 1, 1, "review")
		if f.failing(t, id, before.row.Failed[0]) {
			t.Errorf("reviewed to a pass, record %s is still listed under failed item %s", id, before.row.Failed[0])
		}

		// A dispute: the human score does not count until decided; the automatic one stands in.
		var d review.Dispute
		f.call(t, tk[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":"请复核"}`, rv.ID), 201, &d)
		disputed := f.figures(t, id, auto)
		checkFinal(t, "under dispute", before, disputed, 0, 0, 0, "auto")

		// The blind second review keeps the automatic results (a fail); amend makes it final.
		insp2, insp2Tok := f.extra(t, &auth.User{Username: "inspector2", Name: "第二质检员", Role: auth.RoleInspector})
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/assign", d.ID), fmt.Sprintf(`{"inspector_id":%d}`, insp2.ID), 200, &d)
		var rv2 review.Review
		f.call(t, insp2Tok, "POST", fmt.Sprintf("/api/v1/reviews/%d", d.TaskID), `{"items":[]}`, 201, &rv2, `"passed":false`)
		stillAuto := f.figures(t, id, auto)
		checkFinal(t, "second review submitted", before, stillAuto, 0, 0, 0, "auto")
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"amend","note":"以复核为准"}`, 200, nil)
		amended := f.figures(t, id, rv2.Score)
		checkFinal(t, "amended", before, amended, rv2.Score-auto, 0, 1, "review")

		// A later automatic inspection (a new scorecard version) is kept beside, not in place of it.
		in := qa.Inspection{RecordID: id, RecordRev: rv2.Rev, Scorecard: rv2.Scorecard, Version: rv2.Version + 1, Score: 100, Passed: true}
		if err := st.SaveInspections(ctx, []qa.Inspection{in}); err != nil {
			t.Fatal(err)
		}
		reinspected := f.figures(t, id, rv2.Score)
		checkFinal(t, "re-inspected", before, reinspected, rv2.Score-auto, 0, 1, "review")
	})
}

// allPass is a review form body passing every item the automatic inspection judged (scale items at
// level 5), each with reason.
func allPass(items []review.ItemScore, reason string) string {
	var passes []string
	for _, it := range items {
		switch {
		case it.AutoLevel > 0:
			passes = append(passes, fmt.Sprintf(`{"item":%q,"result":"pass","level":5,"reason":%q}`, it.Item, reason))
		case it.Auto != "":
			passes = append(passes, fmt.Sprintf(`{"item":%q,"result":"pass","reason":%q}`, it.Item, reason))
		}
	}
	return `{"items":[` + strings.Join(passes, ",") + `]}`
}

// failing reports whether the record list filtered by a failed item lists record id.
func (f *fixture) failing(t *testing.T, id, item string) bool {
	t.Helper()
	var p struct{ Rows []scoreRow }
	f.getJSON(t, auth.RoleSupervisor, "/api/v1/records?limit=200&agent="+agentID+"&failed_item="+url.QueryEscape(item), &p)
	for _, r := range p.Rows {
		if r.ID == id {
			return true
		}
	}
	return false
}

// checkFinal compares the figures with those before any review: the record's score moved by delta,
// passes by passed, reviewed records by reviewed, and the row and record say source.
func checkFinal(t *testing.T, step string, before, g figures, delta float64, passed, reviewed int, source string) {
	t.Helper()
	want := *before.row.Score + delta
	if g.row.Score == nil || !closeTo(*g.row.Score, want) || g.row.Passed != (passed == 1) || g.row.ScoreSource != source {
		t.Errorf("%s: list row %+v (score %v), want score %.2f, passed %v, source %s", step, g.row, ptrVal(g.row.Score), want, passed == 1, source)
	}
	if g.detailSource != source {
		t.Errorf("%s: record detail says score_source %q, want %q", step, g.detailSource, source)
	}
	if g.inLowList || !g.inHighList {
		t.Errorf("%s: score filters: listed below the final score %v (want false), at it %v (want true)", step, g.inLowList, g.inHighList)
	}
	for name, d := range map[string][2]scoreDash{"dashboard": {before.dash, g.dash}, "dashboard from the records": {before.hours, g.hours}} {
		b, a := d[0], d[1]
		trend := 0
		for _, p := range a.Trend {
			trend += p.Reviewed
		}
		if a.Inspected != b.Inspected || a.Passed != b.Passed+passed || a.Reviewed != reviewed || trend != reviewed ||
			!closeTo(a.AvgScore, b.AvgScore+delta/float64(b.Inspected)) {
			t.Errorf("%s: %s: inspected %d passed %d reviewed %d (trend %d) avg %.4f; want %d %d %d %.4f", step, name,
				a.Inspected, a.Passed, a.Reviewed, trend, a.AvgScore, b.Inspected, b.Passed+passed, reviewed, b.AvgScore+delta/float64(b.Inspected))
		}
	}
	var n int // the agent's inspected records: the ranking's average moves by delta over them
	for _, a := range before.dash.Agents {
		if a.AgentID == agentID {
			n = a.Records // every record of the fixture is inspected
		}
	}
	if n == 0 || !closeTo(g.agentAvg, before.agentAvg+delta/float64(n)) || !closeTo(g.agentPass, before.agentPass+float64(passed)/float64(n)) ||
		g.agentRev != reviewed {
		t.Errorf("%s: agent %s ranks with avg %.4f pass rate %.4f reviewed %d; want %.4f %.4f %d", step, agentID, g.agentAvg, g.agentPass,
			g.agentRev, before.agentAvg+delta/float64(n), before.agentPass+float64(passed)/float64(n), reviewed)
	}
	s, b := g.stats, before.stats
	if s.Inspected != b.Inspected || s.Passed != b.Passed+passed || s.Reviewed != reviewed || !closeTo(s.AvgScore, b.AvgScore+delta/float64(b.Inspected)) {
		t.Errorf("%s: stats: inspected %d passed %d reviewed %d avg %.4f; want %d %d %d %.4f", step, s.Inspected, s.Passed, s.Reviewed,
			s.AvgScore, b.Inspected, b.Passed+passed, reviewed, b.AvgScore+delta/float64(b.Inspected))
	}
}

func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func ptrVal(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"qloop/internal/feedback"
	"slices"
	"strings"
	"testing"
	"time"

	"qloop/internal/cli"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestDemoNoServe: `qloop demo --no-serve` leaves a database that shows the whole product for the
// day it is run: records of the three months up to today, red-line findings from the transcripts,
// the log-ins, the knowledge base and the sampling plan, and the review work of the weeks before —
// disputes at every stage, slips, incidents and a calibration session — each step taken through
// the workflow with its audit line.
func TestDemoNoServe(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { checkDemo(t, filepath.Join(t.TempDir(), "demo.db")) })
	t.Run("postgres", func(t *testing.T) { checkDemo(t, postgresSchema(t)) })
}

// postgresSchema returns QLOOP_TEST_POSTGRES_DSN with a fresh schema of its own, dropped at the
// end; it skips (or fails under CI=true) without the variable, as the store tests do.
func postgresSchema(t *testing.T) string {
	dsn := os.Getenv(storetest.EnvPostgresDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(storetest.EnvPostgresDSN + " is not set")
		}
		t.Skip(storetest.EnvPostgresDSN + " is not set: the PostgreSQL half is skipped")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("qloop_cli_demo_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

func checkDemo(t *testing.T, db string) {
	cst := time.FixedZone("CST", 8*3600)
	today := time.Date(2027, 1, 15, 0, 0, 0, 0, cst)
	args := []string{"demo", "--no-serve", "--records", "3000", "--today", "2027-01-15", "--db", db}
	out, errOut, code := run(t, args...)
	if code != cli.ExitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"zhuguan", "demo-zhijian3", "抽样计划 monthly", "disputes", " c-"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(strings.TrimSuffix(db, ".db") + "-recordings"); err == nil && !strings.Contains(db, "://") {
		t.Error("demo --no-serve wrote recordings")
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	// Records: the three months up to today, with this month and last month in them.
	from, end := time.Date(2026, 10, 16, 0, 0, 0, 0, cst), today.AddDate(0, 0, 1)
	for _, w := range []struct {
		name     string
		from, to time.Time
	}{{"this month", time.Date(2027, 1, 1, 0, 0, 0, 0, cst), end}, {"last month", time.Date(2026, 12, 1, 0, 0, 0, 0, cst), time.Date(2027, 1, 1, 0, 0, 0, 0, cst)},
		{"today", today, end}} {
		page, err := st.Records(ctx, store.RecordFilter{From: w.from, To: w.to, Limit: 1})
		if err != nil || page.Total == 0 {
			t.Errorf("no records %s (%v)", w.name, err)
		}
	}
	for _, w := range [][2]time.Time{{time.Time{}, from}, {end, time.Time{}}} {
		if page, _ := st.Records(ctx, store.RecordFilter{From: w[0], To: w[1], Limit: 1}); page.Total != 0 {
			t.Errorf("%d records outside [%s, %s)", page.Total, from, end)
		}
	}
	// Red lines, found by the engine in what the agents said.
	fatal, err := st.Records(ctx, store.RecordFilter{FatalOnly: true, Limit: 200})
	if err != nil || len(fatal.Rows) < 3 {
		t.Fatalf("%d fatal records (%v), want several", len(fatal.Rows), err)
	}
	rec, _, err := st.Record(ctx, fatal.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := st.Inspections(ctx, rec.ID)
	found := false
	for _, f := range ins[0].Findings {
		if f.Result == "fail" && f.Turn != nil && rec.Turns[*f.Turn].Speaker == "agent" && strings.Contains(rec.Turns[*f.Turn].Text, f.Text) &&
			slices.Contains([]string{"abuse", "abuse_mockery"}, f.Item) {
			found = true
		}
	}
	if !found {
		t.Errorf("fatal record %s has no red-line finding in an agent's turn: %+v", rec.ID, ins[0].Findings)
	}

	// Log-ins, knowledge base, sampling plan.
	users, _ := st.Users(ctx)
	if len(users) != 10 {
		t.Errorf("%d accounts, want 10", len(users))
	}
	if kb, _ := st.Knowledge(ctx); len(kb) == 0 {
		t.Error("no knowledge base")
	}
	if _, err := st.PlanByName(ctx, "monthly"); err != nil {
		t.Errorf("no monthly plan: %v", err)
	}

	// Disputes at every stage, each step audited.
	disputes, err := st.Disputes(ctx, store.ScopeFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int{}
	for _, d := range disputes {
		stages[d.Status]++
		if d.RaisedAt.Before(from) || !d.RaisedAt.Before(end) {
			t.Errorf("dispute %d raised %s, outside the demo's months", d.ID, d.RaisedAt)
		}
	}
	for _, s := range []string{review.DisputeOpen, review.DisputeRereview, review.DisputeDecision, review.DisputeUpheld, review.DisputeAmended} {
		if stages[s] == 0 {
			t.Errorf("no dispute %s: %v", s, stages)
		}
	}
	audit, err := st.AuditLog(ctx, store.AuditFilter{Entity: "dispute", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, a := range audit {
		actions[a.Action]++
	}
	if actions["dispute.raise"] != len(disputes) || actions["dispute.decide"] != stages[review.DisputeUpheld]+stages[review.DisputeAmended] {
		t.Errorf("dispute audit lines %v for stages %v", actions, stages)
	}

	// Slips: one just written, one overdue, one acknowledged by the agent, one closed.
	slips, err := st.Slips(ctx, store.ScopeFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var fresh, overdue, acked, closed int
	for _, sl := range slips {
		done := map[string]bool{}
		for _, s := range sl.Steps {
			done[s.Step] = true
		}
		switch {
		case sl.Step == review.SlipClosed:
			closed++
		case done[review.SlipAgentAck]:
			acked++
		case sl.Step == review.SlipQASign:
			fresh++
		}
		if sl.Overdue(end) {
			overdue++
		}
	}
	if fresh == 0 || overdue == 0 || acked == 0 || closed == 0 {
		t.Errorf("slips: %d new, %d overdue, %d acknowledged, %d closed; want each", fresh, overdue, acked, closed)
	}

	// Major incidents, one still open.
	incidents, _ := st.Incidents(ctx, false)
	open, _ := st.Incidents(ctx, true)
	if len(incidents) == 0 || len(open) == 0 {
		t.Errorf("%d incidents, %d open", len(incidents), len(open))
	}

	// A calibration session scored by three inspectors, with the calibrated answers.
	cals, _ := st.Calibrations(ctx)
	closedCal := false
	for _, c := range cals {
		full, err := st.Calibration(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.SubmittedBy) >= 3 && len(full.Answers) == len(full.RecordIDs) && full.Status == review.CalibrationClosed {
			closedCal = true
		}
	}
	if !closedCal {
		t.Errorf("no closed calibration session scored by three inspectors among %d", len(cals))
	}

	// Feedback of every kind, verified once: contradictions and 待核实 follow-ups to show.
	for _, kind := range feedback.Kinds {
		if items, err := st.Feedback(ctx, feedback.Filter{Kind: kind, Limit: 1}); err != nil || len(items) == 0 {
			t.Errorf("demo feedback of kind %s: %d, %v", kind, len(items), err)
		}
	}
	for _, status := range []string{feedback.StatusContradiction, feedback.StatusPending, feedback.StatusCallbackDue} {
		if items, err := st.Feedback(ctx, feedback.Filter{Status: status, Limit: 1}); err != nil || len(items) == 0 {
			t.Errorf("demo feedback with a %s check: %d, %v", status, len(items), err)
		}
	}

	// Run again: nothing is added.
	if _, errOut, code := run(t, args...); code != cli.ExitOK {
		t.Fatalf("second demo run: %d %s", code, errOut)
	} else if !strings.Contains(errOut, "feedback: 0 new, ") {
		t.Errorf("a second run added feedback:\n%s", errOut)
	}
	again, _ := st.Disputes(ctx, store.ScopeFilter{Limit: 200})
	if len(again) != len(disputes) {
		t.Errorf("a second run made %d disputes, want %d", len(again), len(disputes))
	}
}

// TestDemoTodayFlag: a --today that is not a date is a usage error that says the format.
func TestDemoTodayFlag(t *testing.T) {
	_, errOut, code := run(t, "demo", "--no-serve", "--today", "15/01/2027", "--db", filepath.Join(t.TempDir(), "d.db"))
	if code != cli.ExitUsage || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

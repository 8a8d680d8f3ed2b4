package api_test

import (
	"fmt"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestSamplingPlanRun: a plan with strata, quotas and full-inspection rules drawn over the
// fixture's records; the run reports every stratum, honours the quotas, gives complaints to
// review in full, and a second run never draws a record twice.
func TestSamplingPlanRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		sup := f.tokens[auth.RoleSupervisor]
		f.extra(t, &auth.User{Username: "inspector2", Role: auth.RoleInspector})
		// Mistakes are all reported at once, with the field names.
		f.call(t, sup, "POST", "/api/v1/sampling-plans", `{"name":"","rate":1.5,"strata_by":["colour"],"inspectors":[]}`, 400, nil,
			"rate", "colour", "inspectors")
		f.call(t, sup, "POST", "/api/v1/sampling-plans", `{"name":"x","rate":0.1,"inspectors":[{"inspector":"nobody","quota":1}]}`, 400, nil, "nobody")
		f.call(t, sup, "POST", "/api/v1/sampling-plans", `{"name":"x","rate":0.1,"inspectors":[{"inspector":"agent","quota":1}]}`, 400, nil, "agent")
		f.call(t, sup, "POST", "/api/v1/sampling-plans", `{"name":"x","rate":0.1,"inspectors":[],"colour":1}`, 400, nil, "unknown field")

		plan := `{"name":"monthly","title":"月度抽检","rate":0.1,"strata_by":["agent","channel"],"min_per_agent":1,
			"inspectors":[{"inspector":"inspector","quota":8},{"inspector":"inspector2","quota":4}],
			"full":{"complaints":true}}`
		var saved struct {
			Plan store.SamplingPlan
		}
		f.call(t, sup, "POST", "/api/v1/sampling-plans", plan, 201, &saved, `"created":true`)
		f.call(t, sup, "POST", "/api/v1/sampling-plans", plan, 200, nil, `"created":false`)
		var run store.PlanRun
		f.call(t, sup, "POST", fmt.Sprintf("/api/v1/sampling-plans/%d/runs", saved.Plan.ID), `{"seed":42}`, 201, &run)
		res := run.Result
		if res.Population == 0 || len(res.Strata) < 10 {
			t.Fatalf("population %d in %d strata", res.Population, len(res.Strata))
		}
		var drawn, pop int
		for _, s := range res.Strata {
			if !strings.Contains(s.Stratum, "agent=") || !strings.Contains(s.Stratum, "channel=") {
				t.Fatalf("stratum key %q lacks agent and channel", s.Stratum)
			}
			drawn += s.Drawn
			pop += s.Population
		}
		if drawn != len(res.Draws) || pop != res.Population {
			t.Fatalf("strata add up to %d drawn of %d, result says %d of %d", drawn, pop, len(res.Draws), res.Population)
		}
		if res.ByInspector["inspector"] > 8 || res.ByInspector["inspector2"] > 4 || run.Tasks != res.ByInspector["inspector"]+res.ByInspector["inspector2"] {
			t.Fatalf("quotas broken: %v, %d tasks", res.ByInspector, run.Tasks)
		}
		if len(res.Draws) > 12 && res.Unassigned != len(res.Draws)-12 {
			t.Fatalf("unassigned = %d of %d drawn with 12 places", res.Unassigned, len(res.Draws))
		}
		complaints := 0
		for _, r := range f.recs {
			if r.IsComplaint() {
				complaints++
			}
		}
		if complaints == 0 || res.ByReason["full:complaint"] != complaints {
			t.Fatalf("full inspection of complaints: %d drawn of %d complaints", res.ByReason["full:complaint"], complaints)
		}
		// Assigned draws are tasks in the inspectors' queues, each with its reason and stratum.
		var q struct{ Tasks []review.Task }
		f.call(t, f.tokens[auth.RoleInspector], "GET", "/api/v1/reviews?status=open", "", 200, &q)
		fromRun := 0
		for _, tk := range q.Tasks {
			if tk.RunID == run.ID {
				fromRun++
				if tk.Reason == "" || tk.Stratum == "" || tk.DueAt.IsZero() {
					t.Fatalf("task without reason, stratum or due time: %+v", tk)
				}
			}
		}
		if fromRun != res.ByInspector["inspector"] {
			t.Fatalf("inspector's queue holds %d tasks of the run, the run assigned %d", fromRun, res.ByInspector["inspector"])
		}
		// Running again draws none of the records drawn before.
		var again store.PlanRun
		f.call(t, sup, "POST", fmt.Sprintf("/api/v1/sampling-plans/%d/runs", saved.Plan.ID), `{"seed":42}`, 201, &again)
		if again.Excluded < run.Tasks {
			t.Fatalf("second run excluded %d records, the first made %d tasks", again.Excluded, run.Tasks)
		}
		first := map[string]bool{}
		for _, d := range res.Draws {
			if d.Inspector != "" {
				first[d.RecordID] = true
			}
		}
		for _, d := range again.Result.Draws {
			if first[d.RecordID] {
				t.Fatalf("record %s drawn again", d.RecordID)
			}
		}
		var detail struct{ Runs []store.PlanRun }
		f.call(t, sup, "GET", fmt.Sprintf("/api/v1/sampling-plans/%d", saved.Plan.ID), "", 200, &detail)
		if len(detail.Runs) != 2 {
			t.Fatalf("plan has %d runs, want 2", len(detail.Runs))
		}
		f.call(t, sup, "GET", "/api/v1/sample-size?population=10000&confidence=0.99&margin=0.05", "", 200, nil, `"size":623`)
		f.call(t, sup, "GET", "/api/v1/sample-size?confidence=2&margin=0.05", "", 400, nil, "confidence")

		// A special inspection (专项质检) reviews its window in full, due 7 days after the event.
		special := `{"name":"escalation-0915","rate":0,"inspectors":[{"inspector":"inspector2","quota":0}],
			"special":{"trigger":"escalation","note":"客户升级投诉","from":"2026-09-01T00:00:00+08:00","to":"2026-09-08T00:00:00+08:00","started_at":"2026-09-08T09:00:00+08:00"}}`
		f.call(t, sup, "POST", "/api/v1/sampling-plans", special, 201, &saved)
		var sr store.PlanRun
		f.call(t, sup, "POST", fmt.Sprintf("/api/v1/sampling-plans/%d/runs", saved.Plan.ID), "", 201, &sr)
		if sr.Result.Population == 0 || len(sr.Result.Draws) != sr.Result.Population || sr.Result.ByReason["special:escalation"] != sr.Result.Population {
			t.Fatalf("special inspection drew %d of %d: %v", len(sr.Result.Draws), sr.Result.Population, sr.Result.ByReason)
		}
		if want := "2026-09-15T01:00:00Z"; sr.DueAt.UTC().Format("2006-01-02T15:04:05Z") != want {
			t.Fatalf("special inspection due %v, want %s", sr.DueAt, want)
		}
	})
}

// TestCalibrationSession: inspectors score independently and blind to each other, the supervisor
// fixes the answers and closes; the report has agreement per item and overall and deviations.
func TestCalibrationSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		sup := f.tokens[auth.RoleSupervisor]
		insp2, insp2Tok := f.extra(t, &auth.User{Username: "inspector2", Role: auth.RoleInspector})
		calls := f.find(t, func(r qa.Record) bool { return r.Channel == "call" && r.ID != piiRec })
		body := fmt.Sprintf(`{"title":"十一月校准","record_ids":[%q,%q],"inspector_ids":[%d,%d]}`, piiRec, calls, f.users[auth.RoleInspector].ID, insp2.ID)
		f.call(t, sup, "POST", "/api/v1/calibrations", `{"title":"","record_ids":[],"inspector_ids":[1]}`, 400, nil, "title", "record", "two inspectors")
		var c review.Calibration
		f.call(t, sup, "POST", "/api/v1/calibrations", body, 201, &c)
		path := fmt.Sprintf("/api/v1/calibrations/%d", c.ID)
		var form struct {
			Scorecard struct {
				Dimensions []struct{ Items []struct{ ID, Kind string } }
			}
		}
		f.call(t, f.tokens[auth.RoleInspector], "GET", path, "", 200, &form)
		var items []string
		for _, d := range form.Scorecard.Dimensions {
			for _, it := range d.Items {
				if it.Kind == "passfail" {
					items = append(items, it.ID)
				}
			}
		}
		if len(items) < 3 {
			t.Fatalf("scorecard has %d pass/fail items", len(items))
		}
		score := func(result func(i int) string) string {
			var parts []string
			for i, it := range items {
				parts = append(parts, fmt.Sprintf(`{"item":%q,"result":%q}`, it, result(i)))
			}
			return `[` + strings.Join(parts, ",") + `]`
		}
		allPass := score(func(int) string { return "pass" })
		firstFails := score(func(i int) string {
			if i == 0 {
				return "fail"
			}
			return "pass"
		})
		for _, rec := range []string{piiRec, calls} {
			f.call(t, f.tokens[auth.RoleInspector], "POST", path+"/scores", fmt.Sprintf(`{"record_id":%q,"items":%s}`, rec, allPass), 200, nil)
			f.call(t, insp2Tok, "POST", path+"/scores", fmt.Sprintf(`{"record_id":%q,"items":%s}`, rec, firstFails), 200, nil)
		}
		// Not a participant, not a record of the session, an agent: refused.
		f.call(t, f.tokens[auth.RoleAgent], "POST", path+"/scores", fmt.Sprintf(`{"record_id":%q,"items":[]}`, calls), 403, nil)
		f.call(t, sup, "POST", path+"/scores", fmt.Sprintf(`{"record_id":%q,"items":[]}`, calls), 403, nil, "not an inspector of this")
		f.call(t, f.tokens[auth.RoleInspector], "POST", path+"/scores", `{"record_id":"e2e-other","items":[]}`, 400, nil, "not in this session")
		// While open, an inspector sees only their own scorings, no agreement.
		got := string(apiScenario{method: "GET", path: path, token: insp2Tok, status: 200}.run(t, f.h))
		if strings.Contains(got, `"agreement"`) || strings.Contains(got, `"scores"`) {
			t.Fatalf("an inspector sees others' scorings of an open session: %.300s", got)
		}
		for _, rec := range []string{piiRec, calls} {
			f.call(t, sup, "POST", path+"/answers", fmt.Sprintf(`{"record_id":%q,"items":%s}`, rec, allPass), 200, nil)
		}
		f.call(t, f.tokens[auth.RoleInspector], "POST", path+"/close", "", 403, nil)
		f.call(t, sup, "POST", path+"/close", "", 200, nil, `"status":"closed"`)
		f.call(t, f.tokens[auth.RoleInspector], "POST", path+"/scores", fmt.Sprintf(`{"record_id":%q,"items":%s}`, calls, allPass), 409, nil)
		var v struct {
			Agreement review.Agreement
			Trend     []review.TrendPoint
		}
		f.call(t, insp2Tok, "GET", path, "", 200, &v)
		a := v.Agreement
		// Item 0: the two disagree on both records; the others agree everywhere.
		if *a.Items[0].Agreement != 0 || *a.Items[1].Agreement != 1 {
			t.Fatalf("item agreement = %v, %v", *a.Items[0].Agreement, *a.Items[1].Agreement)
		}
		for _, d := range a.Deviations {
			want := 0
			if d.ID == insp2.ID {
				want = 2
			}
			if d.Differ != want {
				t.Fatalf("%s differs from the calibrated answer on %d items, want %d", d.Username, d.Differ, want)
			}
		}
		if a.Deviations[0].ID != insp2.ID || a.Deviations[0].ScoreDiff >= 0 {
			t.Fatalf("deviations = %+v", a.Deviations)
		}
		if len(v.Trend) != 1 || v.Trend[0].ID != c.ID || v.Trend[0].Agreement == nil {
			t.Fatalf("trend = %+v", v.Trend)
		}
		f.call(t, f.tokens[auth.RoleAgent], "GET", path, "", 404, nil)
	})
}

// TestKnowledgeOnRecord: a knowledge-base topic raised by the customer shows on the record and the
// review form with the key facts the agent's answer missed; mistakes in an entry are all reported.
func TestKnowledgeOnRecord(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	sup := f.tokens[auth.RoleSupervisor]
	f.call(t, sup, "POST", "/api/v1/knowledge", `{"topic":"","triggers":[],"facts":[]}`, 400, nil, "topic", "triggers", "facts")
	f.call(t, f.tokens[auth.RoleInspector], "POST", "/api/v1/knowledge", `{"topic":"年费"}`, 403, nil)
	entry := `{"topic":"年费重复扣收","triggers":["扣了两次年费"],"facts":[{"name":"核实扣费","any":["核实"]},{"name":"退还","any":["退还","退回"]}],"answer":"先核实扣费记录, 重复扣收的年费三个工作日内退回。"}`
	f.call(t, sup, "POST", "/api/v1/knowledge", entry, 200, nil, `"id":`)
	for _, p := range []string{"/api/v1/records/" + piiRec, fmt.Sprintf("/api/v1/reviews/%d", f.task)} {
		f.call(t, f.tokens[auth.RoleInspector], "GET", p, "", 200, nil, `"topic":"年费重复扣收"`, `"missing":["核实扣费","退还"]`, `"trigger":"扣了两次年费"`, "三个工作日内退回")
	}
	f.call(t, f.tokens[auth.RoleAgent], "GET", "/api/v1/records/"+piiRec, "", 200, nil, `"missing":["核实扣费","退还"]`)
	f.call(t, sup, "GET", "/api/v1/audit?entity=knowledge", "", 200, nil, `"action":"knowledge.save"`)

	// A topic whose phrase is personal data never quotes it to a role without the right.
	f.call(t, sup, "POST", "/api/v1/knowledge", `{"topic":"手机号","triggers":["`+piiPhone+`"],"facts":[{"name":"核实","any":["核实"]}],"answer":"核实身份"}`, 200, nil)
	for _, p := range []string{"/api/v1/records/" + piiRec, fmt.Sprintf("/api/v1/reviews/%d", f.task)} {
		apiScenario{method: "GET", path: p, token: f.tokens[auth.RoleInspector], status: 200, absent: secrets}.run(t, f.h)
	}
	f.call(t, sup, "GET", fmt.Sprintf("/api/v1/reviews/%d", f.task), "", 200, nil, `"trigger":"`+piiPhone+`"`)
}

// TestDisputeTextMasked: a dispute's reason quoting the customer is masked for roles without the right.
func TestDisputeTextMasked(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	var rv review.Review
	f.call(t, f.tokens[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), `{"items":[]}`, 201, &rv)
	var d review.Dispute
	f.call(t, f.tokens[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":"客户%s自己说手机%s打不通"}`, rv.ID, piiName, piiPhone), 201, &d)
	for _, r := range []auth.Role{auth.RoleAgent, auth.RoleTeamLead, auth.RoleInspector, auth.RoleOps} {
		for _, p := range []string{"/api/v1/disputes", fmt.Sprintf("/api/v1/disputes/%d", d.ID)} {
			apiScenario{method: "GET", path: p, token: f.tokens[r], status: 200, absent: []string{piiPhone}}.run(t, f.h)
		}
	}
	f.call(t, f.tokens[auth.RoleSupervisor], "GET", fmt.Sprintf("/api/v1/disputes/%d", d.ID), "", 200, nil, piiPhone)
}

package review_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
)

// card: one pass/fail item with a check, one 1–5 scale item with a check, one human-only item,
// and a fatal deduction item.
var card = &qa.Scorecard{Name: "t", Version: 2, PassScore: 80, Dimensions: []qa.Dimension{
	{ID: "norms", Name: "规范", Weight: 50, Items: []qa.Item{
		{ID: "open", Kind: qa.KindPassFail, Check: &qa.Check{Type: qa.CheckPhrase}},
		{ID: "human", Kind: qa.KindPassFail},
		{ID: "abuse", Kind: qa.KindDeduction, Points: 100, Fatal: true, Check: &qa.Check{Type: qa.CheckForbidden}},
	}},
	{ID: "time", Name: "时效", Weight: 50, Items: []qa.Item{
		{ID: "speed", Kind: qa.KindScale, Check: &qa.Check{Type: qa.CheckTimeliness}},
	}},
}}

var auto = &qa.Inspection{Scorecard: "t", Version: 2, Score: 100, Findings: []qa.Finding{
	{Item: "open", Result: qa.ResultPass}, {Item: "human", Result: qa.ResultNA},
	{Item: "abuse", Result: qa.ResultPass}, {Item: "speed", Result: qa.ResultPass, Level: 5},
}}

func TestScore(t *testing.T) {
	tests := []struct {
		name    string
		in      []review.ItemScore
		score   float64
		passed  bool
		fatal   bool
		err     string
		overrid []string
	}{
		{name: "automatic results stand", score: 100, passed: true},
		{name: "human item judged", in: []review.ItemScore{{Item: "human", Result: "fail"}}, score: 75, passed: false},
		{name: "override needs a reason", in: []review.ItemScore{{Item: "open", Result: "fail"}}, err: "give a reason"},
		{name: "override with reason", in: []review.ItemScore{{Item: "open", Result: "fail", Reason: "未开场"}}, score: 50, overrid: []string{"open"}},
		{name: "scale level sets the result", in: []review.ItemScore{{Item: "speed", Result: "pass", Level: 2, Reason: "超时"}}, score: 70, overrid: []string{"speed"}},
		{name: "scale level out of range", in: []review.ItemScore{{Item: "speed", Level: 9, Result: "pass"}}, err: "level from 1 to 5"},
		{name: "fatal failure zeroes", in: []review.ItemScore{{Item: "abuse", Result: "fail", Reason: "辱骂客户"}}, score: 0, fatal: true, overrid: []string{"abuse"}},
		{name: "unknown item and bad result, all reported", in: []review.ItemScore{{Item: "nope", Result: "pass"}, {Item: "human", Result: "maybe"}}, err: `item "nope" is not in scorecard t v2; 评分项 "human"`},
		{name: "item twice", in: []review.ItemScore{{Item: "human", Result: "pass"}, {Item: "human", Result: "fail"}}, err: "given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, ins, err := review.Score(card, auto, tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || qa.ErrorCode(err) != qa.EInvalid {
					t.Fatalf("err = %v, want invalid containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ins.Score != tc.score || ins.Passed != tc.passed || ins.Fatal != tc.fatal {
				t.Fatalf("score %.1f passed %v fatal %v, want %.1f %v %v", ins.Score, ins.Passed, ins.Fatal, tc.score, tc.passed, tc.fatal)
			}
			var over []string
			for _, it := range items {
				if it.Override {
					over = append(over, it.Item)
				}
			}
			if strings.Join(over, ",") != strings.Join(tc.overrid, ",") {
				t.Fatalf("overrides %v, want %v", over, tc.overrid)
			}
			if len(items) != 4 {
				t.Fatalf("%d item scores, want one per scorecard item", len(items))
			}
		})
	}
}

func TestValidateProblems(t *testing.T) {
	ok := []review.Problem{{CustomerProblem: "卡被锁", Dimension: "规范", Item: "open", Behaviour: "未开场", Severity: "一般"}}
	if err := review.ValidateProblems(card, ok); err != nil || ok[0].Dimension != "norms" {
		t.Fatalf("valid problem: %v (dimension %q, want the id norms)", err, ok[0].Dimension)
	}
	bad := []review.Problem{{Dimension: "nope", Severity: "很严重"}, {CustomerProblem: "x", Behaviour: "y", Dimension: "time", Item: "open", Severity: "严重"}}
	err := review.ValidateProblems(card, bad)
	for _, want := range []string{"problems[0]: 请描述具体行为", "problems[0]: 请填写客户问题", `dimension "nope"`, "severity must be", `problems[1]: 评分项 "open" 不属于维度`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
}

func TestDisputeRules(t *testing.T) {
	now := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	agent := &auth.User{ID: 5, Role: auth.RoleAgent, AgentID: "A1", Team: "一组"}
	other := &auth.User{ID: 6, Role: auth.RoleAgent, AgentID: "A2", Team: "一组"}
	lead := &auth.User{ID: 7, Role: auth.RoleTeamLead, Team: "一组"}
	lead2 := &auth.User{ID: 8, Role: auth.RoleTeamLead, Team: "二组"}
	insp := &auth.User{ID: 9, Role: auth.RoleInspector}
	sup := &auth.User{ID: 10, Role: auth.RoleSupervisor}
	rv := func(kind, status string, age time.Duration) *review.Review {
		return &review.Review{Kind: kind, Status: status, AgentID: "A1", Team: "一组", CreatedAt: now.Add(-age)}
	}
	week := 7 * 24 * time.Hour
	raise := []struct {
		name string
		u    *auth.User
		rv   *review.Review
		code string
	}{
		{"own agent", agent, rv(review.KindReview, review.StatusFinal, time.Hour), ""},
		{"team lead", lead, rv(review.KindReview, review.StatusFinal, time.Hour), ""},
		{"other agent", other, rv(review.KindReview, review.StatusFinal, time.Hour), qa.EForbidden},
		{"other team's lead", lead2, rv(review.KindReview, review.StatusFinal, time.Hour), qa.EForbidden},
		{"inspector", insp, rv(review.KindReview, review.StatusFinal, time.Hour), qa.EForbidden},
		{"already disputed", agent, rv(review.KindReview, review.StatusDisputed, time.Hour), qa.EConflict},
		{"decided", agent, rv(review.KindReview, review.StatusSuperseded, time.Hour), qa.EConflict},
		{"second review", agent, rv(review.KindRereview, review.StatusFinal, time.Hour), qa.EInvalid},
		{"window passed", agent, rv(review.KindReview, review.StatusFinal, week+time.Minute), qa.EConflict},
		{"window edge", agent, rv(review.KindReview, review.StatusFinal, week), ""},
	}
	for _, tc := range raise {
		err := review.CanRaise(tc.u, tc.rv, week, now, "理由")
		if got := code(err); got != tc.code {
			t.Errorf("CanRaise %s: %v, want code %q", tc.name, err, tc.code)
		}
	}
	if code(review.CanRaise(agent, rv(review.KindReview, review.StatusFinal, 0), week, now, "  ")) != qa.EInvalid {
		t.Error("a dispute without a reason was accepted")
	}
	d := &review.Dispute{Status: review.DisputeOpen}
	if code(review.CanAssign(sup, d, insp, insp.ID)) != qa.EInvalid {
		t.Error("the first reviewer was accepted as the second")
	}
	if err := review.CanAssign(sup, d, insp, 99); err != nil {
		t.Errorf("assign: %v", err)
	}
	if code(review.CanAssign(lead, d, insp, 99)) != qa.EForbidden || code(review.CanAssign(sup, d, agent, 99)) != qa.EInvalid {
		t.Error("assign by a team lead, or to an agent, was accepted")
	}
	if code(review.CanDecide(sup, d, "uphold")) != qa.EConflict {
		t.Error("decided before the second review")
	}
	d.Status = review.DisputeDecision
	if review.CanDecide(sup, d, "amend") != nil || code(review.CanDecide(sup, d, "x")) != qa.EInvalid || code(review.CanDecide(insp, d, "amend")) != qa.EForbidden {
		t.Error("decision rules")
	}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return qa.ErrorCode(err)
}

func TestSlipSteps(t *testing.T) {
	insp := &auth.User{ID: 1, Role: auth.RoleInspector}
	insp2 := &auth.User{ID: 2, Role: auth.RoleInspector}
	sup := &auth.User{ID: 3, Role: auth.RoleSupervisor}
	lead := &auth.User{ID: 4, Role: auth.RoleTeamLead, Team: "一组"}
	lead2 := &auth.User{ID: 5, Role: auth.RoleTeamLead, Team: "二组"}
	agent := &auth.User{ID: 6, Role: auth.RoleAgent, AgentID: "A1", Team: "一组"}
	sl := &review.Slip{Step: review.SlipQASign, AgentID: "A1", Team: "一组", CreatedByID: insp.ID}
	want := map[string]*auth.User{review.SlipQASign: sup, review.SlipLeadSign: lead, review.SlipTalk: lead, review.SlipAgentAck: agent, review.SlipClose: insp}
	everyone := []*auth.User{insp, insp2, sup, lead, lead2, agent}
	for _, step := range review.SlipSteps[:5] {
		sl.Step = step
		for _, u := range everyone {
			err := review.CanAdvance(u, sl, "说明")
			if (u == want[step]) != (err == nil) {
				t.Errorf("step %s by user %d (%s): %v", step, u.ID, u.Role, err)
			}
		}
		if step == review.SlipTalk || step == review.SlipAgentAck {
			if code(review.CanAdvance(want[step], sl, "")) != qa.EInvalid {
				t.Errorf("step %s without a note was accepted", step)
			}
		}
	}
	sl.Step = review.SlipClosed
	if code(review.CanAdvance(insp, sl, "")) != qa.EConflict {
		t.Error("a closed slip advanced")
	}
	if review.NextStep(review.SlipAgentAck) != review.SlipClose || review.NextStep(review.SlipClose) != review.SlipClosed {
		t.Error("NextStep order")
	}
	sl.Step, sl.DueAt = review.SlipTalk, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if !sl.Overdue(sl.DueAt.Add(time.Second)) || sl.Overdue(sl.DueAt) {
		t.Error("Overdue boundary")
	}
}

// TestAnalyse checks the calibration report against hand counts: two inspectors, two records,
// two pass/fail items (the human item and open), and a calibrated answer for one record.
func TestAnalyse(t *testing.T) {
	sc := &qa.Scorecard{Name: "c", Dimensions: []qa.Dimension{{ID: "d", Items: []qa.Item{
		{ID: "a", Name: "A", Kind: qa.KindPassFail}, {ID: "b", Name: "B", Kind: qa.KindPassFail}}}}}
	s := func(rec string, insp int64, a, b string, score float64) review.CalScore {
		return review.CalScore{RecordID: rec, InspectorID: insp, Score: score, Items: []review.ItemScore{{Item: "a", Result: a}, {Item: "b", Result: b}}}
	}
	c := &review.Calibration{RecordIDs: []string{"r1", "r2"}, Inspectors: []review.Participant{{ID: 1, Username: "x"}, {ID: 2, Username: "y"}},
		Scores:  []review.CalScore{s("r1", 1, "pass", "pass", 100), s("r1", 2, "pass", "fail", 50), s("r2", 1, "fail", "fail", 0), s("r2", 2, "fail", "fail", 0)},
		Answers: []review.CalScore{s("r1", 0, "pass", "pass", 100)}}
	a := review.Analyse(sc, c)
	// Item a: both agree on both records → agreement 1. Item b: agree on r2 only → 0.5.
	if *a.Items[0].Agreement != 1 || *a.Items[1].Agreement != 0.5 {
		t.Fatalf("item agreement = %v, %v", *a.Items[0].Agreement, *a.Items[1].Agreement)
	}
	// Overall: 3 of 4 (record, item) units agree.
	if *a.Agreement != 0.75 {
		t.Fatalf("overall agreement = %v, want 0.75", *a.Agreement)
	}
	// Nominal alpha over the 4 units, values (1,1) (0,0) (1,0) (0,0): n=8, o_01=o_10=1, n_1=3, n_0=5:
	// alpha = 1 - (n-1) Do / De = 1 - 7·2 / (2·3·5) = 1 - 14/30 = 0.533.
	if a.Alpha == nil || math.Abs(*a.Alpha-0.533) > 0.001 {
		t.Fatalf("alpha = %v, want 0.533", a.Alpha)
	}
	// y differs from the calibrated answer on item b of r1 (1 of 2 compared items), x on none.
	byName := map[string]review.InspectorDeviation{}
	for _, d := range a.Deviations {
		byName[d.Username] = d
	}
	if byName["y"].Differ != 1 || byName["y"].Items != 2 || byName["x"].Differ != 0 || byName["y"].ScoreDiff != -50 {
		t.Fatalf("deviations = %+v", a.Deviations)
	}
	if a.Deviations[0].Username != "y" {
		t.Fatal("deviations are not sorted by the share that differs")
	}
	if *a.Items[1].Matches != 0.5 {
		t.Fatalf("item b matches calibrated = %v, want 0.5", *a.Items[1].Matches)
	}
}

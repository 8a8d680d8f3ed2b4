package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// call sends a request as role (or a named extra account's token) and decodes a JSON answer into out.
func (f *fixture) call(t *testing.T, token, method, path, body string, status int, out any, contains ...string) {
	t.Helper()
	got := apiScenario{method: method, path: path, body: body, token: token, status: status, contains: contains}.run(t, f.h)
	if out != nil {
		if err := json.Unmarshal(got, out); err != nil {
			t.Fatalf("%s %s: %v: %.300s", method, path, err, got)
		}
	}
}

// extra creates one more account with a token.
func (f *fixture) extra(t *testing.T, u *auth.User) (*auth.User, string) {
	t.Helper()
	u = f.createUser(t, u, "pw-"+u.Username+"-2026")
	tok, _ := f.createToken(t, u.ID)
	return u, tok
}

// TestWorkflowDisputeAndSlip walks one record through review → dispute → blind second review →
// decision → communication slip → acknowledgement, trying every forbidden step on the way, and
// checks the audit trail it leaves, on SQLite and PostgreSQL.
func TestWorkflowDisputeAndSlip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		var hooks []string
		var mu sync.Mutex
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			hooks = append(hooks, string(b))
			mu.Unlock()
		}))
		defer hook.Close()
		f.flow.Webhook = hook.URL
		tk := f.tokens
		insp2, insp2Tok := f.extra(t, &auth.User{Username: "inspector2", Name: "第二质检员", Role: auth.RoleInspector})
		_, otherAgentTok := f.extra(t, &auth.User{Username: "agent9", Role: auth.RoleAgent, AgentID: "A009", Team: "五组"})
		_, otherLeadTok := f.extra(t, &auth.User{Username: "lead5", Role: auth.RoleTeamLead, Team: "五组"})

		// The inspector's form: the record masked, the automatic results pre-filled.
		var form struct {
			Task   review.Task        `json:"task"`
			Items  []review.ItemScore `json:"items"`
			Record struct {
				Turns []struct{ Text string } `json:"turns"`
			} `json:"record"`
		}
		f.call(t, tk[auth.RoleInspector], "GET", fmt.Sprintf("/api/v1/reviews/%d", f.task), "", 200, &form)
		for _, s := range secrets {
			for _, turn := range form.Record.Turns {
				if strings.Contains(turn.Text, s) {
					t.Fatalf("the inspector's form shows %q unmasked", s)
				}
			}
		}
		var flip review.ItemScore // an item with an automatic pass/fail result, to override
		for _, it := range form.Items {
			if it.Auto == "pass" && it.AutoLevel == 0 {
				flip = it
				break
			}
		}
		if flip.Item == "" {
			t.Fatalf("no automatically passed item on %s: %+v", piiRec, form.Items)
		}
		// Another inspector may not submit someone else's task; an override needs a reason.
		f.call(t, insp2Tok, "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), `{"items":[]}`, 403, nil, `"forbidden"`)
		over := fmt.Sprintf(`{"items":[{"item":%q,"result":"fail"}]}`, flip.Item)
		f.call(t, tk[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), over, 400, nil, "give a reason")
		problem := `{"customer_problem":"客户反映卡被锁","dimension":"norms","behaviour":"坐席态度生硬","severity":"严重","major":true}`
		var dims struct {
			Scorecard struct {
				Dimensions []struct{ ID string } `json:"dimensions"`
			} `json:"scorecard"`
		}
		f.call(t, tk[auth.RoleInspector], "GET", fmt.Sprintf("/api/v1/reviews/%d", f.task), "", 200, &dims)
		problem = strings.Replace(problem, `"norms"`, fmt.Sprintf("%q", dims.Scorecard.Dimensions[0].ID), 1)
		body := fmt.Sprintf(`{"items":[{"item":%q,"result":"fail","reason":"录音中坐席未按规范开场"}],"comment":"整体偏差","problems":[%s]}`, flip.Item, problem)
		var first review.Review
		f.call(t, tk[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), body, 201, &first, `"status":"final"`, `"override":true`)
		if first.AutoScore == nil || first.Score >= *first.AutoScore {
			t.Fatalf("overriding a pass to fail should lower the score: review %.1f, automatic %v", first.Score, first.AutoScore)
		}
		f.call(t, tk[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), body, 409, nil, `"conflict"`)

		// The major incident reached the supervisor and the operations manager, in-app and by webhook.
		for _, r := range []auth.Role{auth.RoleSupervisor, auth.RoleOps} {
			f.call(t, tk[r], "GET", "/api/v1/notifications", "", 200, nil, `"kind":"incident"`)
			f.call(t, tk[r], "GET", "/api/v1/incidents?open=true", "", 200, nil, `"record_id":"`+piiRec+`"`, `"status":"open"`)
		}
		f.call(t, tk[auth.RoleAgent], "GET", "/api/v1/incidents", "", 403, nil)
		waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(hooks) == 1 })
		if !strings.Contains(hooks[0], `"event":"incident.created"`) || !strings.Contains(hooks[0], piiRec) {
			t.Fatalf("webhook body = %s", hooks[0])
		}

		// Disputes: not by another agent or another team's lead (the review is hidden from them),
		// not without a reason; by the record's agent once.
		raise := fmt.Sprintf(`{"review_id":%d,"reason":"客户当时情绪激动, 开场被打断"}`, first.ID)
		f.call(t, otherAgentTok, "POST", "/api/v1/disputes", raise, 404, nil)
		f.call(t, otherLeadTok, "POST", "/api/v1/disputes", raise, 404, nil)
		f.call(t, tk[auth.RoleInspector], "POST", "/api/v1/disputes", raise, 403, nil)
		f.call(t, tk[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":" "}`, first.ID), 400, nil)
		var d review.Dispute
		f.call(t, tk[auth.RoleAgent], "POST", "/api/v1/disputes", raise, 201, &d, `"status":"open"`)
		f.call(t, tk[auth.RoleTeamLead], "POST", "/api/v1/disputes", raise, 409, nil, "already disputed")
		f.call(t, tk[auth.RoleAgent], "GET", "/api/v1/records/"+piiRec+"/reviews", "", 200, nil, `"status":"disputed"`)
		f.call(t, tk[auth.RoleInspector], "POST", "/api/v1/slips", fmt.Sprintf(`{"review_id":%d,"problem":"x"}`, first.ID), 409, nil, "final review")
		again := fmt.Sprintf(`{"record_id":%q,"inspector_id":%d}`, piiRec, f.users[auth.RoleInspector].ID)
		f.call(t, tk[auth.RoleSupervisor], "POST", "/api/v1/reviews", again, 201, nil)
		f.call(t, tk[auth.RoleSupervisor], "POST", "/api/v1/reviews", again, 409, nil, "already waits for review")

		// Assignment: a supervisor only, and never to the first reviewer (双人复核).
		f.call(t, tk[auth.RoleAgent], "POST", fmt.Sprintf("/api/v1/disputes/%d/assign", d.ID), fmt.Sprintf(`{"inspector_id":%d}`, insp2.ID), 403, nil)
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/assign", d.ID), fmt.Sprintf(`{"inspector_id":%d}`, f.users[auth.RoleInspector].ID), 400, nil, "must not be the first reviewer")
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"amend"}`, 409, nil, "second review must be done first")
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/assign", d.ID), fmt.Sprintf(`{"inspector_id":%d}`, insp2.ID), 200, &d, `"status":"rereview"`)

		// The second inspector works blind: no first score in the dispute, the form or the record's reviews and history.
		firstScore := fmt.Sprintf(`"score":%v`, first.Score)
		var tasks struct{ Tasks []review.Task }
		f.call(t, insp2Tok, "GET", "/api/v1/reviews?status=open", "", 200, &tasks)
		if len(tasks.Tasks) != 1 || tasks.Tasks[0].Kind != review.TaskDispute || !tasks.Tasks[0].Blind {
			t.Fatalf("second inspector's queue = %+v", tasks.Tasks)
		}
		second := tasks.Tasks[0].ID
		for _, p := range []string{fmt.Sprintf("/api/v1/disputes/%d", d.ID), fmt.Sprintf("/api/v1/reviews/%d", second),
			"/api/v1/records/" + piiRec + "/reviews", "/api/v1/records/" + piiRec + "/history"} {
			got := apiScenario{method: "GET", path: p, token: insp2Tok, status: 200}.run(t, f.h)
			if strings.Contains(string(got), `"first_score"`) || strings.Contains(string(got), firstScore) ||
				strings.Contains(string(got), `"reviewer":"inspector"`) {
				t.Fatalf("blind second review sees the first score at %s: %.400s", p, got)
			}
		}
		// The second review fails the record too: every automatic pass turned into a fail, with a reason.
		var items []string
		for _, it := range form.Items {
			if it.Auto == "pass" && it.AutoLevel == 0 {
				items = append(items, fmt.Sprintf(`{"item":%q,"result":"fail","reason":"复核不通过"}`, it.Item))
			}
		}
		var rv2 review.Review
		f.call(t, insp2Tok, "POST", fmt.Sprintf("/api/v1/reviews/%d", second), `{"items":[`+strings.Join(items, ",")+`]}`, 201, &rv2, `"kind":"rereview"`, `"status":"second"`)
		f.call(t, tk[auth.RoleSupervisor], "GET", fmt.Sprintf("/api/v1/disputes/%d", d.ID), "", 200, nil, `"status":"decision"`, `"first_score"`)

		// The decision: only the supervisor; amend makes the second score count.
		f.call(t, tk[auth.RoleAgent], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"amend"}`, 403, nil)
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"maybe"}`, 400, nil)
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"amend","note":"复核更准确"}`, 200, &d, `"status":"amended"`)
		if d.FinalScore == nil || *d.FinalScore != rv2.Score {
			t.Fatalf("final score = %v, want the second review's %.1f", d.FinalScore, rv2.Score)
		}
		var rvs struct{ Reviews []review.Review }
		f.call(t, tk[auth.RoleSupervisor], "GET", "/api/v1/records/"+piiRec+"/reviews", "", 200, &rvs)
		status := map[int64]string{}
		for _, r := range rvs.Reviews {
			status[r.ID] = r.Status
		}
		if status[first.ID] != review.StatusSuperseded || status[rv2.ID] != review.StatusFinal {
			t.Fatalf("review statuses after amend = %v", status)
		}
		f.call(t, tk[auth.RoleAgent], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"amend"}`, 403, nil)
		f.call(t, tk[auth.RoleSupervisor], "POST", fmt.Sprintf("/api/v1/disputes/%d/decide", d.ID), `{"decision":"uphold"}`, 409, nil)
		f.call(t, tk[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":"再申诉"}`, rv2.ID), 400, nil, "cannot be disputed")

		// The communication slip, step by step, each by its one role.
		f.call(t, tk[auth.RoleAgent], "POST", "/api/v1/slips", fmt.Sprintf(`{"review_id":%d,"problem":"x"}`, rv2.ID), 403, nil)
		var sl review.Slip
		f.call(t, insp2Tok, "POST", "/api/v1/slips", fmt.Sprintf(`{"review_id":%d,"problem":"开场白不规范","suggestion":"按标准话术开场"}`, rv2.ID), 201, &sl, `"step":"qa_sign"`)
		adv := fmt.Sprintf("/api/v1/slips/%d/advance", sl.ID)
		steps := []struct {
			token, note string
			wrong       []string // tokens that may not take this step
			next        string
			needsNote   bool
		}{
			{tk[auth.RoleSupervisor], "同意", []string{tk[auth.RoleInspector], tk[auth.RoleTeamLead], tk[auth.RoleAgent]}, review.SlipLeadSign, false},
			{tk[auth.RoleTeamLead], "", []string{otherLeadTok, tk[auth.RoleSupervisor], tk[auth.RoleAgent]}, review.SlipTalk, false},
			{tk[auth.RoleTeamLead], "已与坐席面谈, 讲解开场规范", []string{otherLeadTok, tk[auth.RoleAgent]}, review.SlipAgentAck, true},
			{tk[auth.RoleAgent], "已理解, 今后按规范开场", []string{otherAgentTok, tk[auth.RoleTeamLead]}, review.SlipClose, true},
			{insp2Tok, "", []string{tk[auth.RoleInspector], tk[auth.RoleAgent]}, review.SlipClosed, false},
		}
		for _, s := range steps {
			for _, w := range s.wrong {
				rec := serve(f.h, apiScenario{method: "POST", path: adv, body: `{"note":"x"}`, token: w})
				if rec.Code != 403 && rec.Code != 404 {
					t.Fatalf("step %s taken by the wrong account: %d %s", sl.Step, rec.Code, rec.Body)
				}
			}
			if s.needsNote {
				f.call(t, s.token, "POST", adv, `{"note":""}`, 400, nil)
			}
			f.call(t, s.token, "POST", adv, fmt.Sprintf(`{"note":%q}`, s.note), 200, &sl, `"step":"`+s.next+`"`)
		}
		f.call(t, insp2Tok, "POST", adv, `{"note":"x"}`, 409, nil, "closed")
		if len(sl.Steps) != 6 {
			t.Fatalf("slip steps = %+v, want create + 5 dated steps", sl.Steps)
		}
		for _, s := range sl.Steps {
			if s.At.IsZero() || s.User == "" {
				t.Fatalf("undated or unsigned slip step %+v", s)
			}
		}

		// The audit trail holds every step with who, when, before and after, and refuses changes.
		var audit struct{ Entries []review.AuditEntry }
		f.call(t, tk[auth.RoleSupervisor], "GET", "/api/v1/audit?record_id="+piiRec, "", 200, &audit)
		seen := map[string]bool{}
		for _, e := range audit.Entries {
			seen[e.Action] = true
			if e.Actor == "" || e.At.IsZero() {
				t.Fatalf("audit entry without actor or time: %+v", e)
			}
		}
		for _, a := range []string{"task.assign", "review.submit", "review.override", "incident.report", "dispute.raise", "dispute.assign",
			"dispute.rereview", "dispute.decide", "slip.create", "slip.qa_sign", "slip.lead_sign", "slip.talk", "slip.agent_ack", "slip.close"} {
			if !seen[a] {
				t.Errorf("audit trail lacks %s; has %v", a, seen)
			}
		}
		f.call(t, tk[auth.RoleAgent], "GET", "/api/v1/audit", "", 403, nil)
	})
}

// TestWorkflowWindowsAndOverdue: a dispute after the window is refused, and slips past a step's due
// time are flagged overdue.
func TestWorkflowWindowsAndOverdue(t *testing.T) {
	st := storetest.Open(t)
	f := newFixture(t, st)
	now := time.Now()
	st.Now = func() time.Time { return now }
	var rv review.Review
	f.call(t, f.tokens[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", f.task), `{"items":[]}`, 201, &rv)
	st.Now = func() time.Time { return now.Add(8 * 24 * time.Hour) }
	f.call(t, f.tokens[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":"晚了"}`, rv.ID), 409, nil, "dispute window")
	f.flow.DisputeWindow = 30 * 24 * time.Hour
	f.call(t, f.tokens[auth.RoleAgent], "POST", "/api/v1/disputes", fmt.Sprintf(`{"review_id":%d,"reason":"窗口内"}`, rv.ID), 201, nil)
	f.flow.DisputeWindow = 0

	// A slip whose step is past its due time is flagged overdue.
	tk, err := f.flow.AssignTask(context.Background(), f.users[auth.RoleSupervisor], piiRec, f.users[auth.RoleInspector].ID)
	if err != nil {
		t.Fatal(err)
	}
	var form struct{ Items []review.ItemScore }
	f.call(t, f.tokens[auth.RoleInspector], "GET", fmt.Sprintf("/api/v1/reviews/%d", tk.ID), "", 200, &form)
	var fails []string
	for _, it := range form.Items {
		if it.Auto == "pass" && it.AutoLevel == 0 {
			fails = append(fails, fmt.Sprintf(`{"item":%q,"result":"fail","reason":"不合格"}`, it.Item))
		}
	}
	var failed review.Review
	f.call(t, f.tokens[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", tk.ID), `{"items":[`+strings.Join(fails, ",")+`]}`, 201, &failed, `"passed":false`)
	// A passed review gets no slip.
	tk2, err := f.flow.AssignTask(context.Background(), f.users[auth.RoleSupervisor], piiRec, f.users[auth.RoleInspector].ID)
	if err != nil {
		t.Fatal(err)
	}
	var passed review.Review
	f.call(t, f.tokens[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/reviews/%d", tk2.ID), allPass(form.Items, "合格"), 201, &passed, `"passed":true`)
	f.call(t, f.tokens[auth.RoleInspector], "POST", "/api/v1/slips", fmt.Sprintf(`{"review_id":%d,"problem":"x"}`, passed.ID), 400, nil, "failed review")
	f.call(t, f.tokens[auth.RoleInspector], "POST", "/api/v1/slips", fmt.Sprintf(`{"review_id":%d,"problem":"开场白不规范"}`, failed.ID), 201, nil, `"overdue":false`)
	f.call(t, f.tokens[auth.RoleSupervisor], "GET", "/api/v1/slips?open=true", "", 200, nil, `"overdue":false`)
	st.Now = func() time.Time { return now.Add(10 * 24 * time.Hour) }
	f.call(t, f.tokens[auth.RoleSupervisor], "GET", "/api/v1/slips?open=true", "", 200, nil, `"overdue":true`)
	f.call(t, f.tokens[auth.RoleAgent], "GET", "/api/v1/slips", "", 200, nil, `"overdue":true`)
	f.call(t, f.tokens[auth.RoleOps], "GET", "/api/v1/slips", "", 200, nil, `"overdue":true`)
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("timed out waiting")
}

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/feedback"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// seedFeedback stores a low rating without text on piiRec (agent A002, 一组) and a complaint with
// the customer's phone number in its reason on a record of another team; it returns the rating's number.
func (f *fixture) seedFeedback(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	other := f.find(t, func(r qa.Record) bool { return r.Team != team && r.AgentID != agentID })
	at := time.Date(2026, 9, 21, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	entries := []feedback.Entry{
		{ID: "fx-rating", Kind: feedback.KindRating, RecordID: piiRec, At: at, Scores: map[string]int{"overall": 2}},
		{ID: "fx-complaint", Kind: feedback.KindComplaint, RecordID: other, At: at, Reason: "回复太慢,请打 " + piiPhone + " 联系我"},
		{ID: "fx-own", Kind: feedback.KindComplaint, RecordID: piiRec, At: at, Reason: "我叫" + piiName + ",电话 " + piiPhone},
	}
	if _, err := f.st.UpsertFeedback(ctx, entries, feedback.Source{File: "fixture.jsonl", Actor: "admin", Reason: "fixture"}); err != nil {
		t.Fatal(err)
	}
	items, err := f.st.Feedback(ctx, feedback.Filter{RecordID: piiRec, Kind: feedback.KindRating})
	if err != nil || len(items) != 1 {
		t.Fatalf("fixture feedback: %v %v", items, err)
	}
	return items[0].ID
}

// feedbackUpload has one valid line and one whose record does not exist.
func feedbackUpload(name string) (string, string) {
	return multipartFile("fb.jsonl",
		`{"id":"up-`+name+`","kind":"callback","record_id":"`+piiRec+`","at":"2026-09-22 10:00:00","scores":{"overall":4}}`+"\n"+
			`{"id":"up2-`+name+`","kind":"rating","record_id":"no-such-record","at":"2026-09-22 10:00:00","scores":{"overall":4}}`+"\n")
}

// feedbackCases are the route cases of the feedback routes (merged into routeCases).
func (f *fixture) feedbackCases(name string) map[string]routeCase {
	up, upType := feedbackUpload(name)
	return map[string]routeCase{
		"GET /api/v1/feedback":                 {perm: auth.PermFeedback, path: "/api/v1/feedback", status: 200, contains: []string{`"entries":[{`}},
		"POST /api/v1/feedback":                {perm: auth.PermFeedbackEdit, path: "/api/v1/feedback", body: `{"id":"e2e-` + name + `","kind":"rating","record_id":"` + piiRec + `","at":"2026-09-21T11:00:00+08:00","scores":{"overall":4},"reason":"电话录入"}`, status: 201, contains: []string{`"created":true`}},
		"POST /api/v1/feedback/imports":        {perm: auth.PermFeedbackEdit, path: "/api/v1/feedback/imports", body: up, contentType: upType, status: 200, contains: []string{`"read":2`, `"inserted":1`, `"rejected":1`, `"rejects":[{"line":2,"reason":"entry \"up2-` + name + `\": unknown record id`}},
		"POST /api/v1/feedback/verify":         {perm: auth.PermFeedbackVerify, path: "/api/v1/feedback/verify", status: 200, contains: []string{`"entries":`, `"by":"`}},
		"GET /api/v1/feedback/overdue":         {perm: auth.PermFeedback, path: "/api/v1/feedback/overdue", status: 200, contains: []string{`"entries":[`}},
		"GET /api/v1/feedback/{id}":            {perm: auth.PermFeedback, path: fmt.Sprintf("/api/v1/feedback/%d", f.fb), status: 200, contains: []string{`"revisions":[{`, `"source":"fixture.jsonl"`}},
		"POST /api/v1/feedback/{id}/follow-up": {perm: auth.PermFeedbackVerify, path: "/api/v1/feedback/999999/follow-up", body: `{"rule":"no_text","note":"已回访"}`, status: 404, contains: []string{`"not_found"`}},
	}
}

// TestFeedbackByRole: an agent sees only feedback on their own records and a team lead their team's;
// the customer's phone in a complaint is masked without the personal-data right; a verification run
// stores who ran it; a 待核实 follow-up is recorded and the entry's history shows both.
func TestFeedbackByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		var list struct {
			Entries []feedback.Item `json:"entries"`
		}
		for _, tt := range []struct {
			role auth.Role
			want []string
		}{
			{auth.RoleAgent, []string{"id:fx-own", "id:fx-rating"}},
			{auth.RoleTeamLead, []string{"id:fx-own", "id:fx-rating"}},
			{auth.RoleOps, []string{"id:fx-own", "id:fx-complaint", "id:fx-rating"}},
		} {
			f.getJSON(t, tt.role, "/api/v1/feedback", &list)
			var got []string
			for _, it := range list.Entries {
				got = append(got, it.Key())
				if strings.Contains(it.Reason, piiPhone) || strings.Contains(it.Reason, piiName) {
					t.Errorf("%s sees personal data in %q", tt.role, it.Reason)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s sees %v, want %v", tt.role, got, tt.want)
			}
		}
		f.getJSON(t, auth.RoleSupervisor, "/api/v1/feedback?kind=complaint&record_id="+piiRec, &list)
		if len(list.Entries) != 1 || !strings.Contains(list.Entries[0].Reason, piiPhone) {
			t.Errorf("the supervisor (personal-data right) should read the phone: %+v", list.Entries)
		}
		// Another team's entry is not found for the agent, not forbidden.
		var other int64
		f.getJSON(t, auth.RoleOps, "/api/v1/feedback?kind=complaint", &list)
		for _, it := range list.Entries {
			if it.Key() == "id:fx-complaint" {
				other = it.ID
			}
		}
		apiScenario{method: "GET", path: fmt.Sprintf("/api/v1/feedback/%d", other), token: f.tokens[auth.RoleAgent], status: 404}.run(t, f.h)

		var run feedback.RunResult
		f.call(t, f.tokens[auth.RoleInspector], "POST", "/api/v1/feedback/verify", "", 200, &run)
		if run.By != string(auth.RoleInspector) || run.Pending != 1 || run.Contradictions < 1 {
			t.Errorf("run %+v: want the inspector, one 待核实 and the slow-reply contradiction", run)
		}
		f.call(t, f.tokens[auth.RoleAgent], "POST", fmt.Sprintf("/api/v1/feedback/%d/follow-up", f.fb), `{"rule":"no_text","note":"x"}`, 403, nil)
		var c feedback.Check
		f.call(t, f.tokens[auth.RoleInspector], "POST", fmt.Sprintf("/api/v1/feedback/%d/follow-up", f.fb), `{"rule":"no_text","note":"已联系客户,等待太久"}`, 200, &c)
		if c.Status != feedback.StatusResolved || c.By != string(auth.RoleInspector) {
			t.Errorf("follow-up %+v", c)
		}
		var detail struct {
			Checks []feedback.Check `json:"checks"`
		}
		f.getJSON(t, auth.RoleAgent, fmt.Sprintf("/api/v1/feedback/%d", f.fb), &detail)
		if len(detail.Checks) != 2 || detail.Checks[0].Status != feedback.StatusPending || detail.Checks[1].Status != feedback.StatusResolved {
			t.Errorf("history %+v: want 待核实 then its follow-up", detail.Checks)
		}
	})
}

// withCases adds extra route cases to cases.
func withCases(extra, cases map[string]routeCase) map[string]routeCase {
	for k, v := range extra {
		cases[k] = v
	}
	return cases
}

// TestFeedbackConsolePages signs in to the console and walks the feedback pages: the list with the
// verify button, a verification run, and an entry's page with its checks, revisions and the
// follow-up form; an agent sees the page without the button and another team's entry not at all.
func TestFeedbackConsolePages(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	login := func(role auth.Role) []*http.Cookie {
		form := url.Values{"username": {string(role)}, "password": {"pw-" + string(role) + "-2026"}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || len(rec.Result().Cookies()) == 0 {
			t.Fatalf("login %s: %d", role, rec.Code)
		}
		return rec.Result().Cookies()
	}
	page := func(cookies []*http.Cookie, method, path string, status int, contains ...string) string {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != status {
			t.Fatalf("%s %s: %d, want %d: %.300s\n%s", method, path, rec.Code, status, rec.Body.String(), f.logs.String())
		}
		for _, s := range contains {
			if !strings.Contains(rec.Body.String(), s) {
				t.Errorf("%s %s lacks %q", method, path, s)
			}
		}
		return rec.Body.String()
	}
	insp := login(auth.RoleInspector)
	page(insp, "GET", "/feedback", 200, "客户反馈与数据核验", `id="fb-verify"`, `id="fb-import"`, piiRec, `href="/feedback"`)
	page(insp, "POST", "/feedback/verify", 303)
	body := page(insp, "GET", fmt.Sprintf("/feedback/%d", f.fb), 200, "低分无说明", "待核实", "fixture.jsonl", `class="inline-form fb-follow-up"`)
	if strings.Contains(body, piiPhone) {
		t.Error("the inspector (no personal-data right) sees the phone")
	}
	page(insp, "GET", "/feedback?status=pending", 200, "fx-rating")
	agent := login(auth.RoleAgent)
	if b := page(agent, "GET", "/feedback", 200, "fx-own"); strings.Contains(b, `id="fb-verify"`) || strings.Contains(b, "fx-complaint") {
		t.Error("the agent sees the verify button or another team's complaint")
	}
	page(agent, "POST", "/feedback/verify", 403)
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// routeCase is how the matrix calls one route with a valid request, and what a success holds.
type routeCase struct {
	perm                    auth.Perm // the permission the route must demand ("" = any signed-in user)
	path, body, contentType string
	status                  int // on success
	contains                []string
}

// importUpload is a small JSON Lines upload: two valid records around one broken line (with a
// phone number in it, which roles without the personal-data right must not get back).
var importUpload, importType = multipartFile("e2e.jsonl",
	`{"id":"e2e-import-0001","channel":"chat","started_at":"2026-09-20T10:00:00+08:00","agent_id":"A009","team":"五组","turns":[{"speaker":"agent","text":"您好,请问有什么可以帮您?"}]}`+"\n"+
		`{"id":"e2e-import-0002","channel":"call","customer_phone":"`+piiPhone+`","turns":[`+"\n"+
		`{"id":"e2e-import-0003","channel":"chat","started_at":"2026-09-20T11:00:00+08:00","agent_id":"A009","team":"五组","turns":[{"speaker":"customer","text":"谢谢"}]}`+"\n")

func multipartFile(name, content string) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		panic(err)
	}
	fw.Write([]byte(content))
	w.Close()
	return b.String(), w.FormDataContentType()
}

// scorecardYAML is a valid scorecard for e-mail only, so importing it changes no other inspection.
func scorecardYAML(name string) string {
	return `name: ` + name + `
title: 端到端测试标准
pass_score: 60
applies_to:
  channels: [email]
dimensions:
  - id: norms
    name: 服务规范
    weight: 1
    items:
      - id: opening
        name: 开场白
        kind: passfail
        check:
          type: phrase
          position: first
          all_of: [[您好]]
`
}

// routeCases returns a valid request for every route of the table, as role would send it.
func (f *fixture) routeCases(role auth.Role) map[string]routeCase {
	name := strings.ReplaceAll(string(role), "_", "-")
	if name == "" {
		name = "nobody"
	}
	return withCases(f.feedbackCases(name), map[string]routeCase{
		"GET /api/v1/openapi.json":                {path: "/api/v1/openapi.json", status: 200, contains: []string{`"openapi":"3.`}},
		"GET /api/v1/me":                          {path: "/api/v1/me", status: 200, contains: []string{`"username":"` + string(role) + `"`, `"permissions"`}},
		"GET /api/v1/me/tokens":                   {path: "/api/v1/me/tokens", status: 200, contains: []string{`"tokens":[`, `"name":"e2e"`}},
		"POST /api/v1/me/tokens":                  {path: "/api/v1/me/tokens", body: `{"name":"报表脚本"}`, status: 201, contains: []string{`"token":"qlp_`, `"name":"报表脚本"`}},
		"DELETE /api/v1/me/tokens/{id}":           {path: fmt.Sprintf("/api/v1/me/tokens/%d", f.spare[role]), status: 204},
		"GET /api/v1/dashboard":                   {perm: auth.PermDashboard, path: "/api/v1/dashboard?from=2026-08-01&to=2026-12-31", status: 200, contains: []string{`"Records":`, `"Trend":`}},
		"GET /api/v1/records":                     {path: "/api/v1/records?limit=5", status: 200, contains: []string{`"Rows":[{`}}, // every role sees some
		"GET /api/v1/records/{id}":                {path: "/api/v1/records/" + piiRec, status: 200, contains: []string{`"id":"` + piiRec + `"`, `"inspections":[{`}},
		"GET /api/v1/scorecards":                  {perm: auth.PermScorecardView, path: "/api/v1/scorecards", status: 200, contains: []string{`"Name":"callcenter"`}},
		"GET /api/v1/scorecards/{name}":           {perm: auth.PermScorecardView, path: "/api/v1/scorecards/callcenter", status: 200, contains: []string{"呼叫中心通话质检标准", `"active":true`}},
		"POST /api/v1/scorecards":                 {perm: auth.PermScorecardEdit, path: "/api/v1/scorecards", body: scorecardYAML("e2e_" + name), contentType: "application/yaml", status: 201, contains: []string{`"name":"e2e_` + name + `"`, `"created":true`}},
		"POST /api/v1/scorecards/{name}/activate": {perm: auth.PermScorecardEdit, path: "/api/v1/scorecards/callcenter/activate", status: 200, contains: []string{`"active":true`}},
		"POST /api/v1/imports":                    {perm: auth.PermImport, path: "/api/v1/imports", body: importUpload, contentType: importType, status: 200, contains: []string{`"file":"e2e.jsonl"`, `"read":3`, `"rejected":1`, `"rejects":[{"line":2,`}},
		"GET /api/v1/users":                       {perm: auth.PermUsers, path: "/api/v1/users", status: 200, contains: []string{`"username":"target"`}},
		"POST /api/v1/users":                      {perm: auth.PermUsers, path: "/api/v1/users", body: `{"username":"new-` + name + `","name":"新账号","role":"inspector","password":"pw-new-account-1"}`, status: 201, contains: []string{`"username":"new-` + name + `"`}},
		"PATCH /api/v1/users/{id}":                {perm: auth.PermUsers, path: fmt.Sprintf("/api/v1/users/%d", f.target), body: `{"name":"改过的名字","team":"二组"}`, status: 200, contains: []string{`"name":"改过的名字"`}},

		// Human review and fairness. Steps that need a particular object in a particular state are
		// walked in workflow_test.go; here a missing id shows the route is gated and served.
		"GET /api/v1/sampling-plans":             {perm: auth.PermSampling, path: "/api/v1/sampling-plans", status: 200, contains: []string{`"name":"fixture"`}},
		"POST /api/v1/sampling-plans":            {perm: auth.PermSampling, path: "/api/v1/sampling-plans", body: `{"name":"e2e-` + name + `","rate":0.02,"strata_by":["channel"],"inspectors":[{"inspector":"inspector","quota":3}]}`, status: 201, contains: []string{`"created":true`}},
		"GET /api/v1/sampling-plans/{id}":        {perm: auth.PermSampling, path: fmt.Sprintf("/api/v1/sampling-plans/%d", f.plan), status: 200, contains: []string{`"runs":[`}},
		"POST /api/v1/sampling-plans/{id}/runs":  {perm: auth.PermSampling, path: fmt.Sprintf("/api/v1/sampling-plans/%d/runs", f.plan), body: `{"seed":3}`, status: 201, contains: []string{`"seed":3`, `"strata":[`}},
		"GET /api/v1/sample-size":                {perm: auth.PermSampling, path: "/api/v1/sample-size?population=1000&confidence=0.95&margin=0.05", status: 200, contains: []string{`"size":278`}},
		"GET /api/v1/reviews":                    {perm: auth.PermReview, path: "/api/v1/reviews?status=open", status: 200, contains: []string{`"tasks":[`}},
		"POST /api/v1/reviews":                   {perm: auth.PermReviewManage, path: "/api/v1/reviews", body: fmt.Sprintf(`{"record_id":%q,"inspector_id":%d}`, f.untasked(), f.users[auth.RoleInspector].ID), status: 201, contains: []string{`"reason":"manual"`}},
		"GET /api/v1/reviews/{id}":               {perm: auth.PermReview, path: fmt.Sprintf("/api/v1/reviews/%d", f.task), status: 200, contains: []string{`"items":[`, `"record_id":"` + piiRec + `"`}},
		"POST /api/v1/reviews/{id}":              {perm: auth.PermReview, path: "/api/v1/reviews/999999", body: `{"items":[]}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/records/{id}/reviews":       {path: "/api/v1/records/" + piiRec + "/reviews", status: 200, contains: []string{`"reviews":[`}},
		"GET /api/v1/records/{id}/history":       {path: "/api/v1/records/" + piiRec + "/history", status: 200, contains: []string{`"entries":[`}},
		"GET /api/v1/disputes":                   {path: "/api/v1/disputes", status: 200, contains: []string{`"disputes":[`}},
		"POST /api/v1/disputes":                  {perm: auth.PermDisputeRaise, path: "/api/v1/disputes", body: `{"review_id":999999,"reason":"评分不公"}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/disputes/{id}":              {path: "/api/v1/disputes/999999", status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/disputes/{id}/assign":      {perm: auth.PermDisputeDecide, path: "/api/v1/disputes/999999/assign", body: `{"inspector_id":1}`, status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/disputes/{id}/decide":      {perm: auth.PermDisputeDecide, path: "/api/v1/disputes/999999/decide", body: `{"decision":"uphold"}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/calibrations":               {path: "/api/v1/calibrations", status: 200, contains: []string{`"calibrations":[`}},
		"POST /api/v1/calibrations":              {perm: auth.PermCalibration, path: "/api/v1/calibrations", body: fmt.Sprintf(`{"title":"e2e","record_ids":[%q],"inspector_ids":[%d,%d]}`, piiRec, f.users[auth.RoleInspector].ID, f.users[auth.RoleSupervisor].ID), status: 201, contains: []string{`"status":"open"`}},
		"GET /api/v1/calibrations/{id}":          {path: "/api/v1/calibrations/999999", status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/calibrations/{id}/scores":  {perm: auth.PermReview, path: "/api/v1/calibrations/999999/scores", body: `{"record_id":"x","items":[]}`, status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/calibrations/{id}/answers": {perm: auth.PermCalibration, path: "/api/v1/calibrations/999999/answers", body: `{"record_id":"x","items":[]}`, status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/calibrations/{id}/close":   {perm: auth.PermCalibration, path: "/api/v1/calibrations/999999/close", status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/slips":                      {path: "/api/v1/slips", status: 200, contains: []string{`"slips":[`}},
		"POST /api/v1/slips":                     {perm: auth.PermReview, path: "/api/v1/slips", body: `{"review_id":999999,"problem":"x"}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/slips/{id}":                 {path: "/api/v1/slips/999999", status: 404, contains: []string{`"not_found"`}},
		"POST /api/v1/slips/{id}/advance":        {path: "/api/v1/slips/999999/advance", body: `{"note":"x"}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/incidents":                  {perm: auth.PermIncidents, path: "/api/v1/incidents", status: 200, contains: []string{`"incidents":[`}},
		"POST /api/v1/incidents/{id}/close":      {perm: auth.PermIncidents, path: "/api/v1/incidents/999999/close", body: `{"note":"已处理"}`, status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/knowledge":                  {perm: auth.PermScorecardView, path: "/api/v1/knowledge", status: 200, contains: []string{`"entries":[`}},
		"POST /api/v1/knowledge":                 {perm: auth.PermKnowledgeEdit, path: "/api/v1/knowledge", body: `{"topic":"e2e-` + name + `","triggers":["年费"],"facts":[{"name":"首年免年费","any":["首年免"]}],"answer":"首年免年费"}`, status: 200, contains: []string{`"topic":"e2e-` + name + `"`}},
		"DELETE /api/v1/knowledge/{id}":          {perm: auth.PermKnowledgeEdit, path: "/api/v1/knowledge/999999", status: 404, contains: []string{`"not_found"`}},
		"GET /api/v1/notifications":              {path: "/api/v1/notifications", status: 200, contains: []string{`"notifications":[`}},
		"POST /api/v1/notifications/read":        {path: "/api/v1/notifications/read", status: 200, contains: []string{`"ok":true`}},
		"GET /api/v1/audit":                      {perm: auth.PermAudit, path: "/api/v1/audit", status: 200, contains: []string{`"action":"plan.save"`}},
	})
}

// publicOps are the documented operations without a security requirement ("GET /path").
func publicOps(t *testing.T) map[string]bool {
	t.Helper()
	doc := openAPIDoc(t, api.Document())
	out := map[string]bool{}
	for path, ops := range doc.Paths {
		for m, op := range ops {
			if op.Security == nil {
				out[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	return out
}

// TestAPIRoutesByRole calls every route of the table as every role, without credentials and with a
// bad token: the answer follows auth.Matrix, failures carry the JSON error body, and a role without
// the personal-data right never gets any of the fixture's personal data back.
func TestAPIRoutesByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		public := publicOps(t)
		doc := api.Document()
		callers := []string{"anonymous", "bad-token"}
		for _, r := range auth.Roles {
			callers = append(callers, string(r))
		}
		for _, rt := range api.Routes() {
			key := rt.Method + " " + rt.Path
			for _, who := range callers {
				role := auth.Role(who)
				c, ok := f.routeCases(role)[key]
				if !ok {
					t.Fatalf("route %s has no case in routeCases: add one", key)
				}
				if rt.Perm != c.perm {
					t.Fatalf("route %s demands permission %q, want %q", key, rt.Perm, c.perm)
				}
				sc := apiScenario{name: key + " as " + who, method: rt.Method, path: c.path, body: c.body,
					contentType: c.contentType, status: c.status, contains: c.contains}
				switch {
				case public[key]:
					if who == "bad-token" {
						sc.token = "qlp_not-a-real-token"
					}
				case who == "anonymous":
					sc.status, sc.contains = http.StatusUnauthorized, []string{`"code":"unauthorized"`}
				case who == "bad-token":
					sc.token = "qlp_not-a-real-token"
					sc.status, sc.contains = http.StatusUnauthorized, []string{`"code":"unauthorized"`}
				case c.perm != "" && !auth.Can(role, c.perm):
					sc.token = f.tokens[role]
					sc.status, sc.contains = http.StatusForbidden, []string{`"code":"forbidden"`}
				default:
					sc.token = f.tokens[role]
				}
				if !auth.Can(role, auth.PermPersonalData) {
					sc.absent = secrets
				}
				t.Run(sc.name, func(t *testing.T) {
					body := sc.run(t, f.h)
					if sc.status < 300 {
						checkDocumented(t, doc, rt.Method, rt.Path, sc.status, body)
					}
				})
			}
		}
		// The personal-data roles do get it back: the check above is not vacuous.
		for _, r := range auth.Roles {
			if auth.Can(r, auth.PermPersonalData) {
				apiScenario{method: "GET", path: "/api/v1/records/" + piiRec, token: f.tokens[r], status: 200, contains: secrets}.run(t, f.h)
			}
		}
	})
}

// TestAPIRevokedToken: a revoked token no longer authenticates.
func TestAPIRevokedToken(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	tok, id := f.createToken(t, f.users[auth.RoleOps].ID)
	tests := []apiScenario{
		{name: "works", method: "GET", path: "/api/v1/me", token: tok, status: 200, contains: []string{`"username":"ops_manager"`}},
		{name: "revoke", method: "DELETE", path: fmt.Sprintf("/api/v1/me/tokens/%d", id), token: tok, status: 204},
		{name: "refused after", method: "GET", path: "/api/v1/me", token: tok, status: 401},
		{name: "another user's token is not found", method: "DELETE", path: fmt.Sprintf("/api/v1/me/tokens/%d", f.spare[auth.RoleAdmin]), token: f.tokens[auth.RoleOps], status: 404},
		{name: "bad id", method: "DELETE", path: "/api/v1/me/tokens/abc", token: f.tokens[auth.RoleOps], status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, f.h) })
	}
}

// listAll pages through /api/v1/records as role with query q.
func (f *fixture) listAll(t *testing.T, role auth.Role, q string) []store.RecordRow {
	t.Helper()
	var rows []store.RecordRow
	cursor := ""
	for range 100 {
		var p store.RecordPage
		f.getJSON(t, role, "/api/v1/records?limit=200&"+q+"&cursor="+cursor, &p)
		rows = append(rows, p.Rows...)
		if p.Next == "" {
			return rows
		}
		cursor = p.Next
	}
	t.Fatal("paging did not end")
	return nil
}

func ids(rows []store.RecordRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func (f *fixture) idsWhere(ok func(r qa.Record) bool) []string {
	var out []string
	for _, r := range f.recs {
		if ok(r) {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestAPIScope: an agent sees only their own records, a team lead only their team's, whatever the
// filters say; records outside the scope are not found (not forbidden, which would confirm they
// exist), and the dashboard counts only the records in scope.
func TestAPIScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		own := func(r qa.Record) bool { return r.AgentID == agentID }
		inTeam := func(r qa.Record) bool { return r.Team == team }
		sameTeam := f.find(t, func(r qa.Record) bool { return inTeam(r) && !own(r) })
		otherTeam := f.find(t, func(r qa.Record) bool { return !inTeam(r) })
		someone := f.record(t, otherTeam).AgentID

		lists := []struct {
			name  string
			role  auth.Role
			query string
			want  func(r qa.Record) bool
		}{
			{"agent: own", auth.RoleAgent, "", own},
			{"agent: asking for another agent", auth.RoleAgent, "agent=" + someone, own},
			{"agent: asking for another team narrows to nothing", auth.RoleAgent, "team=二组", func(qa.Record) bool { return false }},
			{"team lead: team", auth.RoleTeamLead, "", inTeam},
			{"team lead: asking for another team", auth.RoleTeamLead, "team=二组", inTeam},
			{"team lead: an agent of the team", auth.RoleTeamLead, "agent=" + agentID, own},
			{"inspector: all", auth.RoleInspector, "", func(qa.Record) bool { return true }},
			{"ops: one team", auth.RoleOps, "team=二组", func(r qa.Record) bool { return r.Team == "二组" }},
		}
		for _, tt := range lists {
			t.Run("list/"+tt.name, func(t *testing.T) {
				rows := f.listAll(t, tt.role, tt.query)
				want := f.idsWhere(tt.want)
				if got := ids(rows); !slices.Equal(got, want) {
					t.Errorf("got %d records, want %d", len(got), len(want))
				}
				for _, r := range rows {
					rec := f.record(t, r.ID)
					if !tt.want(rec) || r.AgentID != rec.AgentID {
						t.Errorf("row %s (agent %s, team %s) is out of scope", r.ID, r.AgentID, r.Team)
					}
				}
			})
		}

		agent, lead, insp := f.tokens[auth.RoleAgent], f.tokens[auth.RoleTeamLead], f.tokens[auth.RoleInspector]
		gets := []apiScenario{
			{name: "agent: own record", path: piiRec, token: agent, status: 200},
			{name: "agent: same team, other agent", path: sameTeam, token: agent, status: 404},
			{name: "agent: other team", path: otherTeam, token: agent, status: 404},
			{name: "agent: no such record", path: "no-such-record", token: agent, status: 404},
			{name: "team lead: other agent of the team", path: sameTeam, token: lead, status: 200},
			{name: "team lead: other team", path: otherTeam, token: lead, status: 404},
			{name: "inspector: other team", path: otherTeam, token: insp, status: 200},
			{name: "inspector: no such record", path: "no-such-record", token: insp, status: 404},
		}
		for _, tt := range gets {
			t.Run("get/"+tt.name, func(t *testing.T) {
				id := tt.path
				tt.method, tt.path = "GET", "/api/v1/records/"+id
				body := tt.run(t, f.h)
				if tt.status == 404 {
					// The answer must not tell a hidden record from a missing one.
					missing := apiScenario{method: "GET", path: "/api/v1/records/" + id + "-missing", token: tt.token, status: 404}.run(t, f.h)
					if got, want := string(body), strings.ReplaceAll(string(missing), id+"-missing", id); got != want {
						t.Errorf("a hidden record answers differently from a missing one:\n%s\n%s", got, want)
					}
				}
			})
		}

		dashes := []struct {
			name  string
			role  auth.Role
			query string
			want  func(r qa.Record) bool
		}{
			{"agent", auth.RoleAgent, "", own},
			{"agent asking for another agent", auth.RoleAgent, "?agent=" + someone, own},
			{"team lead", auth.RoleTeamLead, "", inTeam},
			{"team lead asking for another team", auth.RoleTeamLead, "?team=二组", inTeam},
			{"inspector", auth.RoleInspector, "", func(qa.Record) bool { return true }},
		}
		for _, tt := range dashes {
			t.Run("dashboard/"+tt.name, func(t *testing.T) {
				var d store.Dashboard
				f.getJSON(t, tt.role, "/api/v1/dashboard"+tt.query, &d)
				if want := len(f.idsWhere(tt.want)); d.Records != want {
					t.Errorf("Records = %d, want %d", d.Records, want)
				}
				if len(d.Agents) == 0 {
					t.Error("no agent ranking")
				}
				for _, a := range d.Agents {
					if !tt.want(qa.Record{AgentID: a.AgentID, Team: a.Team}) {
						t.Errorf("ranking shows agent %s of %s", a.AgentID, a.Team)
					}
				}
			})
		}
	})
}

// TestAPIMasking: the personal-data record through GET /api/v1/records/{id} as every role.
func TestAPIMasking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		orig := f.record(t, piiRec)
		for _, role := range auth.Roles {
			t.Run(string(role), func(t *testing.T) {
				unmasked := auth.Can(role, auth.PermPersonalData)
				sc := apiScenario{method: "GET", path: "/api/v1/records/" + piiRec, token: f.tokens[role], status: 200}
				if unmasked {
					sc.contains = append(slices.Clone(secrets), `"masked":false`)
				} else {
					sc.contains, sc.absent = []string{`"masked":true`, "138****8000", "李**"}, secrets
				}
				body := sc.run(t, f.h)
				var d struct {
					Record      qa.Record       `json:"record"`
					Inspections []qa.Inspection `json:"inspections"`
				}
				if err := json.Unmarshal(body, &d); err != nil {
					t.Fatal(err)
				}
				if len(d.Record.Turns) != len(orig.Turns) {
					t.Fatalf("%d turns, want %d", len(d.Record.Turns), len(orig.Turns))
				}
				for i, tu := range d.Record.Turns {
					if n, want := len([]rune(tu.Text)), len([]rune(orig.Turns[i].Text)); n != want {
						t.Errorf("turn %d: %d characters, want %d (masking must keep lengths)", i, n, want)
					}
				}
				if unmasked && !slices.EqualFunc(d.Record.Turns, orig.Turns, func(a, b qa.Turn) bool { return a.Text == b.Text }) {
					t.Error("turns differ from the imported ones")
				}
				// Evidence spans select their text in the turn as shown, masked or not.
				spans := 0
				for _, in := range d.Inspections {
					for _, fd := range in.Findings {
						if fd.Turn == nil || len(fd.Span) != 2 {
							continue
						}
						rs := []rune(d.Record.Turns[*fd.Turn].Text)
						if fd.Span[0] < 0 || fd.Span[1] > len(rs) || fd.Span[0] > fd.Span[1] {
							t.Errorf("%s: span %v outside turn %d", fd.Item, fd.Span, *fd.Turn)
							continue
						}
						if got := string(rs[fd.Span[0]:fd.Span[1]]); got != fd.Text {
							t.Errorf("%s: span %v of turn %d is %q, evidence says %q", fd.Item, fd.Span, *fd.Turn, got, fd.Text)
						}
						if strings.Contains(string(rs[:fd.Span[0]]), "*") {
							spans++ // the evidence follows masked characters in its turn
						}
					}
				}
				if !unmasked && spans == 0 {
					t.Error("no evidence span after masked text: the fixture no longer tests span alignment")
				}
			})
		}
	})
}

// TestAPIUpdateUserAllOrNothing: a PATCH that fails (a bad password) changes nothing.
func TestAPIUpdateUserAllOrNothing(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	admin := f.tokens[auth.RoleAdmin]
	apiScenario{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", f.target), token: admin,
		body: `{"role":"admin","password":"short"}`, status: 400, contains: []string{`"code":"invalid"`}}.run(t, f.h)
	u, err := f.st.User(context.Background(), f.target)
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != auth.RoleOps {
		t.Errorf("the refused PATCH still changed the role to %s", u.Role)
	}
	tests := []apiScenario{
		{name: "unknown field", body: `{"nickname":"x"}`, status: 400},
		{name: "username cannot change", body: `{"username":"other"}`, status: 400},
		{name: "agent without agent id", body: `{"role":"agent"}`, status: 400},
		{name: "no such user", path: "/api/v1/users/999999", body: `{"name":"x"}`, status: 404},
		{name: "not yourself", path: fmt.Sprintf("/api/v1/users/%d", f.users[auth.RoleAdmin].ID), body: `{"disabled":true}`, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.method, tt.token = "PATCH", admin
			if tt.path == "" {
				tt.path = fmt.Sprintf("/api/v1/users/%d", f.target)
			}
			tt.run(t, f.h)
		})
	}
}

type openAPIOp struct {
	OperationID string           `json:"operationId"`
	Responses   map[string]any   `json:"responses"`
	Security    []map[string]any `json:"security"`
	Parameters  []struct {
		Name, In string
	} `json:"parameters"`
}

type openAPI struct {
	OpenAPI string                          `json:"openapi"`
	Paths   map[string]map[string]openAPIOp `json:"paths"`
}

func openAPIDoc(t *testing.T, v any) openAPI {
	t.Helper()
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	var doc openAPI
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// TestOpenAPI: the served document is OpenAPI 3, documents exactly the route table, and every
// documented operation is served (never the catch-all 404 nor a 405 from the mux).
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	body := apiScenario{method: "GET", path: "/api/v1/openapi.json", status: 200}.run(t, f.h)
	doc := openAPIDoc(t, body)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	table := map[string]bool{}
	for _, rt := range api.Routes() {
		table[rt.Method+" "+rt.Path] = true
	}
	documented := map[string]bool{}
	opIDs := map[string]bool{}
	for path, ops := range doc.Paths {
		for m, op := range ops {
			key := strings.ToUpper(m) + " " + path
			documented[key] = true
			if !table[key] {
				t.Errorf("%s is documented but not in the route table", key)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s documents no responses", key)
			}
			if op.OperationID == "" || opIDs[op.OperationID] {
				t.Errorf("%s: missing or duplicate operationId %q", key, op.OperationID)
			}
			opIDs[op.OperationID] = true
			for _, p := range pathParam.FindAllStringSubmatch(path, -1) {
				if !slices.ContainsFunc(op.Parameters, func(q struct{ Name, In string }) bool { return q.Name == p[1] && q.In == "path" }) {
					t.Errorf("%s: path parameter %s is not documented", key, p[1])
				}
			}
		}
	}
	for key := range table {
		if !documented[key] {
			t.Errorf("route %s is not documented", key)
		}
	}

	// The catch-all answers unknown routes and wrong methods; a documented operation must never reach it.
	const catchAll = "no such API route"
	apiScenario{method: "GET", path: "/api/v1/no-such-thing", token: f.tokens[auth.RoleAdmin], status: 404, contains: []string{catchAll}}.run(t, f.h)
	apiScenario{method: "PUT", path: "/api/v1/me", token: f.tokens[auth.RoleAdmin], status: 404, contains: []string{catchAll}}.run(t, f.h)
	for key := range documented {
		method, path, _ := strings.Cut(key, " ")
		path = pathParam.ReplaceAllString(path, "0")
		for _, token := range []string{"", f.tokens[auth.RoleAdmin]} {
			req := apiScenario{method: method, path: path, token: token}
			rec := serve(f.h, req)
			if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), catchAll) {
				t.Errorf("%s (token %v) is documented but not served: %d %s", key, token != "", rec.Code, rec.Body)
			}
		}
	}
}

// checkDocumented checks a success answer against the OpenAPI document: its status is documented for
// the operation, and a JSON object answer has only the documented top-level fields.
func checkDocumented(t *testing.T, doc map[string]any, method, path string, status int, body []byte) {
	t.Helper()
	get := func(v any, keys ...string) any {
		for _, k := range keys {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		return v
	}
	resp := get(doc, "paths", path, strings.ToLower(method), "responses", fmt.Sprint(status))
	if resp == nil {
		t.Errorf("%s %s answered %d, which is not documented", method, path, status)
		return
	}
	if status == http.StatusNoContent {
		return
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Errorf("success body is not a JSON object: %v: %.200s", err, body)
		return
	}
	ref, _ := get(resp, "content", "application/json", "schema", "$ref").(string)
	if ref == "" {
		return
	}
	schema := get(doc, "components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/"))
	props, _ := get(schema, "properties").(map[string]any)
	if props == nil {
		return
	}
	for k := range got {
		if _, ok := props[k]; !ok {
			t.Errorf("%s %s: field %q is not in the documented schema %s", method, path, k, ref)
		}
	}
}

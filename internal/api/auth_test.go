package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestAPIActivateReadsBody: the version to activate may come in the body; a body the handler does
// not understand is refused instead of silently activating the latest version.
func TestAPIActivateReadsBody(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	sup := f.tokens[auth.RoleSupervisor]
	yaml := scorecardYAML("e2e_versions")
	for i, src := range []string{yaml, strings.Replace(yaml, "端到端测试标准", "端到端测试标准 v2", 1)} {
		apiScenario{method: "POST", path: "/api/v1/scorecards", body: src, contentType: "application/yaml", token: sup,
			status: 201, contains: []string{fmt.Sprintf(`"version":%d`, i+1)}}.run(t, f.h)
	}
	active := func() int {
		t.Helper()
		list, err := f.st.Scorecards(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Name == "e2e_versions" && s.Active {
				return s.Version
			}
		}
		return 0
	}
	const path = "/api/v1/scorecards/e2e_versions/activate"
	tests := []struct {
		name, path, body string
		status, active   int
	}{
		{"body version 1", path, `{"version":1}`, 200, 1},
		{"no body: the latest", path, "", 200, 2},
		{"query version 1", path + "?version=1", "", 200, 1},
		{"body and query agree", path + "?version=2", `{"version":2}`, 200, 2},
		{"body and query disagree", path + "?version=2", `{"version":1}`, 400, 2},
		{"misspelt field", path, `{"versoin":1}`, 400, 2},
		{"version as text", path, `{"version":"1"}`, 400, 2},
		{"zero", path, `{"version":0}`, 400, 2},
		{"not JSON", path, `version=1`, 400, 2},
		{"two objects", path, `{"version":1}{"version":2}`, 400, 2},
		{"no such version", path, `{"version":9}`, 404, 2},
		{"empty object: the latest", path, `{}`, 200, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiScenario{method: "POST", path: tt.path, body: tt.body, token: sup, status: tt.status}.run(t, f.h)
			if got := active(); got != tt.active {
				t.Errorf("active version %d, want %d", got, tt.active)
			}
		})
	}
}

// TestAPIAccessEndsWithPasswordOrDisable: a new password, and disabling (then enabling) an account,
// end its personal API tokens as well as its sessions.
func TestAPIAccessEndsWithPasswordOrDisable(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	admin := f.tokens[auth.RoleAdmin]
	patch := func(id int64, body string) {
		t.Helper()
		apiScenario{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", id), token: admin, body: body, status: 200}.run(t, f.h)
	}
	me := func(tok string, status int) {
		t.Helper()
		apiScenario{method: "GET", path: "/api/v1/me", token: tok, status: status}.run(t, f.h)
	}

	u, tok := f.extra(t, &auth.User{Username: "baobiao", Role: auth.RoleOps})
	me(tok, 200)
	patch(u.ID, `{"password":"a brand new passphrase"}`)
	me(tok, 401)

	u, tok = f.extra(t, &auth.User{Username: "lizhi", Role: auth.RoleOps})
	patch(u.ID, `{"disabled":true}`)
	me(tok, 401)
	patch(u.ID, `{"disabled":false}`)
	me(tok, 401) // enabling again does not bring the old token back
	fresh, _ := f.createToken(t, u.ID)
	me(fresh, 200)

	// Changing the name leaves the token alone.
	patch(f.users[auth.RoleOps].ID, `{"name":"运营经理乙"}`)
	me(f.tokens[auth.RoleOps], 200)
}

// TestAPIAccountPolicy: common passwords, passwords holding the username and a second account on
// an agent id are refused, on create and on change.
func TestAPIAccountPolicy(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	admin := f.tokens[auth.RoleAdmin]
	target := fmt.Sprintf("/api/v1/users/%d", f.target)
	tests := []apiScenario{
		{name: "common password", method: "POST", path: "/api/v1/users", body: `{"username":"chuanqi7","role":"inspector","password":"password"}`, status: 400, contains: []string{"commonest"}},
		{name: "common with digits", method: "POST", path: "/api/v1/users", body: `{"username":"chuanqi7","role":"inspector","password":"Admin123!"}`, status: 400, contains: []string{"commonest"}},
		{name: "the username itself", method: "POST", path: "/api/v1/users", body: `{"username":"chuanqi7","role":"inspector","password":"chuanqi7"}`, status: 400, contains: []string{"username"}},
		{name: "a second account on an agent id", method: "POST", path: "/api/v1/users", body: `{"username":"agent-bis","role":"agent","agent_id":"` + agentID + `","team":"` + team + `","password":"a long passphrase"}`, status: 409, contains: []string{agentID, `\"agent\"`}},
		{name: "moving an account onto that agent id", method: "PATCH", path: target, body: `{"agent_id":"` + agentID + `"}`, status: 409, contains: []string{agentID}},
		{name: "common new password", method: "PATCH", path: target, body: `{"password":"woaini1314"}`, status: 400, contains: []string{"commonest"}},
		{name: "a good one passes", method: "POST", path: "/api/v1/users", body: `{"username":"chuanqi7","role":"inspector","password":"a long passphrase"}`, status: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.token = admin
			tt.run(t, f.h)
		})
	}
	if u, err := f.st.User(t.Context(), f.target); err != nil || u.AgentID != "" {
		t.Errorf("target after the refused changes: %+v, %v", u, err)
	}
}

// TestAPIAuditTrail: every account, token, scorecard and import change through the API leaves an
// audit line with who did it and the state before and after, on SQLite and PostgreSQL.
func TestAPIAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin, sup := f.tokens[auth.RoleAdmin], f.tokens[auth.RoleSupervisor]
		var created auth.User
		f.call(t, admin, "POST", "/api/v1/users", `{"username":"new-zhijian","name":"新质检员","role":"inspector","password":"a long passphrase"}`, 201, &created)
		user := fmt.Sprintf("/api/v1/users/%d", created.ID)
		f.call(t, admin, "PATCH", user, `{"role":"supervisor"}`, 200, nil)
		f.call(t, admin, "PATCH", user, `{"password":"another long passphrase"}`, 200, nil)
		f.call(t, admin, "PATCH", user, `{"disabled":true}`, 200, nil)
		f.call(t, admin, "PATCH", user, `{"disabled":false}`, 200, nil)
		var tok struct{ ID int64 }
		f.call(t, sup, "POST", "/api/v1/me/tokens", `{"name":"报表脚本"}`, 201, &tok)
		f.call(t, sup, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", tok.ID), "", 204, nil)
		apiScenario{method: "POST", path: "/api/v1/scorecards", body: scorecardYAML("e2e_audit"), contentType: "application/yaml", token: sup, status: 201}.run(t, f.h)
		f.call(t, sup, "POST", "/api/v1/scorecards/e2e_audit/activate", `{"version":1}`, 200, nil)
		apiScenario{method: "POST", path: "/api/v1/imports", body: importUpload, contentType: importType, token: f.tokens[auth.RoleAdmin], status: 200}.run(t, f.h)

		var got struct{ Entries []review.AuditEntry }
		f.getJSON(t, auth.RoleAdmin, "/api/v1/audit?limit=20", &got)
		type line struct{ Actor, Action, Entity string }
		var lines []line
		by := map[string]review.AuditEntry{}
		for _, e := range got.Entries {
			if e.Entity == "plan" || e.Entity == "review" { // the fixture's own
				continue
			}
			lines = append(lines, line{e.Actor, e.Action, e.Entity})
			if _, seen := by[e.Action]; !seen { // the newest: older ones are the fixture's
				by[e.Action] = e
			}
		}
		want := []line{
			{"admin", "records.import", "import"},
			{"supervisor", "scorecard.activate", "scorecard"},
			{"supervisor", "scorecard.import", "scorecard"},
			{"supervisor", "token.revoke", "token"},
			{"supervisor", "token.create", "token"},
			{"admin", "user.enable", "user"},
			{"admin", "user.disable", "user"},
			{"admin", "user.passwd", "user"},
			{"admin", "user.update", "user"},
			{"admin", "user.create", "user"},
		}
		if len(lines) < len(want) || fmt.Sprint(lines[:len(want)]) != fmt.Sprint(want) {
			t.Fatalf("audit trail, newest first:\n got %v\nwant %v", lines, want)
		}
		checks := []struct {
			action, before, after string
		}{
			{"user.create", "", `"role":"inspector"`},
			{"user.update", `"role":"inspector"`, `"role":"supervisor"`},
			{"user.passwd", "", `"password":"changed"`},
			{"user.disable", `"disabled":false`, `"disabled":true`},
			{"user.enable", `"disabled":true`, `"disabled":false`},
			{"token.create", "", `"name":"报表脚本"`},
			{"token.revoke", `"revoked":false`, `"revoked":true`},
			{"scorecard.import", "", `"name":"e2e_audit"`},
			{"scorecard.activate", `"active_version":0`, `"active_version":1`},
			{"records.import", "", `"file":"e2e.jsonl"`},
		}
		for _, c := range checks {
			e := by[c.action]
			if !strings.Contains(e.Before, c.before) || !strings.Contains(e.After, c.after) || (c.before == "") != (e.Before == "") {
				t.Errorf("%s: before %s after %s; want %q and %q", c.action, e.Before, e.After, c.before, c.after)
			}
			if strings.Contains(e.Before+e.After, "argon2") || strings.Contains(e.Before+e.After, "passphrase") {
				t.Errorf("%s keeps a password: %s %s", c.action, e.Before, e.After)
			}
		}
		var imp store.ImportAudit
		if err := json.Unmarshal([]byte(by["records.import"].After), &imp); err != nil || imp.Read != 3 || imp.Rejected != 1 ||
			imp.Inserted+imp.Updated+imp.Unchanged != 2 {
			t.Errorf("import audited as %+v, %v", imp, err)
		}
		if e := by["user.update"]; e.EntityID != created.ID || e.ActorID != f.users[auth.RoleAdmin].ID {
			t.Errorf("role change audited as %+v", e)
		}
	})
}

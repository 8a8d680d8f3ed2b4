package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// consolePages are the console's pages, the permission each needs ("" = any signed-in user) and a
// label of the page itself in Chinese (the nav bar names most pages on every page, the title only one).
var consolePages = []struct {
	path  string
	perm  auth.Perm
	label []string
}{
	{"/", auth.PermDashboard, []string{"<title>质检看板 · qloop</title>"}},
	{"/records", "", []string{"<title>服务记录 · qloop</title>", `class="rid"`}},
	{"/records/" + piiRec, "", []string{"<title>记录详情 · qloop</title>", `id="turns"`}},
	{"/scorecards", auth.PermScorecardView, []string{"<title>质检标准 · qloop</title>", "callcenter"}},
	{"/scorecards/callcenter", auth.PermScorecardView, []string{"<title>质检标准详情 · qloop</title>", "呼叫中心通话质检标准"}},
	{"/imports", auth.PermImport, []string{"<title>导入记录 · qloop</title>"}},
	{"/users", auth.PermUsers, []string{"<title>账号管理 · qloop</title>", "ops_manager"}},
}

// TestConsolePagesByRole opens every page as every role (after a real sign-in) and signed out:
// 200 with the page's Chinese label, the 403 page, or a redirect to the sign-in form.
func TestConsolePagesByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, p := range consolePages {
			t.Run("signed out "+p.path, func(t *testing.T) {
				scenario{method: "GET", path: p.path, status: http.StatusSeeOther,
					location: "/login?next=" + url.QueryEscape(p.path)}.run(t, f.h)
			})
		}
		for _, r := range auth.Roles {
			cookie := f.signIn(t, r)
			for _, p := range consolePages {
				sc := scenario{name: string(r) + " " + p.path, method: "GET", path: p.path, cookie: cookie,
					status: http.StatusOK, contains: p.label}
				if p.perm != "" && !auth.Can(r, p.perm) {
					sc.status, sc.contains = http.StatusForbidden, []string{"<title>出错了 · qloop</title>", "您的角色无权访问此页面"}
				}
				t.Run(sc.name, func(t *testing.T) { sc.run(t, f.h) })
			}
		}
	})
}

// TestConsoleRecordMasking: the record page shows the customer's personal data only to roles with
// the personal-data right, and the evidence marks still cover the right (masked) characters.
func TestConsoleRecordMasking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, r := range auth.Roles {
			t.Run(string(r), func(t *testing.T) {
				sc := scenario{method: "GET", path: "/records/" + piiRec, cookie: f.signIn(t, r), status: http.StatusOK,
					contains: []string{`>你明白吗</mark>`}}
				if auth.Can(r, auth.PermPersonalData) {
					sc.contains = append(sc.contains, secrets...)
					sc.absent = []string{`id="masked-note"`}
				} else {
					sc.contains = append(sc.contains, `id="masked-note"`, "138****8000", "李**")
					sc.absent = secrets
				}
				sc.run(t, f.h)
			})
		}
		// A masked role finds the record by the phone, and sees it only in its own search box.
		cookie := f.signIn(t, auth.RoleInspector)
		rec := scenario{method: "GET", path: "/records?q=" + piiPhone, cookie: cookie, status: http.StatusOK,
			contains: []string{piiRec}, absent: []string{piiID, piiCard, piiName}}.run(t, f.h)
		if body := rec.Body.String(); strings.Count(body, piiPhone) != strings.Count(body, `value="`+piiPhone+`"`) {
			t.Error("the result list shows the phone number searched for")
		}
	})
}

// TestConsoleLanguage: the switch turns the console English for that user only, and the choice
// outlives the session.
func TestConsoleLanguage(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	cookie := f.signIn(t, auth.RoleInspector)
	other := f.signIn(t, auth.RoleSupervisor)
	zh := []string{`<html lang="zh-CN">`, "<title>质检看板 · qloop</title>"}
	en := []string{`<html lang="en">`, "<title>Dashboard · qloop</title>"}
	tests := []scenario{
		{name: "Chinese first", method: "GET", path: "/", cookie: cookie, status: 200, contains: zh},
		{name: "switch", method: "POST", path: "/lang", cookie: cookie, header: sameOrigin, status: http.StatusSeeOther,
			location: "/records", body: url.Values{"lang": {"en"}, "next": {"/records"}}.Encode()},
		{name: "English now", method: "GET", path: "/", cookie: cookie, status: 200, contains: en, absent: []string{"质检看板"}},
		{name: "records page too", method: "GET", path: "/records", cookie: cookie, status: 200, contains: []string{"<title>Records · qloop</title>"}},
		{name: "other users keep Chinese", method: "GET", path: "/", cookie: other, status: 200, contains: zh},
		{name: "sign out", method: "POST", path: "/logout", cookie: cookie, header: sameOrigin, status: http.StatusSeeOther, location: "/login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, f.h) })
	}
	t.Run("remembered at the next sign-in", func(t *testing.T) {
		again := f.signIn(t, auth.RoleInspector)
		scenario{method: "GET", path: "/", cookie: again, status: 200, contains: en}.run(t, f.h)
		u, err := f.st.UserByUsername(context.Background(), "inspector")
		if err != nil || u.Lang != "en" {
			t.Errorf("stored language = %q, %v; want en", u.Lang, err)
		}
	})
}

// TestLoginRateLimit: five wrong passwords of one account from one address make that pair wait;
// the sixth attempt from there is refused with 429 and a message, even with the right password,
// but nobody else is locked out: the account signs in from an address that has not failed, and
// another account from the failing address.
func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	form := func(user, pw string) string { return url.Values{"username": {user}, "password": {pw}}.Encode() }
	wrong := scenario{method: "POST", path: "/login", header: sameOrigin, remote: "198.51.100.7:4000",
		body: form("admin", "wrong-password"), status: http.StatusUnauthorized, contains: []string{"用户名或密码不正确"}}
	for i := range 5 {
		t.Run("wrong "+string(rune('1'+i)), func(t *testing.T) { wrong.run(t, f.h) })
	}
	locked := []string{"登录失败次数过多", "分钟后再试"}
	tests := []scenario{
		{name: "sixth wrong", body: form("admin", "wrong-password"), remote: "198.51.100.7:4000", status: http.StatusTooManyRequests, contains: locked},
		{name: "right password, same address, waits", body: form("admin", password(auth.RoleAdmin)), remote: "198.51.100.7:4000", status: http.StatusTooManyRequests, contains: locked},
		{name: "the account from another address", body: form("admin", password(auth.RoleAdmin)), remote: "203.0.113.9:4000", status: http.StatusSeeOther},
		{name: "another account from that address", body: form("inspector", password(auth.RoleInspector)), remote: "198.51.100.7:4000", status: http.StatusSeeOther},
		{name: "another account elsewhere", body: form("inspector", password(auth.RoleInspector)), remote: "203.0.113.9:4000", status: http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.method, tt.path, tt.header = "POST", "/login", sameOrigin
			rec := tt.run(t, f.h)
			if c, _ := sessionCookie(rec); (c != "") != (tt.status == http.StatusSeeOther) {
				t.Errorf("session cookie %q with status %d", c, tt.status)
			}
		})
	}
}

// TestLogout: after signing out the old cookie opens nothing, in the console or the API.
func TestLogout(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	cookie := f.signIn(t, auth.RoleAdmin)
	tests := []scenario{
		{name: "signed in", method: "GET", path: "/records", status: 200},
		{name: "API by cookie", method: "GET", path: "/api/v1/me", status: 200, contains: []string{`"username":"admin"`}},
		{name: "sign out", method: "POST", path: "/logout", header: sameOrigin, status: http.StatusSeeOther, location: "/login"},
		{name: "console after", method: "GET", path: "/records", status: http.StatusSeeOther, location: "/login?next=%2Frecords"},
		{name: "API after", method: "GET", path: "/api/v1/me", status: http.StatusUnauthorized, contains: []string{`"code":"unauthorized"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cookie = cookie
			rec := tt.run(t, f.h)
			if _, deleted := sessionCookie(rec); tt.path == "/logout" && !deleted {
				t.Error("sign-out does not delete the cookie")
			}
		})
	}
}

// TestCrossOrigin: state-changing requests from another site are refused before they do anything;
// same-origin forms and reads pass.
func TestCrossOrigin(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	admin := f.signIn(t, auth.RoleAdmin)
	cross := map[string]string{"Sec-Fetch-Site": "cross-site"}
	login := url.Values{"username": {"supervisor"}, "password": {password(auth.RoleSupervisor)}}.Encode()
	tests := []scenario{
		{name: "sign-in from another site", method: "POST", path: "/login", header: cross, body: login, status: http.StatusForbidden},
		{name: "sign-in with a foreign Origin", method: "POST", path: "/login", header: map[string]string{"Origin": "https://evil.example"}, body: login, status: http.StatusForbidden},
		{name: "sign-in with our Origin", method: "POST", path: "/login", header: map[string]string{"Origin": "http://example.com"}, body: login, status: http.StatusSeeOther},
		{name: "sign-in from the same site", method: "POST", path: "/login", header: sameOrigin, body: login, status: http.StatusSeeOther},
		{name: "language from another site", method: "POST", path: "/lang", cookie: admin, header: cross, body: "lang=en", status: http.StatusForbidden},
		{name: "sign-out from another site", method: "POST", path: "/logout", cookie: admin, header: cross, status: http.StatusForbidden},
		{name: "new account from another site", method: "POST", path: "/users", cookie: admin, header: cross, status: http.StatusForbidden,
			body: url.Values{"username": {"mallory"}, "role": {"admin"}, "password": {"pw-mallory-2026"}}.Encode()},
		{name: "API token from another site", method: "POST", path: "/api/v1/me/tokens", cookie: admin, header: cross, body: `{"name":"x"}`, status: http.StatusForbidden},
		{name: "reading from another site", method: "GET", path: "/records", cookie: admin, header: cross, status: http.StatusOK},
		{name: "still signed in, still Chinese", method: "GET", path: "/", cookie: admin, status: http.StatusOK, contains: []string{`<html lang="zh-CN">`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.run(t, f.h)
			if c, _ := sessionCookie(rec); tt.status == http.StatusForbidden && c != "" {
				t.Error("a refused request set a session cookie")
			}
		})
	}
	if _, err := f.st.UserByUsername(context.Background(), "mallory"); err == nil {
		t.Error("a cross-site form created an account")
	}
}

// TestLogPrivacy runs requests carrying personal data and a failed sign-in against a server logging
// through mask.ReplaceAttr as `qloop serve` does; no log line holds the data or a password.
func TestLogPrivacy(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	token, hash := auth.NewAPIToken()
	if _, err := f.st.CreateAPIToken(context.Background(), f.users[auth.RoleInspector].ID, "e2e", hash); err != nil {
		t.Fatal(err)
	}
	cookie := f.signIn(t, auth.RoleInspector)
	bearer := map[string]string{"Authorization": "Bearer " + token}
	const wrongPW = "Wrong-" + piiPhone + "-pw"
	tests := []scenario{
		{name: "API search by phone", method: "GET", path: "/api/v1/records?q=" + piiPhone, header: bearer, status: 200, contains: []string{piiRec}},
		{name: "API search by ID number", method: "GET", path: "/api/v1/records?q=" + piiID, header: bearer, status: 200},
		{name: "API record id that is a phone", method: "GET", path: "/api/v1/records/" + piiPhone, header: bearer, status: 404},
		{name: "API bad filter", method: "GET", path: "/api/v1/records?q=" + piiPhone + "&score_min=" + piiID + "x", header: bearer, status: 400},
		{name: "console search by phone", method: "GET", path: "/records?q=" + piiPhone, cookie: cookie, status: 200},
		{name: "console record id that is an ID number", method: "GET", path: "/records/" + piiID, cookie: cookie, status: 404},
		{name: "failed sign-in", method: "POST", path: "/login", header: sameOrigin, status: http.StatusUnauthorized,
			body: url.Values{"username": {"inspector"}, "password": {wrongPW}}.Encode()},
		{name: "unknown account named like a phone", method: "POST", path: "/login", header: sameOrigin, status: http.StatusUnauthorized,
			body: url.Values{"username": {piiPhone}, "password": {wrongPW}}.Encode()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, f.h) })
	}
	logs := f.logs.String()
	for _, want := range []string{"path=/api/v1/records", "path=/records", "sign-in failed", "signed in"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q, so the test saw less than it should:\n%s", want, logs)
		}
	}
	for _, s := range []string{piiPhone, piiID, wrongPW, password(auth.RoleInspector), token, cookie} {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q:\n%s", s, logs)
		}
	}
}

// TestConsoleScope: on the console too, an agent lists only their own records and a team lead only
// their team's; a record outside the scope is "not found".
func TestConsoleScope(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	ctx := context.Background()
	first := func(fl store.RecordFilter) string {
		fl.Limit = 1
		p, err := f.st.Records(ctx, fl)
		if err != nil || len(p.Rows) == 0 {
			t.Fatalf("no record for %+v: %v", fl, err)
		}
		return p.Rows[0].ID
	}
	otherTeam := first(store.RecordFilter{Team: "二组"})
	sameTeam := first(store.RecordFilter{Team: "一组", AgentID: "A001"})
	agent, lead := f.signIn(t, auth.RoleAgent), f.signIn(t, auth.RoleTeamLead)
	tests := []scenario{
		{name: "agent: own record", path: "/records/" + piiRec, cookie: agent, status: 200},
		{name: "agent: team mate's record", path: "/records/" + sameTeam, cookie: agent, status: 404},
		{name: "agent: other team's record", path: "/records/" + otherTeam, cookie: agent, status: 404},
		{name: "team lead: team mate's record", path: "/records/" + sameTeam, cookie: lead, status: 200},
		{name: "team lead: other team's record", path: "/records/" + otherTeam, cookie: lead, status: 404},
		{name: "agent: list", path: "/records?limit=200&agent=A001", cookie: agent, status: 200, contains: []string{piiRec}, absent: []string{sameTeam, otherTeam, "<small>A001</small>"}},
		{name: "team lead: list", path: "/records?limit=200&team=二组", cookie: lead, status: 200, contains: []string{piiRec, sameTeam}, absent: []string{otherTeam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.method = "GET"
			tt.run(t, f.h)
		})
	}
}

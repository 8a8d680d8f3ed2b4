package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// clockAt makes s.Now return *now.
func clockAt(s *store.Store, now *time.Time) { s.Now = func() time.Time { return *now } }

func mustCreateUser(t *testing.T, s *store.Store, u *auth.User) *auth.User {
	t.Helper()
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := t0
		clockAt(s, &now)
		wang := mustCreateUser(t, s, &auth.User{Username: " WangFang ", Name: "王芳", Role: auth.RoleAgent, AgentID: "A017",
			Team: "一组", PasswordHash: "$argon2id$x"})
		if wang.ID == 0 || wang.Username != "wangfang" || wang.Lang != "zh-CN" || !wang.CreatedAt.Equal(t0) {
			t.Errorf("created %+v", wang)
		}
		mustCreateUser(t, s, &auth.User{Username: "admin", Role: auth.RoleAdmin, Lang: "en"})

		errs := []struct {
			name string
			u    auth.User
			code string
		}{
			{"taken, other case", auth.User{Username: "WANGFANG", Role: auth.RoleInspector}, qa.EConflict},
			{"agent without agent id", auth.User{Username: "li", Role: auth.RoleAgent}, qa.EInvalid},
			{"team lead without team", auth.User{Username: "zhao", Role: auth.RoleTeamLead}, qa.EInvalid},
			{"unknown role", auth.User{Username: "qian", Role: "boss"}, qa.EInvalid},
			{"unknown language", auth.User{Username: "sun", Role: auth.RoleOps, Lang: "fr"}, qa.EInvalid},
			{"empty username", auth.User{Username: "  ", Role: auth.RoleOps}, qa.EInvalid},
			{"space in username", auth.User{Username: "li si", Role: auth.RoleOps}, qa.EInvalid},
		}
		for _, tt := range errs {
			if err := s.CreateUser(ctx, &tt.u); qa.ErrorCode(err) != tt.code {
				t.Errorf("CreateUser %s: %v, want code %s", tt.name, err, tt.code)
			}
		}

		got, err := s.UserByUsername(ctx, "WangFang")
		if err != nil {
			t.Fatal(err)
		}
		if *got != *wang {
			t.Errorf("UserByUsername = %+v\nwant %+v", got, wang)
		}
		if got, err := s.User(ctx, wang.ID); err != nil || *got != *wang {
			t.Errorf("User(%d) = %+v, %v", wang.ID, got, err)
		}
		if _, err := s.User(ctx, 999); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("User(999): %v", err)
		}
		if _, err := s.UserByUsername(ctx, "nobody"); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("UserByUsername(nobody): %v", err)
		}

		got.Role, got.Team, got.Name, got.Lang = auth.RoleTeamLead, "二组", "王芳（组长）", "en"
		if err := s.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, got.ID, "$argon2id$new"); err != nil {
			t.Fatal(err)
		}
		list, err := s.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Username != "admin" || list[1].Role != auth.RoleTeamLead || list[1].Team != "二组" ||
			list[1].Lang != "en" || list[1].PasswordHash != "$argon2id$new" || list[1].Username != "wangfang" {
			t.Errorf("Users() = %+v", list)
		}
		if err := s.UpdateUser(ctx, &auth.User{ID: 999, Username: "x", Role: auth.RoleOps}); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("UpdateUser(999): %v", err)
		}
		if err := s.UpdateUser(ctx, &auth.User{ID: got.ID, Username: "wangfang", Role: auth.RoleAgent}); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("UpdateUser agent without agent id: %v", err)
		}
		if err := s.SetPassword(ctx, 999, "h"); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("SetPassword(999): %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := t0
		clockAt(s, &now)
		u := mustCreateUser(t, s, &auth.User{Username: "zhang", Role: auth.RoleInspector})
		other := mustCreateUser(t, s, &auth.User{Username: "li", Role: auth.RoleInspector})
		_, a := auth.NewToken()
		_, b := auth.NewToken()
		_, c := auth.NewToken()
		for _, h := range []string{a, b} {
			if err := s.CreateSession(ctx, u.ID, h, t0.Add(12*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, other.ID, c, t0.Add(12*time.Hour)); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			hash string
			at   time.Duration
			ok   bool
		}{
			{"fresh session", a, 0, true},
			{"unknown id", "nope", 0, false},
			{"an hour later", a, time.Hour, true},
			{"just before expiry", a, 12*time.Hour - time.Millisecond, true},
			{"at expiry", a, 12 * time.Hour, false},
		}
		for _, st := range steps {
			got, err := s.SessionUser(ctx, st.hash, t0.Add(st.at))
			if st.ok && (err != nil || got.ID != u.ID || got.Username != "zhang") {
				t.Errorf("%s: SessionUser = %+v, %v", st.name, got, err)
			}
			if !st.ok && qa.ErrorCode(err) != qa.EUnauthorized {
				t.Errorf("%s: SessionUser err = %v, want unauthorized", st.name, err)
			}
		}
		if err := s.DeleteSession(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, b, t0); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("deleted session: %v", err)
		}
		if err := s.DeleteSession(ctx, b); err != nil {
			t.Errorf("deleting a missing session: %v", err)
		}

		// Password change: DeleteUserSessions ends u's sessions only.
		if err := s.CreateSession(ctx, u.ID, b, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteUserSessions(ctx, u.ID); err != nil || n != 2 {
			t.Errorf("DeleteUserSessions = %d, %v; want 2 (a expired but not yet removed, b)", n, err)
		}
		if _, err := s.SessionUser(ctx, c, t0); err != nil {
			t.Errorf("other user's session ended too: %v", err)
		}

		// Disabling ends sessions, and a re-enabled user does not get them back.
		other.Disabled = true
		if err := s.UpdateUser(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, c, t0); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("session of a disabled user: %v", err)
		}
		other.Disabled = false
		if err := s.UpdateUser(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, c, t0); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("session survived disable and enable: %v", err)
		}
		_, d := auth.NewToken()
		if err := s.CreateSession(ctx, other.ID, d, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteUserSessions(ctx, other.ID); err != nil || n != 0 {
			t.Errorf("after DeleteExpiredSessions, %d sessions left, %v", n, err)
		}
	})
}

func TestSessionLastSeenThrottled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := t0
		clockAt(s, &now)
		u := mustCreateUser(t, s, &auth.User{Username: "zhang", Role: auth.RoleInspector})
		_, h := auth.NewToken()
		if err := s.CreateSession(ctx, u.ID, h, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			at   time.Duration
			want time.Duration // last_seen afterwards
		}{
			{30 * time.Second, 0},
			{59 * time.Second, 0},
			{60 * time.Second, 60 * time.Second},
			{90 * time.Second, 60 * time.Second},
			{3 * time.Minute, 3 * time.Minute},
		}
		for _, st := range steps {
			if _, err := s.SessionUser(ctx, h, t0.Add(st.at)); err != nil {
				t.Fatal(err)
			}
			list, err := s.Sessions(ctx, u.ID, t0)
			if err != nil || len(list) != 1 {
				t.Fatalf("Sessions = %+v, %v", list, err)
			}
			if got := list[0]; !got.LastSeen.Equal(t0.Add(st.want)) || got.IDHash != h || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("after a request at +%v: last_seen = +%v, want +%v (%+v)", st.at, got.LastSeen.Sub(t0), st.want, got)
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := t0
		clockAt(s, &now)
		u := mustCreateUser(t, s, &auth.User{Username: "bi", Role: auth.RoleOps})
		other := mustCreateUser(t, s, &auth.User{Username: "li", Role: auth.RoleOps})
		plain, hash := auth.NewAPIToken()
		id, err := s.CreateAPIToken(ctx, u.ID, "BI 导出", hash)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAPIToken(ctx, 999, "x", "h"); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("CreateAPIToken for a missing user: %v", err)
		}
		now = t0.Add(time.Hour)
		got, err := s.APITokenUser(ctx, auth.HashToken(plain))
		if err != nil || got.ID != u.ID {
			t.Fatalf("APITokenUser = %+v, %v", got, err)
		}
		_, hash2 := auth.NewAPIToken()
		id2, err := s.CreateAPIToken(ctx, u.ID, "脚本", hash2)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.APITokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != id2 || list[1].ID != id || list[1].Name != "BI 导出" ||
			!list[1].CreatedAt.Equal(t0) || !list[1].LastUsed.Equal(t0.Add(time.Hour)) || !list[0].LastUsed.IsZero() {
			t.Errorf("APITokens = %+v", list)
		}
		if err := s.RevokeAPIToken(ctx, other.ID, id); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("revoking another user's token: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, u.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, hash); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("revoked token: %v", err)
		}
		if _, err := s.APITokenUser(ctx, "unknown"); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("unknown token: %v", err)
		}
		if _, err := s.APITokenUser(ctx, hash2); err != nil {
			t.Errorf("the other token stopped working: %v", err)
		}
		u.Disabled = true
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, hash2); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("token of a disabled user: %v", err)
		}
		if list, _ := s.APITokens(ctx, u.ID); len(list) != 2 || !list[1].Revoked || !list[0].Revoked {
			t.Errorf("APITokens after disabling = %+v, want both revoked", list)
		}
		u.Disabled = false
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenUser(ctx, hash2); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("a token of before the disabling works again after enabling: %v", err)
		}
	})
}

// TestAccountChangesEndAccessAndAudit: a password change ends sessions and revokes tokens, says
// how many, and every change of an account or token leaves an audit line naming the actor in ctx,
// with the account before and after and never a password hash.
func TestAccountChangesEndAccessAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		admin := mustCreateUser(t, s, &auth.User{Username: "admin", Role: auth.RoleAdmin, PasswordHash: "$argon2id$admin"})
		as := auth.WithUser(ctx, admin)
		u := &auth.User{Username: "wangfang", Role: auth.RoleAgent, AgentID: "A017", Team: "一组", PasswordHash: "$argon2id$secret"}
		if err := s.CreateUser(as, u); err != nil {
			t.Fatal(err)
		}
		second := &auth.User{Username: "wangfang2", Role: auth.RoleAgent, AgentID: "A017"}
		if err := s.CreateUser(as, second); qa.ErrorCode(err) != qa.EConflict || !strings.Contains(err.Error(), "wangfang") {
			t.Errorf("a second account on agent id A017: %v, want a conflict naming wangfang", err)
		}
		other := mustCreateUser(t, s, &auth.User{Username: "lisi", Role: auth.RoleAgent, AgentID: "A018"})
		other.AgentID = "A017"
		if err := s.UpdateUser(as, other); qa.ErrorCode(err) != qa.EConflict {
			t.Errorf("moving another account onto agent id A017: %v, want a conflict", err)
		}
		_, tok := auth.NewAPIToken()
		tokID, err := s.CreateAPIToken(auth.WithUser(ctx, u), u.ID, "报表", tok)
		if err != nil {
			t.Fatal(err)
		}
		_, sess := auth.NewToken()
		if err := s.CreateSession(ctx, u.ID, sess, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ended, err := s.ChangePassword(as, u.ID, "$argon2id$new")
		if err != nil || ended != (store.Ended{Sessions: 1, Tokens: 1}) {
			t.Errorf("ChangePassword = %+v, %v; want 1 session and 1 token ended", ended, err)
		}
		if _, err := s.APITokenUser(ctx, tok); qa.ErrorCode(err) != qa.EUnauthorized {
			t.Errorf("a token of before the password change still works: %v", err)
		}
		u.Role = auth.RoleInspector
		if err := s.UpdateUser(as, u); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateUser(as, u); err != nil { // unchanged: no audit line
			t.Fatal(err)
		}
		u.Disabled = true
		if err := s.UpdateUser(as, u); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIToken(auth.WithUser(ctx, u), u.ID, tokID); err != nil { // revoked already: no line
			t.Fatal(err)
		}

		lines, err := s.AuditLog(ctx, store.AuditFilter{Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		tokens, err := s.AuditLog(ctx, store.AuditFilter{Entity: "token"})
		if err != nil {
			t.Fatal(err)
		}
		type line struct{ actor, action string }
		var got []line
		for _, e := range append(lines, tokens...) {
			got = append(got, line{e.Actor, e.Action})
			if strings.Contains(e.Before+e.After, "argon2id") {
				t.Errorf("audit line %s holds a password hash: %s %s", e.Action, e.Before, e.After)
			}
		}
		want := []line{{"admin", "user.disable"}, {"admin", "user.update"}, {"admin", "user.passwd"},
			{"system", "user.create"}, {"admin", "user.create"}, {"system", "user.create"}, {"wangfang", "token.create"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("audit lines (newest first) = %v, want %v", got, want)
		}
		if upd := lines[1]; !strings.Contains(upd.Before, `"role":"agent"`) || !strings.Contains(upd.After, `"role":"inspector"`) ||
			upd.EntityID != u.ID {
			t.Errorf("role change audited as %+v", upd)
		}
		if pw := lines[2]; !strings.Contains(pw.After, `"sessions":1`) || !strings.Contains(pw.After, `"tokens":1`) {
			t.Errorf("password change audited as %+v", pw)
		}
		if dis := lines[0]; !strings.Contains(dis.Before, `"disabled":false`) || !strings.Contains(dis.After, `"disabled":true`) {
			t.Errorf("disabling audited as %+v", dis)
		}
	})
}

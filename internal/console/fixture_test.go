package console_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/console"
	"qloop/internal/demo"
	"qloop/internal/load"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

// fixture is a console over a small inspected demo data set, with one user per role.
type fixture struct {
	st    *store.Store
	mux   *http.ServeMux
	users map[auth.Role]*auth.User
}

// fixtureRecords is enough for every team to fill more than one page of 50.
const fixtureRecords = 600

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	var gen bytes.Buffer
	if err := demo.Generate(&gen, demo.Options{Seed: 3, Records: fixtureRecords, Agents: 10}); err != nil {
		t.Fatal(err)
	}
	insp, err := load.NewInspector(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := load.Reader(ctx, st, &gen, "demo.jsonl", load.Options{Inspect: insp}); err != nil || res.Rejected > 0 {
		t.Fatalf("load the demo: %+v, %v", res, err)
	}
	f := &fixture{st: st, mux: http.NewServeMux(), users: map[auth.Role]*auth.User{}}
	for _, r := range auth.Roles {
		u := &auth.User{Username: string(r), Name: "测试 " + auth.RoleNames[r], Role: r, Lang: "zh-CN", CreatedAt: time.Now()}
		switch r {
		case auth.RoleAgent:
			u.AgentID, u.Team = "A002", "一组"
		case auth.RoleTeamLead:
			u.Team = "一组"
		}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	console.New(console.Config{Store: st, Flow: &workflow.Service{Store: st, Log: log}, Log: log, Now: time.Now,
		SessionTTL: time.Hour}).Register(f.mux)
	return f
}

// get serves path to the console as the user of role r in lang ("" = the user's zh-CN); it fails
// the test unless the status is want, and returns the body.
func (f *fixture) get(t *testing.T, r auth.Role, lang, path string, want int) string {
	t.Helper()
	u := *f.users[r]
	if lang != "" {
		u.Lang = lang
	}
	req := httptest.NewRequest("GET", path, nil)
	req = req.WithContext(auth.WithUser(req.Context(), &u))
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	if rec.Code != want {
		t.Fatalf("GET %s as %s: status %d, want %d: %.400s", path, r, rec.Code, want, rec.Body.String())
	}
	return rec.Body.String()
}

// between returns the text of body after the first start and before the next end ("" if absent).
func between(body, start, end string) string {
	_, after, ok := strings.Cut(body, start)
	if !ok {
		return ""
	}
	s, _, _ := strings.Cut(after, end)
	return s
}

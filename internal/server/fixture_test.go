package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/demo"
	"qloop/internal/load"
	"qloop/internal/mask"
	"qloop/internal/server"
	"qloop/internal/store"
)

// The personal data of ../api/testdata/personal.jsonl (shared with the API tests): a CN mobile, an
// ID number with a valid GB 11643 check digit, a Luhn-valid bank card and a Chinese name.
const (
	piiPhone = "13800138000"
	piiID    = "110105198001011238"
	piiCard  = "6222021234567894"
	piiName  = "李建国"
	piiRec   = "e2e-pii-0001" // a call of agent A002 (一组) with all four
)

var secrets = []string{piiPhone, piiID, piiCard, piiName}

// fastHash keeps the fixture's password hashes cheap; real accounts use auth.DefaultParams.
var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// fixture is a store with inspected demo records and the personal-data records, an account per
// role (username = role, password = password(role)), and the whole handler logging into logs.
type fixture struct {
	st    *store.Store
	h     http.Handler
	logs  *syncBuffer
	users map[auth.Role]*auth.User
}

func password(r auth.Role) string { return "pw-" + string(r) + "-2026" }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st, logs: &syncBuffer{}, users: map[auth.Role]*auth.User{}}
	var gen bytes.Buffer
	if err := demo.Generate(&gen, demo.Options{Seed: 7, Records: 200, Agents: 10}); err != nil {
		t.Fatal(err)
	}
	personal, err := os.ReadFile("../api/testdata/personal.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	insp, err := load.NewInspector(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"demo.jsonl": gen.Bytes(), "personal.jsonl": personal} {
		res, err := load.Reader(ctx, st, bytes.NewReader(data), name, load.Options{Inspect: insp})
		if err != nil || res.Rejected > 0 || res.Inserted == 0 {
			t.Fatalf("load %s: %+v, %v", name, res, err)
		}
	}
	for _, r := range auth.Roles {
		u := &auth.User{Username: string(r), Name: auth.RoleNames[r], Role: r}
		switch r {
		case auth.RoleAgent:
			u.AgentID, u.Team = "A002", "一组"
		case auth.RoleTeamLead:
			u.Team = "一组"
		}
		if u.PasswordHash, err = fastHash.Hash(password(r)); err != nil {
			t.Fatal(err)
		}
		if err := u.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	// Debug: the request log lines are written too, so the privacy test sees everything a server could log.
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: mask.ReplaceAttr}))
	f.h = server.New(server.Config{Store: st, Log: log, InsecureCookies: true})
	return f
}

// scenario is one request and what the answer must hold (pocketbase's ApiScenario, stdlib only).
type scenario struct {
	name     string
	method   string
	path     string
	body     string // a form (url.Values.Encode) for console POSTs, JSON for the API
	cookie   string // session cookie value; "" = signed out
	header   map[string]string
	remote   string // client address; "" = httptest's default
	status   int
	location string   // for redirects: the Location header
	contains []string // substrings of the body
	absent   []string // substrings the body must not hold
}

// sameOrigin is what a browser sends with a form posted from qloop's own pages.
var sameOrigin = map[string]string{"Sec-Fetch-Site": "same-origin"}

func (sc scenario) serve(h http.Handler) *httptest.ResponseRecorder {
	var body *strings.Reader
	if sc.body != "" {
		body = strings.NewReader(sc.body)
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(sc.method, sc.path, body)
	if sc.body != "" {
		if strings.HasPrefix(sc.body, "{") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if sc.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "qloop_session", Value: sc.cookie})
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	if sc.remote != "" {
		req.RemoteAddr = sc.remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// run sends sc through h and checks the answer; it returns the recorder for further checks.
func (sc scenario) run(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	rec := sc.serve(h)
	got := rec.Body.String()
	if rec.Code != sc.status {
		t.Fatalf("%s %s: status %d, want %d; Location %q; body: %.300s", sc.method, sc.path, rec.Code, sc.status,
			rec.Header().Get("Location"), got)
	}
	if sc.location != "" && rec.Header().Get("Location") != sc.location {
		t.Errorf("%s %s: Location %q, want %q", sc.method, sc.path, rec.Header().Get("Location"), sc.location)
	}
	for _, s := range sc.contains {
		if !strings.Contains(got, s) {
			t.Errorf("%s %s: body lacks %q", sc.method, sc.path, s)
		}
	}
	for _, s := range sc.absent {
		if strings.Contains(got, s) {
			t.Errorf("%s %s: body holds %q", sc.method, sc.path, s)
		}
	}
	return rec
}

// sessionCookie returns the session cookie an answer sets ("" if none), and whether it deletes it.
func sessionCookie(rec *httptest.ResponseRecorder) (value string, deleted bool) {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "qloop_session" {
			return c.Value, c.MaxAge < 0
		}
	}
	return "", false
}

// signIn posts the sign-in form as a browser on the same origin would and returns the session cookie.
func signIn(t *testing.T, h http.Handler, username, pw string) string {
	t.Helper()
	rec := scenario{method: "POST", path: "/login", header: sameOrigin, status: http.StatusSeeOther, location: "/",
		body: url.Values{"username": {username}, "password": {pw}, "next": {"/"}}.Encode()}.run(t, h)
	c, _ := sessionCookie(rec)
	if c == "" {
		t.Fatalf("sign-in as %s set no session cookie", username)
	}
	return c
}

func (f *fixture) signIn(t *testing.T, r auth.Role) string {
	t.Helper()
	return signIn(t, f.h, string(r), password(r))
}

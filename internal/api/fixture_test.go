package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/demo"
	"qloop/internal/load"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/sample"
	"qloop/internal/server"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

// Personal data in the customer turns of testdata/personal.jsonl (real shapes: a CN mobile, an ID
// number with a valid GB 11643 check digit, a Luhn-valid bank card, a Chinese name).
const (
	piiPhone = "13800138000"
	piiID    = "110105198001011238"
	piiCard  = "6222021234567894"
	piiName  = "李建国"
	piiRec   = "e2e-pii-0001" // a call of agent A002 (一组) with all four
)

var secrets = []string{piiPhone, piiID, piiCard, piiName}

// The agent and team the scoped accounts are linked to; the fixture checks they exist in the demo roster.
const (
	agentID = "A002"
	team    = "一组"
)

// fastHash keeps the fixture's password hashes cheap; real accounts use auth.DefaultParams.
var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var demoOpt = demo.Options{Seed: 7, Records: 200, Agents: 10}

// fixture is a store with ~200 inspected demo records, the personal-data records, one account and
// one API token per role, and the whole HTTP handler over them.
type fixture struct {
	st     *store.Store
	h      http.Handler
	logs   *syncBuffer
	recs   []qa.Record // every record loaded
	users  map[auth.Role]*auth.User
	tokens map[auth.Role]string // a personal API token per role
	spare  map[auth.Role]int64  // one more token per role, for the DELETE route
	target int64                // an account for the PATCH route (not anybody's own)
	plan   int64                // a sampling plan (inspector: the inspector account)
	task   int64                // an open review task of the inspector on piiRec
	fb     int64                // a low rating without text on piiRec (feedback_test.go)
	flow   *workflow.Service
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
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
	f := &fixture{st: st, logs: &syncBuffer{}, users: map[auth.Role]*auth.User{},
		tokens: map[auth.Role]string{}, spare: map[auth.Role]int64{}}

	var roster bool
	for _, a := range demo.Agents(demoOpt) {
		roster = roster || (a.ID == agentID && a.Team == team && !a.Lead)
	}
	if !roster {
		t.Fatalf("demo roster has no agent %s in %s; adjust the fixture", agentID, team)
	}
	var gen bytes.Buffer
	if err := demo.Generate(&gen, demoOpt); err != nil {
		t.Fatal(err)
	}
	personal, err := os.ReadFile("testdata/personal.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	insp, err := load.NewInspector(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct {
		name string
		data []byte
	}{{"demo.jsonl", gen.Bytes()}, {"personal.jsonl", personal}} {
		res, err := load.Reader(ctx, st, bytes.NewReader(src.data), src.name, load.Options{Inspect: insp})
		if err != nil || res.Rejected > 0 || res.Inserted == 0 {
			t.Fatalf("load %s: %+v, %v", src.name, res, err)
		}
		f.recs = append(f.recs, decodeRecords(t, src.data)...)
	}
	if insp.Summary.Inspections == 0 {
		t.Fatal("fixture: nothing was inspected")
	}

	for _, r := range auth.Roles {
		u := &auth.User{Username: string(r), Name: auth.RoleNames[r], Role: r}
		switch r {
		case auth.RoleAgent:
			u.AgentID, u.Team = agentID, team
		case auth.RoleTeamLead:
			u.Team = team
		}
		f.users[r] = f.createUser(t, u, "pw-"+string(r)+"-2026")
		f.tokens[r], _ = f.createToken(t, u.ID)
		_, f.spare[r] = f.createToken(t, u.ID)
	}
	f.target = f.createUser(t, &auth.User{Username: "target", Name: "被修改的账号", Role: auth.RoleOps}, "pw-target-2026").ID

	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: mask.ReplaceAttr}))
	f.flow = &workflow.Service{Store: st, Log: log}
	f.h = server.New(server.Config{Store: st, Log: log, InsecureCookies: true, Flow: f.flow})

	sup := f.users[auth.RoleSupervisor]
	sp, _, err := f.flow.SavePlan(ctx, sup, sample.Plan{Name: "fixture", Rate: 0.05, StrataBy: []string{"agent"},
		Inspectors: []sample.Quota{{Inspector: string(auth.RoleInspector), Quota: 5}}})
	if err != nil {
		t.Fatalf("fixture plan: %v", err)
	}
	f.plan = sp.ID
	tk, err := f.flow.AssignTask(ctx, sup, piiRec, f.users[auth.RoleInspector].ID)
	if err != nil {
		t.Fatalf("fixture task: %v", err)
	}
	f.task = tk.ID
	f.fb = f.seedFeedback(t)
	return f
}

func (f *fixture) createUser(t *testing.T, u *auth.User, pw string) *auth.User {
	t.Helper()
	hash, err := fastHash.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	u.PasswordHash = hash
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	return u
}

// createToken makes a personal API token for the user and returns its secret and id.
func (f *fixture) createToken(t *testing.T, userID int64) (string, int64) {
	t.Helper()
	plain, hash := auth.NewAPIToken()
	id, err := f.st.CreateAPIToken(context.Background(), userID, "e2e", hash)
	if err != nil {
		t.Fatal(err)
	}
	return plain, id
}

func decodeRecords(t *testing.T, data []byte) []qa.Record {
	t.Helper()
	var out []qa.Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r qa.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// record returns the loaded record with id.
func (f *fixture) record(t *testing.T, id string) qa.Record {
	t.Helper()
	for _, r := range f.recs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no record %s in the fixture", id)
	return qa.Record{}
}

// find returns the id of a loaded record matching ok.
func (f *fixture) find(t *testing.T, ok func(r qa.Record) bool) string {
	t.Helper()
	for _, r := range f.recs {
		if ok(r) {
			return r.ID
		}
	}
	t.Fatal("no such record in the fixture")
	return ""
}

// apiScenario is one request and what the answer must hold (pocketbase's ApiScenario, stdlib only).
type apiScenario struct {
	name        string
	method      string
	path        string
	body        string
	contentType string
	token       string // personal API token; "" = no credentials
	header      map[string]string
	status      int
	contains    []string // substrings of the body
	absent      []string // substrings the body must not hold
}

// serve sends sc's request through h.
func serve(h http.Handler, sc apiScenario) *httptest.ResponseRecorder {
	var body io.Reader
	if sc.body != "" {
		body = strings.NewReader(sc.body)
	}
	req := httptest.NewRequest(sc.method, sc.path, body)
	if sc.contentType != "" {
		req.Header.Set("Content-Type", sc.contentType)
	} else if sc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.token != "" {
		req.Header.Set("Authorization", "Bearer "+sc.token)
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// run sends sc through h and checks status, body and the error shape; it returns the body.
func (sc apiScenario) run(t *testing.T, h http.Handler) []byte {
	t.Helper()
	rec := serve(h, sc)
	got := rec.Body.Bytes()
	if rec.Code != sc.status {
		t.Fatalf("%s %s: status %d, want %d; body: %.400s", sc.method, sc.path, rec.Code, sc.status, got)
	}
	for _, s := range sc.contains {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("%s %s: body lacks %q: %.400s", sc.method, sc.path, s, got)
		}
	}
	for _, s := range sc.absent {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("%s %s: body holds %q", sc.method, sc.path, s)
		}
	}
	if strings.HasPrefix(sc.path, "/api/") && rec.Code >= 400 {
		checkErrorBody(t, rec.Code, got)
	}
	return got
}

// errorCodes is the code each failing status must carry.
var errorCodes = map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 500: "internal"}

// checkErrorBody checks the API's error shape: {"error": {"code", "message"}} and nothing else.
func checkErrorBody(t *testing.T, status int, body []byte) {
	t.Helper()
	var e struct {
		Error *struct {
			Code    *string `json:"code"`
			Message *string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == nil || e.Error.Message == nil {
		t.Fatalf("status %d: error body is not {\"error\":{\"code\",\"message\"}}: %v: %.300s", status, err, body)
	}
	if want := errorCodes[status]; *e.Error.Code != want {
		t.Errorf("status %d: error code %q, want %q", status, *e.Error.Code, want)
	}
	if strings.TrimSpace(*e.Error.Message) == "" {
		t.Errorf("status %d: empty error message", status)
	}
}

// getJSON sends an authenticated GET and decodes a 200 answer into v.
func (f *fixture) getJSON(t *testing.T, role auth.Role, path string, v any) {
	t.Helper()
	body := apiScenario{method: "GET", path: path, token: f.tokens[role], status: 200}.run(t, f.h)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// untasked returns a loaded record without an open review task (one may not be given twice).
func (f *fixture) untasked() string {
	for _, r := range f.recs {
		if ts, err := f.st.Tasks(context.Background(), store.TaskFilter{RecordID: r.ID, Status: "open"}); err == nil && len(ts) == 0 {
			return r.ID
		}
	}
	return ""
}

// Package api is qloop's REST API under /api/v1: JSON in and out, errors with a stable code and a
// human message, every route documented in the OpenAPI document built from the same route table.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

// Handler serves the API.
type Handler struct {
	Store *store.Store
	Flow  *workflow.Service
	Log   *slog.Logger
	Now   func() time.Time
	// MaxUpload bounds one import upload in bytes (0: DefaultMaxUpload); MaxLine one line of it
	// (0: ingest.DefaultMaxLine).
	MaxUpload int64
	MaxLine   int
}

// route is one API operation: the mux pattern, who may call it, and its documentation.
type route struct {
	method, path string
	perm         auth.Perm // "" = any signed-in user
	summary, tag string
	params       []param
	body         string // request schema name ("" = none)
	resp         string // response schema name
	handle       func(h *Handler, w http.ResponseWriter, r *http.Request) error
}

type param struct {
	name, in, typ, desc string
	required            bool
}

// routes is the whole API table.
func routes() []route {
	return append([]route{
		{"GET", "/api/v1/openapi.json", "", "this OpenAPI document", "meta", nil, "", "", (*Handler).openAPI},
		{"GET", "/api/v1/me", "", "the signed-in user and their permissions", "users", nil, "", "Me", (*Handler).me},
		{"GET", "/api/v1/me/tokens", "", "the user's personal API tokens", "users", nil, "", "TokenList", (*Handler).listTokens},
		{"POST", "/api/v1/me/tokens", "", "create a personal API token (the secret is shown once)", "users", nil, "TokenCreate", "TokenCreated", (*Handler).createToken},
		{"DELETE", "/api/v1/me/tokens/{id}", "", "revoke a personal API token", "users", []param{{"id", "path", "integer", "token id", true}}, "", "", (*Handler).revokeToken},
		{"GET", "/api/v1/dashboard", auth.PermDashboard, "KPIs, top failed items, score trend and agent ranking over the records the user may see", "records", dashParams, "", "Dashboard", (*Handler).dashboard},
		{"GET", "/api/v1/records", "", "records the user may see, newest first, filtered and keyset-paged", "records", listParams, "", "RecordPage", (*Handler).listRecords},
		{"GET", "/api/v1/records/{id}", "", "one record with its inspections (personal data masked without the right)", "records", []param{{"id", "path", "string", "record id", true}}, "", "RecordDetail", (*Handler).getRecord},
		{"GET", "/api/v1/scorecards", auth.PermScorecardView, "every scorecard version", "scorecards", nil, "", "ScorecardList", (*Handler).listScorecards},
		{"GET", "/api/v1/scorecards/{name}", auth.PermScorecardView, "a scorecard (active version, or ?version=N)", "scorecards", []param{{"name", "path", "string", "scorecard name", true}, {"version", "query", "integer", "version (default: active)", false}}, "", "Scorecard", (*Handler).getScorecard},
		{"POST", "/api/v1/scorecards", auth.PermScorecardEdit, "import a scorecard (YAML body); a changed file becomes a new version", "scorecards", []param{{"activate", "query", "boolean", "also activate it", false}}, "ScorecardYAML", "ScorecardSaved", (*Handler).importScorecard},
		{"POST", "/api/v1/scorecards/{name}/activate", auth.PermScorecardEdit, "make a version the active one: the body's or the query's version (default: latest)", "scorecards", []param{{"name", "path", "string", "scorecard name", true}, {"version", "query", "integer", "version (default: latest)", false}}, "ScorecardActivate", "ScorecardSaved", (*Handler).activateScorecard},
		{"POST", "/api/v1/imports", auth.PermImport, "upload a file of records (multipart field `file`); valid records land, each rejected line is listed", "imports", []param{{"format", "query", "string", "jsonl, csv, xlsx, vtt, srt or whisper (default: by file name)", false}}, "Upload", "ImportResult", (*Handler).createImport},
		{"GET", "/api/v1/users", auth.PermUsers, "every account", "users", nil, "", "UserList", (*Handler).listUsers},
		{"POST", "/api/v1/users", auth.PermUsers, "create an account", "users", nil, "UserCreate", "User", (*Handler).createUser},
		{"PATCH", "/api/v1/users/{id}", auth.PermUsers, "change an account (name, role, team, agent id, language, disabled, password); a new password or disabling ends the user's sessions and revokes their API tokens", "users", []param{{"id", "path", "integer", "user id", true}}, "UserUpdate", "User", (*Handler).updateUser},
	}, append(workflowRoutes(), feedbackRoutes()...)...)
}

// Register adds every API route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range routes() {
		mux.Handle(rt.method+" "+rt.path, h.fn(rt))
	}
	mux.Handle("/api/", h.fn(route{handle: func(*Handler, http.ResponseWriter, *http.Request) error {
		return qa.NewError(qa.ENotFound, "no such API route: see /api/v1/openapi.json")
	}}))
}

// fn checks the caller and the route's permission, then runs the handler; every failure leaves
// through writeError.
func (h *Handler) fn(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.check(rt, r); err != nil {
			h.writeError(w, r, err)
			return
		}
		if err := rt.handle(h, w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

func (h *Handler) check(rt route, r *http.Request) error {
	if rt.path == "/api/v1/openapi.json" {
		return nil // the document is public so that tools can read it before a token exists
	}
	u := auth.FromContext(r.Context())
	if u == nil || u.Disabled {
		return qa.NewError(qa.EUnauthorized, "sign in, or send a personal API token as `Authorization: Bearer qlp_…`")
	}
	if rt.perm != "" && !u.Can(rt.perm) {
		return qa.NewError(qa.EForbidden, "your role may not do this; ask an administrator (see docs/roles.md)")
	}
	return nil
}

var statusOf = map[string]int{qa.EInvalid: 400, qa.EUnauthorized: 401, qa.EForbidden: 403, qa.ENotFound: 404, qa.EConflict: 409}

// errorBody is every error answer: {"error": {"code": "not_found", "message": "…"}}.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := qa.ErrorCode(err)
	status, ok := statusOf[code]
	var b errorBody
	b.Error.Code = code
	if ok {
		var qe *qa.Error
		if errors.As(err, &qe) {
			b.Error.Message = qe.Message
		} else {
			b.Error.Message = err.Error()
		}
	} else {
		status = http.StatusInternalServerError
		b.Error.Message = "internal error; the server log has the details"
		h.Log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decode reads a JSON body into v with a clear error.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return qa.NewError(qa.EInvalid, "the request body is not the expected JSON: "+err.Error())
	}
	return nil
}

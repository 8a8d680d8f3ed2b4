// Package console is the web console: server-rendered pages in Chinese first (English by a switch
// remembered per user), embedded templates and assets, the charts drawn by the vendored ECharts from
// the API's JSON.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/i18n"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// SessionCookie names the console's session cookie.
const SessionCookie = "qloop_session"

// Config is what the console needs.
type Config struct {
	Store         *store.Store
	Flow          *workflow.Service
	Log           *slog.Logger
	Now           func() time.Time
	SessionTTL    time.Duration
	SecureCookies bool
	Limiter       *auth.Limiter
	Recordings    string // directory that relative recording paths are resolved against ("" = none)
	MaxUpload     int64  // bytes of one import upload (0: api.DefaultMaxUpload)
	MaxLine       int    // bytes of one line of it (0: ingest.DefaultMaxLine)
}

// Console serves the pages.
type Console struct {
	cfg    Config
	cat    *i18n.Catalog
	pages  map[string]*template.Template
	assets map[string]string // static file → URL with a content hash, so browsers cache safely
}

// New parses the templates; it panics on a template error, which is a build mistake.
func New(cfg Config) *Console {
	c := &Console{cfg: cfg, cat: i18n.New(), pages: map[string]*template.Template{}, assets: map[string]string{}}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFS.ReadFile(p)
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		c.assets[name] = "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t := template.New("layout.html").Funcs(c.funcs())
		template.Must(t.ParseFS(templateFS, "templates/layout.html", n))
		c.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return c
}

// Register adds the console's routes to mux.
func (c *Console) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})))
	mux.Handle("GET /login", c.page(c.loginPage, ""))
	mux.Handle("POST /login", c.page(c.login, ""))
	mux.Handle("POST /logout", c.page(c.logout, ""))
	mux.Handle("POST /lang", c.page(c.setLang, ""))
	mux.Handle("GET /{$}", c.page(c.dashboard, auth.PermDashboard))
	mux.Handle("GET /records", c.page(c.records, "signed-in"))
	mux.Handle("GET /records/{id}", c.page(c.record, "signed-in"))
	mux.Handle("GET /records/{id}/recording", c.page(c.recording, "signed-in"))
	mux.Handle("GET /scorecards", c.page(c.scorecards, auth.PermScorecardView))
	mux.Handle("GET /scorecards/{name}", c.page(c.scorecard, auth.PermScorecardView))
	mux.Handle("GET /imports", c.page(c.importPage, auth.PermImport))
	mux.Handle("POST /imports", c.page(c.importUpload, auth.PermImport))
	mux.Handle("GET /users", c.page(c.users, auth.PermUsers))
	mux.Handle("POST /users", c.page(c.createUser, auth.PermUsers))
	mux.Handle("POST /users/{id}", c.page(c.updateUser, auth.PermUsers))
	c.registerWorkflow(mux)
	c.registerFeedback(mux)
	// Everything else: the console's own 404 page, in the reader's language.
	mux.Handle("/", c.page(c.notFound, ""))
}

// notFound answers a path no route serves: the error page, or the API's JSON error under /api/.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, err := fmt.Fprintf(w, `{"error":{"code":%q,"message":"no such API path: see /api/v1/openapi.json"}}`+"\n", qa.ENotFound)
		return err
	}
	return qa.NewError(qa.ENotFound, c.t(r, "error.not_found"))
}

// page adapts an error-returning page handler: perm "" is public, "signed-in" needs any user.
func (c *Console) page(f func(w http.ResponseWriter, r *http.Request) error, perm auth.Perm) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth.FromContext(r.Context())
		if perm != "" && u == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if perm != "" && perm != "signed-in" && !u.Can(perm) {
			c.fail(w, r, qa.NewError(qa.EForbidden, c.t(r, "error.forbidden")))
			return
		}
		if err := f(w, r); err != nil {
			c.fail(w, r, err)
		}
	})
}

var statusOf = map[string]int{qa.EInvalid: 400, qa.EUnauthorized: 401, qa.EForbidden: 403, qa.ENotFound: 404, qa.EConflict: 409}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := qa.ErrorCode(err)
	status, ok := statusOf[code]
	msg := err.Error()
	if !ok {
		status = http.StatusInternalServerError
		msg = c.t(r, "error.internal")
		c.cfg.Log.ErrorContext(r.Context(), "console request failed", "path", r.URL.Path, "err", err)
	}
	var qe *qa.Error
	if errors.As(err, &qe) {
		msg = qe.Message
	}
	c.render(w, r, status, "error", map[string]any{"Status": status, "Message": msg})
}

// pageData is what every page template gets.
type pageData struct {
	Lang   string
	User   *auth.User
	Path   string
	Title  string
	Data   any
	Flash  string
	Assets map[string]string
	Unread int // the user's unread notifications, for the badge in the header
}

// render executes a page into a buffer first, so a template error never sends half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := c.pages[name]
	if !ok {
		return fmt.Errorf("console: no page %q", name)
	}
	v := pageData{Lang: c.lang(r), User: auth.FromContext(r.Context()), Path: r.URL.Path, Data: data, Assets: c.assets,
		Title: c.cat.T(c.lang(r), "page."+name)}
	if v.User != nil {
		v.Unread = c.unread(r, v.User)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return fmt.Errorf("console: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// lang is the user's remembered language, else a cookie (before sign-in), else Accept-Language.
func (c *Console) lang(r *http.Request) string {
	if u := auth.FromContext(r.Context()); u != nil && u.Lang != "" {
		return i18n.Match(u.Lang, "")
	}
	pref := ""
	if ck, err := r.Cookie("qloop_lang"); err == nil {
		pref = ck.Value
	}
	return i18n.Match(pref, r.Header.Get("Accept-Language"))
}

func (c *Console) t(r *http.Request, id string, args ...any) string {
	return c.cat.T(c.lang(r), id, args...)
}

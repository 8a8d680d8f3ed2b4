// Package server puts the console and the API on one port: sessions and API tokens, cross-origin
// protection for state-changing requests, security headers, request logs without personal data, and
// a graceful shutdown.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/console"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

// Config is what a server needs.
type Config struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// InsecureCookies drops the Secure flag, for plain HTTP on a LAN address (browsers accept Secure
	// cookies on http://localhost and 127.0.0.1 already). Behind TLS, leave it off.
	InsecureCookies bool
	Recordings      string // directory that relative recording paths are resolved against
	// Flow runs the review workflow; nil = defaults (7-day dispute window, no incident webhook).
	Flow *workflow.Service
	// MaxUpload bounds one import upload in bytes, MaxLine one line of it; 0 = the defaults
	// (api.DefaultMaxUpload, ingest.DefaultMaxLine).
	MaxUpload int64
	MaxLine   int
}

// SessionTTL is how long a console session lasts without a new sign-in.
const SessionTTL = 12 * time.Hour

// New returns the whole HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Flow == nil {
		cfg.Flow = &workflow.Service{Store: cfg.Store, Log: cfg.Log}
	}
	mux := http.NewServeMux()
	(&api.Handler{Store: cfg.Store, Flow: cfg.Flow, Log: cfg.Log, Now: cfg.Now, MaxUpload: cfg.MaxUpload, MaxLine: cfg.MaxLine}).Register(mux)
	console.New(console.Config{Store: cfg.Store, Flow: cfg.Flow, Log: cfg.Log, Now: cfg.Now, SessionTTL: SessionTTL,
		SecureCookies: !cfg.InsecureCookies, Recordings: cfg.Recordings, MaxUpload: cfg.MaxUpload, MaxLine: cfg.MaxLine,
		Limiter: auth.NewLimiter(5, 15*time.Minute, cfg.Now)}).Register(mux)
	a := &authn{store: cfg.Store, now: cfg.Now}
	cop := http.NewCrossOriginProtection()
	return recoverer(cfg.Log, logRequests(cfg.Log, headers(cop.Handler(a.wrap(mux)))))
}

// authn puts the caller (from an API token or a session cookie) into the request context.
type authn struct {
	store *store.Store
	now   func() time.Time
}

func (a *authn) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *auth.User
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			tok := strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
			if auth.IsAPIToken(tok) {
				u, _ = a.store.APITokenUser(r.Context(), auth.HashToken(tok))
			}
		} else if c, err := r.Cookie(console.SessionCookie); err == nil && c.Value != "" {
			u, _ = a.store.SessionUser(r.Context(), auth.HashToken(c.Value), a.now())
		}
		if u != nil && !u.Disabled {
			r = r.WithContext(auth.WithUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

// headers sets security headers on every answer.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path, status and time. Never the query string or bodies: a search can
// carry a phone number.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		lvl := slog.LevelDebug
		if sw.status >= 500 {
			lvl = slog.LevelWarn
		}
		log.Log(r.Context(), lvl, "http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				log.Error("panic serving request", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve listens on addr until ctx ends, then shuts down gracefully; ready (if not nil) gets the
// address actually bound (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}

package console

import (
	"net"
	"net/http"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/i18n"
	"qloop/internal/qa"
)

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) error {
	if auth.FromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return c.render(w, r, http.StatusOK, "login", map[string]any{"Next": r.URL.Query().Get("next")})
}

// safeNext only follows local paths after sign-in, never another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// login checks the password, throttled per account and client address (auth.Limiter), and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) error {
	username := auth.NormalizeUsername(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := r.PostFormValue("next")
	ip := clientIP(r)
	if wait := c.cfg.Limiter.RetryAfter(username, ip); wait > 0 {
		return c.render(w, r, http.StatusTooManyRequests, "login", map[string]any{"Next": next, "Username": username,
			"Error": c.t(r, "login.locked", "Minutes", int(wait.Minutes())+1)})
	}
	u, err := c.cfg.Store.UserByUsername(r.Context(), username)
	if err != nil && qa.ErrorCode(err) != qa.ENotFound {
		return err
	}
	// CheckLogin spends the same time on an unknown account, so timing does not reveal usernames.
	if !auth.CheckLogin(u, password) {
		c.cfg.Limiter.Fail(username, ip)
		c.cfg.Log.Info("sign-in failed", "ip", ip)
		return c.render(w, r, http.StatusUnauthorized, "login", map[string]any{"Next": next, "Username": username, "Error": c.t(r, "login.failed")})
	}
	c.cfg.Limiter.Succeed(username, ip)
	plain, hash := auth.NewToken()
	if err := c.cfg.Store.CreateSession(r.Context(), u.ID, hash, c.cfg.Now().Add(c.cfg.SessionTTL)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: plain, Path: "/", HttpOnly: true, Secure: c.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(c.cfg.SessionTTL.Seconds())})
	c.cfg.Log.Info("signed in", "user", u.ID)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) error {
	if ck, err := r.Cookie(SessionCookie); err == nil {
		if err := c.cfg.Store.DeleteSession(r.Context(), auth.HashToken(ck.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: c.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// setLang switches the language: remembered on the account when signed in, in a cookie before.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.Match(r.PostFormValue("lang"), "")
	if u := auth.FromContext(r.Context()); u != nil {
		u.Lang = lang
		if err := c.cfg.Store.UpdateUser(r.Context(), u); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "qloop_lang", Value: lang, Path: "/", HttpOnly: true, Secure: c.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

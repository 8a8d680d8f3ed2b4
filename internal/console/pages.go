package console

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/ingest"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/view"
)

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	f, err := api.DashFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if !view.RestrictDash(u, &f) {
		return qa.NewError(qa.EForbidden, c.t(r, "error.no_scope"))
	}
	d, err := c.cfg.Store.Dashboard(r.Context(), f)
	if err != nil {
		return err
	}
	// The charts fetch the same filter from the API: re-encoded from the keys the dashboard reads, and
	// typed as a URL so that html/template keeps its '=' and '&'.
	q := url.Values{}
	for _, k := range []string{"from", "to", "agent", "team", "channel", "scorecard"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	// The failed-items chart names the items as the reader reads them.
	all, err := c.cfg.Store.ItemNames(r.Context())
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, it := range d.TopFailed {
		names[it.Item] = c.itemName(c.lang(r), it.Item, all.Name(f.Scorecard, it.Item))
	}
	return c.render(w, r, http.StatusOK, "dashboard", map[string]any{"D": d, "Q": r.URL.Query(), "Query": template.URL(q.Encode()),
		"Names": names})
}

func (c *Console) records(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	q := r.URL.Query()
	// A sortable heading submits the form with its order after the form's current one: it wins.
	if s := q["sort"]; len(s) > 1 {
		q["sort"] = s[len(s)-1:]
	}
	f, err := api.RecordFilter(q)
	if err != nil {
		return err
	}
	var page store.RecordPage
	if view.Restrict(u, &f) {
		if page, err = c.cfg.Store.Records(r.Context(), f); err != nil {
			return err
		}
		view.Snippets(u, &page)
	}
	names, err := c.cfg.Store.ItemNames(r.Context())
	if err != nil {
		return err
	}
	// The failed-item filter suggests the items by name (either a name or an id is accepted).
	var items []string
	for _, it := range names.All() {
		if n := c.itemName(c.lang(r), it[0], it[1]); !slices.Contains(items, n) {
			items = append(items, n)
		}
	}
	slices.Sort(items)
	data := map[string]any{"Page": page, "Q": q, "Scope": u.Scope(), "Items": items, "Sorts": store.Sorts}
	if u.Scope().All || u.Scope().Team != "" {
		agents, err := c.cfg.Store.Agents(r.Context())
		if err != nil {
			return err
		}
		if t := u.Scope().Team; t != "" {
			var mine []store.AgentInfo
			for _, a := range agents {
				if a.Team == t {
					mine = append(mine, a)
				}
			}
			agents = mine
		}
		data["Agents"] = agents
	}
	if u.Scope().All {
		if data["Teams"], err = c.cfg.Store.Teams(r.Context()); err != nil {
			return err
		}
	}
	if data["BusinessTypes"], err = c.cfg.Store.BusinessTypes(r.Context()); err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "records", data)
}

// dimensionView groups one inspection's findings by the scorecard's dimensions.
type dimensionView struct {
	Dim   qa.Dimension
	Items []itemView
}

type itemView struct {
	Item    qa.Item
	Finding qa.Finding
}

type inspectionView struct {
	In   qa.Inspection
	Dims []dimensionView
}

// noRecord says in the reader's language that a record does not exist or is not theirs to see
// (one message for both, so that its existence does not leak).
func (c *Console) noRecord(r *http.Request, err error) error {
	if qa.ErrorCode(err) == qa.ENotFound {
		return qa.NewError(qa.ENotFound, c.t(r, "error.record_not_found", "ID", r.PathValue("id")))
	}
	return err
}

func (c *Console) record(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := api.VisibleRecord(r, c.cfg.Store, r.PathValue("id"))
	if err != nil {
		return c.noRecord(r, err)
	}
	rec, rev, ins, err := api.LoadRecord(r, c.cfg.Store, r.PathValue("id"))
	if err != nil {
		return err
	}
	var views []inspectionView
	for _, in := range ins {
		iv := inspectionView{In: in}
		sc, _, _, err := c.cfg.Store.Scorecard(r.Context(), in.Scorecard, in.Version)
		if err == nil {
			byID := map[string]qa.Finding{}
			for _, f := range in.Findings {
				byID[f.Item] = f
			}
			for _, d := range sc.Dimensions {
				dv := dimensionView{Dim: d}
				for _, it := range d.Items {
					dv.Items = append(dv.Items, itemView{Item: it, Finding: byID[it.ID]})
				}
				iv.Dims = append(iv.Dims, dv)
			}
		}
		views = append(views, iv)
	}
	var findings []qa.Finding
	if len(ins) > 0 {
		findings = ins[0].Findings
	}
	data := map[string]any{"R": rec, "Rev": rev, "Inspections": views,
		"Findings": findings, "Audio": c.recordingPath(raw) != "", "Masked": !auth.FromContext(r.Context()).Can(auth.PermPersonalData)}
	// The human review: reviews, disputes, slips, tasks, the actions the user may take and the history.
	flow, err := c.recordWorkflow(r, rec.ID)
	if err != nil {
		return err
	}
	for k, v := range flow {
		data[k] = v
	}
	// The score the record counts with, and where it comes from; not for a blind reviewer.
	if blind, _ := data["Blind"].(bool); !blind {
		if data["Final"], err = c.cfg.Store.Final(r.Context(), rec.ID); err != nil {
			return err
		}
	}
	return c.render(w, r, http.StatusOK, "record", data)
}

// recordingPath resolves a record's recording to a readable local file, or "".
func (c *Console) recordingPath(rec *qa.Record) string {
	if rec.Recording == "" || c.cfg.Recordings == "" || strings.Contains(rec.Recording, "://") {
		return ""
	}
	p := filepath.Join(c.cfg.Recordings, filepath.Clean("/"+rec.Recording))
	if fi, err := os.Stat(p); err != nil || fi.IsDir() {
		return ""
	}
	return p
}

// recording streams the audio with range support, so the player can seek to a turn.
func (c *Console) recording(w http.ResponseWriter, r *http.Request) error {
	rec, _, err := api.VisibleRecord(r, c.cfg.Store, r.PathValue("id"))
	if err != nil {
		return c.noRecord(r, err)
	}
	p := c.recordingPath(rec) // the unmasked path: masking may hide a phone number in the file name
	if p == "" {
		return qa.NewError(qa.ENotFound, c.t(r, "record.no_audio"))
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	http.ServeContent(w, r, filepath.Base(p), fi.ModTime(), f)
	return nil
}

func (c *Console) scorecards(w http.ResponseWriter, r *http.Request) error {
	list, err := c.cfg.Store.Scorecards(r.Context())
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "scorecards", map[string]any{"List": list})
}

func (c *Console) scorecard(w http.ResponseWriter, r *http.Request) error {
	v, _ := strconv.Atoi(r.URL.Query().Get("version"))
	sc, src, active, err := c.cfg.Store.Scorecard(r.Context(), r.PathValue("name"), v)
	if err != nil {
		return err
	}
	list, err := c.cfg.Store.Scorecards(r.Context())
	if err != nil {
		return err
	}
	var versions []store.ScorecardInfo
	for _, s := range list {
		if s.Name == sc.Name {
			versions = append(versions, s)
		}
	}
	return c.render(w, r, http.StatusOK, "scorecard", map[string]any{"S": sc, "Src": string(src), "Active": active, "Versions": versions})
}

func (c *Console) importPage(w http.ResponseWriter, r *http.Request) error {
	return c.render(w, r, http.StatusOK, "imports", map[string]any{})
}

func (c *Console) importUpload(w http.ResponseWriter, r *http.Request) error {
	up, err := api.ReadUpload(w, r, c.cfg.MaxUpload)
	if err != nil {
		msg := c.t(r, "import.no_file")
		if qe := (*qa.Error)(nil); errors.As(err, &qe) && strings.Contains(qe.Message, "--max-upload") {
			msg = qe.Message // too large: say how large may be
		}
		return c.render(w, r, http.StatusBadRequest, "imports", map[string]any{"Error": msg})
	}
	res, err := api.ImportWith(r.Context(), c.cfg.Store, auth.FromContext(r.Context()), up.Body, up.Name, ingest.Options{Format: up.Format, MaxLine: c.cfg.MaxLine})
	if err != nil {
		if qa.ErrorCode(err) == qa.EInternal && !strings.Contains(err.Error(), "unknown format") {
			return err
		}
		return c.render(w, r, http.StatusBadRequest, "imports", map[string]any{"Error": err.Error(), "Result": res})
	}
	return c.render(w, r, http.StatusOK, "imports", map[string]any{"Result": res})
}

func (c *Console) users(w http.ResponseWriter, r *http.Request) error {
	us, err := c.cfg.Store.Users(r.Context())
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "users", map[string]any{"Users": us, "Flash": r.URL.Query().Get("done")})
}

func (c *Console) createUser(w http.ResponseWriter, r *http.Request) error {
	u := &auth.User{Username: auth.NormalizeUsername(r.PostFormValue("username")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: auth.Role(r.PostFormValue("role")), AgentID: strings.TrimSpace(r.PostFormValue("agent_id")),
		Team: strings.TrimSpace(r.PostFormValue("team")), Lang: "zh-CN", CreatedAt: c.cfg.Now()}
	pw := r.PostFormValue("password")
	err := u.Validate()
	if err == nil {
		err = auth.ValidateUserPassword(u.Username, pw)
	}
	if err == nil {
		if u.PasswordHash, err = auth.HashPassword(pw); err == nil {
			err = c.cfg.Store.CreateUser(r.Context(), u)
		}
	}
	if err != nil {
		if qa.ErrorCode(err) == qa.EInternal {
			return err
		}
		us, lerr := c.cfg.Store.Users(r.Context())
		if lerr != nil {
			return lerr
		}
		return c.render(w, r, http.StatusBadRequest, "users", map[string]any{"Users": us, "Error": err.Error(), "Form": u})
	}
	http.Redirect(w, r, "/users?done="+url.QueryEscape(u.Username), http.StatusSeeOther)
	return nil
}

func (c *Console) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return qa.NewError(qa.ENotFound, "no such user")
	}
	u, err := c.cfg.Store.User(r.Context(), id)
	if err != nil {
		return err
	}
	me := auth.FromContext(r.Context())
	switch r.PostFormValue("action") {
	case "disable", "enable":
		if u.ID == me.ID {
			return qa.NewError(qa.EInvalid, c.t(r, "users.not_self"))
		}
		u.Disabled = r.PostFormValue("action") == "disable"
		if err := c.cfg.Store.UpdateUser(r.Context(), u); err != nil {
			return err
		}
		if u.Disabled {
			if _, err := c.cfg.Store.DeleteUserSessions(r.Context(), u.ID); err != nil {
				return err
			}
		}
	case "password":
		pw := r.PostFormValue("password")
		if err := auth.ValidateUserPassword(u.Username, pw); err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if err := c.cfg.Store.SetPassword(r.Context(), u.ID, hash); err != nil {
			return err
		}
		if _, err := c.cfg.Store.DeleteUserSessions(r.Context(), u.ID); err != nil {
			return err
		}
	default:
		return qa.NewError(qa.EInvalid, "unknown action")
	}
	http.Redirect(w, r, "/users?done="+url.QueryEscape(u.Username), http.StatusSeeOther)
	return nil
}

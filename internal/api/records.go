package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/view"
)

var listParams = []param{
	{"from", "query", "string", "started on or after this day (2026-11-01) or RFC 3339 time", false},
	{"to", "query", "string", "started before the end of this day, or before this RFC 3339 time", false},
	{"agent", "query", "string", "agent id", false},
	{"team", "query", "string", "team", false},
	{"channel", "query", "string", "call, chat, email or ticket", false},
	{"business_type", "query", "string", "business type", false},
	{"score_min", "query", "number", "lowest score", false},
	{"score_max", "query", "number", "highest score", false},
	{"failed_item", "query", "string", "records whose final result (a review where there is one, else the latest inspection) failed this item (its id or its name)", false},
	{"fatal", "query", "boolean", "only records with a fatal (红线) failure", false},
	{"q", "query", "string", "full-text search in transcripts, or a record id prefix; each row found in a transcript carries the matched Snippet", false},
	{"sort", "query", "string", "time (newest first, the default), time_asc, score (worst first), score_desc or agent", false},
	{"cursor", "query", "string", "the `next` of the previous page", false},
	{"limit", "query", "integer", "page size, 1–200 (default 50)", false},
}

var dashParams = []param{
	{"from", "query", "string", "first day (2026-11-01)", false},
	{"to", "query", "string", "last day", false},
	{"agent", "query", "string", "agent id", false},
	{"team", "query", "string", "team", false},
	{"channel", "query", "string", "channel", false},
	{"scorecard", "query", "string", "scorecard name", false},
}

// RecordFilter reads the list filters of a query string (shared with the console).
func RecordFilter(q map[string][]string) (store.RecordFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var f store.RecordFilter
	var err error
	if f.From, err = day(get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = day(get("to"), true); err != nil {
		return f, err
	}
	f.AgentID, f.Team, f.Channel, f.BusinessType = get("agent"), get("team"), get("channel"), get("business_type")
	f.FailedItem, f.Query, f.Cursor, f.Sort = get("failed_item"), get("q"), get("cursor"), get("sort")
	f.FatalOnly = get("fatal") == "true" || get("fatal") == "1" || get("fatal") == "on"
	for _, s := range []struct {
		key string
		dst **float64
	}{{"score_min", &f.ScoreMin}, {"score_max", &f.ScoreMax}} {
		if v := get(s.key); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return f, qa.NewError(qa.EInvalid, s.key+" must be a number such as 60")
			}
			*s.dst = &x
		}
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return f, qa.NewError(qa.EInvalid, "limit must be a whole number from 1 to 200")
		}
		f.Limit = n
	}
	return f, nil
}

// cst is the contact centre's clock for day boundaries in filters.
var cst = time.FixedZone("CST", 8*3600)

// day parses 2026-11-02 (a whole day in +08:00; end=true gives the next midnight) or an RFC 3339 time.
func day(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, cst); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, qa.NewError(qa.EInvalid, "date "+strconv.Quote(s)+" is not a day like 2026-11-02 or an RFC 3339 time")
}

func (h *Handler) listRecords(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	f, err := RecordFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if !view.Restrict(u, &f) {
		return writeJSON(w, http.StatusOK, store.RecordPage{Rows: []store.RecordRow{}})
	}
	page, err := h.Store.Records(r.Context(), f)
	if err != nil {
		return err
	}
	if page.Rows == nil {
		page.Rows = []store.RecordRow{}
	}
	view.Snippets(u, &page)
	return writeJSON(w, http.StatusOK, page)
}

// recordDetail is a record with its inspections, newest first, and its revisions' count.
type recordDetail struct {
	Record      *qa.Record      `json:"record"`
	Rev         int             `json:"rev"`
	Inspections []qa.Inspection `json:"inspections"`
	// Final is the score the record counts with in lists and figures and where it comes from
	// (score_source: review or auto); left out for an inspector reviewing the record blind.
	Final  *store.FinalResult `json:"final,omitempty"`
	Masked bool               `json:"masked"`
	// Knowledge is each knowledge-base topic the customer raised and the key facts the agent's
	// answer covered or missed (B4).
	Knowledge []knowledge.Result `json:"knowledge"`
}

// VisibleRecord returns the record unmasked if u may see it at all, else not-found (so that its
// existence does not leak). Only for server-side use such as finding the recording file.
func VisibleRecord(r *http.Request, st *store.Store, id string) (*qa.Record, int, error) {
	rec, rev, err := st.Record(r.Context(), id)
	if err != nil {
		return nil, 0, err
	}
	if !view.Visible(auth.FromContext(r.Context()), rec) {
		// Word for word the store's answer for a missing record, so the message cannot tell them apart.
		return nil, 0, qa.NewError(qa.ENotFound, fmt.Sprintf("record %q not found", id))
	}
	return rec, rev, nil
}

// LoadRecord returns the record and its inspections as u may see them (masked without the right).
// Shared with the console.
func LoadRecord(r *http.Request, st *store.Store, id string) (*qa.Record, int, []qa.Inspection, error) {
	rec, rev, err := VisibleRecord(r, st, id)
	if err != nil {
		return nil, 0, nil, err
	}
	ins, err := st.Inspections(r.Context(), id)
	if err != nil {
		return nil, 0, nil, err
	}
	rec, ins = view.Record(auth.FromContext(r.Context()), rec, ins)
	return rec, rev, ins, nil
}

func (h *Handler) getRecord(w http.ResponseWriter, r *http.Request) error {
	rec, rev, ins, err := LoadRecord(r, h.Store, r.PathValue("id"))
	if err != nil {
		return err
	}
	if ins == nil {
		ins = []qa.Inspection{}
	}
	u := auth.FromContext(r.Context())
	kb, err := h.Flow.Knowledge(r.Context())
	if err != nil {
		return err
	}
	found := kb.Check(rec) // on the record as the caller sees it, so no unmasked text can slip through
	if found == nil {
		found = []knowledge.Result{}
	}
	out := recordDetail{Record: rec, Rev: rev, Inspections: ins, Masked: !u.Can(auth.PermPersonalData), Knowledge: found}
	blind, err := h.Store.BlindFor(r.Context(), u.ID, rec.ID)
	if err != nil {
		return err
	}
	if !blind {
		final, err := h.Store.Final(r.Context(), rec.ID)
		if err != nil {
			return err
		}
		out.Final = &final
	}
	return writeJSON(w, http.StatusOK, out)
}

// DashFilter reads the dashboard filters of a query string (shared with the console).
func DashFilter(q map[string][]string) (store.DashFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var f store.DashFilter
	var err error
	if f.From, err = day(get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = day(get("to"), true); err != nil {
		return f, err
	}
	f.AgentID, f.Team, f.Channel, f.Scorecard = get("agent"), get("team"), get("channel"), get("scorecard")
	return f, nil
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	f, err := DashFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if !view.RestrictDash(u, &f) {
		return qa.NewError(qa.EForbidden, "your account is not linked to an agent id or team; ask an administrator")
	}
	d, err := h.Store.Dashboard(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

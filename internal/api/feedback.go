package api

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/feedback"
	"qloop/internal/ingest"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/view"
)

// feedbackRoutes are customer feedback (A2) and its verification (A3).
func feedbackRoutes() []route {
	fbID := []param{{"id", "path", "integer", "feedback entry number", true}}
	return []route{
		{"GET", "/api/v1/feedback", auth.PermFeedback, "feedback entries on the records the caller may see, newest first, each with its current verification results", "feedback", []param{
			{"kind", "query", "string", "rating, callback, complaint or escalation", false}, {"record_id", "query", "string", "record id", false},
			{"status", "query", "string", "with a current check of this status: contradiction, confirmed, pending, callback_due, late, unverifiable, resolved", false},
			{"before", "query", "integer", "page before this entry number", false}, {"limit", "query", "integer", "at most (default 200, max 1000)", false}}, "", "FeedbackList", (*Handler).listFeedback},
		{"POST", "/api/v1/feedback", auth.PermFeedbackEdit, "enter or correct one feedback entry (a change is a new revision, with the reason)", "feedback", nil, "FeedbackInput", "FeedbackSaved", (*Handler).saveFeedback},
		{"POST", "/api/v1/feedback/imports", auth.PermFeedbackEdit, "upload a file of feedback (multipart field `file`; JSON Lines, CSV or XLSX); valid entries land, each line that does not resolve is listed", "feedback", []param{
			{"format", "query", "string", "jsonl, csv or xlsx (default: by file name)", false},
			{"kind", "query", "string", "the kind of rows without a kind column", false}}, "Upload", "FeedbackImport", (*Handler).importFeedback},
		{"POST", "/api/v1/feedback/verify", auth.PermFeedbackVerify, "run the verification: cross-check feedback against record facts and store each result beside the entry", "feedback", nil, "", "FeedbackRun", (*Handler).verifyFeedback},
		{"GET", "/api/v1/feedback/overdue", auth.PermFeedback, "entries with an overdue callback (due within 3 days of the service) or 待核实 follow-up (24 h)", "feedback", nil, "", "FeedbackList", (*Handler).overdueFeedback},
		{"GET", "/api/v1/feedback/{id}", auth.PermFeedback, "one entry with every revision (who or which file changed it, and why) and every verification result", "feedback", fbID, "", "FeedbackDetail", (*Handler).getFeedback},
		{"POST", "/api/v1/feedback/{id}/follow-up", auth.PermFeedbackVerify, "record the follow-up of an open check (待核实 answered, callback made)", "feedback", fbID, "FollowUp", "FeedbackCheck", (*Handler).followUpFeedback},
	}
}

func init() {
	for k, v := range map[string]obj{
		"FeedbackEntry":  schemaFor[feedback.Entry](),
		"FeedbackItem":   schemaFor[feedback.Item](),
		"FeedbackCheck":  schemaFor[feedback.Check](),
		"FeedbackList":   props(nil, "entries", arr(ref("FeedbackItem"))),
		"FeedbackInput":  schemaFor[feedbackInput](),
		"FeedbackSaved":  props(nil, "id", integ, "created", boolT, "changed", boolT),
		"FeedbackImport": schemaFor[FeedbackImport](),
		"FeedbackRun":    schemaFor[feedback.RunResult](),
		"FeedbackDetail": props(nil, "entry", ref("FeedbackItem"), "revisions", arr(schemaFor[feedback.Revision]()), "checks", arr(ref("FeedbackCheck")), "masked", boolT),
		"FollowUp":       props([]string{"rule", "note"}, "rule", str, "note", str),
	} {
		schemas[k] = v
	}
	created["POST /api/v1/feedback"] = true
}

// FeedbackImport is the answer to a feedback upload.
type FeedbackImport struct {
	File      string         `json:"file"`
	Read      int            `json:"read"`
	Inserted  int            `json:"inserted"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Rejected  int            `json:"rejected"`
	Rejects   []ImportReject `json:"rejects"`
}

// ImportFeedback loads an uploaded feedback file as u (shared with the console's feedback page).
func ImportFeedback(ctx context.Context, st *store.Store, u *auth.User, body io.Reader, name, format, kind string) (FeedbackImport, error) {
	res := FeedbackImport{File: filepath.Base(name), Rejects: []ImportReject{}}
	src := feedback.Source{File: res.File, Actor: u.Username, Reason: "导入 " + res.File}
	r, err := feedback.Import(ctx, st, body, res.File, feedback.ReadOptions{Format: format, Kind: kind}, src, func(rj ingest.Reject) {
		if len(res.Rejects) < maxListedRejects {
			res.Rejects = append(res.Rejects, ImportReject{Line: rj.Line, Reason: view.Text(u, rj.Reason)})
		}
	})
	res.Read, res.Inserted, res.Updated, res.Unchanged, res.Rejected = r.Read, r.Inserted, r.Updated, r.Unchanged, r.Rejected
	if err != nil && qa.ErrorCode(err) == qa.EInternal && !strings.Contains(err.Error(), "store:") {
		err = qa.NewError(qa.EInvalid, view.Text(u, err.Error())) // the file's fault: no header, not a workbook …
	}
	return res, err
}

func (h *Handler) importFeedback(w http.ResponseWriter, r *http.Request) error {
	up, err := ReadUpload(w, r, h.MaxUpload)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = up.Format
	}
	res, err := ImportFeedback(r.Context(), h.Store, auth.FromContext(r.Context()), up.Body, up.Name, format, q.Get("kind"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// feedbackFilter reads the list filter from the query and narrows it to the caller's scope.
func feedbackFilter(r *http.Request) (feedback.Filter, bool, error) {
	q := r.URL.Query()
	f := feedback.Filter{Kind: q.Get("kind"), RecordID: q.Get("record_id"), Status: q.Get("status")}
	for name, dst := range map[string]*int64{"before": &f.Before} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return f, false, qa.NewError(qa.EInvalid, name+" must be an entry number")
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, false, qa.NewError(qa.EInvalid, "limit must be a positive number")
		}
		f.Limit = n
	}
	return f, feedback.Restrict(auth.FromContext(r.Context()), &f), nil
}

func (h *Handler) listFeedback(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := feedbackFilter(r)
	if err != nil {
		return err
	}
	return h.writeFeedback(w, r, f, ok)
}

func (h *Handler) overdueFeedback(w http.ResponseWriter, r *http.Request) error {
	f := feedback.Filter{Overdue: h.now(), Limit: 1000}
	return h.writeFeedback(w, r, f, feedback.Restrict(auth.FromContext(r.Context()), &f))
}

func (h *Handler) writeFeedback(w http.ResponseWriter, r *http.Request, f feedback.Filter, ok bool) error {
	items := []feedback.Item{}
	if ok {
		var err error
		if items, err = h.Store.Feedback(r.Context(), f); err != nil {
			return err
		}
	}
	u := auth.FromContext(r.Context())
	for i := range items {
		feedback.MaskItem(u, &items[i])
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": items})
}

// feedbackInput is one entry entered by hand, with why it changed.
type feedbackInput struct {
	feedback.Entry
	Reason string `json:"reason"`
}

func (h *Handler) saveFeedback(w http.ResponseWriter, r *http.Request) error {
	var in feedbackInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	if strings.TrimSpace(in.Reason) == "" {
		in.Reason = "录入 entered by " + u.Username
	}
	res, err := h.Store.UpsertFeedback(r.Context(), []feedback.Entry{in.Entry}, feedback.Source{Actor: u.Username, Reason: in.Reason})
	if err != nil {
		return err
	}
	if len(res.Missing) > 0 {
		return qa.NewError(qa.EInvalid, "unknown record id "+strconv.Quote(in.RecordID)+": import the service record first, or fix the id")
	}
	items, err := h.Store.Feedback(r.Context(), feedback.Filter{RecordID: in.RecordID, Kind: in.Kind, Limit: 1000})
	if err != nil {
		return err
	}
	var id int64
	for _, it := range items {
		if it.Key() == in.Key() {
			id = it.ID
		}
	}
	status := http.StatusOK
	if res.Inserted > 0 {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"id": id, "created": res.Inserted > 0, "changed": res.Updated > 0})
}

func (h *Handler) verifyFeedback(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	res, err := h.Store.VerifyFeedback(r.Context(), feedback.Options{Now: h.now(), By: u.Username})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// visibleFeedback reads entry id, answering 404 when the caller may not see its record.
func (h *Handler) visibleFeedback(r *http.Request) (feedback.Item, []feedback.Revision, []feedback.Check, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.Item{}, nil, nil, qa.NewError(qa.EInvalid, "the feedback id must be a number")
	}
	it, revs, checks, err := h.Store.FeedbackEntry(r.Context(), id)
	if err != nil {
		return it, nil, nil, err
	}
	if !feedback.Visible(auth.FromContext(r.Context()), it.AgentID, it.Team) {
		return it, nil, nil, qa.NewError(qa.ENotFound, "没有反馈 "+r.PathValue("id")+" · no feedback entry "+r.PathValue("id"))
	}
	return it, revs, checks, nil
}

func (h *Handler) getFeedback(w http.ResponseWriter, r *http.Request) error {
	it, revs, checks, err := h.visibleFeedback(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	names := it.CustomerName
	feedback.MaskItem(u, &it)
	it.CustomerName = names
	for i := range revs {
		feedback.MaskFor(u, &revs[i].Entry, it.CustomerName)
		revs[i].Reason = view.Text(u, revs[i].Reason)
	}
	for i := range checks {
		checks[i].Note = view.Text(u, checks[i].Note)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entry": it, "revisions": revs, "checks": checks, "masked": !u.Can(auth.PermPersonalData)})
}

func (h *Handler) followUpFeedback(w http.ResponseWriter, r *http.Request) error {
	it, _, _, err := h.visibleFeedback(r)
	if err != nil {
		return err
	}
	var in struct {
		Rule string `json:"rule"`
		Note string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.Store.FollowUpFeedback(r.Context(), it.ID, in.Rule, in.Note, auth.FromContext(r.Context()).Username)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return h.Store.Now()
}

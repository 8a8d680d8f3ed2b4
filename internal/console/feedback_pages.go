package console

import (
	"fmt"
	"net/http"
	"net/url"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/feedback"
	"qloop/internal/qa"
	"qloop/internal/view"
)

// registerFeedback adds the customer-feedback pages (A2, A3).
func (c *Console) registerFeedback(mux *http.ServeMux) {
	mux.Handle("GET /feedback", c.page(c.feedbackList, auth.PermFeedback))
	mux.Handle("POST /feedback/imports", c.page(c.feedbackUpload, auth.PermFeedbackEdit))
	mux.Handle("POST /feedback/verify", c.page(c.feedbackVerify, auth.PermFeedbackVerify))
	mux.Handle("GET /feedback/{id}", c.page(c.feedbackEntry, auth.PermFeedback))
	mux.Handle("POST /feedback/{id}/follow-up", c.page(c.feedbackFollowUp, auth.PermFeedbackVerify))
}

// feedbackList shows the entries the user may see (filtered by kind, check status, or overdue),
// the verification button and the import form.
func (c *Console) feedbackList(w http.ResponseWriter, r *http.Request) error {
	return c.renderFeedback(w, r, http.StatusOK, map[string]any{})
}

func (c *Console) renderFeedback(w http.ResponseWriter, r *http.Request, status int, data map[string]any) error {
	u := auth.FromContext(r.Context())
	q := r.URL.Query()
	f := feedback.Filter{Kind: q.Get("kind"), Status: q.Get("status"), RecordID: q.Get("record"), Limit: 300}
	if q.Get("overdue") == "1" {
		f.Overdue = c.cfg.Now()
	}
	items := []feedback.Item{}
	if feedback.Restrict(u, &f) {
		var err error
		if items, err = c.cfg.Store.Feedback(r.Context(), f); err != nil {
			return err
		}
	}
	for i := range items {
		feedback.MaskItem(u, &items[i])
	}
	data["List"], data["Kinds"], data["Statuses"] = items, feedback.Kinds, []string{feedback.StatusContradiction,
		feedback.StatusPending, feedback.StatusCallbackDue, feedback.StatusLate, feedback.StatusUnverifiable, feedback.StatusConfirmed, feedback.StatusResolved}
	data["Kind"], data["Status"], data["Overdue"], data["Now"] = f.Kind, f.Status, q.Get("overdue") == "1", c.cfg.Now()
	if data["Flash"] == nil {
		data["Flash"] = q.Get("done")
	}
	return c.render(w, r, status, "feedback", data)
}

func (c *Console) feedbackUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return c.renderFeedback(w, r, http.StatusBadRequest, map[string]any{"Error": c.t(r, "import.no_file")})
	}
	defer file.Close()
	res, err := api.ImportFeedback(r.Context(), c.cfg.Store, auth.FromContext(r.Context()), file, hdr.Filename, "", r.PostFormValue("kind"))
	if err != nil {
		if qa.ErrorCode(err) == qa.EInternal {
			return err
		}
		return c.renderFeedback(w, r, http.StatusBadRequest, map[string]any{"Error": err.Error(), "Result": res})
	}
	return c.renderFeedback(w, r, http.StatusOK, map[string]any{"Result": res})
}

func (c *Console) feedbackVerify(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	res, err := c.cfg.Store.VerifyFeedback(r.Context(), feedback.Options{Now: c.cfg.Now(), By: u.Username})
	if err != nil {
		return err
	}
	msg := c.t(r, "fb.verified", "Entries", res.Entries, "Added", res.Added, "Contradictions", res.Contradictions,
		"Pending", res.Pending, "Callbacks", res.CallbacksDue, "Overdue", res.Overdue)
	return redirect(w, r, "/feedback?done="+url.QueryEscape(msg))
}

func (c *Console) feedbackEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	it, revs, checks, err := c.cfg.Store.FeedbackEntry(r.Context(), id)
	if err != nil {
		return err
	}
	if !feedback.Visible(u, it.AgentID, it.Team) {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("没有反馈 %d · no feedback entry %d", id, id))
	}
	name := it.CustomerName
	feedback.MaskItem(u, &it)
	for i := range revs {
		feedback.MaskFor(u, &revs[i].Entry, name)
		revs[i].Reason = view.Text(u, revs[i].Reason)
	}
	for i := range checks {
		checks[i].Note = view.Text(u, checks[i].Note)
	}
	return c.render(w, r, http.StatusOK, "feedback_entry", map[string]any{"E": &it, "Revisions": revs, "History": checks,
		"Now": c.cfg.Now(), "Dims": feedback.Dimensions, "Flash": r.URL.Query().Get("done")})
}

func (c *Console) feedbackFollowUp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	it, _, _, err := c.cfg.Store.FeedbackEntry(r.Context(), id)
	if err != nil {
		return err
	}
	if !feedback.Visible(u, it.AgentID, it.Team) {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("没有反馈 %d · no feedback entry %d", id, id))
	}
	if _, err := c.cfg.Store.FollowUpFeedback(r.Context(), id, r.PostFormValue("rule"), r.PostFormValue("note"), u.Username); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/feedback/%d?done=%s", id, url.QueryEscape(c.t(r, "fb.followed_up"))))
}

package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/view"
)

// ---- disputes (D1) ----

func (c *Console) disputes(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	open := r.URL.Query().Get("open") == "1"
	ds, err := c.cfg.Flow.Disputes(r.Context(), u, store.ScopeFilter{Open: open, Limit: 500})
	if err != nil {
		return err
	}
	for i := range ds {
		ds[i].Reason = view.Text(u, ds[i].Reason)
	}
	return c.render(w, r, http.StatusOK, "disputes", map[string]any{"List": ds, "Open": open})
}

func (c *Console) disputePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	d, err := c.cfg.Flow.Dispute(r.Context(), u, id)
	if err != nil {
		return err
	}
	d.Reason, d.DecisionNote = view.Text(u, d.Reason), view.Text(u, d.DecisionNote)
	data := map[string]any{"D": d}
	if u.Can(auth.PermDisputeDecide) {
		first, err := c.cfg.Store.Review(r.Context(), d.ReviewID)
		if err != nil {
			return err
		}
		data["FirstReviewer"] = first.Reviewer
		ins, err := c.inspectors(r.Context())
		if err != nil {
			return err
		}
		// The second review is blind and by someone else (双人复核): never the first reviewer.
		data["Inspectors"] = slices.DeleteFunc(ins, func(x auth.User) bool { return x.ID == first.ReviewerID })
		data["CanAssign"] = d.Status == review.DisputeOpen || (d.Status == review.DisputeRereview && d.RereviewID == 0)
		data["CanDecide"] = d.Status == review.DisputeDecision
	}
	return c.render(w, r, http.StatusOK, "dispute", data)
}

func (c *Console) raiseDispute(w http.ResponseWriter, r *http.Request) error {
	rid, err := formInt(r, "review_id")
	if err != nil {
		return err
	}
	d, err := c.cfg.Flow.RaiseDispute(r.Context(), auth.FromContext(r.Context()), rid, r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/disputes/%d", d.ID))
}

func (c *Console) assignDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	insp, err := formInt(r, "inspector_id")
	if err != nil {
		return err
	}
	if _, err := c.cfg.Flow.AssignDispute(r.Context(), auth.FromContext(r.Context()), id, insp); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/disputes/%d", id))
}

func (c *Console) decideDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := c.cfg.Flow.DecideDispute(r.Context(), auth.FromContext(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("note")); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/disputes/%d", id))
}

// ---- communication slips (D3) ----

type slipRow struct {
	S       review.Slip
	Overdue bool
}

func slipRows(ss []review.Slip, now time.Time) []slipRow {
	out := make([]slipRow, len(ss))
	for i := range ss {
		out[i] = slipRow{ss[i], ss[i].Overdue(now)}
	}
	return out
}

func (c *Console) slips(w http.ResponseWriter, r *http.Request) error {
	open := r.URL.Query().Get("open") == "1"
	ss, err := c.cfg.Flow.Slips(r.Context(), auth.FromContext(r.Context()), store.ScopeFilter{Open: open, Limit: 500})
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "slips", map[string]any{"List": slipRows(ss, c.cfg.Now()), "Open": open})
}

func (c *Console) slipPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	sl, err := c.cfg.Flow.Slip(r.Context(), u, id)
	if err != nil {
		return err
	}
	// "x" stands in for the note: the form asks for it where the step needs one.
	canAct := review.CanAdvance(u, sl, "x") == nil
	return c.render(w, r, http.StatusOK, "slip", map[string]any{"S": sl, "Overdue": sl.Overdue(c.cfg.Now()), "CanAct": canAct,
		"NeedNote": sl.Step == review.SlipTalk || sl.Step == review.SlipAgentAck, "Steps": review.SlipSteps})
}

func (c *Console) createSlip(w http.ResponseWriter, r *http.Request) error {
	rid, err := formInt(r, "review_id")
	if err != nil {
		return err
	}
	sl, err := c.cfg.Flow.CreateSlip(r.Context(), auth.FromContext(r.Context()), rid, r.PostFormValue("problem"), r.PostFormValue("suggestion"))
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/slips/%d", sl.ID))
}

func (c *Console) advanceSlip(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := c.cfg.Flow.AdvanceSlip(r.Context(), auth.FromContext(r.Context()), id, r.PostFormValue("note")); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/slips/%d", id))
}

// ---- calibration (D2) ----

func (c *Console) calibrations(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	list, err := c.cfg.Flow.Calibrations(r.Context(), u)
	if err != nil {
		return err
	}
	data := map[string]any{"List": list}
	if u.Can(auth.PermCalibration) {
		ins, err := c.inspectors(r.Context())
		if err != nil {
			return err
		}
		data["Inspectors"] = ins
	}
	return c.render(w, r, http.StatusOK, "calibrations", data)
}

func (c *Console) createCalibration(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	var ids []int64
	for _, v := range r.PostForm["inspector_ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return qa.NewError(qa.EInvalid, fmt.Sprintf("inspector_ids: %q", v))
		}
		ids = append(ids, n)
	}
	records := strings.FieldsFunc(r.PostFormValue("record_ids"), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	cal, err := c.cfg.Flow.CreateCalibration(r.Context(), auth.FromContext(r.Context()), r.PostFormValue("title"), records, ids)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/calibrations/%d", cal.ID))
}

// calCell is one inspector's score of one record in the report.
type calCell struct {
	Name  string
	Score *float64
}

// calRecord is one record of a session: the form (the user's scoring or the calibrated answer) and,
// for those who may see it, everyone's scores.
type calRecord struct {
	ID     string
	Dims   map[string][]dimInput // the form of each kind of scoring: "scores" (own), "answers" (calibrated)
	Mine   *review.CalScore
	Answer *review.CalScore
	Cells  []calCell
}

func (c *Console) calibrationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	v, err := c.cfg.Flow.Calibration(r.Context(), u, id)
	if err != nil {
		return err
	}
	s := v.Session
	participant := slices.ContainsFunc(s.Inspectors, func(p review.Participant) bool { return p.ID == u.ID })
	supervisor := u.Can(auth.PermCalibration)
	find := func(list []review.CalScore, rec string, insp int64) *review.CalScore {
		for i := range list {
			if list[i].RecordID == rec && list[i].InspectorID == insp {
				return &list[i]
			}
		}
		return nil
	}
	var recs []calRecord
	for _, rid := range s.RecordIDs {
		cr := calRecord{ID: rid, Mine: find(v.Mine, rid, u.ID), Answer: find(v.Answers, rid, 0)}
		// The form starts from the automatic inspection with the session's scorecard version, if any.
		var auto *qa.Inspection
		if _, _, ins, err := api.LoadRecord(r, c.cfg.Store, rid); err == nil {
			for i := range ins {
				if ins[i].Scorecard == s.Scorecard && ins[i].Version == s.Version {
					auto = &ins[i]
					break
				}
			}
		}
		items := func(cs *review.CalScore) []review.ItemScore {
			if cs == nil {
				return nil
			}
			return cs.Items
		}
		cr.Dims = map[string][]dimInput{"scores": buildDims(v.Scorecard, auto, items(cr.Mine)),
			"answers": buildDims(v.Scorecard, auto, items(cr.Answer))}
		if v.Scores != nil {
			for _, p := range s.Inspectors {
				cell := calCell{Name: p.Name}
				if cell.Name == "" {
					cell.Name = p.Username
				}
				if sc := find(v.Scores, rid, p.ID); sc != nil {
					cell.Score = &sc.Score
				}
				cr.Cells = append(cr.Cells, cell)
			}
		}
		recs = append(recs, cr)
	}
	trend := v.Trend
	if trend == nil {
		trend = []review.TrendPoint{}
	}
	return c.render(w, r, http.StatusOK, "calibration", map[string]any{"V": v, "S": s, "Records": recs, "Participant": participant,
		"Supervisor": supervisor, "Open": s.Status == review.CalibrationOpen, "Trend": trend})
}

func (c *Console) calScore(w http.ResponseWriter, r *http.Request, answer bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	v, err := c.cfg.Flow.Calibration(r.Context(), u, id)
	if err != nil {
		return err
	}
	rec := r.PostFormValue("record_id")
	if _, err := c.cfg.Flow.ScoreCalibration(r.Context(), u, id, rec, parseItems(r, v.Scorecard), answer); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/calibrations/%d?saved=%s#rec-%s", id, url.QueryEscape(rec), url.PathEscape(rec)))
}

func (c *Console) scoreCalibration(w http.ResponseWriter, r *http.Request) error {
	return c.calScore(w, r, false)
}

func (c *Console) answerCalibration(w http.ResponseWriter, r *http.Request) error {
	return c.calScore(w, r, true)
}

func (c *Console) closeCalibration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := c.cfg.Flow.CloseCalibration(r.Context(), auth.FromContext(r.Context()), id); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/calibrations/%d", id))
}

// ---- major incidents (C4) ----

func (c *Console) incidents(w http.ResponseWriter, r *http.Request) error {
	list, err := c.cfg.Flow.Incidents(r.Context(), auth.FromContext(r.Context()), false)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "incidents", map[string]any{"List": list})
}

func (c *Console) closeIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := c.cfg.Flow.CloseIncident(r.Context(), auth.FromContext(r.Context()), id, r.PostFormValue("note")); err != nil {
		return err
	}
	return redirect(w, r, "/incidents")
}

// ---- knowledge base (B4) ----

// kbForm is a knowledge-base entry as the form shows it.
type kbForm struct {
	ID                                       int64
	Topic, Business, Triggers, Facts, Answer string
}

func kbFormOf(e knowledge.Entry) kbForm {
	f := kbForm{ID: e.ID, Topic: e.Topic, Business: strings.Join(e.BusinessTypes, ", "), Triggers: strings.Join(e.Triggers, "\n"), Answer: e.Answer}
	var lines []string
	for _, x := range e.Facts {
		lines = append(lines, x.Name+": "+strings.Join(x.Any, "|"))
	}
	f.Facts = strings.Join(lines, "\n")
	return f
}

// entry reads the form: facts one per line as 名称: 说法1|说法2 (a line without a colon is its own phrase).
func (f kbForm) entry() knowledge.Entry {
	e := knowledge.Entry{ID: f.ID, Topic: f.Topic, BusinessTypes: splitList(f.Business), Triggers: splitList(f.Triggers), Answer: f.Answer}
	for _, line := range strings.Split(f.Facts, "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "：", ":"))
		if line == "" {
			continue
		}
		name, says, ok := strings.Cut(line, ":")
		if !ok {
			says = name
		}
		var phrases []string
		for _, p := range strings.FieldsFunc(says, func(r rune) bool { return r == '|' || r == '｜' }) {
			if p = strings.TrimSpace(p); p != "" {
				phrases = append(phrases, p)
			}
		}
		e.Facts = append(e.Facts, knowledge.Fact{Name: strings.TrimSpace(name), Any: phrases})
	}
	return e
}

func (c *Console) knowledgeData(r *http.Request, form kbForm) (map[string]any, error) {
	list, err := c.cfg.Store.Knowledge(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"List": list, "Form": form, "Saved": r.URL.Query().Get("saved")}, nil
}

func (c *Console) knowledgePage(w http.ResponseWriter, r *http.Request) error {
	var form kbForm
	data, err := c.knowledgeData(r, form)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil {
		for _, e := range data["List"].([]knowledge.Entry) {
			if e.ID == id {
				data["Form"] = kbFormOf(e)
			}
		}
	}
	return c.render(w, r, http.StatusOK, "knowledge", data)
}

func (c *Console) saveKnowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := formInt(r, "id")
	if err != nil {
		return err
	}
	form := kbForm{ID: id, Topic: r.PostFormValue("topic"), Business: r.PostFormValue("business_types"),
		Triggers: r.PostFormValue("triggers"), Facts: r.PostFormValue("facts"), Answer: r.PostFormValue("answer")}
	e := form.entry()
	if err := c.cfg.Flow.SaveKnowledge(r.Context(), auth.FromContext(r.Context()), &e); err != nil {
		if !formError(err) {
			return err
		}
		data, derr := c.knowledgeData(r, form)
		if derr != nil {
			return derr
		}
		data["Error"] = errText(err)
		return c.render(w, r, statusFor(err), "knowledge", data)
	}
	return redirect(w, r, fmt.Sprintf("/knowledge?saved=%d#kb-%d", e.ID, e.ID))
}

func (c *Console) deleteKnowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := c.cfg.Flow.DeleteKnowledge(r.Context(), auth.FromContext(r.Context()), id); err != nil {
		return err
	}
	return redirect(w, r, "/knowledge")
}

// ---- notifications ----

func (c *Console) notifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := c.cfg.Store.Notifications(r.Context(), auth.FromContext(r.Context()).ID, 200)
	if err != nil {
		return err
	}
	for i := range ns {
		if !strings.HasPrefix(ns[i].Link, "/") || strings.HasPrefix(ns[i].Link, "//") {
			ns[i].Link = "" // only links within qloop
		}
	}
	return c.render(w, r, http.StatusOK, "notifications", map[string]any{"List": ns})
}

func (c *Console) readNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := c.cfg.Store.ReadNotifications(r.Context(), auth.FromContext(r.Context()).ID); err != nil {
		return err
	}
	return redirect(w, r, "/notifications")
}

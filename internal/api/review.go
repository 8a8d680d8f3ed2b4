package api

import (
	"net/http"
	"strconv"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
)

var idParam = []param{{"id", "path", "integer", "id", true}}

// workflowRoutes are the routes of human review and fairness (C2–C4, D1–D3, B4, H4). Steps whose
// actor depends on the object (a slip's next signer) name no permission here: the workflow checks it.
func workflowRoutes() []route {
	return []route{
		{"GET", "/api/v1/sampling-plans", auth.PermSampling, "every sampling plan", "sampling", nil, "", "PlanList", (*Handler).listPlans},
		{"POST", "/api/v1/sampling-plans", auth.PermSampling, "create a sampling plan, or replace the plan of that name", "sampling", nil, "Plan", "SavedPlan", (*Handler).savePlan},
		{"GET", "/api/v1/sampling-plans/{id}", auth.PermSampling, "a sampling plan with its runs (what each drew per stratum and why)", "sampling", idParam, "", "PlanDetail", (*Handler).getPlan},
		{"POST", "/api/v1/sampling-plans/{id}/runs", auth.PermSampling, "run the plan: draw the sample and create review tasks", "sampling", idParam, "RunInput", "PlanRun", (*Handler).runPlan},
		{"GET", "/api/v1/sample-size", auth.PermSampling, "records to review for a confidence and margin of error", "sampling", []param{
			{"population", "query", "integer", "records in the population (0 = very large)", false},
			{"confidence", "query", "number", "e.g. 0.95", true}, {"margin", "query", "number", "e.g. 0.05", true},
			{"p", "query", "number", "expected share (default 0.5)", false}}, "", "SampleSize", (*Handler).sampleSize},
		{"GET", "/api/v1/reviews", auth.PermReview, "review tasks: the caller's queue (a supervisor sees everyone's)", "reviews", []param{
			{"status", "query", "string", "open, done or cancelled", false}, {"record_id", "query", "string", "record id", false},
			{"inspector_id", "query", "integer", "inspector (supervisors)", false}}, "", "TaskList", (*Handler).listTasks},
		{"POST", "/api/v1/reviews", auth.PermReviewManage, "assign a record to an inspector by hand", "reviews", nil, "TaskCreate", "Task", (*Handler).createTask},
		{"GET", "/api/v1/reviews/{id}", auth.PermReview, "a review task's form: record, automatic results, items to score, knowledge base", "reviews", idParam, "", "ReviewForm", (*Handler).getTask},
		{"POST", "/api/v1/reviews/{id}", auth.PermReview, "submit the review of a task (override automatic results only with a reason)", "reviews", idParam, "ReviewInput", "Review", (*Handler).submitTask},
		{"GET", "/api/v1/records/{id}/reviews", "", "the human reviews of a record", "records", idParam, "", "ReviewList", (*Handler).recordReviews},
		{"GET", "/api/v1/records/{id}/history", "", "the audit trail of a record", "records", idParam, "", "AuditList", (*Handler).recordHistory},
		{"GET", "/api/v1/disputes", "", "disputes of the records the caller may see", "disputes", []param{{"open", "query", "boolean", "only undecided", false}}, "", "DisputeList", (*Handler).listDisputes},
		{"POST", "/api/v1/disputes", auth.PermDisputeRaise, "dispute a reviewed score with a reason", "disputes", nil, "DisputeCreate", "Dispute", (*Handler).raiseDispute},
		{"GET", "/api/v1/disputes/{id}", "", "one dispute", "disputes", idParam, "", "Dispute", (*Handler).getDispute},
		{"POST", "/api/v1/disputes/{id}/assign", auth.PermDisputeDecide, "give the blind second review to another inspector", "disputes", idParam, "DisputeAssign", "Dispute", (*Handler).assignDispute},
		{"POST", "/api/v1/disputes/{id}/decide", auth.PermDisputeDecide, "decide and sign off: uphold or amend", "disputes", idParam, "DisputeDecide", "Dispute", (*Handler).decideDispute},
		{"GET", "/api/v1/calibrations", "", "calibration sessions the caller runs or takes part in", "calibrations", nil, "", "CalibrationList", (*Handler).listCalibrations},
		{"POST", "/api/v1/calibrations", auth.PermCalibration, "start a calibration session", "calibrations", nil, "CalibrationCreate", "Calibration", (*Handler).createCalibration},
		{"GET", "/api/v1/calibrations/{id}", "", "a session: own scorings; agreement and deviations for the supervisor or once closed", "calibrations", idParam, "", "CalibrationView", (*Handler).getCalibration},
		{"POST", "/api/v1/calibrations/{id}/scores", auth.PermReview, "score one record of the session independently", "calibrations", idParam, "CalibrationScore", "CalScore", (*Handler).scoreCalibration},
		{"POST", "/api/v1/calibrations/{id}/answers", auth.PermCalibration, "fix the calibrated answer of one record", "calibrations", idParam, "CalibrationScore", "CalScore", (*Handler).answerCalibration},
		{"POST", "/api/v1/calibrations/{id}/close", auth.PermCalibration, "close the session", "calibrations", idParam, "", "Calibration", (*Handler).closeCalibration},
		{"GET", "/api/v1/slips", "", "communication slips of the records the caller may see", "slips", []param{{"open", "query", "boolean", "only unclosed", false}}, "", "SlipList", (*Handler).listSlips},
		{"POST", "/api/v1/slips", auth.PermReview, "write a communication slip for a failed review", "slips", nil, "SlipCreate", "Slip", (*Handler).createSlip},
		{"GET", "/api/v1/slips/{id}", "", "one slip with its dated steps", "slips", idParam, "", "Slip", (*Handler).getSlip},
		{"POST", "/api/v1/slips/{id}/advance", "", "take the slip's current step (sign, record the talk, acknowledge, close)", "slips", idParam, "SlipAdvance", "Slip", (*Handler).advanceSlip},
		{"GET", "/api/v1/incidents", auth.PermIncidents, "major incidents, open first", "incidents", []param{{"open", "query", "boolean", "only open", false}}, "", "IncidentList", (*Handler).listIncidents},
		{"POST", "/api/v1/incidents/{id}/close", auth.PermIncidents, "close a major incident with how it was handled", "incidents", idParam, "IncidentClose", "Incident", (*Handler).closeIncident},
		{"GET", "/api/v1/knowledge", auth.PermScorecardView, "the knowledge base: standard answers per topic", "knowledge", nil, "", "KnowledgeList", (*Handler).listKnowledge},
		{"POST", "/api/v1/knowledge", auth.PermKnowledgeEdit, "create or replace (by topic) a knowledge-base entry", "knowledge", nil, "KnowledgeEntry", "KnowledgeEntry", (*Handler).saveKnowledge},
		{"DELETE", "/api/v1/knowledge/{id}", auth.PermKnowledgeEdit, "delete a knowledge-base entry", "knowledge", idParam, "", "", (*Handler).deleteKnowledge},
		{"GET", "/api/v1/notifications", "", "the caller's in-app notifications, unread first", "users", nil, "", "NotificationList", (*Handler).listNotifications},
		{"POST", "/api/v1/notifications/read", "", "mark every notification read", "users", nil, "", "", (*Handler).readNotifications},
		{"GET", "/api/v1/audit", auth.PermAudit, "the audit trail, newest first", "audit", []param{
			{"record_id", "query", "string", "one record's", false}, {"entity", "query", "string", "review, dispute, slip, plan, calibration, incident, knowledge", false},
			{"before", "query", "integer", "page: ids below this", false}, {"limit", "query", "integer", "1–500 (default 100)", false}}, "", "AuditList", (*Handler).auditLog},
	}
}

func user(r *http.Request) *auth.User { return auth.FromContext(r.Context()) }

func queryFloat(r *http.Request, key string, def float64) (float64, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, qa.NewError(qa.EInvalid, key+" must be a number such as 0.95")
	}
	return x, nil
}

func queryBool(r *http.Request, key string) bool {
	v := r.URL.Query().Get(key)
	return v == "true" || v == "1" || v == "on"
}

func (h *Handler) listPlans(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.Store.Plans(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"plans": ps})
}

func (h *Handler) savePlan(w http.ResponseWriter, r *http.Request) error {
	var p sample.Plan
	if err := decode(r, &p); err != nil {
		return err
	}
	sp, created, err := h.Flow.SavePlan(r.Context(), user(r), p)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"plan": sp, "created": created})
}

func (h *Handler) getPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sp, err := h.Store.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	runs, err := h.Store.Runs(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"plan": sp, "runs": runs})
}

func (h *Handler) runPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Seed int64 `json:"seed"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	run, err := h.Flow.RunPlan(r.Context(), user(r), id, in.Seed)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, run)
}

func (h *Handler) sampleSize(w http.ResponseWriter, r *http.Request) error {
	pop, err := queryInt(r, "population")
	if err != nil {
		return err
	}
	conf, err := queryFloat(r, "confidence", 0.95)
	if err != nil {
		return err
	}
	margin, err := queryFloat(r, "margin", 0.05)
	if err != nil {
		return err
	}
	p, err := queryFloat(r, "p", 0.5)
	if err != nil {
		return err
	}
	n, err := sample.Size(pop, conf, margin, p)
	if err != nil {
		return qa.NewError(qa.EInvalid, err.Error())
	}
	return writeJSON(w, http.StatusOK, map[string]any{"population": pop, "confidence": conf, "margin": margin, "p": p, "size": n})
}

func (h *Handler) listTasks(w http.ResponseWriter, r *http.Request) error {
	insp, err := queryInt(r, "inspector_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ts, err := h.Flow.Tasks(r.Context(), user(r), store.TaskFilter{InspectorID: int64(insp), Status: q.Get("status"), RecordID: q.Get("record_id")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tasks": ts})
}

func (h *Handler) createTask(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RecordID    string `json:"record_id"`
		InspectorID int64  `json:"inspector_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.Flow.AssignTask(r.Context(), user(r), in.RecordID, in.InspectorID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (h *Handler) getTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := h.Flow.Form(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (h *Handler) submitTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in review.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	rv, err := h.Flow.Submit(r.Context(), user(r), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rv)
}

func (h *Handler) recordReviews(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := VisibleRecord(r, h.Store, r.PathValue("id")); err != nil {
		return err
	}
	rvs, err := h.Flow.RecordReviews(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"reviews": rvs})
}

func (h *Handler) recordHistory(w http.ResponseWriter, r *http.Request) error {
	es, err := h.Flow.History(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

func (h *Handler) listDisputes(w http.ResponseWriter, r *http.Request) error {
	ds, err := h.Flow.Disputes(r.Context(), user(r), store.ScopeFilter{Open: queryBool(r, "open")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"disputes": ds})
}

func (h *Handler) raiseDispute(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ReviewID int64  `json:"review_id"`
		Reason   string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := h.Flow.RaiseDispute(r.Context(), user(r), in.ReviewID, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (h *Handler) getDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := h.Flow.Dispute(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (h *Handler) assignDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		InspectorID int64 `json:"inspector_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := h.Flow.AssignDispute(r.Context(), user(r), id, in.InspectorID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (h *Handler) decideDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := h.Flow.DecideDispute(r.Context(), user(r), id, in.Decision, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (h *Handler) listCalibrations(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.Flow.Calibrations(r.Context(), user(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"calibrations": cs})
}

func (h *Handler) createCalibration(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title        string   `json:"title"`
		RecordIDs    []string `json:"record_ids"`
		InspectorIDs []int64  `json:"inspector_ids"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.Flow.CreateCalibration(r.Context(), user(r), in.Title, in.RecordIDs, in.InspectorIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (h *Handler) getCalibration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := h.Flow.Calibration(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (h *Handler) scoreCalibration(w http.ResponseWriter, r *http.Request) error {
	return h.calScore(w, r, false)
}

func (h *Handler) answerCalibration(w http.ResponseWriter, r *http.Request) error {
	return h.calScore(w, r, true)
}

func (h *Handler) calScore(w http.ResponseWriter, r *http.Request, answer bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		RecordID string             `json:"record_id"`
		Items    []review.ItemScore `json:"items"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	cs, err := h.Flow.ScoreCalibration(r.Context(), user(r), id, in.RecordID, in.Items, answer)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cs)
}

func (h *Handler) closeCalibration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Flow.CloseCalibration(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (h *Handler) listSlips(w http.ResponseWriter, r *http.Request) error {
	ss, err := h.Flow.Slips(r.Context(), user(r), store.ScopeFilter{Open: queryBool(r, "open")})
	if err != nil {
		return err
	}
	now := h.Store.Now()
	out := make([]slipOut, len(ss))
	for i := range ss {
		out[i] = slipOut{ss[i], ss[i].Overdue(now)}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"slips": out})
}

// slipOut is a slip with whether its current step is overdue.
type slipOut struct {
	review.Slip
	Overdue bool `json:"overdue"`
}

func (h *Handler) createSlip(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ReviewID   int64  `json:"review_id"`
		Problem    string `json:"problem"`
		Suggestion string `json:"suggestion"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sl, err := h.Flow.CreateSlip(r.Context(), user(r), in.ReviewID, in.Problem, in.Suggestion)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, slipOut{*sl, sl.Overdue(h.Store.Now())})
}

func (h *Handler) getSlip(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sl, err := h.Flow.Slip(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, slipOut{*sl, sl.Overdue(h.Store.Now())})
}

func (h *Handler) advanceSlip(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	sl, err := h.Flow.AdvanceSlip(r.Context(), user(r), id, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, slipOut{*sl, sl.Overdue(h.Store.Now())})
}

func (h *Handler) listIncidents(w http.ResponseWriter, r *http.Request) error {
	is, err := h.Flow.Incidents(r.Context(), user(r), queryBool(r, "open"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"incidents": is})
}

func (h *Handler) closeIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	inc, err := h.Flow.CloseIncident(r.Context(), user(r), id, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (h *Handler) listKnowledge(w http.ResponseWriter, r *http.Request) error {
	es, err := h.Store.Knowledge(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

func (h *Handler) saveKnowledge(w http.ResponseWriter, r *http.Request) error {
	var e knowledge.Entry
	if err := decode(r, &e); err != nil {
		return err
	}
	if err := h.Flow.SaveKnowledge(r.Context(), user(r), &e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (h *Handler) deleteKnowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.Flow.DeleteKnowledge(r.Context(), user(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.Store.Notifications(r.Context(), user(r).ID, 100)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"notifications": ns})
}

func (h *Handler) readNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.ReadNotifications(r.Context(), user(r).ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) error {
	before, err := queryInt(r, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	es, err := h.Store.AuditLog(r.Context(), store.AuditFilter{RecordID: q.Get("record_id"), Entity: q.Get("entity"), Before: int64(before), Limit: limit})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

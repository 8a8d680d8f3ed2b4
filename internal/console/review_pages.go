package console

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
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
	"qloop/internal/workflow"
)

// The pages of human review and fairness (C2–C4, D1–D3, B4, H4). Every step goes through
// workflow.Service, which checks the user's permission, record scope and the state of the object
// itself; these handlers only read forms, call it and render what it returns.

// registerWorkflow adds the review workflow's pages to mux.
func (c *Console) registerWorkflow(mux *http.ServeMux) {
	mux.Handle("GET /reviews", c.page(c.reviewQueue, auth.PermReview))
	mux.Handle("POST /reviews", c.page(c.assignTask, auth.PermReviewManage))
	mux.Handle("GET /reviews/{id}", c.page(c.reviewPage, auth.PermReview))
	mux.Handle("POST /reviews/{id}", c.page(c.submitReview, auth.PermReview))

	mux.Handle("GET /plans", c.page(c.plans, auth.PermSampling))
	mux.Handle("POST /plans", c.page(c.savePlan, auth.PermSampling))
	mux.Handle("GET /plans/{id}", c.page(c.planPage, auth.PermSampling))
	mux.Handle("POST /plans/{id}/run", c.page(c.runPlan, auth.PermSampling))

	// Disputes and slips are listed for everyone signed in, each within their record scope (as the API).
	mux.Handle("GET /disputes", c.page(c.disputes, "signed-in"))
	mux.Handle("POST /disputes", c.page(c.raiseDispute, auth.PermDisputeRaise))
	mux.Handle("GET /disputes/{id}", c.page(c.disputePage, "signed-in"))
	mux.Handle("POST /disputes/{id}/assign", c.page(c.assignDispute, auth.PermDisputeDecide))
	mux.Handle("POST /disputes/{id}/decide", c.page(c.decideDispute, auth.PermDisputeDecide))

	mux.Handle("GET /slips", c.page(c.slips, "signed-in"))
	mux.Handle("POST /slips", c.page(c.createSlip, auth.PermReview))
	mux.Handle("GET /slips/{id}", c.page(c.slipPage, "signed-in"))
	mux.Handle("POST /slips/{id}/advance", c.page(c.advanceSlip, "signed-in")) // the workflow decides who takes a step

	mux.Handle("GET /calibrations", c.page(c.calibrations, auth.PermReview))
	mux.Handle("POST /calibrations", c.page(c.createCalibration, auth.PermCalibration))
	mux.Handle("GET /calibrations/{id}", c.page(c.calibrationPage, auth.PermReview))
	mux.Handle("POST /calibrations/{id}/scores", c.page(c.scoreCalibration, auth.PermReview))
	mux.Handle("POST /calibrations/{id}/answers", c.page(c.answerCalibration, auth.PermCalibration))
	mux.Handle("POST /calibrations/{id}/close", c.page(c.closeCalibration, auth.PermCalibration))

	mux.Handle("GET /incidents", c.page(c.incidents, auth.PermIncidents))
	mux.Handle("POST /incidents/{id}/close", c.page(c.closeIncident, auth.PermIncidents))

	mux.Handle("GET /knowledge", c.page(c.knowledgePage, auth.PermScorecardView))
	mux.Handle("POST /knowledge", c.page(c.saveKnowledge, auth.PermKnowledgeEdit))
	mux.Handle("POST /knowledge/{id}/delete", c.page(c.deleteKnowledge, auth.PermKnowledgeEdit))

	mux.Handle("GET /notifications", c.page(c.notifications, "signed-in"))
	mux.Handle("POST /notifications/read", c.page(c.readNotifications, "signed-in"))
}

// workflowFuncs are the template functions of the workflow pages.
func (c *Console) workflowFuncs() template.FuncMap {
	return template.FuncMap{
		// tk translates prefix+code when the catalog knows it, else shows the code itself.
		"tk": c.tk,
		// reason translates a task's draw reason: random, full:complaint, special:escalation, …
		"reason": func(lang, code string) string { return c.tk(lang, "reason.", strings.ReplaceAll(code, ":", ".")) },
		"canAny": func(u *auth.User, ps ...string) bool {
			for _, p := range ps {
				if u.Can(auth.Perm(p)) {
					return true
				}
			}
			return false
		},
		"prefix": strings.HasPrefix,
		"fnum":   func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"ratio": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return fmt.Sprintf("%.3f", *p)
		},
		"pctp": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return fmt.Sprintf("%.1f%%", 100**p)
		},
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"changes":   c.historyChanges,
		"fullRules": c.fullRules,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"levels":     func() []int { return []int{5, 4, 3, 2, 1} },
		"severities": func() []string { return review.Severities },
		"csv":        func(ss []string) string { return strings.Join(ss, ", ") },
		"lines":      func(ss []string) string { return strings.Join(ss, "\n") },
		"contains":   slices.Contains[[]string],
		"signed":     func(f float64) string { return fmt.Sprintf("%+.1f", f) },
		"date":       func(t time.Time) string { return fmtLocal(t) },
	}
}

func (c *Console) tk(lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	if c.cat.Has(lang, prefix+code) {
		return c.cat.T(lang, prefix+code)
	}
	return code
}

// unread counts the user's unread notifications for the header badge; a failure only hides the badge.
func (c *Console) unread(r *http.Request, u *auth.User) int {
	if c.cfg.Store == nil {
		return 0
	}
	n, err := c.cfg.Store.UnreadNotifications(r.Context(), u.ID)
	if err != nil {
		c.cfg.Log.WarnContext(r.Context(), "console: unread notifications", "err", err)
		return 0
	}
	return n
}

// change is one field of an audit line: its value before and after the step.
type change struct {
	Key, Before, After string
	HasBefore          bool
}

// fieldText shows one JSON value of an audit line for reading.
func fieldText(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', 1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// changes turns an audit line's before and after (JSON objects) into the fields that changed, in
// key order: every field of after when there is no before, else only those whose value differs.
func changes(before, after string) []change {
	parse := func(s string) (map[string]any, bool) {
		if s == "" {
			return nil, true
		}
		var m map[string]any
		return m, json.Unmarshal([]byte(s), &m) == nil
	}
	b, okB := parse(before)
	a, okA := parse(after)
	if !okB || !okA {
		return []change{{Key: "", Before: before, After: after, HasBefore: before != ""}}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []change
	for _, k := range sorted {
		c := change{Key: k, After: fieldText(a[k]), HasBefore: b != nil}
		if b != nil {
			c.Before = fieldText(b[k])
			if c.Before == c.After {
				if k != "item" && k != "review" {
					continue
				}
				c.HasBefore = false // what the step was about, unchanged: shown once
			}
		}
		out = append(out, c)
	}
	return out
}

// historyValues says how the values of an audit field are put in words: a catalog prefix for codes,
// or a function.
var historyValues = map[string]string{"reason": "reason.", "kind": "rkind.", "result": "res.", "decision": "decision.",
	"step": "slip.step.", "passed": "bool."}

// historyChanges is changes with each field's name and coded values in lang's words, so the
// record's history reads 原因: 随机抽样 rather than reason: random.
func (c *Console) historyChanges(lang string, names store.ItemNames, before, after string) []change {
	out := changes(before, after)
	for i := range out {
		ch := &out[i]
		word := func(v string) string {
			switch {
			case v == "—" || v == "":
				return v
			case ch.Key == "stratum":
				return c.stratum(lang, v)
			case ch.Key == "reason" && strings.Contains(v, ":"):
				return c.tk(lang, "reason.", strings.ReplaceAll(v, ":", "."))
			case ch.Key == "status":
				for _, p := range []string{"dstatus.", "rstatus.", "task.", "cal.status.", "incident.status."} {
					if c.cat.Has(lang, p+v) {
						return c.cat.T(lang, p+v)
					}
				}
			case ch.Key == "item":
				return c.itemName(lang, v, names.Name("", v))
			case historyValues[ch.Key] != "":
				return c.tk(lang, historyValues[ch.Key], v)
			}
			return v
		}
		ch.Before, ch.After = word(ch.Before), word(ch.After)
		if ch.Key != "" {
			ch.Key = c.tk(lang, "history.key.", ch.Key)
		}
	}
	return out
}

// fmtLocal formats a time as the value of a datetime-local input, in China time.
func fmtLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format("2006-01-02T15:04")
}

// parseLocal reads a date or datetime-local input as China time; "" is the zero time.
func parseLocal(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, cst); err == nil {
			return t, nil
		}
	}
	return time.Time{}, qa.NewError(qa.EInvalid, fmt.Sprintf("%s: 日期时间格式应为 2026-11-02T09:00 %s: expected a date and time such as 2026-11-02T09:00 (got %q)", field, field, s))
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qa.NewError(qa.ENotFound, fmt.Sprintf("没有编号 %q not found: %q", r.PathValue("id"), r.PathValue("id")))
	}
	return id, nil
}

func formInt(r *http.Request, key string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(key))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, qa.NewError(qa.EInvalid, fmt.Sprintf("%s 须为整数 %s must be a whole number (got %q)", key, key, v))
	}
	return n, nil
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// statusFor is the HTTP status a page re-rendered with a workflow error answers with.
func statusFor(err error) int {
	if s, ok := statusOf[qa.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// formError reports whether err is the user's to fix (shown on the form) rather than a server fault.
func formError(err error) bool {
	switch qa.ErrorCode(err) {
	case qa.EInvalid, qa.EConflict, qa.EForbidden:
		return true
	}
	return false
}

// errText is the message of a workflow error.
func errText(err error) string {
	if qe, ok := err.(*qa.Error); ok {
		return qe.Message
	}
	return err.Error()
}

// inspectors are the enabled accounts that may review, for assignment selects.
func (c *Console) inspectors(ctx context.Context) ([]auth.User, error) {
	us, err := c.cfg.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(us, func(u auth.User) bool { return u.Disabled || !u.Can(auth.PermReview) }), nil
}

// ---- review queue (C2) ----

type taskRow struct {
	T       review.Task
	Overdue bool
}

func (c *Console) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	q := r.URL.Query()
	status := q.Get("status")
	switch status {
	case "":
		status = review.TaskOpen
	case "all":
		status = ""
	}
	f := store.TaskFilter{Status: status, RecordID: strings.TrimSpace(q.Get("record")), Limit: 500}
	data := map[string]any{"Q": q, "Status": q.Get("status")}
	if u.Can(auth.PermReviewManage) {
		f.InspectorID, _ = strconv.ParseInt(q.Get("inspector"), 10, 64)
		f.RunID, _ = strconv.ParseInt(q.Get("run"), 10, 64)
		ins, err := c.inspectors(r.Context())
		if err != nil {
			return err
		}
		data["Inspectors"] = ins
	}
	tasks, err := c.cfg.Flow.Tasks(r.Context(), u, f)
	if err != nil {
		return err
	}
	now := c.cfg.Now()
	rows := make([]taskRow, len(tasks))
	for i := range tasks {
		rows[i] = taskRow{tasks[i], tasks[i].Overdue(now)}
	}
	data["Tasks"] = rows
	data["Done"] = q.Get("done")
	return c.render(w, r, http.StatusOK, "reviews", data)
}

// assignTask gives a record to an inspector by hand; next says where to go back to.
func (c *Console) assignTask(w http.ResponseWriter, r *http.Request) error {
	insp, err := formInt(r, "inspector_id")
	if err != nil {
		return err
	}
	t, err := c.cfg.Flow.AssignTask(r.Context(), auth.FromContext(r.Context()), strings.TrimSpace(r.PostFormValue("record_id")), insp)
	if err != nil {
		return err
	}
	if next := r.PostFormValue("next"); next != "" {
		return redirect(w, r, safeNext(next))
	}
	return redirect(w, r, "/reviews?done="+strconv.FormatInt(t.ID, 10))
}

// ---- the review form (C3) ----

// itemInput is one scorecard item on a review or calibration form: the automatic result with its
// evidence, and the value the form shows.
type itemInput struct {
	Item      qa.Item
	Finding   qa.Finding // the automatic finding (zero when none)
	Auto      string     // automatic result, "" when the item has no automatic check
	AutoLevel int
	Result    string // pass, fail, na
	Level     int    // scale items
	Reason    string
	Note      string
	Override  bool
}

// Value is the select's value: the level of a judged scale item, else the result.
func (it itemInput) Value() string {
	if it.Item.Kind == qa.KindScale && it.Result != qa.ResultNA && it.Level > 0 {
		return strconv.Itoa(it.Level)
	}
	return it.Result
}

// AutoValue is the automatic result in the same terms as Value.
func (it itemInput) AutoValue() string {
	if it.Item.Kind == qa.KindScale && it.Auto != qa.ResultNA && it.AutoLevel > 0 {
		return strconv.Itoa(it.AutoLevel)
	}
	return it.Auto
}

type dimInput struct {
	Dim   qa.Dimension
	Items []itemInput
}

// buildDims lays out sc's items by dimension with the automatic findings of auto and the values of vals.
func buildDims(sc *qa.Scorecard, auto *qa.Inspection, vals []review.ItemScore) []dimInput {
	if sc == nil {
		return nil
	}
	found := map[string]qa.Finding{}
	if auto != nil {
		for _, f := range auto.Findings {
			found[f.Item] = f
		}
	}
	byID := map[string]review.ItemScore{}
	for _, v := range vals {
		byID[v.Item] = v
	}
	var out []dimInput
	for _, d := range sc.Dimensions {
		di := dimInput{Dim: d}
		for _, it := range d.Items {
			in := itemInput{Item: it, Finding: found[it.ID], Result: qa.ResultNA}
			if f, ok := found[it.ID]; ok && it.Check != nil {
				in.Auto, in.AutoLevel = f.Result, f.Level
				in.Result, in.Level = f.Result, f.Level
			}
			if v, ok := byID[it.ID]; ok {
				in.Result, in.Level, in.Reason, in.Note, in.Override = v.Result, v.Level, v.Reason, v.Note, v.Override
				if v.Auto != "" {
					in.Auto, in.AutoLevel = v.Auto, v.AutoLevel
				}
			}
			di.Items = append(di.Items, in)
		}
		out = append(out, di)
	}
	return out
}

// parseItems reads the item selects (r.ITEM) and override reasons (why.ITEM) of a posted form.
// An item the form does not send keeps its automatic result.
func parseItems(r *http.Request, sc *qa.Scorecard) []review.ItemScore {
	var out []review.ItemScore
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			v := strings.TrimSpace(r.PostFormValue("r." + it.ID))
			if v == "" {
				continue
			}
			s := review.ItemScore{Item: it.ID, Result: v, Reason: strings.TrimSpace(r.PostFormValue("why." + it.ID)),
				Note: strings.TrimSpace(r.PostFormValue("note." + it.ID))}
			if n, err := strconv.Atoi(v); err == nil {
				s.Result, s.Level = qa.ResultPass, n // the scale level decides pass or fail
			}
			out = append(out, s)
		}
	}
	return out
}

// problemInput is one row of the problems section as the form shows it.
type problemInput struct {
	Index int
	review.Problem
}

// maxProblems bounds the problem rows read from one form.
const maxProblems = 50

// parseProblems reads the rows prob.N.*; a row left blank is no problem.
func parseProblems(r *http.Request) ([]review.Problem, []problemInput) {
	var ps []review.Problem
	var rows []problemInput
	for i := range maxProblems {
		p := fmt.Sprintf("prob.%d.", i)
		if _, ok := r.PostForm[p+"dimension"]; !ok {
			continue
		}
		pr := review.Problem{CustomerProblem: strings.TrimSpace(r.PostFormValue(p + "customer")),
			Dimension: r.PostFormValue(p + "dimension"), Item: r.PostFormValue(p + "item"),
			Behaviour: strings.TrimSpace(r.PostFormValue(p + "behaviour")), Severity: r.PostFormValue(p + "severity"),
			Major: r.PostFormValue(p+"major") != ""}
		rows = append(rows, problemInput{len(rows), pr})
		if pr.CustomerProblem == "" && pr.Behaviour == "" && !pr.Major {
			continue
		}
		ps = append(ps, pr)
	}
	return ps, rows
}

// kbView is a knowledge-base result with its quoted texts cut from the record as the viewer sees it.
func kbView(u *auth.User, rec *qa.Record, rs []knowledge.Result) []knowledge.Result {
	if u.Can(auth.PermPersonalData) {
		return rs
	}
	cut := func(turn int, span []int, text string) string {
		if rec != nil && turn >= 0 && turn < len(rec.Turns) && len(span) == 2 {
			rs := []rune(rec.Turns[turn].Text)
			if span[0] >= 0 && span[0] <= span[1] && span[1] <= len(rs) {
				return string(rs[span[0]:span[1]])
			}
		}
		return view.Text(u, text)
	}
	out := make([]knowledge.Result, len(rs))
	for i, k := range rs {
		k.Trigger = cut(k.Turn, k.Span, k.Trigger)
		k.Covered = slices.Clone(k.Covered)
		for j := range k.Covered {
			k.Covered[j].Text = cut(k.Covered[j].Turn, k.Covered[j].Span, k.Covered[j].Text)
		}
		out[i] = k
	}
	return out
}

// reviewData is what the review page shows.
type reviewData struct {
	Form      *workflow.Form
	Dims      []dimInput
	Problems  []problemInput
	Comment   string
	Error     string
	Audio     bool
	Findings  []qa.Finding
	Knowledge []knowledge.Result
	Editable  bool // open, and the user is the task's inspector
	Mine      bool
	Overdue   bool
	Done      []problemView // the submitted review's problems with dimension and item names
}

func (c *Console) reviewForm(r *http.Request) (*reviewData, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	u := auth.FromContext(r.Context())
	f, err := c.cfg.Flow.Form(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &reviewData{Form: f, Mine: f.Task.InspectorID == u.ID, Overdue: f.Task.Overdue(c.cfg.Now())}
	d.Editable = d.Mine && f.Task.Status == review.TaskOpen
	d.Dims = buildDims(f.Scorecard, f.Auto, f.Items)
	if f.Review != nil {
		d.Dims = buildDims(f.Scorecard, f.Auto, f.Review.Items)
		d.Comment = f.Review.Comment
		d.Done = problemViews(f.Scorecard, f.Review.Problems)
	}
	if f.Auto != nil {
		d.Findings = f.Auto.Findings
	}
	d.Knowledge = kbView(u, f.Record, f.Knowledge)
	if raw, _, err := api.VisibleRecord(r, c.cfg.Store, f.Task.RecordID); err == nil {
		d.Audio = c.recordingPath(raw) != ""
	}
	d.Problems = []problemInput{{Index: 0, Problem: review.Problem{Severity: qa.SeverityMinor}}}
	return d, nil
}

func (c *Console) reviewPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.reviewForm(r)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "review", d)
}

// submitReview stores the review and goes to the record; a mistake (an override without a reason,
// a problem without its behaviour) shows the form again with everything entered and the message.
func (c *Console) submitReview(w http.ResponseWriter, r *http.Request) error {
	d, err := c.reviewForm(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return qa.NewError(qa.EInvalid, err.Error())
	}
	items := parseItems(r, d.Form.Scorecard)
	problems, rows := parseProblems(r)
	in := review.Input{Items: items, Comment: r.PostFormValue("comment"), Problems: problems}
	rv, err := c.cfg.Flow.Submit(r.Context(), auth.FromContext(r.Context()), d.Form.Task.ID, in)
	if err == nil {
		return redirect(w, r, "/records/"+url.PathEscape(rv.RecordID)+"#reviews")
	}
	if !formError(err) {
		return err
	}
	// Show what was entered: the automatic values, overlaid with the posted ones.
	vals := slices.Clone(d.Form.Items)
	for _, s := range items {
		for i := range vals {
			if vals[i].Item == s.Item {
				vals[i].Result, vals[i].Level, vals[i].Reason, vals[i].Note = s.Result, s.Level, s.Reason, s.Note
			}
		}
	}
	d.Dims = buildDims(d.Form.Scorecard, d.Form.Auto, vals)
	for i := range d.Dims {
		for k := range d.Dims[i].Items {
			it := &d.Dims[i].Items[k]
			it.Override = it.Auto != "" && it.Value() != it.AutoValue()
		}
	}
	d.Comment = in.Comment
	if len(rows) > 0 {
		d.Problems = rows
	}
	d.Error = errText(err)
	return c.render(w, r, statusFor(err), "review", d)
}

// ---- the record page's reviews, actions and history ----

// itemChange is an item a reviewer judged differently from the automatic inspection.
type itemChange struct {
	review.ItemScore
	Name string
	Kind string
}

type problemView struct {
	review.Problem
	DimName, ItemName string
}

type reviewView struct {
	R          review.Review
	Changes    []itemChange
	Problems   []problemView
	CanDispute bool
	NoDispute  string // why the user, who may dispute scores, cannot dispute this one
	CanSlip    bool
	Slip       int64 // the slip written about this review, if any
}

// problemViews names each problem's dimension and item from the scorecard.
func problemViews(sc *qa.Scorecard, ps []review.Problem) []problemView {
	out := make([]problemView, len(ps))
	for i, p := range ps {
		pv := problemView{Problem: p, DimName: p.Dimension, ItemName: p.Item}
		if sc != nil {
			for _, d := range sc.Dimensions {
				if d.ID == p.Dimension {
					pv.DimName = d.Name
				}
				for _, it := range d.Items {
					if it.ID == p.Item {
						pv.ItemName = it.Name
					}
				}
			}
		}
		out[i] = pv
	}
	return out
}

// recordWorkflow is what the record page shows of the human review: the reviews the user may see
// with the actions they may take, the record's disputes, slips and tasks, and its history.
func (c *Console) recordWorkflow(r *http.Request, recordID string) (map[string]any, error) {
	ctx := r.Context()
	u := auth.FromContext(ctx)
	out := map[string]any{}
	rvs, err := c.cfg.Flow.RecordReviews(ctx, u, recordID)
	if err != nil {
		return nil, err
	}
	cards := map[string]*qa.Scorecard{}
	card := func(name string, version int) *qa.Scorecard {
		k := fmt.Sprintf("%s@%d", name, version)
		if sc, ok := cards[k]; ok {
			return sc
		}
		sc, _, _, err := c.cfg.Store.Scorecard(ctx, name, version)
		if err != nil {
			sc = nil
		}
		cards[k] = sc
		return sc
	}
	views := make([]reviewView, 0, len(rvs))
	for _, rv := range rvs {
		v := reviewView{R: rv, CanSlip: u.Can(auth.PermReview) && !rv.Passed && rv.Status == review.StatusFinal}
		// Someone who may dispute sees either the form or why this score cannot be disputed.
		if u.Can(auth.PermDisputeRaise) && rv.Kind == review.KindReview {
			if err := c.cfg.Flow.WhyNoDispute(u, &rv, c.cfg.Now()); err != nil {
				v.NoDispute = err.Error()
			} else {
				v.CanDispute = true
			}
		}
		sc := card(rv.Scorecard, rv.Version)
		names, kinds := map[string]string{}, map[string]string{}
		if sc != nil {
			for _, d := range sc.Dimensions {
				for _, it := range d.Items {
					names[it.ID], kinds[it.ID] = it.Name, it.Kind
				}
			}
		}
		for _, it := range rv.Items {
			// Overrides of the automatic result, and the judgements of items no check decides.
			if it.Override || (it.Auto == "" && it.Result != qa.ResultNA) {
				v.Changes = append(v.Changes, itemChange{ItemScore: it, Name: names[it.Item], Kind: kinds[it.Item]})
			}
		}
		v.Problems = problemViews(sc, rv.Problems)
		views = append(views, v)
	}
	out["Reviews"] = views
	// Only a person's review can be disputed: say so to whoever could dispute, before there is one.
	out["NoReviewYet"] = len(views) == 0 && u.Can(auth.PermDisputeRaise)
	if out["Names"], err = c.cfg.Store.ItemNames(ctx); err != nil {
		return nil, err
	}
	hist, err := c.cfg.Flow.History(ctx, u, recordID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(hist) // oldest first: the record's story in order
	out["History"] = hist
	blind, err := c.cfg.Store.BlindFor(ctx, u.ID, recordID)
	if err != nil {
		return nil, err
	}
	out["Blind"] = blind
	if !blind {
		ds, err := c.cfg.Flow.Disputes(ctx, u, store.ScopeFilter{RecordID: recordID})
		if err != nil {
			return nil, err
		}
		for i := range ds {
			ds[i].Reason = view.Text(u, ds[i].Reason)
		}
		out["Disputes"] = ds
		ss, err := c.cfg.Flow.Slips(ctx, u, store.ScopeFilter{RecordID: recordID})
		if err != nil {
			return nil, err
		}
		out["Slips"] = slipRows(ss, c.cfg.Now())
		for i := range views { // one slip per review: once written, it is followed on its own page
			for _, sl := range ss {
				if sl.ReviewID == views[i].R.ID {
					views[i].CanSlip, views[i].Slip = false, sl.ID
				}
			}
		}
	}
	if u.Can(auth.PermReview) {
		ts, err := c.cfg.Flow.Tasks(ctx, u, store.TaskFilter{RecordID: recordID})
		if err != nil {
			return nil, err
		}
		now := c.cfg.Now()
		rows := make([]taskRow, len(ts))
		for i := range ts {
			rows[i] = taskRow{ts[i], ts[i].Overdue(now)}
		}
		out["Tasks"] = rows
	}
	if u.Can(auth.PermReviewManage) {
		ins, err := c.inspectors(ctx)
		if err != nil {
			return nil, err
		}
		out["Inspectors"] = ins
	}
	return out, nil
}

// Package review holds the human side of quality inspection (C3, D1–D3, C4, H4): reviews that
// score a record item by item over its automatic results, problems and major incidents, disputes
// with a blind second review, communication slips, calibration sessions and the audit trail. The
// types and state machines here know nothing of storage or HTTP; who may take each step is decided
// by the permissions of auth.Matrix.
package review

import (
	"fmt"
	"strings"
	"time"

	"qloop/internal/qa"
	"qloop/internal/rules"
)

// Task kinds.
const (
	TaskSample  = "sample"  // drawn by a sampling plan (or assigned by hand)
	TaskDispute = "dispute" // the blind second review of a disputed score (双人复核)
)

// Task states.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled"
)

// Task is one record waiting for one inspector's review.
type Task struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	RecordID    string    `json:"record_id"`
	InspectorID int64     `json:"inspector_id"`
	Inspector   string    `json:"inspector"` // username
	Status      string    `json:"status"`
	Reason      string    `json:"reason"`  // why it was drawn: random, full:complaint, special:escalation, dispute, manual
	Stratum     string    `json:"stratum"` // the sampling stratum, when drawn by a plan
	PlanID      int64     `json:"plan_id,omitempty"`
	RunID       int64     `json:"run_id,omitempty"`
	DisputeID   int64     `json:"dispute_id,omitempty"`
	Blind       bool      `json:"blind"` // the inspector must not see earlier reviews of the record
	DueAt       time.Time `json:"due_at"`
	CreatedAt   time.Time `json:"created_at"`
	DoneAt      time.Time `json:"done_at"`
	// Listing extras filled by the store.
	AgentID   string    `json:"agent_id,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	StartedAt time.Time `json:"started_at"`
	AutoScore *float64  `json:"auto_score,omitempty"`
}

// Overdue reports whether the task is still open after its due time.
func (t *Task) Overdue(now time.Time) bool {
	return t.Status == TaskOpen && !t.DueAt.IsZero() && now.After(t.DueAt)
}

// ItemScore is a reviewer's judgement of one scorecard item, beside the automatic one.
type ItemScore struct {
	Item      string `json:"item"`
	Result    string `json:"result"`               // pass, fail, na
	Level     int    `json:"level,omitempty"`      // 1–5 for scale items
	Auto      string `json:"auto,omitempty"`       // the automatic result ("" = no automatic check)
	AutoLevel int    `json:"auto_level,omitempty"` // the automatic level of a scale item
	Override  bool   `json:"override"`             // the reviewer changed the automatic result
	Reason    string `json:"reason,omitempty"`     // why (required for an override)
	Note      string `json:"note,omitempty"`
}

// Review kinds.
const (
	KindReview   = "review"   // the first human review
	KindRereview = "rereview" // the blind second review of a dispute
)

// Review states: a review counts towards performance only when it is final.
const (
	StatusFinal      = "final"      // counts
	StatusDisputed   = "disputed"   // under dispute: does not count until the supervisor decides
	StatusSuperseded = "superseded" // replaced by the decision of a dispute
	StatusSecond     = "second"     // a second review: evidence for the decision, never counted itself
)

// Review is one inspector's scoring of one record revision with one scorecard version.
type Review struct {
	ID         int64       `json:"id"`
	TaskID     int64       `json:"task_id"`
	RecordID   string      `json:"record_id"`
	Rev        int         `json:"rev"`
	Scorecard  string      `json:"scorecard"`
	Version    int         `json:"version"`
	ReviewerID int64       `json:"reviewer_id"`
	Reviewer   string      `json:"reviewer"`
	Kind       string      `json:"kind"`
	Status     string      `json:"status"`
	Items      []ItemScore `json:"items"`
	Score      float64     `json:"score"`
	Passed     bool        `json:"passed"`
	Fatal      bool        `json:"fatal"`
	AutoScore  *float64    `json:"auto_score"`
	Comment    string      `json:"comment,omitempty"`
	Problems   []Problem   `json:"problems"`
	CreatedAt  time.Time   `json:"created_at"`
	// AgentID and Team are the record's, kept so that scope checks need not load the record.
	AgentID string `json:"agent_id"`
	Team    string `json:"team"`
}

// Counts reports whether the review's score counts towards the agent's performance.
func (r *Review) Counts() bool { return r.Status == StatusFinal }

// Problem is one concrete problem a reviewer found (C3): who, when, what the customer needed,
// which dimension, what the agent did, how severe; a major one is a major incident (C4).
type Problem struct {
	ID              int64     `json:"id"`
	ReviewID        int64     `json:"review_id"`
	RecordID        string    `json:"record_id"`
	AgentID         string    `json:"agent_id"`
	ServiceTime     time.Time `json:"service_time"`
	CustomerProblem string    `json:"customer_problem"`
	Dimension       string    `json:"dimension"`
	Item            string    `json:"item,omitempty"`
	Behaviour       string    `json:"behaviour"`
	Severity        string    `json:"severity"`
	Major           bool      `json:"major"`
}

// Input is what a reviewer submits.
type Input struct {
	Items    []ItemScore `json:"items"`
	Comment  string      `json:"comment"`
	Problems []Problem   `json:"problems"`
}

// Prefill returns the item scores a review starts from: the automatic result of every item of sc
// (na for items without a check, which the reviewer judges).
func Prefill(sc *qa.Scorecard, auto *qa.Inspection) []ItemScore {
	byID := map[string]qa.Finding{}
	if auto != nil {
		for _, f := range auto.Findings {
			byID[f.Item] = f
		}
	}
	var out []ItemScore
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			s := ItemScore{Item: it.ID, Result: qa.ResultNA}
			if f, ok := byID[it.ID]; ok && it.Check != nil {
				s.Auto, s.AutoLevel = f.Result, f.Level
				s.Result, s.Level = f.Result, f.Level
			}
			out = append(out, s)
		}
	}
	return out
}

// Score builds a review's item scores from the reviewer's input over the automatic inspection:
// items left out keep their automatic result; a changed automatic result needs a reason; a scale
// item's result follows from its level. It returns the scores and the inspection they make, scored
// by the same rule as automatic inspections (rules.Score), or every mistake at once.
func Score(sc *qa.Scorecard, auto *qa.Inspection, in []ItemScore) ([]ItemScore, qa.Inspection, error) {
	items := Prefill(sc, auto)
	defs := map[string]*qa.Item{}
	pos := map[string]int{}
	for _, d := range sc.Dimensions {
		for i := range d.Items {
			defs[d.Items[i].ID] = &d.Items[i]
		}
	}
	for i, s := range items {
		pos[s.Item] = i
	}
	var errs []string
	seen := map[string]bool{}
	for _, s := range in {
		def, ok := defs[s.Item]
		if !ok {
			errs = append(errs, fmt.Sprintf("评分项 %q 不在质检标准 %s v%d 中 item %q is not in scorecard %s v%d", s.Item, sc.Name, sc.Version, s.Item, sc.Name, sc.Version))
			continue
		}
		if seen[s.Item] {
			errs = append(errs, fmt.Sprintf("评分项 %q 重复 item %q is given twice", s.Item, s.Item))
			continue
		}
		seen[s.Item] = true
		cur := &items[pos[s.Item]]
		if def.Kind == qa.KindScale && s.Result != qa.ResultNA {
			if s.Level < 1 || s.Level > 5 {
				errs = append(errs, fmt.Sprintf("评分项 %q 的等级须为 1–5 item %q needs a level from 1 to 5 (got %d)", s.Item, s.Item, s.Level))
				continue
			}
			pass := def.PassLevel
			if pass == 0 {
				pass = 3
			}
			s.Result = qa.ResultFail
			if s.Level >= pass {
				s.Result = qa.ResultPass
			}
		} else {
			s.Level = 0
		}
		switch s.Result {
		case qa.ResultPass, qa.ResultFail, qa.ResultNA:
		default:
			errs = append(errs, fmt.Sprintf("评分项 %q 的结果 %q 无效 item %q: result must be pass, fail or na (got %q)", s.Item, s.Result, s.Item, s.Result))
			continue
		}
		override := cur.Auto != "" && (s.Result != cur.Auto || (def.Kind == qa.KindScale && s.Level != cur.AutoLevel))
		reason := strings.TrimSpace(s.Reason)
		if override && reason == "" {
			errs = append(errs, fmt.Sprintf("评分项 %q 改动了自动质检结果, 请填写原因 item %q overrides the automatic result: give a reason", s.Item, s.Item))
			continue
		}
		cur.Result, cur.Level, cur.Override, cur.Reason, cur.Note = s.Result, s.Level, override, reason, strings.TrimSpace(s.Note)
	}
	if len(errs) > 0 {
		return nil, qa.Inspection{}, qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	ins := qa.Inspection{Scorecard: sc.Name, Version: sc.Version}
	for _, s := range items {
		ins.Findings = append(ins.Findings, qa.Finding{Item: s.Item, Result: s.Result, Level: s.Level})
	}
	rules.Score(sc, &ins)
	return items, ins, nil
}

// Severities lists the valid problem severities (B1).
var Severities = []string{qa.SeverityMinor, qa.SeverityMajor, qa.SeverityCritical}

// ValidateProblems checks each problem a reviewer records (C3) against the scorecard's dimensions.
func ValidateProblems(sc *qa.Scorecard, ps []Problem) error {
	var errs []string
	for i := range ps {
		p := &ps[i]
		p.CustomerProblem, p.Behaviour = strings.TrimSpace(p.CustomerProblem), strings.TrimSpace(p.Behaviour)
		at := fmt.Sprintf("problems[%d]", i)
		if p.Behaviour == "" {
			errs = append(errs, at+": 请描述具体行为 describe the concrete behaviour")
		}
		if p.CustomerProblem == "" {
			errs = append(errs, at+": 请填写客户问题 say what the customer's problem was")
		}
		found := false
		for _, d := range sc.Dimensions {
			if d.ID == p.Dimension || d.Name == p.Dimension {
				p.Dimension, found = d.ID, true
				if p.Item != "" {
					ok := false
					for _, it := range d.Items {
						ok = ok || it.ID == p.Item
					}
					if !ok {
						errs = append(errs, fmt.Sprintf("%s: 评分项 %q 不属于维度 %q item %q is not in dimension %q", at, p.Item, d.ID, p.Item, d.ID))
					}
				}
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: 维度 %q 不在质检标准中 dimension %q is not in scorecard %s", at, p.Dimension, p.Dimension, sc.Name))
		}
		okSev := false
		for _, s := range Severities {
			okSev = okSev || s == p.Severity
		}
		if !okSev {
			errs = append(errs, fmt.Sprintf("%s: 严重程度须为 一般/较严重/严重 severity must be 一般, 较严重 or 严重 (got %q)", at, p.Severity))
		}
	}
	if len(errs) > 0 {
		return qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	return nil
}

package review

import (
	"fmt"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
)

// Dispute states (D1): raised → second review assigned → second review done → decided.
const (
	DisputeOpen     = "open"     // raised; waiting for the supervisor to assign a second inspector
	DisputeRereview = "rereview" // a different inspector reviews blind
	DisputeDecision = "decision" // the second review is in; waiting for the supervisor's decision
	DisputeUpheld   = "upheld"   // the first score stands
	DisputeAmended  = "amended"  // the second review's score replaces it
)

// Dispute is an agent's (or team lead's) challenge of a reviewed score.
type Dispute struct {
	ID           int64     `json:"id"`
	ReviewID     int64     `json:"review_id"`
	RecordID     string    `json:"record_id"`
	AgentID      string    `json:"agent_id"`
	Team         string    `json:"team"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason"`
	RaisedByID   int64     `json:"raised_by_id"`
	RaisedBy     string    `json:"raised_by"`
	RaisedAt     time.Time `json:"raised_at"`
	RereviewerID int64     `json:"rereviewer_id,omitempty"`
	Rereviewer   string    `json:"rereviewer,omitempty"`
	AssignedAt   time.Time `json:"assigned_at"`
	TaskID       int64     `json:"task_id,omitempty"`
	RereviewID   int64     `json:"rereview_id,omitempty"`
	RereviewedAt time.Time `json:"rereviewed_at"`
	Decision     string    `json:"decision,omitempty"` // uphold or amend
	DecisionNote string    `json:"decision_note,omitempty"`
	DecidedByID  int64     `json:"decided_by_id,omitempty"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at"`
	FirstScore   *float64  `json:"first_score,omitempty"` // nil for the blind second reviewer
	SecondScore  *float64  `json:"second_score,omitempty"`
	FinalScore   *float64  `json:"final_score,omitempty"`
}

// Closed reports whether the supervisor has decided the dispute.
func (d *Dispute) Closed() bool { return d.Status == DisputeUpheld || d.Status == DisputeAmended }

// CanRaise reports why u may not dispute rv at now, or nil: the agent of the record or their team
// lead, within window of the review, on a counting first review with no dispute yet.
func CanRaise(u *auth.User, rv *Review, window time.Duration, now time.Time, reason string) error {
	switch {
	case !u.Can(auth.PermDisputeRaise):
		return forbidden("你的角色不能申诉 your role may not dispute scores")
	case u.Can(auth.PermRecordsOwn) && u.AgentID != rv.AgentID,
		u.Can(auth.PermRecordsTeam) && u.Team != rv.Team:
		return forbidden("只能申诉本人或本组的评分 you may dispute only your own or your team's scores")
	case rv.Kind != KindReview:
		return invalid("复核评分不能再申诉 a second review cannot be disputed")
	case rv.Status == StatusDisputed:
		return conflict("该评分已在申诉中 this score is already disputed")
	case rv.Status != StatusFinal:
		return conflict("该评分已裁决, 不能再申诉 this score was already decided and cannot be disputed again")
	case window > 0 && now.After(rv.CreatedAt.Add(window)):
		return conflict(fmt.Sprintf("申诉期已过 (复核后 %s 内) the dispute window of %s after the review has passed", days(window), days(window)))
	case strings.TrimSpace(reason) == "":
		return invalid("请写明申诉理由 give the reason for the dispute")
	}
	return nil
}

// CanAssign reports why u may not assign inspector to re-review d, or nil: the second inspector
// must differ from the first reviewer (双人复核).
func CanAssign(u *auth.User, d *Dispute, inspector *auth.User, firstReviewer int64) error {
	switch {
	case !u.Can(auth.PermDisputeDecide):
		return forbidden("只有质检主管可以分派复核 only the QA supervisor assigns the second review")
	case d.Status != DisputeOpen && d.Status != DisputeRereview:
		return conflict(fmt.Sprintf("申诉状态为 %s, 不能再分派 the dispute is %s and cannot be assigned", d.Status, d.Status))
	case d.Status == DisputeRereview && d.RereviewID != 0:
		return conflict("复核已完成 the second review is already done")
	case inspector == nil || !inspector.Can(auth.PermReview):
		return invalid("复核人必须是质检员 the second reviewer must be an inspector")
	case inspector.ID == firstReviewer:
		return invalid("复核人不能是原质检员 the second reviewer must not be the first reviewer")
	}
	return nil
}

// CanDecide reports why u may not decide d with decision, or nil.
func CanDecide(u *auth.User, d *Dispute, decision string) error {
	switch {
	case !u.Can(auth.PermDisputeDecide):
		return forbidden("只有质检主管可以裁决申诉 only the QA supervisor decides disputes")
	case d.Status != DisputeDecision:
		return conflict(fmt.Sprintf("申诉状态为 %s, 需先完成复核 the dispute is %s: the second review must be done first", d.Status, d.Status))
	case decision != "uphold" && decision != "amend":
		return invalid("裁决须为 uphold (维持) 或 amend (改判) decision must be uphold or amend")
	}
	return nil
}

// Slip steps (D3): inspector writes → QA supervisor signs → team lead signs → team lead talks with
// the agent → agent acknowledges with feedback → inspector closes.
const (
	SlipQASign   = "qa_sign"
	SlipLeadSign = "lead_sign"
	SlipTalk     = "talk"
	SlipAgentAck = "agent_ack"
	SlipClose    = "close"
	SlipClosed   = "closed"
)

// SlipSteps are the steps in order, each followed by the next.
var SlipSteps = []string{SlipQASign, SlipLeadSign, SlipTalk, SlipAgentAck, SlipClose, SlipClosed}

// SlipDue is how long each step may take by default.
var SlipDue = map[string]time.Duration{
	SlipQASign: 24 * time.Hour, SlipLeadSign: 24 * time.Hour, SlipTalk: 48 * time.Hour,
	SlipAgentAck: 24 * time.Hour, SlipClose: 24 * time.Hour,
}

// Slip is a communication slip (沟通单) about a failed review.
type Slip struct {
	ID          int64      `json:"id"`
	ReviewID    int64      `json:"review_id"`
	RecordID    string     `json:"record_id"`
	AgentID     string     `json:"agent_id"`
	Team        string     `json:"team"`
	Step        string     `json:"step"`
	Problem     string     `json:"problem"`    // what went wrong, in the inspector's words
	Suggestion  string     `json:"suggestion"` // what the agent should do instead
	CreatedByID int64      `json:"created_by_id"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	DueAt       time.Time  `json:"due_at"` // of the current step
	Steps       []SlipStep `json:"steps"`
}

// SlipStep is one dated signature or note on a slip.
type SlipStep struct {
	Step   string    `json:"step"`
	UserID int64     `json:"user_id"`
	User   string    `json:"user"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

// Overdue reports whether the slip's current step is past its due time.
func (s *Slip) Overdue(now time.Time) bool {
	return s.Step != SlipClosed && !s.DueAt.IsZero() && now.After(s.DueAt)
}

// NextStep returns the step after step.
func NextStep(step string) string {
	for i, s := range SlipSteps {
		if s == step && i+1 < len(SlipSteps) {
			return SlipSteps[i+1]
		}
	}
	return SlipClosed
}

// CanCreateSlip reports why u may not write a slip about rv, or nil: an inspector, for a failed review.
func CanCreateSlip(u *auth.User, rv *Review, problem string) error {
	switch {
	case !u.Can(auth.PermReview):
		return forbidden("只有质检员可以填写沟通单 only inspectors write communication slips")
	case rv.Status != StatusFinal:
		return conflict("沟通单只针对计入成绩的复核 a slip is written about a final review (not one disputed, superseded or a second review)")
	case rv.Passed:
		return invalid("沟通单只针对未通过的复核 a slip is written for a failed review")
	case strings.TrimSpace(problem) == "":
		return invalid("请写明问题 describe the problem")
	}
	return nil
}

// CanAdvance reports why u may not take slip s's current step with note, or nil.
func CanAdvance(u *auth.User, s *Slip, note string) error {
	needNote := ""
	switch s.Step {
	case SlipQASign:
		if !u.Can(auth.PermSlipSign) {
			return forbidden("此步骤需质检主管签字 this step is the QA supervisor's signature")
		}
	case SlipLeadSign, SlipTalk:
		if !u.Can(auth.PermSlipLead) || u.Team != s.Team {
			return forbidden("此步骤需坐席所在组的组长 this step is for the agent's team lead")
		}
		if s.Step == SlipTalk {
			needNote = "请记录与坐席的沟通内容 record what was said in the talk with the agent"
		}
	case SlipAgentAck:
		if !u.Can(auth.PermSlipAck) || u.AgentID != s.AgentID {
			return forbidden("此步骤需坐席本人确认 this step is the agent's own acknowledgement")
		}
		needNote = "请填写你的反馈 give your feedback"
	case SlipClose:
		if u.ID != s.CreatedByID {
			return forbidden("沟通单由填写的质检员关闭 the inspector who wrote the slip closes it")
		}
	default:
		return conflict("沟通单已关闭 the slip is closed")
	}
	if needNote != "" && strings.TrimSpace(note) == "" {
		return invalid(needNote)
	}
	return nil
}

// Incident is a major incident (重大事故) found in review (C4), on its list until closed.
type Incident struct {
	ID         int64     `json:"id"`
	ProblemID  int64     `json:"problem_id"`
	ReviewID   int64     `json:"review_id"`
	RecordID   string    `json:"record_id"`
	AgentID    string    `json:"agent_id"`
	Team       string    `json:"team"`
	Severity   string    `json:"severity"`
	Summary    string    `json:"summary"`
	Status     string    `json:"status"` // open, closed
	ReportedBy string    `json:"reported_by"`
	CreatedAt  time.Time `json:"created_at"`
	ClosedBy   string    `json:"closed_by,omitempty"`
	ClosedAt   time.Time `json:"closed_at"`
	CloseNote  string    `json:"close_note,omitempty"`
}

// Notification is an in-app message to one user.
type Notification struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Kind      string    `json:"kind"` // incident, dispute, slip, task
	Text      string    `json:"text"`
	Link      string    `json:"link"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// AuditEntry is one append-only line of the audit trail (H4): who did what, when, before and after.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	ActorID  int64     `json:"actor_id"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // review.submit, review.override, dispute.raise, …
	Entity   string    `json:"entity"` // review, dispute, slip, plan, calibration, incident, knowledge
	EntityID int64     `json:"entity_id"`
	RecordID string    `json:"record_id,omitempty"`
	Before   string    `json:"before,omitempty"` // JSON
	After    string    `json:"after,omitempty"`  // JSON
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d 天 days", int(d/(24*time.Hour)))
	}
	return d.String()
}

func forbidden(msg string) error { return qa.NewError(qa.EForbidden, msg) }
func invalid(msg string) error   { return qa.NewError(qa.EInvalid, msg) }
func conflict(msg string) error  { return qa.NewError(qa.EConflict, msg) }

// Package sample draws records for human review by a sampling plan (requirement C2):
// full inspection (全量) of records matching fixed rules, a random share of every stratum,
// a minimum per agent, and special inspections (专项质检); the draws are then assigned to
// inspectors by quota (抽检数量). Size is the sample-size calculator.
//
// Everything is deterministic from a seed so a plan run can be reproduced and audited.
package sample

import (
	"fmt"
	"math"
	"strings"
	"time"

	"qloop/internal/qa"
)

// Strata dimensions a plan may stratify by.
const (
	ByAgent        = "agent"
	ByBusinessType = "business_type"
	ByChannel      = "channel"
	ByPeriod       = "period"
)

// Periods for the period dimension, in China time (+08:00).
const (
	PeriodDay   = "day"
	PeriodWeek  = "week" // ISO week, Monday start
	PeriodMonth = "month"
)

// Triggers of a special inspection.
const (
	TriggerMajorComplaint = "major_complaint"
	TriggerEscalation     = "escalation"
	TriggerNewPolicy      = "new_policy"
)

// SpecialWindow is how long after its triggering event a special inspection may be started.
const SpecialWindow = 7 * 24 * time.Hour

// Candidate is what the sampler knows of one record (the caller fills it from the store).
type Candidate struct {
	ID           string    `json:"id"`
	AgentID      string    `json:"agent_id"`
	Team         string    `json:"team,omitempty"`
	Channel      string    `json:"channel"`
	BusinessType string    `json:"business_type,omitempty"`
	CustomerTier string    `json:"customer_tier,omitempty"`
	StartedAt    time.Time `json:"started_at"`
	Score        *float64  `json:"score,omitempty"` // latest automatic score; nil = not inspected
	Complaint    bool      `json:"complaint,omitempty"`
	Escalated    bool      `json:"escalated,omitempty"`
	Upset        bool      `json:"upset,omitempty"` // the customer was upset (sentiment)
	Transfers    int       `json:"transfers,omitempty"`
	Tags         []string  `json:"tags,omitempty"`
}

// Plan is a sampling plan, stored as JSON and sent by the API.
type Plan struct {
	Name          string    `json:"name" yaml:"name"`
	Title         string    `json:"title,omitempty" yaml:"title,omitempty"`
	Rate          float64   `json:"rate" yaml:"rate"`                                       // share of each stratum drawn, 0 <= rate <= 1
	StrataBy      []string  `json:"strata_by" yaml:"strata_by"`                             // agent, business_type, period, channel; empty = one stratum
	Period        string    `json:"period,omitempty" yaml:"period,omitempty"`               // day, week or month; required with strata_by period
	MinPerAgent   int       `json:"min_per_agent,omitempty" yaml:"min_per_agent,omitempty"` // top each agent up to this many
	Inspectors    []Quota   `json:"inspectors" yaml:"inspectors"`
	Full          FullRules `json:"full" yaml:"full"`
	Special       *Special  `json:"special,omitempty" yaml:"special,omitempty"`
	From          time.Time `json:"from,omitzero" yaml:"from,omitempty"` // population window [From, To); zero = unbounded
	To            time.Time `json:"to,omitzero" yaml:"to,omitempty"`
	Channels      []string  `json:"channels,omitempty" yaml:"channels,omitempty"` // population filter; empty = all
	BusinessTypes []string  `json:"business_types,omitempty" yaml:"business_types,omitempty"`
}

// Quota is one inspector (username) and the most records they review in a run; 0 = no limit.
type Quota struct {
	Inspector string `json:"inspector" yaml:"inspector"`
	Quota     int    `json:"quota" yaml:"quota"`
}

// FullRules select records that are always reviewed (全量). Each rule is off when zero.
type FullRules struct {
	KeyCustomerTiers []string `json:"key_customer_tiers,omitempty" yaml:"key_customer_tiers,omitempty"` // e.g. vip
	Complaints       bool     `json:"complaints,omitempty" yaml:"complaints,omitempty"`
	MinTransfers     int      `json:"min_transfers,omitempty" yaml:"min_transfers,omitempty"` // complex issue: transfers >= this
	Escalated        bool     `json:"escalated,omitempty" yaml:"escalated,omitempty"`
	ScoreBelow       *float64 `json:"score_below,omitempty" yaml:"score_below,omitempty"` // automatic score below this; unscored records never match
	Upset            bool     `json:"upset,omitempty" yaml:"upset,omitempty"`
	BusinessTypes    []string `json:"business_types,omitempty" yaml:"business_types,omitempty"` // major business
	Tags             []string `json:"tags,omitempty" yaml:"tags,omitempty"`
}

// Special is a special inspection (专项质检): every record of its window is reviewed.
type Special struct {
	Trigger   string    `json:"trigger" yaml:"trigger"`
	Note      string    `json:"note,omitempty" yaml:"note,omitempty"`
	From      time.Time `json:"from" yaml:"from"` // the records in scope, [From, To)
	To        time.Time `json:"to" yaml:"to"`
	StartedAt time.Time `json:"started_at" yaml:"started_at"` // when the triggering event happened
}

// Deadline is the last moment the special inspection may be started: StartedAt + 7 days.
func (s *Special) Deadline() time.Time { return s.StartedAt.Add(SpecialWindow) }

// Overdue reports whether now is past the deadline; Run has no clock, so the caller checks this when starting.
func (s *Special) Overdue(now time.Time) bool { return now.After(s.Deadline()) }

func (f *FullRules) any() bool {
	return len(f.KeyCustomerTiers) > 0 || f.Complaints || f.MinTransfers > 0 || f.Escalated ||
		f.ScoreBelow != nil || f.Upset || len(f.BusinessTypes) > 0 || len(f.Tags) > 0
}

// Validate reports every problem of p at once, as one qa.EInvalid error naming the fields in Chinese and English.
func (p *Plan) Validate() error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if strings.TrimSpace(p.Name) == "" {
		add("name 不能为空 name is required")
	}
	if math.IsNaN(p.Rate) || p.Rate < 0 || p.Rate > 1 {
		add("rate 必须在 0 到 1 之间 rate must be between 0 and 1 (got %v)", p.Rate)
	} else if p.Rate == 0 && !p.Full.any() && p.MinPerAgent <= 0 && p.Special == nil {
		add("rate 为 0 时须设置全量规则、min_per_agent 或专项质检 rate 0 draws nothing without full rules, min_per_agent or special")
	}
	seen := map[string]bool{}
	for _, s := range p.StrataBy {
		switch {
		case s != ByAgent && s != ByBusinessType && s != ByChannel && s != ByPeriod:
			add("strata_by 未知的分层维度 %q strata_by has unknown dimension %q (use agent, business_type, period, channel)", s, s)
		case seen[s]:
			add("strata_by 重复的分层维度 %q strata_by lists %q twice", s, s)
		}
		seen[s] = true
	}
	switch p.Period {
	case PeriodDay, PeriodWeek, PeriodMonth:
	case "":
		if seen[ByPeriod] {
			add("period 按时段分层时必填 period is required when strata_by has period (day, week or month)")
		}
	default:
		add("period 必须是 day、week 或 month period must be day, week or month (got %q)", p.Period)
	}
	if p.MinPerAgent < 0 {
		add("min_per_agent 不能为负数 min_per_agent must not be negative (got %d)", p.MinPerAgent)
	}
	if p.Full.MinTransfers < 0 {
		add("full.min_transfers 不能为负数 full.min_transfers must not be negative (got %d)", p.Full.MinTransfers)
	}
	if len(p.Inspectors) == 0 {
		add("inspectors 至少需要一名质检员 inspectors must list at least one inspector")
	}
	names := map[string]bool{}
	for i, q := range p.Inspectors {
		name := strings.TrimSpace(q.Inspector)
		switch {
		case name == "":
			add("inspectors[%d].inspector 不能为空 inspectors[%d].inspector is required", i, i)
		case names[name]:
			add("inspectors[%d] 质检员 %q 重复 inspectors[%d] repeats inspector %q", i, name, i, name)
		}
		names[name] = true
		if q.Quota < 0 {
			add("inspectors[%d].quota 不能为负数 inspectors[%d].quota must not be negative (got %d)", i, i, q.Quota)
		}
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
		add("from 必须早于 to from must be before to (%s >= %s)", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
	}
	if s := p.Special; s != nil {
		switch s.Trigger {
		case TriggerMajorComplaint, TriggerEscalation, TriggerNewPolicy:
		default:
			add("special.trigger 未知的专项触发类型 %q special.trigger %q is not one of major_complaint, escalation, new_policy", s.Trigger, s.Trigger)
		}
		if s.From.IsZero() || s.To.IsZero() {
			add("special.from 和 special.to 必填 special.from and special.to are required")
		} else if !s.From.Before(s.To) {
			add("special.from 必须早于 special.to special.from must be before special.to (%s >= %s)", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
		}
		if s.StartedAt.IsZero() {
			add("special.started_at 必填 special.started_at is required (when the triggering event happened)")
		}
	}
	if len(errs) > 0 {
		return qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	return nil
}

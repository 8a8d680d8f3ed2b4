// Package qa holds qloop's domain types: service records, scorecards, inspections and findings.
// It depends on the standard library only; storage, HTTP and parsing live elsewhere.
package qa

import (
	"fmt"
	"strings"
	"time"
)

// Channels a record can come from.
const (
	ChannelCall   = "call"
	ChannelChat   = "chat"
	ChannelEmail  = "email"
	ChannelTicket = "ticket"
)

// Speakers of a turn.
const (
	SpeakerAgent    = "agent"
	SpeakerCustomer = "customer"
	SpeakerSystem   = "system"
)

// Turn events a phone system may attach to a (usually system) turn.
const (
	EventHoldStart = "hold_start"
	EventHoldEnd   = "hold_end"
	EventHangup    = "hangup" // the customer hung up or the line dropped
)

// Record is one service record (call, chat, e-mail or ticket) in the canonical format of FORMAT.md.
type Record struct {
	ID            string    `json:"id"`
	Channel       string    `json:"channel"`
	StartedAt     time.Time `json:"started_at"`
	AgentID       string    `json:"agent_id"`
	AgentName     string    `json:"agent_name,omitempty"`
	Team          string    `json:"team,omitempty"`
	CustomerID    string    `json:"customer_id,omitempty"`
	CustomerName  string    `json:"customer_name,omitempty"`
	CustomerPhone string    `json:"customer_phone,omitempty"`
	CustomerTier  string    `json:"customer_tier,omitempty"`
	BusinessType  string    `json:"business_type,omitempty"`
	Recording     string    `json:"recording,omitempty"`
	Turns         []Turn    `json:"turns,omitempty"`
	Ticket        *Ticket   `json:"ticket,omitempty"`
	Tags          []string  `json:"tags,omitempty"`
}

// Turn is one utterance or message. Start and End are seconds from the record's StartedAt; nil when unknown.
type Turn struct {
	Speaker string   `json:"speaker"`
	Text    string   `json:"text"`
	Start   *float64 `json:"start,omitempty"`
	End     *float64 `json:"end,omitempty"`
	Event   string   `json:"event,omitempty"` // hold_start, hold_end, hangup (phone-system events)
}

// Ticket holds the work-order facts used by timeliness, resolution and SLA checks.
type Ticket struct {
	CreatedAt       *time.Time `json:"created_at,omitempty"`
	FirstResponseAt *time.Time `json:"first_response_at,omitempty"`
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	DueAt           *time.Time `json:"due_at,omitempty"`
	Status          string     `json:"status,omitempty"`
	Category        string     `json:"category,omitempty"`
	Transfers       int        `json:"transfers"`
	Escalated       bool       `json:"escalated"`
	Solution        string     `json:"solution,omitempty"`
}

// HasTag reports whether r carries tag (case-insensitive).
func (r *Record) HasTag(tag string) bool {
	for _, t := range r.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// IsComplaint reports whether r is a complaint: tagged `complaint` or a ticket of category 投诉.
func (r *Record) IsComplaint() bool {
	return r.HasTag("complaint") || r.HasTag("投诉") || (r.Ticket != nil && r.Ticket.Category == "投诉")
}

// Validate reports every reason r cannot be stored, as one error naming the fields.
func (r *Record) Validate() error {
	var errs []string
	if strings.TrimSpace(r.ID) == "" {
		errs = append(errs, "id is required")
	}
	switch r.Channel {
	case ChannelCall, ChannelChat, ChannelEmail, ChannelTicket:
	case "":
		errs = append(errs, "channel is required (call, chat, email or ticket)")
	default:
		errs = append(errs, fmt.Sprintf("channel %q is not one of call, chat, email, ticket", r.Channel))
	}
	if r.StartedAt.IsZero() {
		errs = append(errs, "started_at is required (RFC 3339 with offset, e.g. 2026-11-02T09:15:00+08:00)")
	}
	if strings.TrimSpace(r.AgentID) == "" {
		errs = append(errs, "agent_id is required")
	}
	if r.Channel != ChannelTicket && r.Channel != "" && len(r.Turns) == 0 {
		errs = append(errs, fmt.Sprintf("turns are required for a %s record", r.Channel))
	}
	for i, t := range r.Turns {
		switch t.Speaker {
		case SpeakerAgent, SpeakerCustomer, SpeakerSystem:
		default:
			errs = append(errs, fmt.Sprintf("turns[%d].speaker %q is not one of agent, customer, system", i, t.Speaker))
		}
		if t.Start != nil && *t.Start < 0 {
			errs = append(errs, fmt.Sprintf("turns[%d].start is negative", i))
		}
		if t.Start != nil && t.End != nil && *t.End < *t.Start {
			errs = append(errs, fmt.Sprintf("turns[%d].end %.2f is before its start %.2f", i, *t.End, *t.Start))
		}
	}
	if len(errs) > 0 {
		return NewError(EInvalid, strings.Join(errs, "; "))
	}
	return nil
}

// Seconds returns a pointer to v, for building turns in code and tests.
func Seconds(v float64) *float64 { return &v }

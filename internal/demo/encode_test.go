package demo

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"qloop/internal/qa"
)

func TestAppendMatchesMarshal(t *testing.T) {
	at := time.Date(2026, 8, 1, 9, 15, 0, 123000000, time.FixedZone("", 8*3600))
	utc := time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rec  qa.Record
	}{
		{"minimal", qa.Record{ID: "x", Channel: "ticket", StartedAt: utc, AgentID: "A1"}},
		{"escapes", qa.Record{ID: "a<b>&\"c\\", Channel: "call", StartedAt: at, AgentID: "A\n1\t\x01",
			AgentName: "王\u2028芳\u2029", Team: "“一组”…", CustomerName: "bad\xffutf8",
			Turns: []qa.Turn{{Speaker: "agent", Text: "您好"}, {Speaker: "customer", Text: "</script>", Start: qa.Seconds(0), End: qa.Seconds(1e-7)},
				{Speaker: "system", Text: "x", Start: qa.Seconds(1e22), End: qa.Seconds(123456.75), Event: "hangup"}},
			Tags: []string{"complaint", "<b>"}}},
		{"floats", qa.Record{ID: "f", Channel: "chat", StartedAt: utc, AgentID: "A1", Turns: []qa.Turn{
			{Speaker: "agent", Text: "a", Start: qa.Seconds(0.1 * 3), End: qa.Seconds(-2.5)},
			{Speaker: "agent", Text: "b", Start: qa.Seconds(1.0 / 3), End: qa.Seconds(123456789.9)},
			{Speaker: "agent", Text: "c", Start: qa.Seconds(math.Copysign(0, -1)), End: qa.Seconds(0.05)},
			{Speaker: "agent", Text: "d", Start: qa.Seconds(7), End: qa.Seconds(99.95)}}}},
		{"ticket without times", qa.Record{ID: "t", Channel: "ticket", StartedAt: at, AgentID: "A1",
			Ticket: &qa.Ticket{Transfers: 2, Escalated: true}}},
		{"ticket partial", qa.Record{ID: "t", Channel: "ticket", StartedAt: at, AgentID: "A1",
			Ticket: &qa.Ticket{DueAt: &utc, Category: "投诉", Solution: "已处理"}}},
		{"ticket full", qa.Record{ID: "t", Channel: "ticket", StartedAt: at, AgentID: "A1",
			Ticket: &qa.Ticket{CreatedAt: &at, FirstResponseAt: &at, ResolvedAt: &utc, DueAt: &utc, Status: "open", Transfers: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(&tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendRecord(nil, &tt.rec); string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

package feedback_test

import (
	"strings"
	"testing"
	"time"

	"qloop/internal/feedback"
	"qloop/internal/qa"
)

var cst = time.FixedZone("CST", 8*3600)

func at(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, cst) }

func ptr[T any](v T) *T { return &v }

// ticket is a ticket record created at 09:00 whose first response came after firstResp.
func ticket(id string, firstResp time.Duration, complaint bool) qa.Record {
	created := at(9, 0)
	tk := &qa.Ticket{CreatedAt: &created, FirstResponseAt: ptr(created.Add(firstResp))}
	if complaint {
		tk.Category = "投诉"
	}
	return qa.Record{ID: id, Channel: qa.ChannelTicket, StartedAt: created, AgentID: "A001", Ticket: tk}
}

func TestFactsOf(t *testing.T) {
	chat := qa.Record{ID: "c", Channel: qa.ChannelChat, StartedAt: at(9, 0), Turns: []qa.Turn{
		{Speaker: "system", Text: "接入", Start: qa.Seconds(0)},
		{Speaker: "customer", Text: "在吗", Start: qa.Seconds(5)},
		{Speaker: "agent", Text: "您好", Start: qa.Seconds(95)},
	}}
	call := qa.Record{ID: "k", Channel: qa.ChannelCall, StartedAt: at(9, 0), Turns: []qa.Turn{
		{Speaker: "agent", Text: "您好", Start: qa.Seconds(3)}, {Speaker: "customer", Text: "喂", Start: qa.Seconds(4)},
	}}
	tests := []struct {
		name string
		rec  qa.Record
		want time.Duration
		ok   bool
	}{
		{"ticket fields", ticket("t", 3*time.Hour, false), 3 * time.Hour, true},
		{"chat: first agent turn after the customer's", chat, 90 * time.Second, true},
		{"call: the greeting counts from the start", call, 3 * time.Second, true},
		{"nothing to tell", qa.Record{ID: "e", Channel: qa.ChannelEmail}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := feedback.FactsOf(&tt.rec)
			if f.FirstResponse != tt.want || f.HasFirstResponse != tt.ok {
				t.Errorf("first response %v (%v), want %v (%v)", f.FirstResponse, f.HasFirstResponse, tt.want, tt.ok)
			}
		})
	}
}

// TestVerifyContradictions feeds crafted feedback against known record facts and checks each rule.
func TestVerifyContradictions(t *testing.T) {
	recs := []qa.Record{
		ticket("fast", 20*time.Minute, false),  // answered well within 2 h
		ticket("slow", 5*time.Hour, false),     // answered after 5 h
		ticket("plain", 30*time.Minute, false), // no complaint anywhere
		ticket("tagged", 10*time.Minute, true), // the record itself is a complaint
		{ID: "nofacts", Channel: qa.ChannelEmail, StartedAt: at(9, 0), AgentID: "A1"},
	}
	facts := map[string]feedback.Facts{}
	for i := range recs {
		facts[recs[i].ID] = feedback.FactsOf(&recs[i])
	}
	rating := func(id, rec string, overall int, text string) feedback.Entry {
		return feedback.Entry{ID: id, Kind: feedback.KindRating, RecordID: rec, At: at(10, 0), Scores: map[string]int{"overall": overall}, Text: text}
	}
	complaint := func(id, rec, reason string) feedback.Entry {
		return feedback.Entry{ID: id, Kind: feedback.KindComplaint, RecordID: rec, At: at(11, 0), Reason: reason, SLA: "2h", HandledAt: ptr(at(14, 0))}
	}
	tests := []struct {
		name    string
		entries []feedback.Entry
		rule    string
		key     string
		status  string
		note    string // substring
		due     *time.Time
	}{
		{"slow claim, fast facts: contradiction", []feedback.Entry{complaint("k1", "fast", "客服响应太慢了")},
			feedback.RuleSlowResponse, "id:k1", feedback.StatusContradiction, "实际首次响应 20分钟", nil},
		{"slow claim, slow facts: confirmed", []feedback.Entry{complaint("k2", "slow", "等了半天没人回")},
			feedback.RuleSlowResponse, "id:k2", feedback.StatusConfirmed, "首次响应 5小时", nil},
		{"slow claim without facts: unverifiable", []feedback.Entry{complaint("k3", "nofacts", "回复不及时")},
			feedback.RuleSlowResponse, "id:k3", feedback.StatusUnverifiable, "没有首次响应时间", nil},
		{"a 5 with a complaint on the same record", []feedback.Entry{rating("r1", "fast", 5, "很好"), complaint("k4", "fast", "态度差")},
			feedback.RuleRatingComplaint, "id:r1", feedback.StatusContradiction, "态度差", nil},
		{"a 5 on a record that is a complaint", []feedback.Entry{rating("r2", "tagged", 5, "满意")},
			feedback.RuleRatingComplaint, "id:r2", feedback.StatusContradiction, "记录本身为投诉", nil},
		{"a low rating without text: pending, due in 24 h", []feedback.Entry{rating("r3", "plain", 2, "")},
			feedback.RuleNoText, "id:r3", feedback.StatusPending, "低分 2 分", ptr(at(10, 0).Add(24 * time.Hour))},
		{"a complaint handled after its 2 h class", []feedback.Entry{complaint("k5", "plain", "未解决")},
			feedback.RuleComplaintHandling, "id:k5", feedback.StatusLate, "时限 2h,实际用时 3小时", nil},
		{"a callback four days after the service", []feedback.Entry{{ID: "b1", Kind: feedback.KindCallback, RecordID: "plain",
			At: at(9, 0).Add(96 * time.Hour), Scores: map[string]int{"overall": 4}}},
			feedback.RuleCallbackLate, "id:b1", feedback.StatusLate, "服务后 96小时", nil},
		{"a sampled 1 confirmed by its callback", []feedback.Entry{rating("", "plain", 1, "很差"),
			{Kind: feedback.KindCallback, RecordID: "plain", At: at(15, 0), Scores: map[string]int{"overall": 2}}},
			feedback.RuleExtremeCallback, "rating:plain", feedback.StatusConfirmed, "印证", nil},
		{"a sampled 5 contradicted by its callback", []feedback.Entry{rating("", "plain", 5, "好"),
			{Kind: feedback.KindCallback, RecordID: "plain", At: at(15, 0), Scores: map[string]int{"overall": 1}}},
			feedback.RuleExtremeCallback, "rating:plain", feedback.StatusContradiction, "不符", nil},
		{"a sampled 5 without a callback: due 3 days after the service", []feedback.Entry{rating("", "plain", 5, "好")},
			feedback.RuleExtremeCallback, "rating:plain", feedback.StatusCallbackDue, "3 日内", ptr(at(9, 0).Add(72 * time.Hour))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := make([]feedback.Stored, len(tt.entries))
			for i, e := range tt.entries {
				stored[i] = feedback.Stored{ID: int64(i + 1), Rev: 1, Entry: e}
			}
			// Rate 1: every extreme rating is sampled, so the callback rules are exercised.
			got := feedback.Verify(stored, facts, feedback.Options{Now: at(12, 0), By: "zhijian", SampleRate: 1})
			var hit *feedback.Check
			for i := range got {
				if got[i].Rule == tt.rule && got[i].Key == tt.key {
					hit = &got[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s check on %s; got %+v", tt.rule, tt.key, got)
			}
			if hit.Status != tt.status || !strings.Contains(hit.Note, tt.note) {
				t.Errorf("status %s note %q, want %s with %q", hit.Status, hit.Note, tt.status, tt.note)
			}
			if hit.By != "zhijian" || !hit.At.Equal(at(12, 0)) {
				t.Errorf("by %q at %v: want who and when of the run", hit.By, hit.At)
			}
			if (tt.due == nil) != (hit.DueAt == nil) || (tt.due != nil && !tt.due.Equal(*hit.DueAt)) {
				t.Errorf("due %v, want %v", hit.DueAt, tt.due)
			}
		})
	}
}

// TestVerifyQuiet: consistent feedback raises nothing, so the checks above are not noise.
func TestVerifyQuiet(t *testing.T) {
	r := ticket("plain", 30*time.Minute, false)
	facts := map[string]feedback.Facts{"plain": feedback.FactsOf(&r)}
	entries := []feedback.Stored{
		{ID: 1, Rev: 1, Entry: feedback.Entry{Kind: feedback.KindRating, RecordID: "plain", At: at(10, 0), Scores: map[string]int{"overall": 4}}},
		{ID: 2, Rev: 1, Entry: feedback.Entry{Kind: feedback.KindRating, RecordID: "other", At: at(10, 0), Scores: map[string]int{"overall": 1}}},
		{ID: 3, Rev: 1, Entry: feedback.Entry{Kind: feedback.KindComplaint, RecordID: "plain", At: at(10, 0), Reason: "账单有误", SLA: "24h", HandledAt: ptr(at(12, 0))}},
	}
	if got := feedback.Verify(entries, facts, feedback.Options{Now: at(12, 0), SampleRate: 1}); len(got) != 0 {
		t.Errorf("want no checks, got %+v", got)
	}
}

// TestVerifySampleStable: the same seed samples the same share of extreme ratings on every run.
func TestVerifySampleStable(t *testing.T) {
	r := ticket("plain", 30*time.Minute, false)
	facts := map[string]feedback.Facts{"plain": feedback.FactsOf(&r)}
	var entries []feedback.Stored
	for i := range 1000 {
		entries = append(entries, feedback.Stored{ID: int64(i), Rev: 1, Entry: feedback.Entry{ID: "r" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String(),
			Kind: feedback.KindRating, RecordID: "plain", At: at(10, 0), Scores: map[string]int{"overall": 1}, Text: "差"}})
	}
	count := func(seed int64) int {
		n := 0
		for _, c := range feedback.Verify(entries, facts, feedback.Options{Now: at(12, 0), Seed: seed}) {
			if c.Rule == feedback.RuleExtremeCallback {
				n++
			}
		}
		return n
	}
	a, b := count(1), count(1)
	if a != b {
		t.Fatalf("same seed sampled %d then %d", a, b)
	}
	if a < 150 || a > 250 { // DefaultSampleRate 0.2 of 1000
		t.Errorf("sampled %d of 1000 extreme ratings, want about 200", a)
	}
}

func TestEntryValidate(t *testing.T) {
	ok := feedback.Entry{Kind: feedback.KindRating, RecordID: "c-1", At: at(9, 0), Scores: map[string]int{"attitude": 4}}
	tests := []struct {
		name string
		edit func(e *feedback.Entry)
		want string // "" = valid
	}{
		{"valid", func(*feedback.Entry) {}, ""},
		{"rating out of range", func(e *feedback.Entry) { e.Scores["attitude"] = 6 }, "服务态度 (attitude) rating 6 is out of range"},
		{"unknown dimension", func(e *feedback.Entry) { e.Scores["speed"] = 3 }, `score "speed" is not one of`},
		{"no record", func(e *feedback.Entry) { e.RecordID = "" }, "record_id is required"},
		{"no time", func(e *feedback.Entry) { e.At = time.Time{} }, "at is required"},
		{"bad kind", func(e *feedback.Entry) { e.Kind = "praise" }, `kind "praise" is not one of`},
		{"complaint without reason", func(e *feedback.Entry) { e.Kind = feedback.KindComplaint }, "a complaint needs its reason"},
		{"bad SLA", func(e *feedback.Entry) { e.Kind, e.Reason, e.SLA = feedback.KindComplaint, "慢", "3h" }, `sla "3h"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ok
			e.Scores = map[string]int{"attitude": 4}
			tt.edit(&e)
			err := e.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestKey(t *testing.T) {
	withID := feedback.Entry{ID: " FB-1 ", Kind: feedback.KindRating, RecordID: "c-1"}
	without := feedback.Entry{Kind: feedback.KindCallback, RecordID: "c-1"}
	if withID.Key() != "id:FB-1" || without.Key() != "callback:c-1" {
		t.Errorf("keys %q %q", withID.Key(), without.Key())
	}
}

// TestSynthesize: the demo hook makes valid, deterministic feedback where slow replies rate lower.
func TestSynthesize(t *testing.T) {
	var recs []qa.Record
	for i := range 400 {
		resp := 10 * time.Minute
		if i%2 == 1 {
			resp = 6 * time.Hour
		}
		r := ticket("t-"+time.Duration(i).String(), resp, i%10 == 0)
		r.Ticket.Escalated = i%25 == 0
		recs = append(recs, r)
	}
	a, b := feedback.Synthesize(recs, 3), feedback.Synthesize(recs, 3)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("generated %d then %d entries", len(a), len(b))
	}
	kinds := map[string]int{}
	sum := map[bool]int{}
	n := map[bool]int{}
	for i, e := range a {
		if err := e.Validate(); err != nil {
			t.Fatalf("entry %d invalid: %v", i, err)
		}
		if e.Key() != b[i].Key() {
			t.Fatalf("entry %d differs between runs", i)
		}
		kinds[e.Kind]++
	}
	for _, e := range a {
		if e.Kind != feedback.KindRating {
			continue
		}
		var idx int
		for i := range recs {
			if recs[i].ID == e.RecordID {
				idx = i
			}
		}
		slow := idx%2 == 1
		sum[slow] += e.Overall()
		n[slow]++
	}
	for _, k := range feedback.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s generated", k)
		}
	}
	fast, slow := float64(sum[false])/float64(n[false]), float64(sum[true])/float64(n[true])
	if fast-slow < 1 {
		t.Errorf("fast replies rate %.2f, slow ones %.2f: want slow clearly lower", fast, slow)
	}
}

package feedback

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"qloop/internal/qa"
)

// Verification rules (A3, S1 二阶段 数据核验).
const (
	RuleSlowResponse      = "slow_response"       // a "slow response" complaint against the real first-response time
	RuleRatingComplaint   = "rating_vs_complaint" // a 5 on a record with a complaint
	RuleExtremeCallback   = "extreme_callback"    // a 1 or a 5, sampled for a confirming callback
	RuleNoText            = "no_text"             // a low rating without a word: 待核实, follow up within 24 h
	RuleCallbackLate      = "callback_late"       // a callback made more than 3 days after the service
	RuleComplaintHandling = "complaint_sla"       // a complaint handled outside its time limit
)

// Rules lists every rule in display order.
var Rules = []string{RuleSlowResponse, RuleRatingComplaint, RuleExtremeCallback, RuleNoText, RuleCallbackLate, RuleComplaintHandling}

// Statuses of a check.
const (
	StatusContradiction = "contradiction" // 矛盾: the feedback and the record's facts disagree
	StatusConfirmed     = "confirmed"     // 属实: the facts bear the feedback out
	StatusUnverifiable  = "unverifiable"  // 无法核验: the record lacks the fact to compare with
	StatusCallbackDue   = "callback_due"  // 待回访: a confirming callback is due (DueAt)
	StatusPending       = "pending"       // 待核实: to follow up with the customer (DueAt)
	StatusLate          = "late"          // 逾期: done, but after its time limit
	StatusResolved      = "resolved"      // 已处理: followed up by a person, or no longer applies
)

// Open reports whether a check with status still waits for someone.
func Open(status string) bool { return status == StatusCallbackDue || status == StatusPending }

// Check is one verification result about one feedback entry. Checks are stored beside the entry and
// never changed: a later run or a follow-up that reaches a different result adds a new check.
type Check struct {
	ID       int64      `json:"id"`
	EntryID  int64      `json:"entry_id"` // the stored entry's number
	Key      string     `json:"key"`      // the entry's Key
	Rev      int        `json:"rev"`      // the entry revision judged
	RecordID string     `json:"record_id"`
	Rule     string     `json:"rule"`
	Status   string     `json:"status"`
	Note     string     `json:"note"` // what was compared, with the numbers
	DueAt    *time.Time `json:"due_at,omitempty"`
	By       string     `json:"by"` // the account that ran the job or followed up
	At       time.Time  `json:"at"`
	Manual   bool       `json:"manual,omitempty"` // a person's follow-up, not a rule's finding
}

// Overdue reports whether c is open and past its due time at now.
func (c *Check) Overdue(now time.Time) bool {
	return Open(c.Status) && c.DueAt != nil && now.After(*c.DueAt)
}

// Facts are what verification reads from a service record.
type Facts struct {
	RecordID  string
	Channel   string
	StartedAt time.Time
	// FirstResponse is the time to the agent's first answer: a ticket's first_response_at − created_at,
	// else the first agent turn after the first customer turn (a call's greeting counts from 0).
	FirstResponse    time.Duration
	HasFirstResponse bool
	Complaint        bool // the record itself is a complaint (tag or ticket category 投诉)
}

// FactsOf reads the facts verification needs from r.
func FactsOf(r *qa.Record) Facts {
	f := Facts{RecordID: r.ID, Channel: r.Channel, StartedAt: r.StartedAt, Complaint: r.IsComplaint()}
	if tk := r.Ticket; tk != nil && tk.CreatedAt != nil && tk.FirstResponseAt != nil {
		f.FirstResponse, f.HasFirstResponse = tk.FirstResponseAt.Sub(*tk.CreatedAt), true
		return f
	}
	asked := -1.0
	if r.Channel == qa.ChannelCall {
		asked = 0
	}
	for _, t := range r.Turns {
		if t.Start == nil {
			continue
		}
		switch {
		case t.Speaker == qa.SpeakerCustomer && asked < 0:
			asked = *t.Start
		case t.Speaker == qa.SpeakerAgent && asked >= 0 && *t.Start >= asked:
			f.FirstResponse = time.Duration((*t.Start - asked) * float64(time.Second))
			f.HasFirstResponse = true
			return f
		}
	}
	return f
}

// Options tune a verification run.
type Options struct {
	Now time.Time
	By  string // who runs it, stored with every check
	// SampleRate is the share of 1 and 5 ratings sampled for a confirming callback (default 0.2).
	SampleRate float64
	// Seed picks the sample; the same seed samples the same entries on every run.
	Seed int64
	// Slow is the first-response time per channel beyond which a "slow response" complaint is borne
	// out; missing channels get DefaultSlow's.
	Slow map[string]time.Duration
}

// DefaultSlow are the first-response limits by channel: S1's 响应时间≤2小时 for tickets and e-mail,
// a minute for chat, 30 seconds for a call to be answered.
var DefaultSlow = map[string]time.Duration{
	qa.ChannelTicket: 2 * time.Hour, qa.ChannelEmail: 2 * time.Hour, qa.ChannelChat: time.Minute, qa.ChannelCall: 30 * time.Second,
}

// DefaultSampleRate is the share of extreme ratings sampled for a callback when Options leave it 0.
const DefaultSampleRate = 0.2

// slowWords are how customers say the response was slow.
var slowWords = []string{"响应慢", "回复慢", "反应慢", "回应慢", "太慢", "很慢", "慢死", "等了很久", "等太久", "等了半天", "等了好久",
	"没人回", "没人理", "没人接", "响应超时", "回复不及时", "响应不及时", "不及时", "超时", "半天不回", "slow"}

// ClaimsSlow reports whether s says the response was slow.
func ClaimsSlow(s string) bool {
	s = strings.ToLower(s)
	for _, w := range slowWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Stored is an entry as the store holds it: its number and current revision beside it.
type Stored struct {
	ID  int64
	Rev int
	Entry
}

// Verify cross-checks entries against the facts of their records and returns one check per rule
// that applies. Entries whose record has no facts are skipped. It is deterministic for the same
// input and Options.
func Verify(entries []Stored, facts map[string]Facts, opt Options) []Check {
	if opt.SampleRate == 0 {
		opt.SampleRate = DefaultSampleRate
	}
	byRecord := map[string][]*Stored{}
	for i := range entries {
		byRecord[entries[i].RecordID] = append(byRecord[entries[i].RecordID], &entries[i])
	}
	var out []Check
	for i := range entries {
		e := &entries[i]
		f, ok := facts[e.RecordID]
		if !ok {
			continue
		}
		add := func(rule, status, note string, due *time.Time) {
			out = append(out, Check{EntryID: e.ID, Key: e.Key(), Rev: e.Rev, RecordID: e.RecordID, Rule: rule,
				Status: status, Note: note, DueAt: due, By: opt.By, At: opt.Now})
		}
		siblings := byRecord[e.RecordID]
		if e.Kind == KindComplaint || e.Kind == KindRating {
			if claim := e.Reason + " " + e.Category + " " + e.Text; ClaimsSlow(claim) {
				add(slowStatus(f, opt))
			}
		}
		overall := e.Overall()
		if e.Kind == KindRating && overall == 5 {
			if c := complaintOn(siblings, f); c != "" {
				add(RuleRatingComplaint, StatusContradiction, fmt.Sprintf("评价 5 分,但同一记录有投诉:%s · rated 5, yet the record has a complaint", c), nil)
			}
		}
		if e.Kind == KindRating && (overall == 1 || overall == 5) && sampled(opt.Seed, e.Key(), opt.SampleRate) {
			add(callbackStatus(overall, siblings, f, e))
		}
		if e.Kind == KindRating && overall > 0 && overall <= LowRating && strings.TrimSpace(e.Text) == "" {
			due := e.At.Add(FollowUpWindow)
			add(RuleNoText, StatusPending, fmt.Sprintf("低分 %d 分且无文字说明:24 小时内联系客户补充 · low rating %d without text: follow up within 24 h", overall, overall), &due)
		}
		if e.Kind == KindCallback && !f.StartedAt.IsZero() && e.At.Sub(f.StartedAt) > CallbackWindow {
			add(RuleCallbackLate, StatusLate, fmt.Sprintf("服务后 %s 才回访(应在 3 日内) · called back %s after the service (due within 3 days)",
				hours(e.At.Sub(f.StartedAt)), hours(e.At.Sub(f.StartedAt))), nil)
		}
		if onTime, known := e.WithinSLA(); known && !onTime {
			add(RuleComplaintHandling, StatusLate, fmt.Sprintf("时限 %s,实际用时 %s · handled in %s, limit %s",
				e.SLA, hours(e.HandledAt.Sub(e.At)), hours(e.HandledAt.Sub(e.At)), e.SLA), nil)
		}
	}
	return out
}

// slowStatus compares a slow-response claim with the record's first-response time.
func slowStatus(f Facts, opt Options) (string, string, string, *time.Time) {
	limit, ok := opt.Slow[f.Channel]
	if !ok {
		limit = DefaultSlow[f.Channel]
	}
	if !f.HasFirstResponse {
		return RuleSlowResponse, StatusUnverifiable, "客户称响应慢,记录中没有首次响应时间 · claims a slow response; the record has no first-response time", nil
	}
	got := hours(f.FirstResponse)
	if f.FirstResponse <= limit {
		return RuleSlowResponse, StatusContradiction, fmt.Sprintf("客户称响应慢,实际首次响应 %s(标准 %s 内) · claims a slow response, but the first response came after %s (limit %s)",
			got, hours(limit), got, hours(limit)), nil
	}
	return RuleSlowResponse, StatusConfirmed, fmt.Sprintf("首次响应 %s,超过标准 %s · first response after %s, beyond the %s limit", got, hours(limit), got, hours(limit)), nil
}

// callbackStatus judges a sampled extreme rating by the callbacks on its record.
func callbackStatus(overall int, siblings []*Stored, f Facts, e *Stored) (string, string, string, *time.Time) {
	for _, s := range siblings {
		if s.Kind != KindCallback || s.Overall() == 0 {
			continue
		}
		cb := s.Overall()
		if (overall == 5 && cb >= 4) || (overall == 1 && cb <= 2) {
			return RuleExtremeCallback, StatusConfirmed, fmt.Sprintf("回访 %d 分,印证评价 %d 分 · the callback's %d confirms the rating of %d", cb, overall, cb, overall), nil
		}
		return RuleExtremeCallback, StatusContradiction, fmt.Sprintf("回访 %d 分,与评价 %d 分不符(误评或恶意评分?) · the callback's %d contradicts the rating of %d", cb, overall, cb, overall), nil
	}
	start := f.StartedAt
	if start.IsZero() {
		start = e.At
	}
	due := start.Add(CallbackWindow)
	return RuleExtremeCallback, StatusCallbackDue, fmt.Sprintf("评价 %d 分,已抽中回访确认(服务后 3 日内) · rated %d: sampled for a confirming callback within 3 days of the service", overall, overall), &due
}

// complaintOn returns the reason of a complaint on the record, "" when there is none.
func complaintOn(siblings []*Stored, f Facts) string {
	for _, s := range siblings {
		if s.Kind == KindComplaint {
			return s.Reason
		}
	}
	if f.Complaint {
		return "记录本身为投诉 the record is a complaint"
	}
	return ""
}

// sampled reports whether key falls into the sample of rate for seed: the same key and seed always
// give the same answer, so repeated runs neither grow nor shuffle the sample.
func sampled(seed int64, key string, rate float64) bool {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(key))
	return float64(h.Sum64()%10000) < rate*10000
}

// hours formats d the way a supervisor reads it: 45秒, 12分钟, 3.5小时.
func hours(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d秒", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	default:
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", d.Hours()), "0"), ".") + "小时"
	}
}

// SortChecks orders checks by record, entry and rule, for stable output.
func SortChecks(cs []Check) {
	slices.SortFunc(cs, func(a, b Check) int {
		return strings.Compare(a.RecordID+"\x00"+a.Key+"\x00"+a.Rule, b.RecordID+"\x00"+b.Key+"\x00"+b.Rule)
	})
}

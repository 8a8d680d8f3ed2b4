// Package feedback holds what customers say about a service record (A2): instant ratings on the five
// S1 dimensions, satisfaction callbacks, the complaint ledger with its S3 time limits and escalation
// records; and the verification rules that cross-check them against the record's facts (A3). It is
// pure: reading import files, validating and judging, no SQL and no HTTP.
package feedback

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"qloop/internal/qa"
)

// Kinds of feedback entry.
const (
	KindRating     = "rating"     // 即时评价: the post-service rating
	KindCallback   = "callback"   // 满意度回访: the satisfaction callback
	KindComplaint  = "complaint"  // 投诉台账: a line of the complaint ledger
	KindEscalation = "escalation" // 服务升级: an escalation record
)

// Kinds lists every kind in display order.
var Kinds = []string{KindRating, KindCallback, KindComplaint, KindEscalation}

// KindNames are the Chinese names of the kinds, as exports and the console write them.
var KindNames = map[string]string{
	KindRating: "即时评价", KindCallback: "满意度回访", KindComplaint: "投诉", KindEscalation: "服务升级",
}

// The five rating dimensions of S1 (售后服务质量评价, 1–5 each).
const (
	DimTimeliness = "timeliness" // 响应及时性: 1 = 超时24小时, 5 = 提前/按时完成
	DimResolution = "resolution" // 解决能力: 1 = 未解决需转办≥2次, 5 = 一次性彻底解决
	DimAttitude   = "attitude"   // 服务态度: 1 = 态度恶劣, 5 = 热情主动、用语规范
	DimCompliance = "compliance" // 流程合规: 1 = 关键信息缺失, 5 = 全流程无违规操作
	DimOverall    = "overall"    // 客户感知 / 总体满意度: 1 = 非常不满意, 5 = 非常满意
)

// Dimensions lists the S1 dimensions in the seed's order.
var Dimensions = []string{DimTimeliness, DimResolution, DimAttitude, DimCompliance, DimOverall}

// DimensionNames are the dimensions' Chinese names.
var DimensionNames = map[string]string{
	DimTimeliness: "响应及时性", DimResolution: "解决能力", DimAttitude: "服务态度", DimCompliance: "流程合规", DimOverall: "客户感知",
}

// Ticks are the tick boxes of S1's rating form (本次服务是否满意?[]响应及时[]技术专业[]态度友好).
var Ticks = []string{"响应及时", "技术专业", "态度友好"}

// Complaint time-limit classes of S3 (客户投诉处理流程标准化: 接收 30 分钟内, 初步调查 2 小时内,
// 方案制定 4 小时内, 反馈客户 24 小时内): the time within which a complaint must be handled.
var SLAClasses = map[string]time.Duration{"30m": 30 * time.Minute, "2h": 2 * time.Hour, "4h": 4 * time.Hour, "24h": 24 * time.Hour}

// SLAOrder lists the SLA classes shortest first.
var SLAOrder = []string{"30m", "2h", "4h", "24h"}

// CallbackWindow is how soon after the service a satisfaction callback is due (S1: 服务后3日内).
const CallbackWindow = 72 * time.Hour

// FollowUpWindow is how soon a low rating without text must be followed up (S1 五(一): 24 小时内).
const FollowUpWindow = 24 * time.Hour

// LowRating is the highest overall score that counts as low (E2: low scores are ≤ 3).
const LowRating = 3

// Entry is one piece of feedback on one service record. Which fields matter depends on Kind; the
// rest stay empty. Times are absolute.
type Entry struct {
	// ID is the source system's id of the entry; optional (see Key).
	ID       string    `json:"id,omitempty"`
	Kind     string    `json:"kind"`
	RecordID string    `json:"record_id"`
	At       time.Time `json:"at"` // when the customer rated, was called back, complained, or the case escalated

	// Scores are 1–5 per dimension: the S1 dimensions for ratings, the scripted questions' answers
	// for callbacks (keyed by the same dimension names where they ask the same thing).
	Scores map[string]int `json:"scores,omitempty"`
	Ticks  []string       `json:"ticks,omitempty"`
	// Text is the customer's own words: a rating's comment, a callback's notes.
	Text      string `json:"text,omitempty"`
	Recording string `json:"recording,omitempty"` // the callback's recording reference

	// Complaint ledger (投诉台账).
	Reason       string     `json:"reason,omitempty"`
	Category     string     `json:"category,omitempty"`
	Handling     string     `json:"handling,omitempty"`
	FinalOpinion string     `json:"final_opinion,omitempty"` // the customer's final opinion
	SLA          string     `json:"sla,omitempty"`           // 30m, 2h, 4h or 24h
	HandledAt    *time.Time `json:"handled_at,omitempty"`    // when the handling within the SLA was done

	// Escalation (服务升级).
	Nodes   []Node `json:"nodes,omitempty"`
	Outcome string `json:"outcome,omitempty"`
}

// Node is one step of an escalation: who or which department took the case over, and when.
type Node struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// Key is how re-imports find an entry again: its own id when it has one ("id:FB-1"), otherwise its
// kind and record ("rating:c-1") — a source without ids keeps one entry of each kind per record.
func (e *Entry) Key() string {
	if id := strings.TrimSpace(e.ID); id != "" {
		return "id:" + id
	}
	return e.Kind + ":" + e.RecordID
}

// Overall is the entry's overall satisfaction: the overall score when given, else the rounded mean
// of the other scores, 0 when there are none.
func (e *Entry) Overall() int {
	if v, ok := e.Scores[DimOverall]; ok {
		return v
	}
	if len(e.Scores) == 0 {
		return 0
	}
	sum := 0
	for _, v := range e.Scores {
		sum += v
	}
	return int(math.Round(float64(sum) / float64(len(e.Scores))))
}

// WithinSLA reports whether a complaint was handled within its SLA class; ok is false when that cannot
// be told (no class or no handling time).
func (e *Entry) WithinSLA() (onTime, ok bool) {
	d, known := SLAClasses[e.SLA]
	if e.Kind != KindComplaint || !known || e.HandledAt == nil {
		return false, false
	}
	return !e.HandledAt.After(e.At.Add(d)), true
}

// Validate reports every reason e cannot be stored, as one qa.EInvalid error naming the fields.
func (e *Entry) Validate() error {
	var errs []string
	if !slices.Contains(Kinds, e.Kind) {
		if e.Kind == "" {
			errs = append(errs, "kind is required (rating, callback, complaint or escalation)")
		} else {
			errs = append(errs, fmt.Sprintf("kind %q is not one of rating, callback, complaint, escalation", e.Kind))
		}
	}
	if strings.TrimSpace(e.RecordID) == "" {
		errs = append(errs, "record_id is required: the id of the service record the feedback is about")
	}
	if e.At.IsZero() {
		errs = append(errs, "at is required: when the feedback was given (2026-11-02 09:15:00, taken as +08:00)")
	}
	for _, d := range sortedKeys(e.Scores) {
		if !slices.Contains(Dimensions, d) {
			errs = append(errs, fmt.Sprintf("score %q is not one of %s", d, strings.Join(Dimensions, ", ")))
		} else if v := e.Scores[d]; v < 1 || v > 5 {
			errs = append(errs, fmt.Sprintf("%s (%s) rating %d is out of range: use 1 to 5", DimensionNames[d], d, v))
		}
	}
	switch e.Kind {
	case KindRating:
		if len(e.Scores) == 0 {
			errs = append(errs, "a rating needs at least one score (1–5)")
		}
	case KindCallback:
		if len(e.Scores) == 0 && strings.TrimSpace(e.Text) == "" {
			errs = append(errs, "a callback needs the answers (1–5) or notes")
		}
	case KindComplaint:
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, "a complaint needs its reason")
		}
		if _, ok := SLAClasses[e.SLA]; e.SLA != "" && !ok {
			errs = append(errs, fmt.Sprintf("sla %q is not one of 30m, 2h, 4h, 24h", e.SLA))
		}
		if e.HandledAt != nil && e.HandledAt.Before(e.At) {
			errs = append(errs, "handled_at is before the complaint was received")
		}
	case KindEscalation:
		if len(e.Nodes) == 0 {
			errs = append(errs, "an escalation needs its nodes (who took the case over, and when)")
		}
	}
	for i, n := range e.Nodes {
		if strings.TrimSpace(n.Name) == "" || n.At.IsZero() {
			errs = append(errs, fmt.Sprintf("nodes[%d] needs a name and a time", i))
		}
	}
	if len(errs) > 0 {
		return qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	return nil
}

// Texts returns the entry's free-text fields, for masking personal data in them.
func (e *Entry) Texts() []*string {
	return []*string{&e.Text, &e.Reason, &e.Handling, &e.FinalOpinion, &e.Outcome}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

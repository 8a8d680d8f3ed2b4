package feedback

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"qloop/internal/qa"
)

// forbiddenCues are S4's forbidden phrases; a record where the agent used one is rated lower.
var forbiddenCues = []string{"我再跟你说一遍", "你什么意思", "你先听我说完", "你明白吗", "你知道吗"}

// Synthesize generates realistic feedback for records, deterministic for the same records and seed,
// for `qloop demo` to import after its records (the demo generator calls it; it is not called here).
// About 60 % of records get an instant rating, a third of those a callback within 3 days (a few late),
// complaint records a complaint-ledger line with an S3 time limit, escalated ones an escalation
// record. Ratings move the way a supervisor expects: slow first responses, transfers and forbidden
// phrases lower satisfaction; some low ratings come without a word (待核实 for verification), and a
// few customers rate 5 and complain anyway.
func Synthesize(records []qa.Record, seed int64) []Entry {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	var out []Entry
	for i := range records {
		r := &records[i]
		f := FactsOf(r)
		limit := DefaultSlow[r.Channel]
		slow := f.HasFirstResponse && f.FirstResponse > limit
		rude := saidForbidden(r)
		transfers := 0
		if r.Ticket != nil {
			transfers = r.Ticket.Transfers
		}
		base := 4.6
		if slow {
			base -= 1.6
		}
		if rude {
			base -= 1.8
		}
		base -= 0.5 * float64(min(transfers, 3))
		if r.IsComplaint() {
			base -= 1.0
		}
		after := func(d time.Duration) time.Time { return r.StartedAt.Add(d) }
		if rng.Float64() < 0.6 {
			overall := clamp(int(base + rng.NormFloat64()*0.7 + 0.5))
			e := Entry{ID: "FB-R-" + r.ID, Kind: KindRating, RecordID: r.ID, At: after(time.Duration(5+rng.IntN(55)) * time.Minute),
				Scores: map[string]int{
					DimTimeliness: clamp(overall + jitter(rng) - b2i(slow)),
					DimResolution: clamp(overall + jitter(rng) - min(transfers, 2)),
					DimAttitude:   clamp(overall + jitter(rng) - b2i(rude)),
					DimCompliance: clamp(overall + jitter(rng)),
					DimOverall:    overall,
				}}
			if overall >= 4 {
				e.Ticks = pick(rng, Ticks)
			}
			e.Text = comment(rng, overall, slow, rude)
			if r.IsComplaint() && overall < 5 && rng.Float64() < 0.03 {
				e.Scores[DimOverall], e.Text = 5, "" // rated 5 and complained anyway: the verification finds it
			}
			out = append(out, e)
			if rng.Float64() < 0.35 {
				late := rng.Float64() < 0.1
				d := time.Duration(4+rng.IntN(60)) * time.Hour
				if late {
					d = CallbackWindow + time.Duration(2+rng.IntN(48))*time.Hour
				}
				cb := clamp(overall + jitter(rng))
				out = append(out, Entry{ID: "FB-C-" + r.ID, Kind: KindCallback, RecordID: r.ID, At: after(d),
					Scores:    map[string]int{DimTimeliness: clamp(cb + jitter(rng)), DimResolution: clamp(cb + jitter(rng)), DimOverall: cb},
					Text:      callbackNote(cb),
					Recording: fmt.Sprintf("callback/%s.wav", r.ID)})
			}
		}
		if r.IsComplaint() {
			sla := SLAOrder[rng.IntN(len(SLAOrder))]
			d := SLAClasses[sla]
			handled := after(time.Duration(float64(d) * (0.3 + rng.Float64()*0.9))) // some beyond the limit
			reason := "服务态度差"
			if slow {
				reason = "响应太慢,等了很久没人回"
			} else if transfers >= 2 {
				reason = "问题反复转接仍未解决"
			}
			out = append(out, Entry{ID: "FB-K-" + r.ID, Kind: KindComplaint, RecordID: r.ID, At: r.StartedAt, Reason: reason,
				Category: r.BusinessType, Handling: "已致电客户致歉并跟进处理", FinalOpinion: []string{"接受处理结果", "基本满意", "仍不满意"}[rng.IntN(3)],
				SLA: sla, HandledAt: &handled})
		}
		if r.Ticket != nil && r.Ticket.Escalated {
			out = append(out, Entry{ID: "FB-E-" + r.ID, Kind: KindEscalation, RecordID: r.ID, At: after(time.Hour),
				Nodes:   []Node{{Name: "二线技术支持", At: after(time.Hour)}, {Name: "技术部", At: after(3 * time.Hour)}},
				Outcome: "跨部门协作后解决"})
		}
	}
	return out
}

func saidForbidden(r *qa.Record) bool {
	for _, t := range r.Turns {
		if t.Speaker != qa.SpeakerAgent {
			continue
		}
		for _, p := range forbiddenCues {
			if strings.Contains(t.Text, p) {
				return true
			}
		}
	}
	return false
}

func comment(rng *rand.Rand, overall int, slow, rude bool) string {
	switch {
	case overall <= LowRating && rng.Float64() < 0.3:
		return "" // a low score without a word: 待核实
	case overall <= 2 && slow:
		return "响应太慢,等了很久"
	case overall <= 2 && rude:
		return "客服态度差,说话不耐烦"
	case overall <= 2:
		return "问题没有解决"
	case overall == 3:
		return "一般,希望处理再快一点"
	case rng.Float64() < 0.5:
		return ""
	default:
		return []string{"很专业,谢谢", "态度很好", "一次就解决了"}[rng.IntN(3)]
	}
}

func callbackNote(cb int) string {
	if cb <= 2 {
		return "客户表示仍不满意,希望尽快解决"
	}
	return "客户确认问题已解决"
}

func pick(rng *rand.Rand, from []string) []string {
	var out []string
	for _, s := range from {
		if rng.Float64() < 0.5 {
			out = append(out, s)
		}
	}
	return out
}

func jitter(rng *rand.Rand) int { return rng.IntN(3) - 1 }

func clamp(v int) int { return max(1, min(5, v)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

package rules

import (
	"fmt"
	"regexp"
	"strings"

	"qloop/internal/qa"
)

// Default phrase lists for timing checks; a scorecard can replace each.
var (
	defaultPauses       = []string{"等一下", "稍等一下", "等等", "我找一下", "我看一下", "我去拿", "我想一下", "我查一下", "我翻一下"}
	defaultBackchannels = []string{"嗯", "是", "是的", "对", "对的", "好", "好的", "哦", "噢", "明白", "了解", "收到"}
	defaultHoldAnnounce = []string{"稍等", "稍候", "等一下", "等一会", "查询一下", "查一下", "核实一下", "确认一下", "咨询一下", "请您等", "请您先别挂机", "不要挂机", "帮您查", "帮您核实", "帮您确认", "帮您咨询", "为您查询", "为您核实"}
	defaultHoldReasons  = []string{"查询", "查一下", "核实", "核查", "确认", "咨询", "申请", "联系", "处理", "了解一下", "看一下", "调取"}
	defaultPIN          = []string{"输入密码", "输入您的密码", "按键输入", "输入验证码", "输入卡号"}
)

// concreteWait matches an expected wait such as 两分钟, 1-2分钟, 30秒 (not the vague 一会儿 or 几分钟).
var concreteWait = regexp.MustCompile(`([0-9０-９]+|[一二两三四五六七八九十半]+)\s*(个)?\s*(分钟|分|秒钟|秒|小时)`)

// askWait matches asking the customer to wait in other words than the listed phrases: a wait word,
// anything short of a clause break, then a question tag (稍等一分钟可以吗, 等我两分钟好不好, 您稍候片刻行吗).
var askWait = regexp.MustCompile(`(稍等|稍候|等一?下|等我|等待|等)[^，。,.!！;；?？]{0,10}(可以吗|可以么|好吗|好么|行吗|行么|方便吗|可不可以|好不好|行不行|可以不|方便不)`)

// hold is one wait the agent put the customer in.
type hold struct {
	announce   *turnCtx // the agent turn that started it; nil for an unannounced event-only hold
	ret        *turnCtx // the first agent turn after it; nil if the call ended
	start, end float64
}

type holdDetector struct {
	announce, pin, pauses phraseSet
	minHold               float64
}

func (b *builder) holdDetector(c *qa.Check) holdDetector {
	d := holdDetector{minHold: 10, pin: b.set(defaultPIN), pauses: b.set(defaultPauses), announce: b.set(defaultHoldAnnounce)}
	if c != nil {
		if c.MinHold > 0 {
			d.minHold = c.MinHold
		}
		if len(c.Announce) > 0 {
			d.announce = b.set(c.Announce)
		}
	}
	return d
}

// detect finds holds: phone-system hold events, and announced waits of at least minHold seconds.
// Waits the customer asked for and PIN entry are not holds.
func (d holdDetector) detect(x *recordCtx) []hold {
	var hs []hold
	ts := x.turns
	for i := 0; i < len(ts); i++ {
		t := &ts[i]
		switch {
		case t.turn.Event == qa.EventHoldStart:
			h := hold{announce: prevAgent(x, i), start: startOr(t.turn, 0)}
			j := i + 1
			for ; j < len(ts) && ts[j].turn.Event != qa.EventHoldEnd; j++ {
			}
			if j < len(ts) {
				h.end = startOr(ts[j].turn, h.start)
			}
			h.ret = nextAgent(x, j)
			hs = append(hs, h)
			i = j
		case t.speaker() == qa.SpeakerAgent && timed(t.turn) && t.has(d.announce) && !t.has(d.pin):
			if c := prevCustomer(x, i); c != nil && c.idx >= i-2 && c.has(d.pauses) {
				continue // the customer asked for the pause
			}
			ret := nextAgent(x, i)
			if ret == nil || !timed(ret.turn) {
				continue
			}
			// The wait runs from the last word before the agent comes back (the customer's 「好的」
			// included) to the agent's return.
			from := end(t.turn)
			for j := i + 1; j < ret.idx; j++ {
				if tj := x.turns[j].turn; tj.Start != nil {
					from = max(from, end(tj))
				}
			}
			if *ret.turn.Start-from >= d.minHold {
				hs = append(hs, hold{announce: t, ret: ret, start: from, end: *ret.turn.Start})
			}
		}
	}
	return hs
}

func startOr(t *qa.Turn, def float64) float64 {
	if t.Start != nil {
		return *t.Start
	}
	return def
}

func prevAgent(x *recordCtx, i int) *turnCtx {
	for j := i - 1; j >= 0; j-- {
		if t := &x.turns[j]; t.speaker() == qa.SpeakerAgent && t.content() {
			return t
		}
	}
	return nil
}

func prevCustomer(x *recordCtx, i int) *turnCtx {
	for j := i - 1; j >= 0; j-- {
		if t := &x.turns[j]; t.speaker() == qa.SpeakerCustomer && t.content() {
			return t
		}
	}
	return nil
}

func nextAgent(x *recordCtx, i int) *turnCtx {
	for j := i + 1; j < len(x.turns); j++ {
		if t := &x.turns[j]; t.speaker() == qa.SpeakerAgent && t.content() {
			return t
		}
	}
	return nil
}

func nextContent(x *recordCtx, i int) *turnCtx {
	for j := i + 1; j < len(x.turns); j++ {
		if t := &x.turns[j]; t.content() || t.turn.Event != "" {
			return t
		}
	}
	return nil
}

// holdCheck requires, for every hold: asking first, the reason, the expected wait, and an apology on return.
type holdCheck struct {
	hold                       holdDetector
	ask, reason, wait, apology phraseSet
}

func (c *holdCheck) judge(x *recordCtx) qa.Finding {
	hs := c.hold.detect(x)
	if len(hs) == 0 {
		return na("本通无等待")
	}
	var first *qa.Finding
	bad := 0
	for _, h := range hs {
		var missing []string
		// The ask, reason and wait may be spread over the announcing turn and the agent turn before it.
		var pre []*turnCtx
		if h.announce != nil {
			pre = append(pre, h.announce)
			if p := prevAgent(x, h.announce.idx); p != nil {
				pre = append(pre, p)
			}
		}
		if !anyHas(pre, c.ask) && !anyMatch(pre, askWait) {
			missing = append(missing, "未征询客户是否可以等待")
		}
		if !anyHas(pre, c.reason) {
			missing = append(missing, "未说明等待原因")
		}
		if !anyHas(pre, c.wait) && !anyMatch(pre, concreteWait) {
			missing = append(missing, "未告知大概等待时间")
		}
		if h.ret != nil && !h.ret.has(c.apology) {
			if n := nextAgent(x, h.ret.idx); n == nil || !n.has(c.apology) {
				missing = append(missing, "回线未致歉")
			}
		}
		if len(missing) == 0 {
			continue
		}
		bad++
		if first == nil {
			var f qa.Finding
			switch {
			case h.announce != nil:
				f = h.announce.at()
			case h.ret != nil:
				f = h.ret.at()
			default:
				s := h.start
				f = qa.Finding{Result: qa.ResultFail, Start: &s}
			}
			f.Note = fmt.Sprintf("等待 %.0f 秒: %s", h.end-h.start, strings.Join(missing, ", "))
			first = &f
		}
	}
	if first == nil {
		return pass()
	}
	first.Hits = bad
	return *first
}

func anyHas(ts []*turnCtx, set phraseSet) bool {
	for _, t := range ts {
		if t.has(set) {
			return true
		}
	}
	return false
}

func anyMatch(ts []*turnCtx, re *regexp.Regexp) bool {
	for _, t := range ts {
		if re.MatchString(t.turn.Text) {
			return true
		}
	}
	return false
}

// silenceCheck fails on a gap longer than max between consecutive turns, outside holds and
// pauses the customer asked for.
type silenceCheck struct {
	max    float64
	pauses phraseSet
	hold   holdDetector
}

func (c *silenceCheck) judge(x *recordCtx) qa.Finding {
	if !hasEnds(x) {
		return na("没有起止时间, 无法判断静音")
	}
	hs := c.hold.detect(x)
	var first *qa.Finding
	n := 0
	latest := -1.0
	for i := range x.turns {
		t := &x.turns[i]
		if !timed(t.turn) {
			continue
		}
		if latest >= 0 {
			gap := *t.turn.Start - latest
			if gap > c.max && !inHold(hs, latest, *t.turn.Start) && !c.askedPause(x, i) {
				n++
				if first == nil {
					f := t.at()
					s := latest
					f.Start = &s
					f.Note = fmt.Sprintf("静音 %.1f 秒 (上限 %.0f 秒)", gap, c.max)
					first = &f
				}
			}
		}
		if e := end(t.turn); e > latest {
			latest = e
		}
	}
	if first == nil {
		return pass()
	}
	first.Hits = n
	return *first
}

// askedPause reports whether the customer asked for the pause just before turn i (within the last
// two turns: 「等一下我找一下卡」「好的」 … ).
func (c *silenceCheck) askedPause(x *recordCtx, i int) bool {
	p := prevCustomer(x, i)
	return p != nil && p.idx >= i-2 && p.has(c.pauses)
}

func hasEnds(x *recordCtx) bool {
	for _, t := range x.r.Turns {
		if t.End != nil {
			return true
		}
	}
	return false
}

// inHold reports whether the gap [from, to] lies within one hold (with a second of slack).
func inHold(hs []hold, from, to float64) bool {
	for _, h := range hs {
		if from >= h.start-1 && to <= h.end+1 {
			return true
		}
	}
	return false
}

// interruptCheck fails when an agent turn with content starts more than tolerance seconds before the
// customer turn in progress ends. Listening backchannels (嗯, 是) are not interruptions.
type interruptCheck struct {
	tolerance    float64
	backchannels phraseSet
}

func (c *interruptCheck) judge(x *recordCtx) qa.Finding {
	if !hasEnds(x) {
		return na("没有起止时间, 无法判断打断")
	}
	var first *qa.Finding
	n := 0
	for i := range x.turns {
		a := &x.turns[i]
		if a.speaker() != qa.SpeakerAgent || !timed(a.turn) || !a.content() || c.backchannel(a) {
			continue
		}
		s := *a.turn.Start
		for j := range x.turns {
			cu := &x.turns[j]
			if cu.speaker() != qa.SpeakerCustomer || !timed(cu.turn) || cu.turn.End == nil {
				continue
			}
			if *cu.turn.Start < s && *cu.turn.End-s > c.tolerance {
				n++
				if first == nil {
					f := a.whole()
					f.Note = fmt.Sprintf("客户发言未结束 (还剩 %.1f 秒) 即开始讲话", *cu.turn.End-s)
					first = &f
				}
				break
			}
		}
	}
	if first == nil {
		return pass()
	}
	first.Hits = n
	return *first
}

// backchannel reports whether a turn says nothing but listening signals.
func (c *interruptCheck) backchannel(t *turnCtx) bool {
	covered := 0
	last := 0
	for _, h := range t.hits {
		if c.backchannels.has(h.id) && h.start >= last {
			covered += h.end - h.start
			last = h.end
		}
	}
	return covered == len(t.text.Norm)
}

// responseCheck measures the first reply and every reply gap. A chat waits from the first unanswered
// customer message; a call (turns with end times) from the end of the customer's last turn, so a
// customer who talks for a minute is not counted as the agent's delay.
type responseCheck struct{ first, gap float64 }

func (c *responseCheck) judge(x *recordCtx) qa.Finding {
	var waitingSince *float64
	firstDone := false
	var worst *qa.Finding
	n := 0
	timedAny := false
	for i := range x.turns {
		t := &x.turns[i]
		if !timed(t.turn) || !t.content() {
			continue
		}
		timedAny = true
		switch t.speaker() {
		case qa.SpeakerCustomer:
			if t.turn.End != nil {
				e := *t.turn.End
				waitingSince = &e
			} else if waitingSince == nil {
				s := *t.turn.Start
				waitingSince = &s
			}
		case qa.SpeakerAgent:
			if waitingSince != nil {
				d := *t.turn.Start - *waitingSince
				limit, what := c.gap, "回复间隔"
				if !firstDone {
					limit, what = c.first, "首次响应"
				}
				if limit > 0 && d > limit {
					n++
					if worst == nil {
						f := t.at()
						f.Note = fmt.Sprintf("%s %.0f 秒 (标准 %.0f 秒)", what, d, limit)
						worst = &f
					}
				}
			}
			firstDone = true // a greeting before the customer speaks is the first response too
			waitingSince = nil
		}
	}
	if !timedAny {
		return na("没有时间戳, 无法判断响应时间")
	}
	if worst == nil {
		return pass()
	}
	worst.Hits = n
	return *worst
}

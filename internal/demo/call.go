package demo

import (
	"math"
	"unicode/utf8"

	"qloop/internal/qa"
)

// talk is the timing state of the call being built.
type talk struct {
	t          float64 // latest end so far
	rateA      float64 // agent speech rate, characters per second
	rateC      float64
	custStart  float64 // the last customer turn
	custEnd    float64
	last       string // speaker of the last content turn
	lastStart  float64
	interrupt  bool // an interruption is still planned for this call
	silence    bool // an unannounced silence is still planned
	known      bool // the customer's surname is known to the agent
	addressed  bool // the agent has already chosen how to address the customer
	badAddress bool
}

// sec stores v rounded to 0.1 s in the record's slab and returns a pointer to it.
func (g *gen) sec(v float64) *float64 {
	g.slab = append(g.slab, math.Round(v*10)/10)
	return &g.slab[len(g.slab)-1]
}

// at appends a turn spoken from start; its duration follows the speaker's speech rate.
func (g *gen) at(k *talk, speaker, text string, start float64) {
	rate := k.rateA
	if speaker == qa.SpeakerCustomer {
		rate = k.rateC
	}
	n := utf8.RuneCountInString(text)
	end := start + max(0.6, float64(n)/rate+0.2*g.r.Float64())
	g.turns = append(g.turns, qa.Turn{Speaker: speaker, Text: text, Start: g.sec(start), End: g.sec(end)})
	if speaker == qa.SpeakerCustomer {
		k.custStart, k.custEnd = start, end
	}
	k.last, k.lastStart = speaker, start
	k.t = max(k.t, end)
}

// say appends a turn after a natural gap.
func (g *gen) say(k *talk, speaker, text string) {
	g.at(k, speaker, text, k.t+0.3+1.1*g.r.Float64())
}

// agent appends an agent reply; a planned interruption or unannounced silence lands here.
func (g *gen) agent(k *talk, text string) {
	switch {
	case k.interrupt && k.last == qa.SpeakerCustomer && k.custEnd-k.custStart > 2.5:
		k.interrupt = false
		g.at(k, qa.SpeakerAgent, text, k.custEnd-0.6-1.2*g.r.Float64())
	case k.silence && k.last == qa.SpeakerCustomer:
		k.silence = false
		g.at(k, qa.SpeakerAgent, text, k.t+21+25*g.r.Float64())
	default:
		g.say(k, qa.SpeakerAgent, text)
	}
}

// customer appends a customer turn; a long one may get a listening 「嗯。」 from the agent inside it.
func (g *gen) customer(k *talk, text string) {
	if k.last == qa.SpeakerAgent && k.t-k.lastStart > 3 && g.chance(0.04) { // the customer cutting in does not count against the agent
		g.at(k, qa.SpeakerCustomer, text, k.t-0.5-g.r.Float64())
	} else {
		g.say(k, qa.SpeakerCustomer, text)
	}
	if d := k.custEnd - k.custStart; d > 3.5 && g.chance(0.3) {
		s := k.custStart + d*(0.4+0.3*g.r.Float64())
		g.turns = append(g.turns, qa.Turn{Speaker: qa.SpeakerAgent, Text: pick(g.r, backchannels), Start: g.sec(s), End: g.sec(s + 0.4)})
		k.last = qa.SpeakerCustomer // a backchannel does not take the floor
	}
}

// event appends a phone-system event turn at time s.
func (g *gen) event(k *talk, text, ev string, s float64) {
	g.turns = append(g.turns, qa.Turn{Speaker: qa.SpeakerSystem, Text: text, Start: g.sec(s), End: g.sec(s), Event: ev})
	k.t = max(k.t, s)
}

// title is the prefix of the agent's first answer once the surname is known: 张先生, / 好的先生, / nothing.
func (g *gen) title(k *talk) string {
	if !k.known || k.addressed {
		return ""
	}
	k.addressed = true
	if k.badAddress {
		if g.chance(0.5) {
			return "好的" + g.cust.bareTitle() + ","
		}
		return ""
	}
	return g.cust.title() + ","
}

// call fills the turns of a phone call.
func (g *gen) call(sc *scenario, cc *complaintCase, a *Agent) {
	c := &g.cust
	k := &talk{rateA: 4 + g.r.Float64(), rateC: 3.8 + 1.2*g.r.Float64()}
	if g.upset {
		k.rateC += 0.6
	}
	k.interrupt = g.bad(0.5)
	k.silence = g.bad(0.25)
	k.badAddress = g.bad(1.2)

	if g.chance(0.3) {
		g.at(k, qa.SpeakerSystem, pick(g.r, ivrLines), 0)
		k.t += 0.5
	}
	switch {
	case g.bad(0.5):
		g.say(k, qa.SpeakerAgent, pick(g.r, badOpenings))
	case g.chance(0.15):
		g.say(k, qa.SpeakerAgent, "您好,"+bankName+",工号"+jobNumber(a)+",很高兴为您服务,请问有什么可以帮到您?")
	default:
		g.say(k, qa.SpeakerAgent, pick(g.r, goodOpenings))
	}

	ask := ""
	if cc != nil {
		ask = cc.ask
	} else {
		ask = pick(g.r, sc.ask)
	}
	if g.upset {
		ask = pick(g.r, angryWords) + ask + pick(g.r, angryWords)
	}
	g.customer(k, pick(g.r, customerHi)+ask)
	if g.upset && g.chance(0.2) {
		g.customer(k, pick(g.r, customerLookalikes))
	}
	if g.upset || g.complain {
		if !g.bad(1.0) {
			g.agent(k, pick(g.r, empathyLines))
		} else if g.chance(0.5) {
			g.agent(k, pick(g.r, notEmpathy))
		}
	}

	// Identity: the customer states a surname, or is verified by ID number, or neither (surname unknown).
	switch m := g.r.IntN(100); {
	case m < 35:
		g.agent(k, pick(g.r, askName))
		switch g.r.IntN(3) {
		case 0:
			g.customer(k, "我姓"+c.surname+"。")
		case 1:
			g.customer(k, "免贵姓"+c.surname+"。")
		default:
			g.customer(k, "我叫"+c.name()+"。")
		}
		k.known = true
	case m < 60:
		g.agent(k, pick(g.r, askID))
		if g.chance(0.15) { // a pause the customer asks for is not a silence
			g.customer(k, pick(g.r, custPause))
			g.agent(k, pick(g.r, custPauseOK))
			g.at(k, qa.SpeakerCustomer, pick(g.r, custPauseBack), k.t+22+15*g.r.Float64())
		}
		g.customer(k, "身份证号是"+c.idCard+"。")
		g.agent(k, pick(g.r, idVerified))
		k.known = g.rec.CustomerName != ""
	}
	if sc != nil && sc.data == dataCard && g.chance(0.5) {
		g.agent(k, g.title(k)+pick(g.r, askCard))
		g.customer(k, "卡号是"+c.card+"。")
	}
	if g.chance(0.1) {
		g.customer(k, "我现在住在"+c.address+",有材料的话寄到这里就行。")
		g.agent(k, confirmAgain+c.address+",对吗?")
		g.customer(k, pick(g.r, confirmYes))
	}
	if g.chance(0.08) {
		g.customer(k, "有消息打我手机就行,"+c.phone+"。")
		g.agent(k, "好的,记下了。")
	}

	lookup := "调取一下相关记录"
	if sc != nil {
		lookup = sc.lookup
	}
	switch h := g.r.Float64(); {
	case h < 0.25:
		g.hold(k, lookup)
	case h < 0.33: // a short wait is not a hold
		g.agent(k, pick(g.r, shortWait))
		g.at(k, qa.SpeakerAgent, "好的,查到了。", k.t+3+5*g.r.Float64())
	}

	// A taboo comes where patience runs out: when the customer pushes back on an explanation. Now and
	// then, mostly with an upset customer, it goes past a taboo to an insult (the red line).
	rude := g.bad(0.35)
	rudeLine := func() string {
		if g.abusive() {
			return pick(g.r, abuseLines)
		}
		return pick(g.r, forbiddenLines)
	}
	if cc != nil {
		if rude {
			g.customer(k, "你们到底管不管?")
			g.agent(k, rudeLine())
			g.customer(k, "你这是什么态度?")
		}
		g.complaintTalk(k, cc)
	} else {
		for i, s := range sc.answer {
			if i == 0 {
				s = g.title(k) + s
			}
			g.agent(k, s)
		}
		if rude {
			g.customer(k, pick(g.r, pushback))
			g.agent(k, rudeLine())
			g.customer(k, "你这是什么态度?")
		}
		g.customer(k, sc.follow)
		g.agent(k, g.title(k)+sc.reply)
	}
	g.lookalikes(k)

	// Closing, or a customer who hangs up first (closing is then not applicable).
	if g.chance(0.03) || (g.upset && g.chance(0.1)) {
		if g.upset {
			g.customer(k, pick(g.r, hangupWords))
		}
		g.event(k, "客户挂机", qa.EventHangup, k.t+0.5+g.r.Float64())
	} else {
		g.customer(k, pick(g.r, customerOK))
		if g.bad(0.6) {
			g.agent(k, pick(g.r, badClosings))
		} else {
			switch g.r.IntN(3) {
			case 0:
				g.agent(k, pick(g.r, offerHelp))
				g.customer(k, pick(g.r, noMore))
				g.agent(k, pick(g.r, thanksBye))
			case 1:
				g.agent(k, pick(g.r, offerHelp))
				g.customer(k, pick(g.r, noMore))
				g.agent(k, "好的,再见。")
			default:
				g.agent(k, pick(g.r, thanksBye))
			}
		}
		if g.chance(0.5) {
			g.customer(k, pick(g.r, customerBye))
		}
	}
	g.callTicket(sc, cc)
}

// abusive reports whether a rude agent goes as far as insulting the customer: an upset or
// complaining customer provokes it more often, and weak agents are the ones who cross the line.
func (g *gen) abusive() bool {
	if g.upset || g.complain {
		return g.bad(1.2)
	}
	return g.bad(0.4)
}

var pushback = []string{"那为什么不能通融一下?", "可是我还是不太明白。", "你们这个规定也太不合理了。", "这也太麻烦了吧。"}

// jobNumber is the four-digit staff number an agent says in the opening.
func jobNumber(a *Agent) string { return "8" + a.ID[1:] }

// hold puts the customer on hold for a lookup, with full etiquette or with one part missing.
func (g *gen) hold(k *talk, reason string) {
	miss := -1
	if g.bad(1.2) {
		miss = g.r.IntN(4) // 0 no ask, 1 no reason, 2 no expected wait, 3 no apology
	}
	switch miss {
	case 0:
		g.agent(k, holdNoAsk+reason+"。")
	case 1:
		g.agent(k, pick(g.r, holdNoReason))
	case 2:
		g.agent(k, holdNoTime+reason+"。")
	default:
		g.agent(k, pick(g.r, holdAskPrefix)+reason+"。")
	}
	g.customer(k, pick(g.r, holdOK))
	events := g.chance(0.35)
	if events {
		g.event(k, "通话保持", qa.EventHoldStart, k.t+0.5)
	}
	back := k.t + 12 + 100*g.r.Float64()
	if events {
		g.event(k, "通话恢复", qa.EventHoldEnd, back-0.5)
	}
	line := pick(g.r, holdBack)
	if miss == 3 {
		line = pick(g.r, holdBackBare)
	}
	g.at(k, qa.SpeakerAgent, line, back)
}

// complaintTalk repeats the complaint back and commits to a handling time, or misses either part.
func (g *gen) complaintTalk(k *talk, cc *complaintCase) {
	miss := -1
	if g.bad(1.2) {
		miss = g.r.IntN(3) // 0 no repeat-back, 1 vague time, 2 both
	}
	if miss != 0 && miss != 2 {
		g.agent(k, g.title(k)+"您反映的是"+cc.issue+",对吗?")
		g.customer(k, pick(g.r, confirmYes))
	} else {
		g.agent(k, g.title(k)+"好的,情况我大概了解了。")
	}
	when := pick(g.r, concreteTimes)
	if miss >= 1 {
		when = pick(g.r, vagueTimes)
	}
	g.agent(k, pick(g.r, registerLines)+when)
	g.customer(k, "好吧,那我等你们消息。")
}

// lookalikes sometimes adds an innocent line that shares characters with a taboo.
func (g *gen) lookalikes(k *talk) {
	if !g.chance(0.15) {
		return
	}
	switch g.r.IntN(4) {
	case 0:
		g.agent(k, innocentAgentLines[0])
		g.customer(k, "这个我不知道啊。")
		g.agent(k, innocentAgentLines[1])
	case 1:
		g.customer(k, pick(g.r, customerRepeatAsk))
		g.agent(k, innocentAgentLines[2])
	case 2:
		g.agent(k, innocentAgentLines[3])
		g.customer(k, "清楚了。")
	default:
		g.customer(k, pick(g.r, calmLookalikes))
		g.agent(k, "不好意思,我换个方式跟您说明。")
	}
}

package demo

import (
	"unicode/utf8"

	"qloop/internal/qa"
)

// chatState is the timing state of the chat being built; chat turns carry only a start.
type chatState struct {
	t    float64
	slow bool // one slow agent reply (> 60 s) is still planned
}

// msg appends a chat message sent at start.
func (g *gen) msg(s *chatState, speaker, text string, start float64) {
	g.turns = append(g.turns, qa.Turn{Speaker: speaker, Text: text, Start: g.sec(start)})
	s.t = start
}

// custMsg appends a customer message after reading and typing time (about 1.5 characters per second).
func (g *gen) custMsg(s *chatState, text string) {
	g.msg(s, qa.SpeakerCustomer, text, s.t+2+float64(utf8.RuneCountInString(text))/1.5+8*g.r.Float64())
}

// agentMsg appends an agent reply, normally within 5–40 s; a planned slow reply takes 61–240 s.
func (g *gen) agentMsg(s *chatState, text string) {
	gap := 5 + 35*g.r.Float64()
	if s.slow && g.chance(0.5) {
		s.slow = false
		gap = 61 + 180*g.r.Float64()
	}
	g.msg(s, qa.SpeakerAgent, text, s.t+gap)
}

// chat fills the turns of an online chat session.
func (g *gen) chat(sc *scenario, cc *complaintCase) {
	c := &g.cust
	s := &chatState{slow: g.bad(0.6)}
	ask := ""
	if cc != nil {
		ask = cc.ask
	} else {
		ask = pick(g.r, sc.ask)
	}
	if g.upset {
		ask += pick(g.r, angryWords)
	}
	hello := g.chance(0.6)
	if hello {
		g.msg(s, qa.SpeakerCustomer, pick(g.r, chatHello), 0)
	} else {
		g.msg(s, qa.SpeakerCustomer, ask, 0)
	}
	// The first response: usually seconds, for some agents over a minute.
	first := 3 + 27*g.r.Float64()
	if g.bad(0.4) {
		first = 61 + 120*g.r.Float64()
	}
	open := pick(g.r, chatOpenGood)
	if g.bad(0.5) {
		open = pick(g.r, chatOpenBad)
	}
	g.msg(s, qa.SpeakerAgent, open, s.t+first)
	if hello {
		g.custMsg(s, ask)
	}
	if g.upset || g.complain {
		if !g.bad(1.0) {
			g.agentMsg(s, pick(g.r, empathyLines))
		} else if g.chance(0.5) {
			g.agentMsg(s, pick(g.r, notEmpathy))
		}
	}

	// A logged-in customer's name is known; otherwise the agent may ask for it.
	known := g.rec.CustomerName != "" && g.chance(0.7)
	if !known && g.chance(0.3) {
		g.agentMsg(s, pick(g.r, askName))
		g.custMsg(s, "我姓"+c.surname)
		known = true
	}
	title := ""
	if known {
		switch {
		case !g.bad(1.2):
			title = c.title() + ","
		case g.chance(0.5):
			title = pick(g.r, chatAddress) + ","
		}
	}
	if sc != nil && sc.data == dataCard && g.chance(0.4) {
		g.agentMsg(s, title+pick(g.r, askCard))
		title = ""
		g.custMsg(s, c.card)
	} else if sc != nil && sc.data == dataID && g.chance(0.3) {
		g.agentMsg(s, pick(g.r, askID))
		g.custMsg(s, c.idCard)
	}

	rude := g.bad(0.3)
	if cc != nil {
		if rude {
			g.custMsg(s, "你们到底管不管?")
			g.agentMsg(s, g.rudeMsg())
		}
		miss := -1
		if g.bad(1.2) {
			miss = g.r.IntN(3)
		}
		if miss != 0 && miss != 2 {
			g.agentMsg(s, title+"您反映的是"+cc.issue+",对吗?")
			g.custMsg(s, pick(g.r, confirmYes))
		}
		when := pick(g.r, concreteTimes)
		if miss >= 1 {
			when = pick(g.r, vagueTimes)
		}
		g.agentMsg(s, pick(g.r, registerLines)+when)
	} else {
		for i, a := range sc.answer {
			if i == 0 {
				a = title + a
			}
			g.agentMsg(s, a)
		}
		if rude {
			g.custMsg(s, pick(g.r, pushback))
			g.agentMsg(s, g.rudeMsg())
		}
		g.custMsg(s, sc.follow)
		g.agentMsg(s, sc.reply)
	}
	if g.chance(0.1) {
		g.custMsg(s, pick(g.r, customerRepeatAsk))
		g.agentMsg(s, innocentAgentLines[2])
	}

	if g.chance(0.08) { // the visitor leaves before the agent closes
		g.msg(s, qa.SpeakerSystem, "访客已离开会话", s.t+30+60*g.r.Float64())
	} else {
		g.custMsg(s, pick(g.r, chatThanks))
		if g.bad(0.6) {
			g.agentMsg(s, pick(g.r, chatCloseBad))
		} else {
			g.agentMsg(s, pick(g.r, chatClose))
		}
	}
	g.chatTicket(sc, cc)
}

// rudeMsg is a rude agent's chat line: a taboo, or now and then an insult (the red line).
func (g *gen) rudeMsg() string {
	if g.abusive() {
		return pick(g.r, abuseLines)
	}
	return pick(g.r, forbiddenLines)
}

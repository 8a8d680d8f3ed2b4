package demo

import (
	"time"

	"qloop/internal/qa"
)

// SLA per ticket category: the due time after creation.
var slaHours = map[string]float64{"咨询": 24, "故障": 48, "退款": 72, "投诉": 48}

var transferWeight = []float64{0.62, 0.23, 0.10, 0.05}

// callTicket attaches a work order to a call: always for complaints, sometimes for follow-up work.
func (g *gen) callTicket(sc *scenario, cc *complaintCase) {
	switch {
	case cc != nil:
		g.fillTicket("投诉", cc.solution, true)
	case g.chance(0.1):
		g.fillTicket(sc.category, sc.solution, true)
	}
}

// chatTicket attaches a work order to a chat, as callTicket does for calls.
func (g *gen) chatTicket(sc *scenario, cc *complaintCase) {
	switch {
	case cc != nil:
		g.fillTicket("投诉", cc.solution, true)
	case g.chance(0.05):
		g.fillTicket(sc.category, sc.solution, true)
	}
}

// ticketRecord fills a record of channel ticket: a work order with none or only a few turns.
func (g *gen) ticketRecord(sc *scenario, cc *complaintCase) {
	cat, ask, sol := "", "", ""
	if cc != nil {
		cat, ask, sol = "投诉", cc.ask, cc.solution
	} else {
		cat, ask, sol = sc.category, pick(g.r, sc.ask), sc.solution
	}
	g.fillTicket(cat, sol, false)
	tk := &g.ticket
	n := g.r.IntN(4)
	if g.chance(0.35) {
		n = 0
	}
	if n >= 1 {
		g.turns = append(g.turns, qa.Turn{Speaker: qa.SpeakerCustomer, Text: ask, Start: g.sec(0)})
	}
	if n >= 2 && tk.FirstResponseAt != nil {
		g.turns = append(g.turns, qa.Turn{Speaker: qa.SpeakerAgent, Text: "您好,您反映的问题已收到,正在为您处理。",
			Start: g.sec(tk.FirstResponseAt.Sub(*tk.CreatedAt).Seconds())})
	}
	if n >= 3 && tk.ResolvedAt != nil && tk.Solution != "" {
		g.turns = append(g.turns, qa.Turn{Speaker: qa.SpeakerAgent, Text: "处理结果:" + tk.Solution + "。",
			Start: g.sec(tk.ResolvedAt.Sub(*tk.CreatedAt).Seconds())})
	}
}

// fillTicket sets g.rec.Ticket with timeliness and resolution facts shaped by the agent's quality.
// live is true for work orders opened during a call or chat, whose first response is immediate.
func (g *gen) fillTicket(category, solution string, live bool) {
	t0 := g.rec.StartedAt
	sla := slaHours[category]
	hours := func(h float64) time.Duration { return time.Duration(h * float64(time.Hour)).Round(time.Second) }

	fr := 0.0
	switch {
	case live:
		fr = (5 + 20*g.r.Float64()) / 3600
	case g.bad(0.3) || g.chance(0.02): // over 24 h late
		fr = 25 + 47*g.r.Float64()
	default: // mostly within the hour, a tail up to most of a working day
		x := g.r.Float64()
		fr = 0.05 + 8*x*x*x
	}
	transfers := weighted(g.r, transferWeight)
	if transfers < 3 && g.bad(0.3) {
		transfers++
	}
	status := "resolved"
	switch p := g.r.Float64(); {
	case transfers >= 2 && p < 0.45, p < 0.10:
		status = "open"
	case p < 0.22:
		status = "closed"
	}
	esc := g.chance(0.04) || (category == "投诉" && g.chance(0.15)) || (transfers >= 2 && g.chance(0.1))

	g.times[0] = t0
	g.times[1] = t0.Add(hours(fr))
	g.times[3] = t0.Add(hours(sla))
	g.ticket = qa.Ticket{CreatedAt: &g.times[0], FirstResponseAt: &g.times[1], DueAt: &g.times[3],
		Status: status, Category: category, Transfers: transfers, Escalated: esc}
	if status != "open" {
		// Resolution takes a share of the SLA; weaker agents and transfers push it past the due time.
		d := fr + sla*(0.05+(0.7+g.err+0.15*float64(transfers))*g.r.Float64())
		g.times[2] = t0.Add(hours(d))
		g.ticket.ResolvedAt = &g.times[2]
		g.ticket.Solution = solution
		if (status == "resolved" && g.bad(0.4)) || (status == "closed" && g.chance(0.3)) {
			g.ticket.Solution = "" // closed without recording what was done
		}
	}
	g.rec.Ticket = &g.ticket
	if esc {
		g.tags = append(g.tags, "escalated")
	}
}

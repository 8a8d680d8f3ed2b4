// Package demo generates a realistic, deterministic demo data set of contact-centre records (calls, chats,
// tickets) in the canonical JSON Lines format, with good and bad service behaviour mixed in at controlled
// rates so that inspections, rankings and trends have something to show.
package demo

import (
	"bufio"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"qloop/internal/qa"
)

// Options controls the generated data set. Zero fields take the defaults.
type Options struct {
	Seed    int64 // same seed (and Today) → byte-identical output
	Records int   // total records (default 6000)
	Agents  int   // default 30, in teams 一组…五组 with team leads
	// Today, when set, is the last day of the data: records cover the Months months up to and
	// including it, in Today's location, so "this month" and "last month" always have something.
	// The demo command passes the current date; tests pass a fixed one.
	Today  time.Time
	Start  time.Time // first day when Today is zero (default 2026-08-01 +08:00); records spread over Months
	Months int       // default 3

	end time.Time // the day after the last day, set by withDefaults
}

// Agent is one generated agent.
type Agent struct {
	ID    string `json:"id"`    // A001 …
	Name  string `json:"name"`  // Chinese name, unique in the roster
	Team  string `json:"team"`  // 一组 … 五组
	Lead  bool   `json:"lead"`  // team lead of Team
	Level string `json:"level"` // quality profile: excellent, good, average, poor, improving
}

// Quality profiles and the share of agents that get them. err is the base tendency to misbehave.
var levels = []struct {
	name  string
	share float64
	err   float64
	slope float64 // change of err per month; negative = improving
}{
	{"excellent", 0.15, 0.04, 0},
	{"good", 0.35, 0.10, -0.005},
	{"average", 0.30, 0.20, -0.01},
	{"poor", 0.10, 0.45, 0},
	{"improving", 0.10, 0.45, -0.13},
}

var teamNames = []string{"一组", "二组", "三组", "四组", "五组"}

var (
	defaultStart = time.Date(2026, 8, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	errNegative  = errors.New("demo: Records, Agents and Months must not be negative")
)

func (o Options) withDefaults() (Options, error) {
	if o.Records < 0 || o.Agents < 0 || o.Months < 0 {
		return o, errNegative
	}
	if o.Records == 0 {
		o.Records = 6000
	}
	if o.Agents == 0 {
		o.Agents = 30
	}
	if o.Months == 0 {
		o.Months = 3
	}
	if !o.Today.IsZero() {
		// Counted back from the day after Today, so the last record is never after Today (going
		// forward from the start instead overshoots: three months after 28 February are not 31 May).
		y, m, d := o.Today.Date()
		o.end = time.Date(y, m, d+1, 0, 0, 0, 0, o.Today.Location())
		o.Start = o.end.AddDate(0, -o.Months, 0)
		return o, nil
	}
	if o.Start.IsZero() {
		o.Start = defaultStart
	}
	y, m, d := o.Start.Date()
	o.Start = time.Date(y, m, d, 0, 0, 0, 0, o.Start.Location())
	o.end = o.Start.AddDate(0, o.Months, 0)
	return o, nil
}

// Span returns the days the options' records fall in: from the first day, up to (not including) end.
func Span(opt Options) (start, end time.Time, err error) {
	if opt, err = opt.withDefaults(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return opt.Start, opt.end, nil
}

// Agents returns the generated agent roster (id, name, team) for the options.
func Agents(opt Options) []Agent {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil
	}
	a, _ := roster(opt)
	return a
}

// profile is an agent's hidden quality curve.
type profile struct{ err, slope, weight float64 }

// roster builds agents from their own PCG stream so Agents and Generate always agree.
func roster(opt Options) ([]Agent, []profile) {
	r := rand.New(rand.NewPCG(uint64(opt.Seed), 0xa6e47))
	n := opt.Agents
	teams := min(len(teamNames), n)
	// Deal out levels by share, at least one poor and one improving agent when there are five or more.
	lv := make([]int, 0, n)
	for i, l := range levels {
		k := int(l.share*float64(n) + 0.5)
		if n >= 5 && k == 0 {
			k = 1
		}
		for j := 0; j < k; j++ {
			lv = append(lv, i)
		}
	}
	for len(lv) < n {
		lv = append(lv, 1)
	}
	lv = lv[:n]
	r.Shuffle(n, func(i, j int) { lv[i], lv[j] = lv[j], lv[i] })

	agents := make([]Agent, n)
	profs := make([]profile, n)
	used := map[string]bool{}
	for i := range agents {
		name := ""
		for name == "" || used[name] {
			if r.IntN(2) == 0 {
				name = pick(r, surnames[:60]) + pick(r, maleGiven)
			} else {
				name = pick(r, surnames[:60]) + pick(r, femaleGiven)
			}
		}
		used[name] = true
		team := i * teams / n
		lead := i == 0 || (i*teams/n != (i-1)*teams/n)
		l := levels[lv[i]]
		if lead { // leads are experienced and take fewer contacts
			l = levels[0]
		}
		agents[i] = Agent{ID: "A" + pad(i+1, 3), Name: name, Team: teamNames[team], Lead: lead, Level: l.name}
		p := profile{err: l.err * (0.85 + 0.3*r.Float64()), slope: l.slope, weight: 1}
		if lead {
			p.weight = 0.3
		}
		profs[i] = p
	}
	return agents, profs
}

// pad formats v with at least width digits.
func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// Channel shares of the demo centre.
var (
	channels      = []string{qa.ChannelCall, qa.ChannelChat, qa.ChannelTicket}
	channelWeight = []float64{0.55, 0.30, 0.15}
	idPrefix      = []byte{'c', 'm', 't'}
)

// Contacts per hour of day from 08:00 to 21:59: a morning and an afternoon peak.
var hourWeight = []float64{0.5, 1.2, 1.5, 1.3, 0.8, 0.9, 1.3, 1.4, 1.2, 0.9, 0.6, 0.6, 0.5, 0.3}

// Generate writes Records canonical JSON Lines records to w (one json.Marshal of qa.Record per line).
func Generate(w io.Writer, opt Options) error {
	opt, err := opt.withDefaults()
	if err != nil {
		return err
	}
	g := newGen(opt)
	bw := bufio.NewWriterSize(w, 256<<10)
	var line []byte

	days := int(opt.end.Sub(opt.Start).Hours()/24 + 0.5)
	if days < 1 {
		days = 1
	}
	// Weekends are quieter; the total is apportioned exactly by cumulative rounding.
	dw := make([]float64, days)
	total := 0.0
	for d := range dw {
		switch opt.Start.AddDate(0, 0, d).Weekday() {
		case time.Saturday:
			dw[d] = 0.75
		case time.Sunday:
			dw[d] = 0.65
		default:
			dw[d] = 1
		}
		total += dw[d]
	}
	cum, done := 0.0, 0
	var secs []int32
	for d := 0; d < days; d++ {
		cum += dw[d]
		n := int(cum*float64(opt.Records)/total+0.5) - done
		if d == days-1 {
			n = opt.Records - done
		}
		done += n
		day := opt.Start.AddDate(0, 0, d)
		secs = secs[:0]
		for i := 0; i < n; i++ {
			h := 8 + weighted(g.r, hourWeight)
			secs = append(secs, int32(h*3600+g.r.IntN(3600)))
		}
		slices.Sort(secs)
		g.dayID = day.AppendFormat(g.dayID[:0], "20060102")
		g.month = float64(d) / 30
		g.seq = [3]int{}
		for _, s := range secs {
			g.record(day.Add(time.Duration(s) * time.Second))
			line = append(appendRecord(line[:0], &g.rec), '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// gen holds the state of one Generate call; buffers are reused from record to record.
type gen struct {
	opt      Options
	r        *rand.Rand
	agents   []Agent
	profs    []profile
	agentW   []float64
	pool     int
	dayID    []byte
	month    float64
	seq      [3]int
	rec      qa.Record
	turns    []qa.Turn
	slab     []float64
	tags     []string
	ticket   qa.Ticket
	times    [4]time.Time
	idBuf    []byte
	cust     customer
	err      float64 // the current agent's tendency to misbehave, this month
	upset    bool
	complain bool
}

func newGen(opt Options) *gen {
	g := &gen{opt: opt, r: rand.New(rand.NewPCG(uint64(opt.Seed), 0x5eed))}
	g.agents, g.profs = roster(opt)
	for _, p := range g.profs {
		g.agentW = append(g.agentW, p.weight)
	}
	// Customers outnumber records by less than one to one, so some call back about the same issue.
	g.pool = max(20, opt.Records*7/10)
	g.turns = make([]qa.Turn, 0, 64)
	g.slab = make([]float64, 0, 256)
	return g
}

// bad reports whether the current agent misbehaves on an item of the given weight.
func (g *gen) bad(weight float64) bool { return g.r.Float64() < min(0.95, weight*g.err) }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// record fills g.rec with one record started at t.
func (g *gen) record(t time.Time) {
	ch := weighted(g.r, channelWeight)
	g.seq[ch]++
	g.idBuf = append(g.idBuf[:0], idPrefix[ch], '-')
	g.idBuf = append(g.idBuf, g.dayID...)
	g.idBuf = append(g.idBuf, '-')
	for v := 1000; v > 1 && g.seq[ch] < v; v /= 10 {
		g.idBuf = append(g.idBuf, '0')
	}
	g.idBuf = strconv.AppendInt(g.idBuf, int64(g.seq[ch]), 10)

	ai := weighted(g.r, g.agentW)
	a, p := &g.agents[ai], g.profs[ai]
	// The whole centre improves slowly too (the QA loop at work), on top of each agent's own curve.
	g.err = max(0.02, (p.err+p.slope*g.month)*(1-0.04*g.month))

	g.cust = newCustomer(g.opt.Seed, g.r.IntN(g.pool))
	c := &g.cust
	biz := c.biz
	if !g.chance(0.6) {
		biz = weighted(g.r, bizWeight)
	}
	g.complain = biz == bizComplaint || g.chance(0.05)
	g.upset = g.chance(0.08) || (g.complain && g.chance(0.7))

	g.rec = qa.Record{ID: string(g.idBuf), Channel: channels[ch], StartedAt: t,
		AgentID: a.ID, AgentName: a.Name, Team: a.Team, CustomerID: c.id, CustomerTier: c.tier}
	g.tags = g.tags[:0]
	g.turns = g.turns[:0]
	g.slab = g.slab[:0]
	if g.chance(0.75) {
		g.rec.CustomerName = c.name()
	}
	var sc *scenario
	var cc *complaintCase
	if g.complain {
		cc = &complaints[g.r.IntN(len(complaints))]
		if biz != bizComplaint {
			cc = g.complaintFor(biz)
		}
		g.rec.BusinessType = businesses[cc.biz]
		if g.chance(0.4) {
			g.rec.BusinessType = businesses[bizComplaint]
		}
		g.tags = append(g.tags, "complaint")
	} else {
		ss := scenarios[biz]
		sc = &ss[g.r.IntN(len(ss))]
		g.rec.BusinessType = businesses[biz]
	}

	switch ch {
	case 0:
		if g.chance(0.95) {
			g.rec.CustomerPhone = c.phone
		}
		g.rec.Recording = "rec/" + g.rec.ID + ".wav"
		g.call(sc, cc, a)
	case 1:
		if g.chance(0.5) {
			g.rec.CustomerPhone = c.phone
		}
		g.chat(sc, cc)
	default:
		if g.chance(0.9) {
			g.rec.CustomerPhone = c.phone
		}
		g.ticketRecord(sc, cc)
	}
	if c.tier == "vip" || c.tier == "strategic" {
		g.tags = append(g.tags, "key_customer")
	}
	if len(g.turns) > 0 {
		g.rec.Turns = g.turns
	}
	if len(g.tags) > 0 {
		g.rec.Tags = g.tags
	}
}

// complaintFor returns a complaint about business biz, or any complaint when none matches.
func (g *gen) complaintFor(biz int) *complaintCase {
	start := g.r.IntN(len(complaints))
	for i := range complaints {
		if c := &complaints[(start+i)%len(complaints)]; c.biz == biz {
			return c
		}
	}
	return &complaints[start]
}

package sample

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"qloop/internal/qa"
)

// Draw reasons. Full-rule reasons are listed in the order the rules are tried: a record matching
// several rules gets the first, so the reason shown is stable.
const (
	ReasonRandom       = "random"
	ReasonMinPerAgent  = "min_per_agent"
	ReasonComplaint    = "full:complaint"
	ReasonKeyCustomer  = "full:key_customer"
	ReasonTransfers    = "full:transfers"
	ReasonEscalated    = "full:escalated"
	ReasonLowScore     = "full:low_score"
	ReasonUpset        = "full:upset"
	ReasonBusinessType = "full:business_type"
	ReasonTag          = "full:tag"
	ReasonSpecial      = "special:" // + trigger
)

// StratumAll is the key of the single stratum of a plan without strata_by.
const StratumAll = "all"

var china = time.FixedZone("CST", 8*60*60)

// pcgStream fixes the second PCG word so the seed alone decides the shuffle.
const pcgStream = 0x71_6c_6f_6f_70 // "qloop"

// Draw is one record drawn for review.
type Draw struct {
	RecordID  string `json:"record_id"`
	Reason    string `json:"reason"`
	Stratum   string `json:"stratum"`   // e.g. agent=A017|channel=call|period=2026-11
	Inspector string `json:"inspector"` // "" when every quota is full (unassigned)
}

// StratumCount says how many records a stratum had and why they were drawn; Drawn = Full + MinPerAgent + Random.
type StratumCount struct {
	Stratum     string `json:"stratum"`
	Population  int    `json:"population"`
	Drawn       int    `json:"drawn"`
	Random      int    `json:"random"`
	Full        int    `json:"full"` // full rules and special inspection
	MinPerAgent int    `json:"min_per_agent"`
}

// Result is a plan run. Draws are in assignment order: full and special, then min_per_agent, then random.
type Result struct {
	Draws       []Draw         `json:"draws"`
	Strata      []StratumCount `json:"strata"` // sorted by stratum key
	Population  int            `json:"population"`
	Unassigned  int            `json:"unassigned"`
	ByReason    map[string]int `json:"by_reason"`
	ByInspector map[string]int `json:"by_inspector"` // every inspector of the plan, 0 included
}

// fullReason returns the first full rule c matches, in the order of the Reason constants, or "".
func (f *FullRules) fullReason(c *Candidate) string {
	switch {
	case f.Complaints && c.Complaint:
		return ReasonComplaint
	case has(f.KeyCustomerTiers, c.CustomerTier):
		return ReasonKeyCustomer
	case f.MinTransfers > 0 && c.Transfers >= f.MinTransfers:
		return ReasonTransfers
	case f.Escalated && c.Escalated:
		return ReasonEscalated
	case f.ScoreBelow != nil && c.Score != nil && *c.Score < *f.ScoreBelow:
		return ReasonLowScore
	case f.Upset && c.Upset:
		return ReasonUpset
	case has(f.BusinessTypes, c.BusinessType):
		return ReasonBusinessType
	case slices.ContainsFunc(c.Tags, func(t string) bool { return has(f.Tags, t) }):
		return ReasonTag
	}
	return ""
}

// rank orders draws for assignment: full rules by rule order, then min_per_agent, then random.
var rank = map[string]int{ReasonComplaint: 0, ReasonKeyCustomer: 1, ReasonTransfers: 2, ReasonEscalated: 3,
	ReasonLowScore: 4, ReasonUpset: 5, ReasonBusinessType: 6, ReasonTag: 7, ReasonMinPerAgent: 8, ReasonRandom: 9}

// has reports whether list holds v (case-insensitive); an empty v never matches.
func has(list []string, v string) bool {
	return v != "" && slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, v) })
}

// target is the random share of a stratum of n records: rate×n rounded half up, at least 1 when rate > 0.
// The epsilon keeps 0.15×10 at 2 despite binary floating point.
func target(rate float64, n int) int {
	if rate <= 0 || n == 0 {
		return 0
	}
	return max(1, min(n, int(math.Floor(rate*float64(n)+0.5+1e-9))))
}

func periodKey(t time.Time, period string) string {
	t = t.In(china)
	switch period {
	case PeriodDay:
		return t.Format("2006-01-02")
	case PeriodWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return t.Format("2006-01")
}

// stratumKey names c's stratum with the dimensions in a fixed (alphabetical) order, so reordering strata_by changes nothing.
func (p *Plan) stratumKey(c *Candidate) string {
	var parts []string
	for _, d := range []string{ByAgent, ByBusinessType, ByChannel, ByPeriod} {
		if !slices.Contains(p.StrataBy, d) {
			continue
		}
		var v string
		switch d {
		case ByAgent:
			v = c.AgentID
		case ByBusinessType:
			v = c.BusinessType
		case ByChannel:
			v = c.Channel
		case ByPeriod:
			v = periodKey(c.StartedAt, p.Period)
		}
		parts = append(parts, d+"="+v)
	}
	if len(parts) == 0 {
		return StratumAll
	}
	return strings.Join(parts, "|")
}

// inScope reports whether c belongs to the population: inside the window and the filters.
func (p *Plan) inScope(c *Candidate) bool {
	from, to := p.From, p.To
	if p.Special != nil {
		from, to = p.Special.From, p.Special.To
	}
	if !from.IsZero() && c.StartedAt.Before(from) || !to.IsZero() && !c.StartedAt.Before(to) {
		return false
	}
	return (len(p.Channels) == 0 || has(p.Channels, c.Channel)) &&
		(len(p.BusinessTypes) == 0 || has(p.BusinessTypes, c.BusinessType))
}

// Run draws the sample deterministically from seed: the same plan, candidates (in any order) and seed give
// the same Result. Candidates are sorted by ID and then shuffled once with a seeded PCG; every random pick
// (per stratum, per agent) takes records in that shuffled order. A special plan draws its whole window.
func Run(p Plan, cands []Candidate, seed int64) (Result, error) {
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	var pop []*Candidate
	ids := make(map[string]bool, len(cands))
	for i := range cands {
		c := &cands[i]
		if c.ID == "" || ids[c.ID] {
			return Result{}, qa.NewError(qa.EInvalid, fmt.Sprintf("候选记录 ID 为空或重复 candidate id %q is empty or repeated", c.ID))
		}
		ids[c.ID] = true
		if p.inScope(c) {
			pop = append(pop, c)
		}
	}
	slices.SortFunc(pop, func(a, b *Candidate) int { return strings.Compare(a.ID, b.ID) })
	rng := rand.New(rand.NewPCG(uint64(seed), pcgStream))
	rng.Shuffle(len(pop), func(i, j int) { pop[i], pop[j] = pop[j], pop[i] })

	reason := make([]string, len(pop)) // by shuffled position; "" = not drawn
	keys := make([]string, len(pop))
	strata := map[string][]int{}
	agents := map[string][]int{}
	for i, c := range pop {
		keys[i] = p.stratumKey(c)
		strata[keys[i]] = append(strata[keys[i]], i)
		agents[c.AgentID] = append(agents[c.AgentID], i)
		if p.Special != nil {
			reason[i] = ReasonSpecial + p.Special.Trigger
		} else {
			reason[i] = p.Full.fullReason(c)
		}
	}
	// Full draws count towards a stratum's target, so full rules raise the sample only where they exceed it.
	topUp := func(members []int, want int, why string) {
		have := 0
		for _, i := range members {
			if reason[i] != "" {
				have++
			}
		}
		for _, i := range members {
			if have >= want {
				return
			}
			if reason[i] == "" {
				reason[i], have = why, have+1
			}
		}
	}
	stratumKeys := sortedKeys(strata)
	for _, k := range stratumKeys {
		topUp(strata[k], target(p.Rate, len(strata[k])), ReasonRandom)
	}
	for _, a := range sortedKeys(agents) {
		topUp(agents[a], p.MinPerAgent, ReasonMinPerAgent)
	}
	return p.result(pop, reason, keys, strata, stratumKeys), nil
}

func (p *Plan) result(pop []*Candidate, reason, keys []string, strata map[string][]int, stratumKeys []string) Result {
	res := Result{Draws: []Draw{}, Population: len(pop), ByReason: map[string]int{}, ByInspector: map[string]int{}}
	var order []int
	for i := range pop {
		if reason[i] != "" {
			order = append(order, i)
			res.ByReason[reason[i]]++
		}
	}
	// Special reasons are not in rank and so rank 0, first like full rules; position breaks ties.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank[reason[a]], rank[reason[b]]) })
	as := newAssigner(p.Inspectors)
	for _, i := range order {
		d := Draw{RecordID: pop[i].ID, Reason: reason[i], Stratum: keys[i], Inspector: as.next()}
		if d.Inspector == "" {
			res.Unassigned++
		}
		res.Draws = append(res.Draws, d)
	}
	for _, q := range p.Inspectors {
		res.ByInspector[q.Inspector] = as.count[q.Inspector]
	}
	for _, k := range stratumKeys {
		sc := StratumCount{Stratum: k, Population: len(strata[k])}
		for _, i := range strata[k] {
			switch reason[i] {
			case "":
				continue
			case ReasonRandom:
				sc.Random++
			case ReasonMinPerAgent:
				sc.MinPerAgent++
			default:
				sc.Full++
			}
			sc.Drawn++
		}
		res.Strata = append(res.Strata, sc)
	}
	if res.Strata == nil {
		res.Strata = []StratumCount{}
	}
	return res
}

func sortedKeys(m map[string][]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

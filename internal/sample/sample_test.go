package sample

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
)

var day0 = time.Date(2026, 11, 2, 9, 0, 0, 0, china)

// grid returns n candidates spread round-robin over agents × channels, one hour apart.
func grid(n int, agents, channels []string) []Candidate {
	var cs []Candidate
	for i := range n {
		cs = append(cs, Candidate{
			ID:        fmt.Sprintf("R%04d", i),
			AgentID:   agents[i%len(agents)],
			Channel:   channels[(i/len(agents))%len(channels)],
			StartedAt: day0.Add(time.Duration(i) * time.Hour),
		})
	}
	return cs
}

func plan(rate float64, strata ...string) Plan {
	return Plan{Name: "p", Rate: rate, StrataBy: strata, Inspectors: []Quota{{Inspector: "qa1"}}}
}

func run(t *testing.T, p Plan, cs []Candidate, seed int64) Result {
	t.Helper()
	res, err := Run(p, cs, seed)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func strataDrawn(res Result) map[string]int {
	m := map[string]int{}
	for _, s := range res.Strata {
		m[s.Stratum] = s.Drawn
	}
	return m
}

func TestStrataProportions(t *testing.T) {
	agents4 := []string{"A1", "A2", "A3", "A4"}
	calls := []string{"call", "chat"}
	eight := map[string]int{}
	for _, a := range agents4 {
		for _, c := range calls {
			eight["agent="+a+"|channel="+c] = 13 // 125 × 0.1 = 12.5, rounded half up
		}
	}
	tests := []struct {
		name  string
		cands []Candidate
		rate  float64
		by    []string
		want  map[string]int
	}{
		{"4 agents x 2 channels", grid(1000, agents4, calls), 0.1, []string{"channel", "agent"}, eight},
		{"by agent", grid(1000, agents4, calls), 0.1, []string{"agent"}, map[string]int{"agent=A1": 25, "agent=A2": 25, "agent=A3": 25, "agent=A4": 25}},
		{"one stratum", grid(1000, agents4, calls), 0.1, nil, map[string]int{"all": 100}},
		{"at least one", grid(6, []string{"A1", "A2", "A3"}, []string{"call", "chat"}), 0.01, []string{"agent"}, map[string]int{"agent=A1": 1, "agent=A2": 1, "agent=A3": 1}},
		{"half up despite float", grid(10, []string{"A1"}, []string{"call"}), 0.15, nil, map[string]int{"all": 2}},
		{"rate 1", grid(7, []string{"A1"}, []string{"call"}), 1, nil, map[string]int{"all": 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, plan(tc.rate, tc.by...), tc.cands, 1)
			if got := strataDrawn(res); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("drawn per stratum = %v, want %v", got, tc.want)
			}
			if res.Population != len(tc.cands) || res.ByReason[ReasonRandom] != len(res.Draws) {
				t.Errorf("population %d, by reason %v, draws %d", res.Population, res.ByReason, len(res.Draws))
			}
		})
	}
}

func TestPeriodKey(t *testing.T) {
	late := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 2026-12-01 01:00 in China
	tests := []struct{ period, want string }{
		{PeriodDay, "2026-12-01"}, {PeriodWeek, "2026-W49"}, {PeriodMonth, "2026-12"},
	}
	for _, tc := range tests {
		if got := periodKey(late, tc.period); got != tc.want {
			t.Errorf("periodKey(%s) = %q, want %q", tc.period, got, tc.want)
		}
	}
	p := plan(1, "period", "agent")
	p.Period = PeriodMonth
	res := run(t, p, []Candidate{{ID: "x", AgentID: "A017", Channel: "call", StartedAt: late}}, 1)
	if got := res.Draws[0].Stratum; got != "agent=A017|period=2026-12" {
		t.Errorf("stratum = %q", got)
	}
}

func TestFullRules(t *testing.T) {
	low, below := 55.0, 60.0
	rules := FullRules{KeyCustomerTiers: []string{"vip"}, Complaints: true, MinTransfers: 3, Escalated: true,
		ScoreBelow: &below, Upset: true, BusinessTypes: []string{"销户"}, Tags: []string{"舆情"}}
	tests := []struct {
		name string
		c    Candidate
		want string
	}{
		{"complaint", Candidate{Complaint: true, CustomerTier: "vip"}, ReasonComplaint}, // first rule wins
		{"key customer", Candidate{CustomerTier: "VIP"}, ReasonKeyCustomer},
		{"transfers", Candidate{Transfers: 3}, ReasonTransfers},
		{"escalated", Candidate{Escalated: true}, ReasonEscalated},
		{"low score", Candidate{Score: &low}, ReasonLowScore},
		{"upset", Candidate{Upset: true}, ReasonUpset},
		{"business type", Candidate{BusinessType: "销户"}, ReasonBusinessType},
		{"tag", Candidate{Tags: []string{"x", "舆情"}}, ReasonTag},
		{"none", Candidate{Transfers: 2, Score: &below}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.ID, c.AgentID, c.Channel, c.StartedAt = "x", "A1", "call", day0
			p := plan(0)
			p.Full = rules
			res := run(t, p, []Candidate{c}, 1)
			got := ""
			if len(res.Draws) == 1 {
				got = res.Draws[0].Reason
			}
			if got != tc.want || len(res.Draws) > 1 {
				t.Errorf("reason = %q (%d draws), want %q", got, len(res.Draws), tc.want)
			}
		})
	}
}

func TestFullCountsTowardsTarget(t *testing.T) {
	tests := []struct{ complaints, wantFull, wantRandom int }{{3, 3, 2}, {8, 8, 0}, {0, 0, 5}}
	for _, tc := range tests {
		cs := grid(10, []string{"A1"}, []string{"call"})
		for i := range tc.complaints {
			cs[i].Complaint = true
		}
		p := plan(0.5)
		p.Full.Complaints = true
		s := run(t, p, cs, 1).Strata[0]
		if s.Full != tc.wantFull || s.Random != tc.wantRandom || s.Drawn != tc.wantFull+tc.wantRandom {
			t.Errorf("%d complaints: %+v, want full %d random %d", tc.complaints, s, tc.wantFull, tc.wantRandom)
		}
	}
}

func TestSpecial(t *testing.T) {
	cs := grid(48, []string{"A1", "A2"}, []string{"call", "chat"}) // 48 hours from day0
	p := plan(0.1)
	p.From, p.To = day0.Add(-time.Hour), day0.Add(time.Hour) // ignored for a special inspection
	p.Channels = []string{"call"}
	p.Special = &Special{Trigger: TriggerMajorComplaint, From: day0.Add(10 * time.Hour), To: day0.Add(20 * time.Hour), StartedAt: day0}
	res := run(t, p, cs, 1)
	want := 0
	for _, c := range cs {
		if !c.StartedAt.Before(p.Special.From) && c.StartedAt.Before(p.Special.To) && c.Channel == "call" {
			want++
		}
	}
	if res.Population != want || len(res.Draws) != want || res.ByReason["special:major_complaint"] != want {
		t.Errorf("population %d draws %d by reason %v, want all %d", res.Population, len(res.Draws), res.ByReason, want)
	}
	if d := p.Special.Deadline(); !d.Equal(day0.AddDate(0, 0, 7)) || p.Special.Overdue(d) || !p.Special.Overdue(d.Add(time.Second)) {
		t.Errorf("deadline %v", d)
	}
}

func TestMinPerAgent(t *testing.T) {
	cs := grid(100, []string{"A1", "A2", "A3"}, []string{"call"})
	cs = append(cs, Candidate{ID: "solo", AgentID: "A4", Channel: "call", StartedAt: day0})
	tests := []struct {
		rate float64
		want map[string]int // exact per agent; nil = at least min
	}{
		{0, map[string]int{"A1": 4, "A2": 4, "A3": 4, "A4": 1}},
		{0.1, nil},
	}
	for _, tc := range tests {
		p := plan(tc.rate)
		p.MinPerAgent = 4
		res := run(t, p, cs, 7)
		agentOf, records := map[string]string{}, map[string]int{}
		for _, c := range cs {
			agentOf[c.ID] = c.AgentID
			records[c.AgentID]++
		}
		got := map[string]int{}
		for _, d := range res.Draws {
			got[agentOf[d.RecordID]]++
		}
		if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("rate %v: per agent %v, want %v", tc.rate, got, tc.want)
		}
		for a, n := range records {
			if got[a] < min(4, n) {
				t.Errorf("rate %v: agent %s has %d draws, want at least %d", tc.rate, a, got[a], min(4, n))
			}
		}
		if tc.rate > 0 && (res.ByReason[ReasonRandom] != 10 || res.Strata[0].Drawn != 10+res.Strata[0].MinPerAgent) {
			t.Errorf("rate %v: by reason %v strata %+v", tc.rate, res.ByReason, res.Strata)
		}
	}
}

func TestQuotasAndBalance(t *testing.T) {
	tests := []struct {
		name       string
		quotas     []Quota
		n          int
		want       map[string]int
		unassigned int
	}{
		{"equal unlimited", []Quota{{"a", 0}, {"b", 0}, {"c", 0}}, 30, map[string]int{"a": 10, "b": 10, "c": 10}, 0},
		{"ties to earlier", []Quota{{"a", 0}, {"b", 0}}, 3, map[string]int{"a": 2, "b": 1}, 0},
		{"proportional", []Quota{{"a", 10}, {"b", 30}}, 20, map[string]int{"a": 5, "b": 15}, 0},
		{"over quota", []Quota{{"a", 10}, {"b", 20}}, 100, map[string]int{"a": 10, "b": 20}, 70},
		{"unlimited takes rest", []Quota{{"a", 5}, {"b", 0}}, 30, map[string]int{"a": 5, "b": 25}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := grid(tc.n, []string{"A1"}, []string{"call"})
			k := min(5, tc.n/2)
			for i := range k {
				cs[tc.n-1-i].Complaint = true // high IDs, so priority is not an accident of order
			}
			p := plan(1)
			p.Full.Complaints = true
			p.Inspectors = tc.quotas
			res := run(t, p, cs, 3)
			if !reflect.DeepEqual(res.ByInspector, tc.want) || res.Unassigned != tc.unassigned {
				t.Errorf("by inspector %v unassigned %d, want %v %d", res.ByInspector, res.Unassigned, tc.want, tc.unassigned)
			}
			for i, d := range res.Draws {
				if (i < k) != (d.Reason == ReasonComplaint) || d.Reason == ReasonComplaint && d.Inspector == "" {
					t.Errorf("draw %d %+v: full draws must come and be assigned first", i, d)
				}
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	cs := grid(500, []string{"A1", "A2", "A3"}, []string{"call", "chat"})
	p := plan(0.1, "agent", "channel")
	p.MinPerAgent = 20
	p.Inspectors = []Quota{{"a", 20}, {"b", 0}}
	base := run(t, p, cs, 42)
	shuffled := append([]Candidate(nil), cs...)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := run(t, p, cs, 42); !reflect.DeepEqual(got, base) {
		t.Error("same seed gave a different result")
	}
	if got := run(t, p, shuffled, 42); !reflect.DeepEqual(got, base) {
		t.Error("shuffled input gave a different result")
	}
	if got := run(t, p, cs, 43); reflect.DeepEqual(got.Draws, base.Draws) {
		t.Error("different seed gave the same draws")
	}
	if _, err := Run(p, append(cs, cs[0]), 1); qa.ErrorCode(err) != qa.EInvalid {
		t.Errorf("duplicate id: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Plan)
		want []string // substrings of the one error; nil = valid
	}{
		{"valid", func(p *Plan) {}, nil},
		{"many", func(p *Plan) {
			p.Name, p.Rate, p.StrataBy, p.Inspectors = "", 1.5, []string{"team", "period"}, nil
		}, []string{"name is required", "rate must be between 0 and 1 (got 1.5)", `unknown dimension "team"`,
			"period is required", "inspectors must list at least one"}},
		{"inspectors", func(p *Plan) {
			p.Inspectors = []Quota{{"a", 1}, {"a", 2}, {"b", -1}}
		}, []string{`inspectors[1] 质检员 "a" 重复`, "inspectors[2].quota must not be negative (got -1)"}},
		{"special and window", func(p *Plan) {
			p.From, p.To = day0, day0.Add(-time.Hour)
			p.Special = &Special{Trigger: "rumour", From: day0}
		}, []string{"from must be before to", `special.trigger "rumour"`, "special.from and special.to are required", "special.started_at is required"}},
		{"rate 0 draws nothing", func(p *Plan) { p.Rate = 0 }, []string{"rate 0 draws nothing"}},
		{"rate 0 with min per agent", func(p *Plan) { p.Rate, p.MinPerAgent = 0, 1 }, nil},
		{"bad period", func(p *Plan) { p.Period = "year" }, []string{`period must be day, week or month (got "year")`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := plan(0.1)
			tc.edit(&p)
			err := p.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if qa.ErrorCode(err) != qa.EInvalid {
				t.Fatalf("error %v, want code invalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if got := strings.Count(err.Error(), "; ") + 1; got != len(tc.want) {
				t.Errorf("%d problems reported, want %d: %v", got, len(tc.want), err)
			}
		})
	}
}

func TestPlanJSON(t *testing.T) {
	p := plan(0.1, "agent")
	p.MinPerAgent = 2
	p.Full.KeyCustomerTiers = []string{"vip"}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"rate":0.1`, `"strata_by":["agent"]`, `"min_per_agent":2`, `"key_customer_tiers":["vip"]`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("%s lacks %s", b, k)
		}
	}
	if strings.Contains(string(b), `"from"`) {
		t.Errorf("zero window should be omitted: %s", b)
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		n          int
		conf, e, p float64
		want       int
	}{
		{0, 0.95, 0.05, 0.5, 385},
		{1000, 0.95, 0.05, 0.5, 278},
		{10000, 0.95, 0.05, 0.5, 370},
		{0, 0.99, 0.05, 0.5, 664},
		{0, 0.90, 0.05, 0.5, 271},
		{-1, 0.95, 0.05, 0, 385}, // p 0 = unknown = 0.5
		{50, 0.95, 0.5, 0.5, 4},
	}
	for _, tc := range tests {
		got, err := Size(tc.n, tc.conf, tc.e, tc.p)
		if err != nil || got != tc.want {
			t.Errorf("Size(%d, %v, %v, %v) = %d, %v; want %d", tc.n, tc.conf, tc.e, tc.p, got, err, tc.want)
		}
	}
	for _, bad := range [][3]float64{{1, 0.05, 0.5}, {0, 0.05, 0.5}, {0.95, 0, 0.5}, {0.95, 1, 0.5}, {0.95, 0.05, 1}, {0.95, 1e-9, 0.5}} {
		if _, err := Size(0, bad[0], bad[1], bad[2]); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("Size(0, %v) error = %v, want invalid", bad, err)
		}
	}
}

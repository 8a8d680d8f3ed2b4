package sample

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkRun draws a stratified sample with full-inspection rules from a month of a large
// contact centre: 300,000 records, 200 agents, 4 channels, 10 business types.
func BenchmarkRun(b *testing.B) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	cands := make([]Candidate, 300_000)
	for i := range cands {
		score := float64(i % 100)
		cands[i] = Candidate{ID: fmt.Sprintf("r-%07d", i), AgentID: fmt.Sprintf("A%03d", i%200),
			Channel: []string{"call", "chat", "email", "ticket"}[i%4], BusinessType: fmt.Sprintf("b%d", i%10),
			StartedAt: start.Add(time.Duration(i) * 8 * time.Second), Score: &score, Complaint: i%97 == 0, Transfers: i % 5}
	}
	below := 20.0
	p := Plan{Name: "bench", Rate: 0.02, StrataBy: []string{ByAgent, ByChannel, ByPeriod}, Period: PeriodWeek, MinPerAgent: 5,
		Inspectors: []Quota{{Inspector: "a", Quota: 3000}, {Inspector: "b", Quota: 3000}, {Inspector: "c"}},
		Full:       FullRules{Complaints: true, MinTransfers: 4, ScoreBelow: &below}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(p, cands, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cands))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

func TestDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		consoleFixture(t, s)
		d, err := s.Dashboard(ctx, store.DashFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// By hand: inspected 90, 70, 50, 85 and (re-saved) 60; chat-04 not inspected.
		if d.Records != 6 || d.Inspected != 5 || d.Passed != 2 || d.Fatal != 2 || !near(d.AvgScore, 71) || !near(d.PassRate, 0.4) {
			t.Errorf("totals = %d %d %d %d %v %v, want 6 5 2 2 71 0.4", d.Records, d.Inspected, d.Passed, d.Fatal, d.AvgScore, d.PassRate)
		}
		wantTop := []store.ItemCount{{"forbidden", 2, 0.4}, {"greeting", 2, 0.4}, {"closing", 1, 0.2}}
		if fmt.Sprint(d.TopFailed) != fmt.Sprint(wantTop) {
			t.Errorf("TopFailed = %v, want %v", d.TopFailed, wantTop)
		}
		// call-05 started at 00:30 +08:00 on the 4th: still the 3rd in UTC, the 4th on the dashboard.
		wantTrend := []store.TrendPoint{{"2026-11-02", 3, 70, 1.0 / 3, 0}, {"2026-11-03", 1, 0, 0, 0}, {"2026-11-04", 2, 72.5, 0.5, 0}}
		if !sameTrend(d.Trend, wantTrend) {
			t.Errorf("Trend = %v, want %v", d.Trend, wantTrend)
		}
		wantAgents := []store.AgentRank{{"A3", "张伟", "一组", 1, 85, 1, 0, 0}, {"A1", "王芳", "一组", 3, 220.0 / 3, 1.0 / 3, 1, 0},
			{"A2", "李明", "二组", 2, 50, 0, 1, 0}}
		if !sameAgents(d.Agents, wantAgents) {
			t.Errorf("Agents = %v, want %v", d.Agents, wantAgents)
		}

		tests := []struct {
			name                              string
			f                                 store.DashFilter
			records, inspected, passed, fatal int
			avg                               float64
			top                               []store.ItemCount
		}{
			{"team from a day", store.DashFilter{Team: "一组", From: at(4, 0, 0)}, 2, 2, 1, 1, 72.5,
				[]store.ItemCount{{"closing", 1, 0.5}, {"forbidden", 1, 0.5}}},
			{"one day", store.DashFilter{From: at(3, 0, 0), To: at(4, 0, 0)}, 1, 0, 0, 0, 0, nil},
			{"agent", store.DashFilter{AgentID: "A1"}, 3, 3, 1, 1, 220.0 / 3,
				[]store.ItemCount{{"forbidden", 1, 1.0 / 3}, {"greeting", 1, 1.0 / 3}}},
			{"channel", store.DashFilter{Channel: qa.ChannelChat}, 2, 1, 0, 1, 50,
				[]store.ItemCount{{"forbidden", 1, 1}, {"greeting", 1, 1}}},
			{"scorecard", store.DashFilter{Scorecard: "chat-qa"}, 1, 1, 0, 1, 50,
				[]store.ItemCount{{"forbidden", 1, 1}, {"greeting", 1, 1}}},
			{"hours, from the records", store.DashFilter{From: at(2, 9, 0), To: at(4, 0, 30)}, 4, 3, 1, 1, 70,
				[]store.ItemCount{{"greeting", 2, 2.0 / 3}, {"forbidden", 1, 1.0 / 3}}},
			{"nothing", store.DashFilter{AgentID: "nobody"}, 0, 0, 0, 0, 0, nil},
		}
		for _, tt := range tests {
			d, err := s.Dashboard(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if d.Records != tt.records || d.Inspected != tt.inspected || d.Passed != tt.passed || d.Fatal != tt.fatal ||
				!near(d.AvgScore, tt.avg) || fmt.Sprint(d.TopFailed) != fmt.Sprint(tt.top) {
				t.Errorf("%s: got %d %d %d %d %v %v, want %d %d %d %d %v %v", tt.name, d.Records, d.Inspected, d.Passed,
					d.Fatal, d.AvgScore, d.TopFailed, tt.records, tt.inspected, tt.passed, tt.fatal, tt.avg, tt.top)
			}
		}
		checkRollup(t, s, "fixture")

		// Re-saving inspections and re-importing records move their contributions in the rollup.
		steps := []struct {
			name string
			do   func() error
		}{
			{"re-save the same result", func() error {
				return s.SaveInspections(ctx, []qa.Inspection{insp("call-06", "call-qa", 2, 60, false, true, "forbidden")})
			}},
			{"re-save with another scorecard", func() error {
				return s.SaveInspections(ctx, []qa.Inspection{insp("call-01", "other-qa", 1, 40, false, true, "sla", "closing"),
					insp("chat-04", "chat-qa", 1, 77, false, false, "greeting")})
			}},
			{"two results of one record in a batch: the last wins", func() error {
				return s.SaveInspections(ctx, []qa.Inspection{insp("call-02", "call-qa", 1, 10, false, true, "x"),
					insp("call-02", "call-qa", 3, 99, true, false)})
			}},
			{"re-import to another agent, team and day", func() error {
				r := crec("chat-03", qa.ChannelChat, "A9", "赵六", "三组", "信用卡", at(6, 12, 0), "您好，我想咨询理财产品")
				_, err := s.UpsertRecords(ctx, []qa.Record{r}, "again.jsonl")
				return err
			}},
			{"new records", func() error {
				_, err := s.UpsertRecords(ctx, []qa.Record{crec("call-07", qa.ChannelCall, "A9", "赵六", "三组", "", at(6, 1, 0), "喂")}, "t")
				return err
			}},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			checkRollup(t, s, st.name)
		}
		d, _ = s.Dashboard(ctx, store.DashFilter{})
		// 40 (call-01), 99 (call-02), 50 (chat-03, kept), 77, 85, 60; call-07 not inspected.
		if d.Records != 7 || d.Inspected != 6 || d.Passed != 2 || d.Fatal != 3 || !near(d.AvgScore, 411.0/6) {
			t.Errorf("after the steps: %d %d %d %d %v, want 7 6 2 3 68.5", d.Records, d.Inspected, d.Passed, d.Fatal, d.AvgScore)
		}

		// A final review replaces call-02's result (70, greeting failed) everywhere; a re-inspection
		// and a re-import keep it; a dispute takes it out until it is decided.
		u := &auth.User{Username: "insp", Role: auth.RoleInspector}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		var rv review.Review
		settle := func(status string) func() error {
			return func() error {
				return s.Update(ctx, func(tx *store.Tx) error {
					if rv.ID == 0 {
						rv = review.Review{RecordID: "call-02", Scorecard: "call-qa", Version: 3, ReviewerID: u.ID, Kind: review.KindReview,
							Status: status, Score: 88, Passed: true, AgentID: "A1",
							Items: []review.ItemScore{{Item: "greeting", Result: qa.ResultPass}, {Item: "manual", Result: qa.ResultFail}}}
						if err := tx.InsertReview(&rv); err != nil {
							return err
						}
					} else if err := tx.SetReviewStatus(&rv, status); err != nil {
						return err
					}
					_, _, err := tx.SettleResult("call-02")
					return err
				})
			}
		}
		row := func(want float64, source string, failed ...string) {
			t.Helper()
			page, err := s.Records(ctx, store.RecordFilter{AgentID: "A1", Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				if r.ID == "call-02" && (r.Score == nil || *r.Score != want || r.ScoreSource != source || fmt.Sprint(r.Failed) != fmt.Sprint(failed)) {
					t.Errorf("call-02 row = score %v source %q failed %v, want %v %s %v", ptrOr(r.Score), r.ScoreSource, r.Failed, want, source, failed)
				}
			}
		}
		reviewSteps := []struct {
			name   string
			do     func() error
			score  float64
			source string
			failed []string
		}{
			{"a final review", settle(review.StatusFinal), 88, store.SourceReview, []string{"manual"}},
			{"re-inspected by a new version: the review stays final", func() error {
				return s.SaveInspections(ctx, []qa.Inspection{insp("call-02", "call-qa", 4, 20, false, false, "closing")})
			}, 88, store.SourceReview, []string{"manual"}},
			{"re-imported and re-inspected at import: the review stays final", func() error {
				b, err := s.PrepareRecords(ctx, []qa.Record{crec("call-02", qa.ChannelCall, "A1", "王芳", "一组", "借记卡", at(5, 9, 0), "我要办理挂失", "好")},
					"again.jsonl", func(r *qa.Record) []qa.Inspection {
						return []qa.Inspection{insp(r.ID, "call-qa", 4, 10, false, true, "forbidden")}
					}, 1)
				if err != nil {
					return err
				}
				_, err = s.WriteRecords(ctx, b)
				return err
			}, 88, store.SourceReview, []string{"manual"}},
			{"disputed: the latest automatic result counts", settle(review.StatusDisputed), 10, store.SourceAuto, []string{"forbidden"}},
			{"upheld", settle(review.StatusFinal), 88, store.SourceReview, []string{"manual"}},
		}
		for _, st := range reviewSteps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			checkRollup(t, s, st.name)
			row(st.score, st.source, st.failed...)
			d, err := s.Dashboard(ctx, store.DashFilter{AgentID: "A1"})
			if err != nil {
				t.Fatal(err)
			}
			if want := b2i(st.source == store.SourceReview); d.Reviewed != want || d.Agents[0].Reviewed != want {
				t.Errorf("%s: dashboard reviewed %d, agent %+v; want %d", st.name, d.Reviewed, d.Agents, want)
			}
		}

		agents, err := s.Agents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantInfo := []store.AgentInfo{{"A1", "王芳", "一组", 3}, {"A2", "李明", "二组", 1}, {"A3", "张伟", "一组", 1}, {"A9", "赵六", "三组", 2}}
		if fmt.Sprint(agents) != fmt.Sprint(wantInfo) {
			t.Errorf("Agents = %v, want %v", agents, wantInfo)
		}
		teams, err := s.Teams(ctx)
		if want := sorted("一组", "二组", "三组"); err != nil || !slices.Equal(teams, want) {
			t.Errorf("Teams = %v, %v; want %v", teams, err, want)
		}
		biz, err := s.BusinessTypes(ctx)
		if want := sorted("信用卡", "借记卡", "理财", "贷款"); err != nil || !slices.Equal(biz, want) {
			t.Errorf("BusinessTypes = %v, %v; want %v", biz, err, want)
		}
	})
}

func sorted(v ...string) []string { slices.Sort(v); return v }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ptrOr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// checkRollup compares the dashboard read from the rollup (day boundaries) with the one aggregated
// from the records (a millisecond later: no record starts exactly at midnight).
func checkRollup(t *testing.T, s *store.Store, step string) {
	t.Helper()
	for _, f := range []store.DashFilter{{From: at(1, 0, 0)}, {From: at(1, 0, 0), Team: "一组"},
		{From: at(1, 0, 0), To: at(4, 0, 0), Channel: qa.ChannelCall}, {From: at(1, 0, 0), AgentID: "A9"},
		{From: at(1, 0, 0), Scorecard: "call-qa"}} {
		roll, err := s.Dashboard(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		f.From = f.From.Add(time.Millisecond)
		recs, err := s.Dashboard(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if roll.Records != recs.Records || roll.Inspected != recs.Inspected || roll.Passed != recs.Passed || roll.Reviewed != recs.Reviewed ||
			roll.Fatal != recs.Fatal || !near(roll.AvgScore, recs.AvgScore) || !sameTrend(roll.Trend, recs.Trend) ||
			!sameAgents(roll.Agents, recs.Agents) || fmt.Sprint(roll.TopFailed) != fmt.Sprint(recs.TopFailed) {
			t.Errorf("%s: %+v\nrollup  %+v\nrecords %+v", step, f, roll, recs)
		}
	}
}

func sameTrend(a, b []store.TrendPoint) bool {
	return slices.EqualFunc(a, b, func(x, y store.TrendPoint) bool {
		return x.Day == y.Day && x.Records == y.Records && near(x.AvgScore, y.AvgScore) && near(x.PassRate, y.PassRate) &&
			x.Reviewed == y.Reviewed
	})
}

func sameAgents(a, b []store.AgentRank) bool {
	return slices.EqualFunc(a, b, func(x, y store.AgentRank) bool {
		return x.AgentID == y.AgentID && x.AgentName == y.AgentName && x.Team == y.Team && x.Records == y.Records &&
			near(x.AvgScore, y.AvgScore) && near(x.PassRate, y.PassRate) && x.Fatal == y.Fatal && x.Reviewed == y.Reviewed
	})
}

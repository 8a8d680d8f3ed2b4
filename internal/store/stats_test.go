package store_test

import (
	"math"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

func TestStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		batch := recs("c-", 4, "您好")
		chat := rec("w-1", "您好")
		chat.Channel = qa.ChannelChat
		batch = append(batch, chat)
		if _, err := s.UpsertRecords(ctx, batch, "t"); err != nil {
			t.Fatal(err)
		}
		err := s.SaveInspections(ctx, []qa.Inspection{
			inspection("c-0000", 1, 1, 100),
			inspection("c-0001", 1, 1, 60, "closing", "forbidden"),
			inspection("c-0002", 1, 1, 80, "closing"),
			inspection("c-0003", 1, 1, 90),
			inspection("c-0000", 1, 2, 50, "silence"),
		})
		if err != nil {
			t.Fatal(err)
		}
		// c-0001 (60, closing and forbidden failed) reviewed to 95 and a pass with v1, which then
		// counts in its place.
		u := &auth.User{Username: "insp", Role: auth.RoleInspector}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		reviewed := func(t *testing.T) {
			err := s.Update(ctx, func(tx *store.Tx) error {
				rv := review.Review{RecordID: "c-0001", Scorecard: "callcenter", Version: 1, ReviewerID: u.ID, Kind: review.KindReview,
					Status: review.StatusFinal, Score: 95, Passed: true, AgentID: "A017",
					Items: []review.ItemScore{{Item: "closing", Result: qa.ResultPass, Auto: qa.ResultFail, Override: true, Reason: "复听合格"}}}
				if err := tx.InsertReview(&rv); err != nil {
					return err
				}
				_, _, err := tx.SettleResult(rv.RecordID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// By record, by their final results: c-0000 by v2 (saved last), the others by v1.
		tests := []struct {
			name                string
			review              func(t *testing.T)
			filter              store.StatsFilter
			inspected, reviewed int
			avg                 float64
			passRate            float64
			fatal               int
			top                 []store.ItemCount
		}{
			{"scorecard version 1", nil, store.StatsFilter{Scorecard: "callcenter", Version: 1}, 3, 0, 230.0 / 3, 1.0 / 3, 1,
				[]store.ItemCount{{"closing", 2, 2.0 / 3}, {"forbidden", 1, 1.0 / 3}}},
			{"every version", nil, store.StatsFilter{Scorecard: "callcenter"}, 4, 0, 70, 0.25, 1,
				[]store.ItemCount{{"closing", 2, 0.5}, {"forbidden", 1, 0.25}, {"silence", 1, 0.25}}},
			{"top 1", nil, store.StatsFilter{Top: 1}, 4, 0, 70, 0.25, 1, []store.ItemCount{{"closing", 2, 0.5}}},
			{"unknown scorecard", nil, store.StatsFilter{Scorecard: "nope"}, 0, 0, 0, 0, 0, nil},
			{"reviewed", reviewed, store.StatsFilter{}, 4, 1, 78.75, 0.5, 0,
				[]store.ItemCount{{"closing", 1, 0.25}, {"silence", 1, 0.25}}},
			{"reviewed, version 1", nil, store.StatsFilter{Scorecard: "callcenter", Version: 1}, 3, 1, 265.0 / 3, 2.0 / 3, 0,
				[]store.ItemCount{{"closing", 1, 1.0 / 3}}},
		}
		for _, tt := range tests {
			if tt.review != nil {
				tt.review(t)
			}
			t.Run(tt.name, func(t *testing.T) {
				st, err := s.Stats(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if st.Records != 5 || len(st.Channels) != 2 || st.Channels[0] != (store.ChannelCount{"call", 4}) ||
					st.Channels[1] != (store.ChannelCount{"chat", 1}) {
					t.Errorf("records %d by channel %+v; want call 4, chat 1", st.Records, st.Channels)
				}
				if st.Inspected != tt.inspected || st.Reviewed != tt.reviewed || !near(st.AvgScore, tt.avg) ||
					!near(st.PassRate, tt.passRate) || st.Fatal != tt.fatal {
					t.Errorf("inspected %d reviewed %d avg %v pass rate %v fatal %d; want %d %d %v %v %d", st.Inspected,
						st.Reviewed, st.AvgScore, st.PassRate, st.Fatal, tt.inspected, tt.reviewed, tt.avg, tt.passRate, tt.fatal)
				}
				if len(st.TopFailed) != len(tt.top) {
					t.Fatalf("top failed %+v, want %+v", st.TopFailed, tt.top)
				}
				for i, c := range st.TopFailed {
					if c.Item != tt.top[i].Item || c.Count != tt.top[i].Count || !near(c.Share, tt.top[i].Share) {
						t.Errorf("top failed %+v, want %+v", st.TopFailed, tt.top)
					}
				}
			})
		}
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

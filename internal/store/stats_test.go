package store_test

import (
	"math"
	"testing"

	"qloop/internal/qa"
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
		tests := []struct {
			name      string
			filter    store.StatsFilter
			inspected int
			avg       float64
			passRate  float64
			fatal     int
			top       []store.ItemCount
		}{
			{"scorecard version 1", store.StatsFilter{Scorecard: "callcenter", Version: 1}, 4, 82.5, 0.5, 1,
				[]store.ItemCount{{"closing", 2, 0.5}, {"forbidden", 1, 0.25}}},
			{"every version", store.StatsFilter{Scorecard: "callcenter"}, 5, 76, 0.4, 1,
				[]store.ItemCount{{"closing", 2, 0.4}, {"forbidden", 1, 0.2}, {"silence", 1, 0.2}}},
			{"top 1", store.StatsFilter{Top: 1}, 5, 76, 0.4, 1, []store.ItemCount{{"closing", 2, 0.4}}},
			{"unknown scorecard", store.StatsFilter{Scorecard: "nope"}, 0, 0, 0, 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, err := s.Stats(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if st.Records != 5 || len(st.Channels) != 2 || st.Channels[0] != (store.ChannelCount{"call", 4}) ||
					st.Channels[1] != (store.ChannelCount{"chat", 1}) {
					t.Errorf("records %d by channel %+v; want call 4, chat 1", st.Records, st.Channels)
				}
				if st.Inspected != tt.inspected || !near(st.AvgScore, tt.avg) || !near(st.PassRate, tt.passRate) ||
					st.Fatal != tt.fatal {
					t.Errorf("inspected %d avg %v pass rate %v fatal %d; want %d %v %v %d", st.Inspected, st.AvgScore,
						st.PassRate, st.Fatal, tt.inspected, tt.avg, tt.passRate, tt.fatal)
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

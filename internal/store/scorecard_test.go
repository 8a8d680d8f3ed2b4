package store_test

import (
	"testing"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

func card(name, title string) *qa.Scorecard {
	return &qa.Scorecard{Name: name, Title: title, PassScore: 80, Dimensions: []qa.Dimension{{ID: "service", Name: "服务规范",
		Weight: 1, Items: []qa.Item{{ID: "opening", Name: "开场白", Kind: qa.KindPassFail}}}}}
}

func TestSaveScorecardVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		steps := []struct {
			name        string
			sc          *qa.Scorecard
			src         string
			wantVersion int
			wantCreated bool
		}{
			{"first version", card("callcenter", "呼叫中心"), "name: callcenter\n", 1, true},
			{"same source is not a new version", card("callcenter", "呼叫中心"), "name: callcenter\n", 1, false},
			{"changed source", card("callcenter", "呼叫中心 v2"), "name: callcenter\ntitle: v2\n", 2, true},
			{"other name starts at 1", card("chat", "在线客服"), "name: chat\n", 1, true},
			{"source of an older version is still new", card("callcenter", "呼叫中心"), "name: callcenter\n", 3, true},
		}
		for _, st := range steps {
			v, created, err := s.SaveScorecard(ctx, st.sc, []byte(st.src))
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if v != st.wantVersion || created != st.wantCreated || st.sc.Version != st.wantVersion {
				t.Errorf("%s: version %d created %v sc.Version %d; want %d %v", st.name, v, created, st.sc.Version,
					st.wantVersion, st.wantCreated)
			}
		}
		sc, src, active, err := s.Scorecard(ctx, "callcenter", 2)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Version != 2 || sc.Title != "呼叫中心 v2" || string(src) != "name: callcenter\ntitle: v2\n" || active {
			t.Errorf("Scorecard(callcenter, 2) = v%d %q %q active %v", sc.Version, sc.Title, src, active)
		}
		if sc, _, _, err := s.Scorecard(ctx, "callcenter", 0); err != nil || sc.Version != 3 {
			t.Errorf("Scorecard(callcenter, 0) with none active = %v, %v; want the latest, v3", sc, err)
		}
		list, err := s.Scorecards(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 || list[0].Name != "callcenter" || list[0].Version != 1 || list[3].Name != "chat" ||
			list[3].CreatedAt.IsZero() {
			t.Errorf("Scorecards() = %+v", list)
		}
		if _, _, err := s.SaveScorecard(ctx, &qa.Scorecard{}, nil); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("SaveScorecard without name: %v", err)
		}
	})
}

func TestActivateScorecard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, src := range []string{"v1", "v2"} {
			if _, _, err := s.SaveScorecard(ctx, card("callcenter", src), []byte(src)); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.SaveScorecard(ctx, card("chat", "chat"), []byte("chat")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("a", "您好")}, "t"); err != nil {
			t.Fatal(err)
		}
		v1 := qa.Inspection{RecordID: "a", RecordRev: 1, Scorecard: "callcenter", Version: 1, Score: 90, Passed: true}
		if err := s.SaveInspections(ctx, []qa.Inspection{v1}); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name    string
			card    string
			version int
			want    map[string]int // active version by name
		}{
			{"activate v1", "callcenter", 1, map[string]int{"callcenter": 1}},
			{"activate v2 deactivates v1", "callcenter", 2, map[string]int{"callcenter": 2}},
			{"activate again is harmless", "callcenter", 2, map[string]int{"callcenter": 2}},
			{"other name independent", "chat", 1, map[string]int{"callcenter": 2, "chat": 1}},
		}
		for _, tt := range tests {
			if err := s.ActivateScorecard(ctx, tt.card, tt.version); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			active, err := s.ActiveScorecards(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, sc := range active {
				got[sc.Name] = sc.Version
			}
			if len(got) != len(tt.want) || len(active) != len(tt.want) {
				t.Errorf("%s: active %v, want %v", tt.name, got, tt.want)
			}
			for n, v := range tt.want {
				if got[n] != v {
					t.Errorf("%s: active %v, want %v", tt.name, got, tt.want)
				}
			}
		}
		if sc, _, active, err := s.Scorecard(ctx, "callcenter", 0); err != nil || sc.Version != 2 || !active {
			t.Errorf("Scorecard(callcenter, 0) = %v active %v, %v; want v2 active", sc, active, err)
		}
		// The v1 inspection stays as it was.
		ins, err := s.Inspections(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if len(ins) != 1 || ins[0].Version != 1 || ins[0].Score != 90 || !ins[0].Passed {
			t.Errorf("Inspections(a) after activating v2 = %+v", ins)
		}
		if sc, _, _, err := s.Scorecard(ctx, "callcenter", 1); err != nil || sc.Title != "v1" {
			t.Errorf("Scorecard(callcenter, 1) = %v, %v", sc, err)
		}
	})
}

func TestScorecardNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, _, err := s.SaveScorecard(ctx, card("callcenter", "x"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			err  func() error
		}{
			{"Scorecard unknown name", func() error { _, _, _, err := s.Scorecard(ctx, "nope", 0); return err }},
			{"Scorecard unknown version", func() error { _, _, _, err := s.Scorecard(ctx, "callcenter", 9); return err }},
			{"Activate unknown version", func() error { return s.ActivateScorecard(ctx, "callcenter", 9) }},
			{"Activate unknown name", func() error { return s.ActivateScorecard(ctx, "nope", 1) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err(), qa.ENotFound) })
		}
		if active, err := s.ActiveScorecards(ctx); err != nil || len(active) != 0 {
			t.Errorf("ActiveScorecards() = %v, %v; want none", active, err)
		}
	})
}

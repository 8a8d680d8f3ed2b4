package store_test

import (
	"slices"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// pageAll follows f page by page and returns every row's id in order.
func pageAll(t *testing.T, s *store.Store, f store.RecordFilter) []string {
	t.Helper()
	var ids []string
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("%+v: too many pages", f)
		}
		p, err := s.Records(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		for _, r := range p.Rows {
			ids = append(ids, r.ID)
		}
		if p.Next == "" {
			return ids
		}
		f.Cursor = p.Next
	}
}

// TestRecordsSort: every order of the list, on one page and one row per page alike.
func TestRecordsSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		consoleFixture(t, s)
		for _, c := range []struct {
			sort string
			want []string
		}{
			{"", []string{"call-06", "call-05", "chat-04", "chat-03", "call-02", "call-01"}},
			{store.SortTime, []string{"call-06", "call-05", "chat-04", "chat-03", "call-02", "call-01"}},
			{store.SortTimeAsc, []string{"call-01", "call-02", "chat-03", "chat-04", "call-05", "call-06"}},
			// Worst first: chat-03 50, call-06 60 (its latest result), call-02 70, …; chat-04 is not inspected.
			{store.SortScore, []string{"chat-03", "call-06", "call-02", "call-05", "call-01", "chat-04"}},
			{store.SortScoreDesc, []string{"call-01", "call-05", "call-02", "call-06", "chat-03", "chat-04"}},
			{store.SortAgent, []string{"call-06", "call-02", "call-01", "chat-04", "chat-03", "call-05"}},
		} {
			for _, limit := range []int{1, 2, 50} {
				if got := pageAll(t, s, store.RecordFilter{Sort: c.sort, Limit: limit}); !slices.Equal(got, c.want) {
					t.Errorf("sort %q, %d a page: %v, want %v", c.sort, limit, got, c.want)
				}
			}
		}
		// Worst first within a filter, paged.
		if got := pageAll(t, s, store.RecordFilter{Sort: store.SortScore, Team: "一组", Limit: 1}); !slices.Equal(got,
			[]string{"call-06", "call-02", "call-05", "call-01"}) {
			t.Errorf("team 一组 worst first: %v", got)
		}
		if _, err := s.Records(ctx, store.RecordFilter{Sort: "price"}); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("an unknown sort: %v, want invalid", err)
		}
		p, err := s.Records(ctx, store.RecordFilter{Sort: store.SortScore, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Records(ctx, store.RecordFilter{Sort: store.SortAgent, Cursor: p.Next}); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("a cursor of another order: %v, want invalid", err)
		}
	})
}

// TestRecordsItemNames: rows carry their failed items' names, and the failed-item filter takes an
// item's id or its name.
func TestRecordsItemNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		consoleFixture(t, s)
		sc := &qa.Scorecard{Name: "call-qa", Title: "通话", Dimensions: []qa.Dimension{{ID: "norms", Name: "服务规范", Weight: 1,
			Items: []qa.Item{{ID: "greeting", Name: "问候语", Kind: qa.KindPassFail}, {ID: "closing", Name: "结束语", Kind: qa.KindPassFail},
				{ID: "forbidden", Name: "服务忌语", Kind: qa.KindPassFail}}}}}
		if _, _, err := s.SaveScorecard(ctx, sc, []byte("name: call-qa")); err != nil {
			t.Fatal(err)
		}
		names, err := s.ItemNames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := names.Name("call-qa", "closing"); got != "结束语" {
			t.Errorf("Name(call-qa, closing) = %q", got)
		}
		if got := names.Name("", "forbidden"); got != "服务忌语" {
			t.Errorf("Name(\"\", forbidden) = %q", got)
		}
		if got := names.Name("chat-qa", "nosuch"); got != "nosuch" {
			t.Errorf("an unknown item is named %q, want its id", got)
		}
		for _, c := range []struct {
			item string
			want []string
		}{
			{"closing", []string{"call-05"}},
			{"结束语", []string{"call-05"}},
			{" 服务忌语 ", []string{"call-06", "chat-03"}},
			{"问候", nil}, // a part of a name is not a name
		} {
			p, err := s.Records(ctx, store.RecordFilter{FailedItem: c.item})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range p.Rows {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("failed item %q: %v, want %v", c.item, got, c.want)
			}
		}
		p, err := s.Records(ctx, store.RecordFilter{AgentID: "A2"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Rows {
			if r.ID == "chat-03" && !slices.Equal(r.FailedNames, []string{"forbidden", "greeting"}) {
				// chat-qa has no stored scorecard: its items keep their ids… unless another scorecard names them.
				if !slices.Equal(r.FailedNames, []string{"服务忌语", "问候语"}) {
					t.Errorf("chat-03 failed %v named %v", r.Failed, r.FailedNames)
				}
			}
		}
		p, err = s.Records(ctx, store.RecordFilter{AgentID: "A1", Sort: store.SortScore})
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Rows[0]; r.ID != "call-06" || !slices.Equal(r.FailedNames, []string{"服务忌语"}) {
			t.Errorf("call-06 failed %v named %v", r.Failed, r.FailedNames)
		}
	})
}

// TestRecordsSearchMatch: a search row carries the turn that matched and where, for the snippet.
func TestRecordsSearchMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		consoleFixture(t, s)
		// The index (three characters or more), and the direct read of one character.
		for _, q := range []string{"信用卡被锁", "锁"} {
			p, err := s.Records(ctx, store.RecordFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Rows) != 1 || p.Rows[0].ID != "call-06" {
				t.Fatalf("%q: %+v", q, p.Rows)
			}
			r := p.Rows[0]
			if r.Match != "我的信用卡被锁了" || string([]rune(r.Match)[r.MatchAt:r.MatchAt+r.MatchLen]) != q {
				t.Errorf("%q: match %q at %d+%d", q, r.Match, r.MatchAt, r.MatchLen)
			}
		}
		// The second turn of chat-03.
		p, err := s.Records(ctx, store.RecordFilter{Query: "好的"})
		if err != nil || len(p.Rows) != 1 || p.Rows[0].Match != "好的" || p.Rows[0].MatchAt != 0 {
			t.Errorf("好的: %+v, %v", p.Rows, err)
		}
		p, err = s.Records(ctx, store.RecordFilter{Query: "call-0"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Rows {
			if r.Match != "" {
				t.Errorf("an id search gives %s the match %q", r.ID, r.Match)
			}
		}
	})
}

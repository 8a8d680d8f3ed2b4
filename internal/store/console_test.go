package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

func at(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, cst) }

// crec returns a record with the given attributes whose turns say texts.
func crec(id, channel, agent, name, team, biz string, started time.Time, texts ...string) qa.Record {
	r := qa.Record{ID: id, Channel: channel, StartedAt: started, AgentID: agent, AgentName: name, Team: team,
		BusinessType: biz}
	for i, t := range texts {
		sp := qa.SpeakerAgent
		if i%2 == 1 {
			sp = qa.SpeakerCustomer
		}
		r.Turns = append(r.Turns, qa.Turn{Speaker: sp, Text: t})
	}
	return r
}

func insp(id, card string, version int, score float64, passed, fatal bool, failed ...string) qa.Inspection {
	in := qa.Inspection{RecordID: id, RecordRev: 1, Scorecard: card, Version: version, Score: score,
		Passed: passed, Fatal: fatal}
	for _, f := range failed {
		in.Findings = append(in.Findings, qa.Finding{Item: f, Result: qa.ResultFail})
	}
	in.Findings = append(in.Findings, qa.Finding{Item: "ok-item", Result: qa.ResultPass})
	return in
}

// consoleFixture stores six records, three of them at the same started_at, and inspects five.
func consoleFixture(t *testing.T, s *store.Store) {
	t.Helper()
	records := []qa.Record{
		crec("call-01", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 9, 0), "您好，VIP客户请问有什么可以帮您"),
		crec("call-02", qa.ChannelCall, "A1", "王芳", "一组", "借记卡", at(2, 9, 0), "我要办理挂失"),
		crec("chat-03", qa.ChannelChat, "A2", "李明", "二组", "信用卡", at(2, 9, 0), "您好，我想咨询理财产品", "好的"),
		crec("chat-04", qa.ChannelChat, "A2", "李明", "二组", "理财", at(3, 10, 0), "我的信用卡被鎖了"),
		crec("call-05", qa.ChannelCall, "A3", "张伟", "一组", "贷款", at(4, 0, 30), "谢谢您的耐心等待", "不客气"),
		crec("call-06", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(4, 8, 0), "我的信用卡被锁了", "收费100%合理"),
	}
	if _, err := s.UpsertRecords(ctx, records, "fixture.jsonl"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveInspections(ctx, []qa.Inspection{
		insp("call-01", "call-qa", 1, 90, true, false),
		insp("call-02", "call-qa", 1, 70, false, false, "greeting"),
		insp("chat-03", "chat-qa", 1, 50, false, true, "forbidden", "greeting"),
		insp("call-05", "call-qa", 1, 85, true, false, "closing"),
		insp("call-06", "call-qa", 1, 95, true, false),
	}); err != nil {
		t.Fatal(err)
	}
	// A later inspection by another version replaces call-06's latest result.
	if err := s.SaveInspections(ctx, []qa.Inspection{insp("call-06", "call-qa", 2, 60, false, true, "forbidden")}); err != nil {
		t.Fatal(err)
	}
}

func ptr(v float64) *float64 { return &v }

func TestRecordsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		consoleFixture(t, s)
		tests := []struct {
			name string
			f    store.RecordFilter
			want []string
		}{
			{"all, newest first, ties by id", store.RecordFilter{}, []string{"call-06", "call-05", "chat-04", "chat-03", "call-02", "call-01"}},
			{"from", store.RecordFilter{From: at(3, 10, 0)}, []string{"call-06", "call-05", "chat-04"}},
			{"to is exclusive", store.RecordFilter{To: at(3, 10, 0)}, []string{"chat-03", "call-02", "call-01"}},
			{"agent", store.RecordFilter{AgentID: "A2"}, []string{"chat-04", "chat-03"}},
			{"team", store.RecordFilter{Team: "一组"}, []string{"call-06", "call-05", "call-02", "call-01"}},
			{"channel", store.RecordFilter{Channel: qa.ChannelChat}, []string{"chat-04", "chat-03"}},
			{"business type", store.RecordFilter{BusinessType: "信用卡"}, []string{"call-06", "chat-03", "call-01"}},
			{"score min", store.RecordFilter{ScoreMin: ptr(80)}, []string{"call-05", "call-01"}},
			{"score max", store.RecordFilter{ScoreMax: ptr(60)}, []string{"call-06", "chat-03"}},
			{"score range", store.RecordFilter{ScoreMin: ptr(60), ScoreMax: ptr(80)}, []string{"call-06", "call-02"}},
			{"failed item of the latest inspection", store.RecordFilter{FailedItem: "forbidden"}, []string{"call-06", "chat-03"}},
			{"failed item", store.RecordFilter{FailedItem: "greeting"}, []string{"chat-03", "call-02"}},
			{"passed item never listed", store.RecordFilter{FailedItem: "ok-item"}, nil},
			{"fatal only", store.RecordFilter{FatalOnly: true}, []string{"call-06", "chat-03"}},
			{"text 3+ chars", store.RecordFilter{Query: "信用卡"}, []string{"call-06", "chat-04"}},
			{"simplified is not traditional", store.RecordFilter{Query: "被锁了"}, []string{"call-06"}},
			{"traditional is not simplified", store.RecordFilter{Query: "被鎖了"}, []string{"chat-04"}},
			{"text 2 chars", store.RecordFilter{Query: "理财"}, []string{"chat-03"}},
			{"text 2 chars, several", store.RecordFilter{Query: "您好"}, []string{"chat-03", "call-01"}},
			{"text 1 char", store.RecordFilter{Query: "鎖"}, []string{"chat-04"}},
			{"text 1 char, several", store.RecordFilter{Query: "您"}, []string{"call-05", "chat-03", "call-01"}},
			{"case-sensitive", store.RecordFilter{Query: "vip"}, nil},
			{"case as written", store.RecordFilter{Query: "VIP客户"}, []string{"call-01"}},
			{"no match across turns", store.RecordFilter{Query: "等待不客"}, nil},
			{"wildcards are literal", store.RecordFilter{Query: "信%卡"}, nil},
			{"percent sign", store.RecordFilter{Query: "100%"}, []string{"call-06"}},
			{"underscore 1 char", store.RecordFilter{Query: "_"}, nil},
			{"quote", store.RecordFilter{Query: `"信用卡"`}, nil},
			{"id prefix", store.RecordFilter{Query: "chat-"}, []string{"chat-04", "chat-03"}},
			{"id prefix short", store.RecordFilter{Query: "c"}, []string{"call-06", "call-05", "chat-04", "chat-03", "call-02", "call-01"}},
			{"agent + failed item", store.RecordFilter{AgentID: "A1", FailedItem: "forbidden"}, []string{"call-06"}},
			{"team + channel + from", store.RecordFilter{Team: "一组", Channel: qa.ChannelCall, From: at(3, 0, 0)}, []string{"call-06", "call-05"}},
			{"business + text", store.RecordFilter{BusinessType: "信用卡", Query: "您好"}, []string{"chat-03", "call-01"}},
			{"range + fatal + score", store.RecordFilter{From: at(2, 0, 0), To: at(3, 0, 0), FatalOnly: true, ScoreMax: ptr(55)}, []string{"chat-03"}},
			{"everything", store.RecordFilter{From: at(4, 0, 0), To: at(5, 0, 0), AgentID: "A1", Team: "一组", Channel: qa.ChannelCall,
				BusinessType: "信用卡", ScoreMin: ptr(50), ScoreMax: ptr(60), FailedItem: "forbidden", FatalOnly: true, Query: "锁"}, []string{"call-06"}},
		}
		// Run twice: as is, and with every text query on SQLite's many-matches plan.
		restore := func() {}
		for i, tt := range append(tests, tests...) {
			if i == len(tests) {
				restore = store.SetDenseMatches(0)
			}
			p, err := s.Records(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, r := range p.Rows {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tt.want) || p.Total != len(tt.want) || p.TotalCapped || p.Next != "" {
				t.Errorf("%s: got %v total %d capped %v next %q, want %v", tt.name, got, p.Total, p.TotalCapped, p.Next, tt.want)
			}
		}

		restore()

		p, err := s.Records(ctx, store.RecordFilter{Query: "被锁了"})
		if err != nil || len(p.Rows) != 1 {
			t.Fatalf("Records: %v, %v", p, err)
		}
		got := p.Rows[0]
		want := store.RecordRow{ID: "call-06", Channel: qa.ChannelCall, StartedAt: at(4, 8, 0).UTC(), AgentID: "A1",
			AgentName: "王芳", Team: "一组", BusinessType: "信用卡", Score: ptr(60), Fatal: true, Scorecard: "call-qa",
			Version: 2, Failed: []string{"forbidden"}}
		if got.Score == nil || *got.Score != 60 || got.ID != want.ID || !got.StartedAt.Equal(want.StartedAt) ||
			got.Channel != want.Channel || got.AgentID != want.AgentID || got.AgentName != want.AgentName ||
			got.Team != want.Team || got.BusinessType != want.BusinessType || got.Passed || !got.Fatal ||
			got.Scorecard != want.Scorecard || got.Version != 2 || !slices.Equal(got.Failed, want.Failed) {
			t.Errorf("row = %+v, want %+v", got, want)
		}
		p, _ = s.Records(ctx, store.RecordFilter{AgentID: "A2", Limit: 1})
		if p.Rows[0].Score != nil || p.Rows[0].Scorecard != "" || p.Rows[0].Failed != nil || p.Total != 2 || p.Next == "" {
			t.Errorf("uninspected row = %+v, page %+v", p.Rows[0], p)
		}

		// A re-import keeps the last result until the record is inspected again; the text follows it.
		changed := crec("call-02", qa.ChannelCall, "A1", "王芳", "一组", "借记卡", at(2, 9, 0), "我要修改密码")
		if _, err := s.UpsertRecords(ctx, []qa.Record{changed}, "again.jsonl"); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]string{"挂失": nil, "办理挂失": nil, "修改密码": {"call-02"}, "修改": {"call-02"}} {
			p, err := s.Records(ctx, store.RecordFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range p.Rows {
				got = append(got, r.ID)
				if r.Score == nil || *r.Score != 70 || !slices.Equal(r.Failed, []string{"greeting"}) {
					t.Errorf("after re-import %s = %+v, want its last result kept", r.ID, r)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("after re-import, %q: got %v, want %v", q, got, want)
			}
		}

		if _, err := s.Records(ctx, store.RecordFilter{Cursor: "not a cursor"}); err == nil {
			t.Error("bad cursor: no error")
		} else {
			wantCode(t, err, qa.EInvalid)
		}
	})
}

func TestRecordsKeysetPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var batch []qa.Record
		var want []string
		for i := range 23 {
			r := rec(fmt.Sprintf("k-%02d", i), "您好")
			r.StartedAt = at(5, 9, i/5) // groups of five share a started_at
			batch = append(batch, r)
			want = append(want, r.ID)
		}
		if _, err := s.UpsertRecords(ctx, batch, "t"); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(want, func(a, b string) int { // (started_at, id) descending
			ga, gb := int(a[2]-'0')*10+int(a[3]-'0'), int(b[2]-'0')*10+int(b[3]-'0')
			if ga/5 != gb/5 {
				return gb/5 - ga/5
			}
			return strings.Compare(b, a)
		})
		for _, limit := range []int{1, 4, 5, 7, 23, 50} {
			var got []string
			f := store.RecordFilter{Limit: limit}
			for pages := 0; ; pages++ {
				if pages > 30 {
					t.Fatalf("limit %d: too many pages", limit)
				}
				p, err := s.Records(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != 23 || len(p.Rows) > limit {
					t.Fatalf("limit %d: page of %d rows, total %d", limit, len(p.Rows), p.Total)
				}
				for _, r := range p.Rows {
					got = append(got, r.ID)
				}
				if p.Next == "" {
					break
				}
				f.Cursor = p.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: pages gave %v, want %v", limit, got, want)
			}
		}
		// Paging a text search and an agent filter too.
		p, err := s.Records(ctx, store.RecordFilter{Query: "您好", Limit: 10})
		if err != nil || len(p.Rows) != 10 || p.Total != 23 {
			t.Fatalf("search page: %d rows, total %d, %v", len(p.Rows), p.Total, err)
		}
		p, err = s.Records(ctx, store.RecordFilter{Query: "您好", Limit: 20, Cursor: p.Next})
		if err != nil || len(p.Rows) != 13 || p.Next != "" || p.Rows[0].ID != want[10] {
			t.Fatalf("search page 2: %d rows, next %q, %v", len(p.Rows), p.Next, err)
		}
	})
}

func TestRecordsTotalCap(t *testing.T) {
	s := storetest.Open(t)
	restore := store.SetMaxParams(3000)
	defer restore()
	if _, err := s.UpsertRecords(ctx, recs("t-", store.TotalCap+5, "您好"), "t"); err != nil {
		t.Fatal(err)
	}
	p, err := s.Records(ctx, store.RecordFilter{Limit: 500})
	if err != nil || p.Total != store.TotalCap || !p.TotalCapped || len(p.Rows) != 200 {
		t.Fatalf("total %d capped %v rows %d, %v; want %d capped, 200 rows (the maximum)", p.Total, p.TotalCapped, len(p.Rows), err, store.TotalCap)
	}
}

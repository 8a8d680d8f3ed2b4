package store_test

import (
	"strings"
	"testing"
	"time"

	"qloop/internal/feedback"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

var fbAt = time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func fbRating(id, recID string, overall int, text string) feedback.Entry {
	return feedback.Entry{ID: id, Kind: feedback.KindRating, RecordID: recID, At: fbAt, Scores: map[string]int{feedback.DimOverall: overall}, Text: text}
}

// feedbackRecords stores a call of agent A017 (一组) and one of A020 (二组).
func feedbackRecords(t *testing.T, s *store.Store) {
	t.Helper()
	other := rec("c-2", "您好")
	other.AgentID, other.Team = "A020", "二组"
	if _, err := s.UpsertRecords(ctx, []qa.Record{rec("c-1", "您好,请问有什么可以帮您"), other}, "calls.jsonl"); err != nil {
		t.Fatal(err)
	}
}

// TestUpsertFeedback: new entries land, unknown records are reported and not written, re-import
// of the same content writes nothing, a change adds a revision that says which file and why.
func TestUpsertFeedback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		feedbackRecords(t, s)
		src := feedback.Source{File: "ratings.csv", Actor: "admin", Reason: "导入 ratings.csv"}
		batch := []feedback.Entry{fbRating("FB-1", "c-1", 4, "不错"), fbRating("FB-2", "nope", 3, ""),
			{Kind: feedback.KindCallback, RecordID: "c-2", At: fbAt, Scores: map[string]int{"overall": 5}}}
		res, err := s.UpsertFeedback(ctx, batch, src)
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 2 || len(res.Missing) != 1 || res.Missing[0] != 1 {
			t.Fatalf("first import: %+v, want 2 inserted and entry 1 missing", res)
		}
		res, err = s.UpsertFeedback(ctx, batch, src)
		if err != nil || res.Inserted != 0 || res.Updated != 0 || res.Unchanged != 2 {
			t.Fatalf("re-import: %+v %v, want 2 unchanged", res, err)
		}
		batch[0].Text = "不错,就是有点慢"
		res, err = s.UpsertFeedback(ctx, batch[:1], feedback.Source{File: "ratings-fixed.csv", Actor: "zhuguan", Reason: "客户补充说明"})
		if err != nil || res.Updated != 1 {
			t.Fatalf("changed re-import: %+v %v", res, err)
		}
		items, err := s.Feedback(ctx, feedback.Filter{})
		if err != nil || len(items) != 2 {
			t.Fatalf("list: %d items, %v; want 2 (no duplicate)", len(items), err)
		}
		var fb1 feedback.Item
		for _, it := range items {
			if it.Key() == "id:FB-1" {
				fb1 = it
			}
		}
		it, revs, _, err := s.FeedbackEntry(ctx, fb1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if it.Rev != 2 || it.Text != "不错,就是有点慢" || it.AgentID != "A017" || it.Team != "一组" {
			t.Errorf("entry %+v", it)
		}
		if len(revs) != 2 || revs[0].Entry.Text != "不错" || revs[0].Source != "ratings.csv" ||
			revs[1].Source != "ratings-fixed.csv" || revs[1].Actor != "zhuguan" || revs[1].Reason != "客户补充说明" {
			t.Errorf("revisions do not keep the original with who/which file and why: %+v", revs)
		}
		if _, _, _, err := s.FeedbackEntry(ctx, 99999); qa.ErrorCode(err) != qa.ENotFound {
			t.Errorf("unknown entry: %v", err)
		}
		bad := []feedback.Entry{fbRating("FB-9", "c-1", 7, "")}
		if _, err := s.UpsertFeedback(ctx, bad, src); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("rating 7: %v, want invalid", err)
		}
	})
}

// TestFeedbackScope: filters by the record's agent and team, as Restrict sets them.
func TestFeedbackScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		feedbackRecords(t, s)
		if _, err := s.UpsertFeedback(ctx, []feedback.Entry{fbRating("a", "c-1", 4, "好"), fbRating("b", "c-2", 2, "差")}, feedback.Source{}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			f    feedback.Filter
			want []string
		}{
			{"all", feedback.Filter{}, []string{"id:b", "id:a"}},
			{"agent", feedback.Filter{AgentID: "A017"}, []string{"id:a"}},
			{"team", feedback.Filter{Team: "二组"}, []string{"id:b"}},
			{"record", feedback.Filter{RecordID: "c-2"}, []string{"id:b"}},
			{"kind", feedback.Filter{Kind: feedback.KindComplaint}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				items, err := s.Feedback(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, it := range items {
					got = append(got, it.Key())
				}
				if strings.Join(got, ",") != strings.Join(tt.want, ",") {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		}
	})
}

// TestVerifyFeedbackStored: a run stores each result beside its entry with who and when; running
// again stores nothing new; a follow-up stands; a changed entry closes what no longer applies; the
// results cannot be changed or deleted.
func TestVerifyFeedbackStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		feedbackRecords(t, s)
		entries := []feedback.Entry{
			fbRating("low", "c-1", 2, ""), // 待核实, due in 24 h
			{ID: "slow", Kind: feedback.KindComplaint, RecordID: "c-1", At: fbAt, Reason: "响应太慢"}, // the call was answered at once
		}
		if _, err := s.UpsertFeedback(ctx, entries, feedback.Source{File: "f.jsonl"}); err != nil {
			t.Fatal(err)
		}
		now := fbAt.Add(2 * time.Hour)
		res, err := s.VerifyFeedback(ctx, feedback.Options{Now: now, By: "zhijian"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 2 || res.Pending != 1 || res.Contradictions != 1 || res.Overdue != 0 {
			t.Fatalf("first run: %+v", res)
		}
		again, err := s.VerifyFeedback(ctx, feedback.Options{Now: now.Add(time.Hour), By: "zhuguan"})
		if err != nil || again.Added != 0 || again.Closed != 0 {
			t.Fatalf("second run stored again: %+v %v", again, err)
		}
		items, err := s.Feedback(ctx, feedback.Filter{Status: feedback.StatusPending})
		if err != nil || len(items) != 1 || items[0].Key() != "id:low" {
			t.Fatalf("pending list: %+v %v", items, err)
		}
		low := items[0]
		if c := low.Checks[0]; c.Rule != feedback.RuleNoText || c.By != "zhijian" || !c.At.Equal(now) || c.DueAt == nil || !c.DueAt.Equal(fbAt.Add(24*time.Hour)) {
			t.Errorf("check %+v: want the rule, who, when and the 24 h due time", c)
		}
		// Overdue a day later, not before.
		if od, _ := s.Feedback(ctx, feedback.Filter{Overdue: now}); len(od) != 0 {
			t.Errorf("overdue too early: %d", len(od))
		}
		if od, _ := s.Feedback(ctx, feedback.Filter{Overdue: fbAt.Add(25 * time.Hour)}); len(od) != 1 {
			t.Errorf("overdue after 24 h: %d, want 1", len(od))
		}
		// A follow-up resolves it, and the next run leaves it resolved.
		if _, err := s.FollowUpFeedback(ctx, low.ID, feedback.RuleNoText, "已联系客户:等待时间长", "kefu"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FollowUpFeedback(ctx, low.ID, feedback.RuleNoText, "again", "kefu"); qa.ErrorCode(err) != qa.EConflict {
			t.Errorf("second follow-up: %v, want conflict", err)
		}
		if res, err := s.VerifyFeedback(ctx, feedback.Options{Now: now.Add(2 * time.Hour), By: "zhijian"}); err != nil || res.Added != 0 || res.Pending != 0 {
			t.Fatalf("run after the follow-up: %+v %v", res, err)
		}
		// The customer's words arrive by re-import: the complaint's contradiction is unchanged; and the
		// entry's history holds every result.
		entries[0].Text = "等太久"
		if _, err := s.UpsertFeedback(ctx, entries[:1], feedback.Source{File: "f2.jsonl"}); err != nil {
			t.Fatal(err)
		}
		res, err = s.VerifyFeedback(ctx, feedback.Options{Now: now.Add(3 * time.Hour), By: "zhijian"})
		if err != nil {
			t.Fatal(err)
		}
		// "等太久" is now a slow-response claim against a call answered at once: a new contradiction;
		// the resolved 待核实 is not reopened (the rule no longer applies to the text).
		if res.Added != 1 || res.Pending != 0 || res.Contradictions != 2 {
			t.Errorf("run after the text arrived: %+v", res)
		}
		_, _, hist, err := s.FeedbackEntry(ctx, low.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, c := range hist {
			trail = append(trail, c.Rule+"="+c.Status)
		}
		if strings.Join(trail, " ") != "no_text=pending no_text=resolved slow_response=contradiction" {
			t.Errorf("history %v", trail)
		}
		if hist[1].By != "kefu" || !hist[1].Manual || hist[1].Note != "已联系客户:等待时间长" {
			t.Errorf("follow-up %+v", hist[1])
		}
		if err := s.TamperFeedbackCheck(ctx, hist[0].ID); err == nil {
			t.Error("a stored check could be changed")
		}
	})
}

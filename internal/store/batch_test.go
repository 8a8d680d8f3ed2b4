package store_test

import (
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// testJudge inspects calls with call-qa v1: 40 and a failed "forbidden" item with its evidence when
// a turn says 怎么回事, else 90; chats get no inspection; a record tagged "two" is also inspected
// by extra-qa v3 first, so call-qa stays its latest result. It counts its calls.
func testJudge(calls *atomic.Int64) store.Judge {
	at := time.UnixMilli(1_800_000_000_000).UTC()
	return func(r *qa.Record) []qa.Inspection {
		calls.Add(1)
		if r.Channel != qa.ChannelCall {
			return nil
		}
		in := qa.Inspection{RecordID: r.ID, Scorecard: "call-qa", Version: 1, Score: 90, Passed: true, InspectedAt: at,
			Findings: []qa.Finding{{Item: "opening", Result: qa.ResultPass, Severity: qa.SeverityMinor},
				{Item: "empathy", Result: qa.ResultNA, Note: "客户情绪平稳"}}}
		for i, t := range r.Turns {
			if j := strings.Index(t.Text, "怎么回事"); j >= 0 {
				turn, start := i, 0.0
				in.Score, in.Passed, in.Fatal = 40, false, true
				in.Findings = append(in.Findings, qa.Finding{Item: "forbidden", Result: qa.ResultFail, Turn: &turn,
					Text: "怎么回事", Start: &start, Severity: qa.SeverityCritical, Span: []int{0, 4}, Hits: 1})
				break
			}
		}
		var out []qa.Inspection
		if slices.Contains(r.Tags, "two") {
			out = append(out, qa.Inspection{RecordID: r.ID, Scorecard: "extra-qa", Version: 3, Score: 10, InspectedAt: at,
				Findings: []qa.Finding{{Item: "closing", Result: qa.ResultFail}}})
		}
		return append(out, in)
	}
}

func writeJudged(t *testing.T, s *store.Store, judge store.Judge, recs ...qa.Record) store.ImportResult {
	t.Helper()
	b, err := s.PrepareRecords(ctx, recs, "judged.jsonl", judge, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.WriteRecords(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// latest returns the latest result of record id as the record list shows it.
func latest(t *testing.T, s *store.Store, id string) store.RecordRow {
	t.Helper()
	p, err := s.Records(ctx, store.RecordFilter{Query: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Rows {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("record %s not listed", id)
	return store.RecordRow{}
}

// A judged batch stores the records with their inspections and latest results in one transaction,
// as UpsertRecords followed by SaveInspections would, and judges only new and changed records.
func TestWriteRecordsJudged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var calls atomic.Int64
		judge := testJudge(&calls)
		two := crec("call-4", qa.ChannelCall, "A9", "赵六", "三组", "信用卡", at(3, 9, 0), "您好")
		two.Tags = []string{"two"}
		batch := []qa.Record{
			crec("call-1", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 9, 0), "您好", "你们怎么回事"),
			crec("call-2", qa.ChannelCall, "A1", "王芳", "一组", "借记卡", at(2, 10, 0), "您好,请问有什么可以帮您"),
			crec("chat-3", qa.ChannelChat, "A2", "李明", "二组", "理财", at(2, 11, 0), "在吗"),
			two,
		}
		res := writeJudged(t, s, judge, batch...)
		if res.Inserted != 4 || calls.Load() != 4 || len(res.Inspections) != 4 {
			t.Fatalf("result %+v with %d inspections, %d judge calls; want 4 inserted, 4 inspections (call-4 twice, chat-3 none), 4 calls",
				res, len(res.Inspections), calls.Load())
		}
		for _, in := range res.Inspections {
			if in.RecordRev != 1 {
				t.Errorf("inspection %s %s at rev %d, want 1", in.RecordID, in.Scorecard, in.RecordRev)
			}
		}
		ins, err := s.Inspections(ctx, "call-1")
		if err != nil || len(ins) != 1 {
			t.Fatalf("Inspections(call-1) = %v, %v", ins, err)
		}
		want := judge(&batch[0])[0]
		want.RecordRev = 1
		if !reflect.DeepEqual(ins[0], want) {
			t.Errorf("stored inspection:\n got %+v\nwant %+v", ins[0], want)
		}
		if r := latest(t, s, "call-1"); r.Score == nil || *r.Score != 40 || !r.Fatal || r.Scorecard != "call-qa" ||
			len(r.Failed) != 1 || r.Failed[0] != "forbidden" {
			t.Errorf("call-1 row = %+v, want its inspection as latest result", r)
		}
		if r := latest(t, s, "call-4"); r.Score == nil || *r.Score != 90 || r.Scorecard != "call-qa" {
			t.Errorf("call-4 row = %+v, want call-qa (judged last) as latest result", r)
		}
		if ins, _ := s.Inspections(ctx, "call-4"); len(ins) != 2 {
			t.Errorf("call-4 has %d inspections, want 2", len(ins))
		}
		if r := latest(t, s, "chat-3"); r.Score != nil {
			t.Errorf("chat-3 row = %+v, want no result", r)
		}
		if p, err := s.Records(ctx, store.RecordFilter{FailedItem: "forbidden"}); err != nil || len(p.Rows) != 1 {
			t.Errorf("records failing forbidden = %v, %v; want call-1", p.Rows, err)
		}
		if ids, _ := pendingIDs(t, s, "call-qa", 1, 10); len(ids) != 1 || ids[0] != "chat-3" {
			t.Errorf("pending for call-qa v1 = %v, want only chat-3 (no scorecard of the judge applies)", ids)
		}
		checkRollup(t, s, "judged batch")

		// Again: call-1 is fixed, call-2 moves to another team, the rest is unchanged.
		calls.Store(0)
		batch[0] = crec("call-1", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 9, 0), "您好", "好的")
		batch[1].Team, batch[1].AgentID = "二组", "A8"
		res = writeJudged(t, s, judge, batch...)
		if res.Updated != 2 || res.Unchanged != 2 || calls.Load() != 2 || len(res.Inspections) != 2 {
			t.Fatalf("result %+v, %d judge calls; want 2 updated and judged, 2 unchanged", res, calls.Load())
		}
		if r := latest(t, s, "call-1"); r.Score == nil || *r.Score != 90 || r.Fatal || len(r.Failed) != 0 {
			t.Errorf("call-1 row after the fix = %+v, want 90 and nothing failed", r)
		}
		if ins, _ := s.Inspections(ctx, "call-1"); len(ins) != 1 || ins[0].RecordRev != 2 || ins[0].Score != 90 {
			t.Errorf("Inspections(call-1) = %+v, want the one of rev 2", ins)
		}
		if p, err := s.Records(ctx, store.RecordFilter{FailedItem: "forbidden"}); err != nil || len(p.Rows) != 0 {
			t.Errorf("records failing forbidden = %v, %v; want none (the finding row is gone)", p.Rows, err)
		}
		checkRollup(t, s, "re-import")

		// Unchanged: nothing judged, nothing written.
		calls.Store(0)
		if res := writeJudged(t, s, judge, batch...); res.Unchanged != 4 || calls.Load() != 0 || len(res.Inspections) != 0 {
			t.Errorf("unchanged batch: %+v, %d judge calls", res, calls.Load())
		}

		// A changed record no scorecard applies to keeps its result; an id twice keeps the last.
		chat := crec("chat-3", qa.ChannelChat, "A2", "李明", "二组", "理财", at(2, 11, 0), "在吗?")
		first := crec("call-5", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(3, 8, 0), "你们怎么回事")
		last := crec("call-5", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(3, 8, 0), "谢谢")
		moved := batch[1]
		moved.Channel = qa.ChannelChat // call-2, judged before; now no scorecard of the judge applies
		res = writeJudged(t, s, judge, chat, first, last, moved)
		// As in UpsertRecords: call-5 is inserted (rev 1) and updated (rev 2) in one go.
		if res.Updated != 3 || res.Inserted != 1 || res.Revs[0] != 2 || res.Revs[1] != 0 || res.Revs[2] != 2 {
			t.Errorf("result %+v", res)
		}
		if r := latest(t, s, "call-5"); r.Score == nil || *r.Score != 90 {
			t.Errorf("call-5 = %+v, want the last content's result", r)
		}
		if r := latest(t, s, "chat-3"); r.Score != nil {
			t.Errorf("chat-3 = %+v, want still no result", r)
		}
		if r := latest(t, s, "call-2"); r.Score == nil || *r.Score != 90 || r.Channel != qa.ChannelChat {
			t.Errorf("call-2 = %+v, want its earlier result kept, in its new channel", r)
		}
		if ins, _ := s.Inspections(ctx, "call-5"); len(ins) != 1 || ins[0].RecordRev != 2 {
			t.Errorf("Inspections(call-5) = %+v, want one, of rev 2", ins)
		}
		checkRollup(t, s, "duplicates and unjudged")
	})
}

// What PrepareRecords read may be stale by the time WriteRecords runs (another batch committed in
// between): WriteRecords decides, and judges any record it finds changed that was not judged.
func TestWriteRecordsChangedSincePrepared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var calls atomic.Int64
		judge := testJudge(&calls)
		x1 := crec("call-x", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 9, 0), "第一版")
		x2 := crec("call-x", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 9, 0), "你们怎么回事")
		writeJudged(t, s, judge, x1)

		b, err := s.PrepareRecords(ctx, []qa.Record{x1}, "stale.jsonl", judge, 0) // unchanged as read: not judged
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertRecords(ctx, []qa.Record{x2}, "between.jsonl"); err != nil { // rev 2, not inspected
			t.Fatal(err)
		}
		calls.Store(0)
		res, err := s.WriteRecords(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || calls.Load() != 1 || len(res.Inspections) != 1 || res.Inspections[0].RecordRev != 3 {
			t.Fatalf("result %+v, %d calls; want rev 3 judged in WriteRecords", res, calls.Load())
		}
		if r := latest(t, s, "call-x"); r.Score == nil || *r.Score != 90 {
			t.Errorf("call-x = %+v, want the result of rev 3", r)
		}

		// Judged when prepared, but the same content landed in between: nothing to write.
		y1 := crec("call-y", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 10, 0), "第一版")
		y2 := crec("call-y", qa.ChannelCall, "A1", "王芳", "一组", "信用卡", at(2, 10, 0), "第二版")
		writeJudged(t, s, judge, y1)
		b, err = s.PrepareRecords(ctx, []qa.Record{y2}, "stale.jsonl", judge, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertRecords(ctx, []qa.Record{y2}, "between.jsonl"); err != nil {
			t.Fatal(err)
		}
		if res, err := s.WriteRecords(ctx, b); err != nil || res.Unchanged != 1 || len(res.Inspections) != 0 {
			t.Fatalf("result %+v, %v; want unchanged, nothing stored", res, err)
		}
		if ids, _ := pendingIDs(t, s, "call-qa", 1, 10); len(ids) != 1 || ids[0] != "call-y" {
			t.Errorf("pending = %v, want call-y (rev 2 came without an inspection)", ids)
		}
		checkRollup(t, s, "stale batches")
	})
}

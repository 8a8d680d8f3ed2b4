package store_test

import (
	"context"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

func TestUpsertRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		steps := []struct {
			name    string
			batch   []qa.Record
			want    store.ImportResult
			wantRev map[string]int // id → current rev after the step
		}{
			{"insert new", []qa.Record{rec("a", "您好"), rec("b", "您好")},
				store.ImportResult{Inserted: 2}, map[string]int{"a": 1, "b": 1}},
			{"same content unchanged", []qa.Record{rec("a", "您好"), rec("b", "您好")},
				store.ImportResult{Unchanged: 2}, map[string]int{"a": 1, "b": 1}},
			{"changed content new rev", []qa.Record{rec("a", "您好,请问有什么可以帮您"), rec("b", "您好"), rec("c", "喂")},
				store.ImportResult{Inserted: 1, Updated: 1, Unchanged: 1}, map[string]int{"a": 2, "b": 1, "c": 1}},
			{"same id twice in a batch", []qa.Record{rec("c", "第一版"), rec("c", "第二版")},
				store.ImportResult{Updated: 2}, map[string]int{"c": 3}},
			{"back to an old content is a new rev", []qa.Record{rec("a", "您好")},
				store.ImportResult{Updated: 1}, map[string]int{"a": 3}},
			{"empty batch", nil, store.ImportResult{}, map[string]int{"a": 3}},
		}
		for _, st := range steps {
			got, err := s.UpsertRecords(ctx, st.batch, "test.jsonl")
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			revs := got.Revs
			if got.Inserted != st.want.Inserted || got.Updated != st.want.Updated || got.Unchanged != st.want.Unchanged {
				t.Errorf("%s: result %+v, want %+v", st.name, got, st.want)
			}
			changed := 0
			for i, r := range st.batch {
				if revs[i] == 0 {
					continue
				}
				changed++
				if want := st.wantRev[r.ID]; revs[i] != want {
					t.Errorf("%s: Revs[%d] = %d, want %d (the stored revision) or 0 (unchanged)", st.name, i, revs[i], want)
				}
			}
			if want := min(1, got.Inserted+got.Updated); (changed == 0) != (want == 0) || changed > got.Inserted+got.Updated {
				t.Errorf("%s: %d records marked changed, result %+v", st.name, changed, got)
			}
			for id, want := range st.wantRev {
				if _, rev, err := s.Record(ctx, id); err != nil || rev != want {
					t.Errorf("%s: Record(%s) rev %d, %v; want rev %d", st.name, id, rev, err, want)
				}
			}
		}

		// Every revision is kept as it was imported (A4).
		revs, err := s.RecordRevisions(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		wantText := []string{"您好", "您好,请问有什么可以帮您", "您好"}
		if len(revs) != len(wantText) {
			t.Fatalf("RecordRevisions(a) = %d revisions, want %d", len(revs), len(wantText))
		}
		for i, rv := range revs {
			if rv.Rev != i+1 || rv.Record.Turns[0].Text != wantText[i] || rv.Source != "test.jsonl" || rv.ImportedAt.IsZero() {
				t.Errorf("revision %d = rev %d text %q source %q at %v", i, rv.Rev, rv.Record.Turns[0].Text, rv.Source, rv.ImportedAt)
			}
			want := rec("a", wantText[i])
			if _, hash, _ := store.CanonicalJSON(&want); rv.Hash != hash {
				t.Errorf("revision %d hash %s, want %s", i, rv.Hash, hash)
			}
		}
		r, _, err := s.Record(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if want := rec("a", "您好"); string(mustJSON(t, *r)) != string(mustJSON(t, want)) {
			t.Errorf("Record(a) round trip:\n got %s\nwant %s", mustJSON(t, *r), mustJSON(t, want))
		}
	})
}

func TestUpsertRecordsReimportIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		batch := recs("c-", 2500, "您好") // more ids than one IN list chunk of a typical batch
		first, err := s.UpsertRecords(ctx, batch, "day1.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.UpsertRecords(ctx, batch, "day1.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		if !sameCounts(first, store.ImportResult{Inserted: 2500}) || !sameCounts(again, store.ImportResult{Unchanged: 2500}) {
			t.Errorf("first %+v, again %+v", first, again)
		}
		st, err := s.Stats(ctx, store.StatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != 2500 {
			t.Errorf("records = %d, want 2500", st.Records)
		}
		if revs, err := s.RecordRevisions(ctx, "c-2499"); err != nil || len(revs) != 1 {
			t.Errorf("RecordRevisions = %d, %v; want 1 revision", len(revs), err)
		}
	})
}

func TestUpsertRecordsInvalidWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bad := rec("bad", "您好")
		bad.Channel = "fax"
		_, err := s.UpsertRecords(ctx, []qa.Record{rec("ok", "您好"), bad}, "t")
		wantCode(t, err, qa.EInvalid)
		_, _, err = s.Record(ctx, "ok")
		wantCode(t, err, qa.ENotFound)
	})
}

func TestRecordNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, _, err := s.Record(ctx, "nope")
		wantCode(t, err, qa.ENotFound)
		_, err = s.RecordRevisions(ctx, "nope")
		wantCode(t, err, qa.ENotFound)
	})
}

func TestUpsertRecordsChunked(t *testing.T) {
	defer store.SetMaxParams(20)() // several statements and IN lists per batch
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		batch := recs("c-", 50, "您好")
		if res, err := s.UpsertRecords(ctx, batch, "t"); err != nil || res.Inserted != 50 {
			t.Fatalf("first import %+v, %v", res, err)
		}
		batch[49] = rec("c-0049", "喂")
		if res, err := s.UpsertRecords(ctx, batch, "t"); err != nil || !sameCounts(res, store.ImportResult{Updated: 1, Unchanged: 49}) {
			t.Fatalf("second import %+v, %v", res, err)
		}
		var ins []qa.Inspection
		for _, r := range batch {
			ins = append(ins, inspection(r.ID, 1, 1, 60, "closing"))
		}
		for range 2 {
			if err := s.SaveInspections(ctx, ins); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.Stats(ctx, store.StatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != 50 || st.Inspected != 50 || len(st.TopFailed) != 1 || st.TopFailed[0].Count != 50 {
			t.Errorf("stats %+v", st)
		}
	})
}

// A cancelled batch leaves nothing behind: each batch is one transaction.
func TestUpsertRecordsCancelledWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.UpsertRecords(ctx, recs("a-", 10, "您好"), "t"); err != nil {
			t.Fatal(err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.UpsertRecords(cancelled, recs("b-", 10, "您好"), "t"); err == nil {
			t.Fatal("UpsertRecords with a cancelled context: want an error")
		}
		st, err := s.Stats(ctx, store.StatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != 10 {
			t.Errorf("records = %d, want the 10 of the committed batch", st.Records)
		}
		if res, err := s.UpsertRecords(ctx, append(recs("a-", 10, "您好"), recs("b-", 10, "您好")...), "t"); err != nil ||
			!sameCounts(res, store.ImportResult{Inserted: 10, Unchanged: 10}) {
			t.Errorf("re-run %+v, %v", res, err)
		}
	})
}

// sameCounts compares the counts of two import results (Revs is checked separately).
func sameCounts(a, b store.ImportResult) bool {
	return a.Inserted == b.Inserted && a.Updated == b.Updated && a.Unchanged == b.Unchanged
}

package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// jsonl returns n call records, c-00000…, each saying 第N号 once: a text only that record has.
func jsonl(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c-%05d","channel":"call","started_at":"2026-11-02T09:%02d:00+08:00","agent_id":"A%03d",`+
			`"agent_name":"王芳","team":"一组","turns":[{"speaker":"agent","text":"您好,很高兴为您服务,工单第%d号","start":0,"end":2},`+
			`{"speaker":"customer","text":"我的卡被锁了","start":2.5,"end":4}]}`+"\n", i, i%60, i%7, i)
	}
	return b.String()
}

func ids(t *testing.T, st *store.Store, q string) []string {
	t.Helper()
	p, err := st.Records(context.Background(), store.RecordFilter{Query: q, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range p.Rows {
		out = append(out, r.ID)
	}
	return out
}

// An import is searchable and inspected the moment Reader returns, the last batch included, and
// leaves nothing for the index to catch up.
func TestReaderSearchableAndInspected(t *testing.T) {
	defer func(n int) { indexEvery = n }(indexEvery)
	indexEvery = 1000 // index on the way too
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		insp, err := NewInspector(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		var progress []int
		res, err := Reader(ctx, st, strings.NewReader(jsonl(2500)), "t.jsonl",
			Options{Inspect: insp, Progress: func(n int) { progress = append(progress, n) }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Read != 2500 || res.Inserted != 2500 || res.Inspected.Inspections != 2500 {
			t.Fatalf("result %+v, inspected %+v", res.ImportResult, res.Inspected)
		}
		if fmt.Sprint(progress) != "[1000 2000 2500]" {
			t.Errorf("progress = %v", progress)
		}
		if n, err := st.SearchPending(ctx); err != nil || n != 0 {
			t.Errorf("%d texts pending after the import, %v", n, err)
		}
		for q, want := range map[string]string{"工单第2499号": "c-02499", "工单第1000号": "c-01000", "工单第7号": "c-00007"} {
			if got := ids(t, st, q); len(got) != 1 || got[0] != want {
				t.Errorf("%q found %v, want %s", q, got, want)
			}
		}
		scs, err := st.ActiveScorecards(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scs {
			if p, err := st.Pending(ctx, sc.Name, sc.Version, sc.AppliesTo, "", 10); err != nil || len(p) != 0 {
				t.Errorf("%s: %d records pending, %v", sc.Name, len(p), err)
			}
		}
		if ins, err := st.Inspections(ctx, "c-02499"); err != nil || len(ins) != 1 || ins[0].RecordRev != 1 {
			t.Errorf("Inspections(c-02499) = %+v, %v", ins, err)
		}

		// Again, unchanged: nothing written, nothing inspected.
		insp2, _ := NewInspector(ctx, st, nil)
		res, err = Reader(ctx, st, strings.NewReader(jsonl(2500)), "t.jsonl", Options{Inspect: insp2})
		if err != nil || res.Unchanged != 2500 || res.Inspected.Inspections != 0 {
			t.Errorf("re-import: %+v, %+v, %v", res.ImportResult, res.Inspected, err)
		}
	})
}

// waitReader blocks until ctx is done, like a pipe whose writer went quiet.
type waitReader struct{ ctx context.Context }

func (w waitReader) Read([]byte) (int, error) {
	<-w.ctx.Done()
	return 0, w.ctx.Err()
}

// Ctrl-C stops the import after the batches already read: they are stored, inspected and indexed,
// and running the import again finishes the rest.
func TestReaderCancelled(t *testing.T) {
	st := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	insp, err := NewInspector(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 3,000 records, then nothing until Ctrl-C, which comes once the first batch is stored.
	in := io.MultiReader(strings.NewReader(jsonl(3000)), waitReader{ctx})
	res, err := Reader(ctx, st, in, "t.jsonl", Options{Inspect: insp, Progress: func(int) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res.Inserted == 0 || res.Inserted > 3000 || res.Inspected.Inspections != res.Inserted {
		t.Fatalf("cancelled: %+v, inspected %+v; want what was read stored, each inspected", res.ImportResult, res.Inspected)
	}
	if n, _ := st.SearchPending(context.Background()); n != 0 {
		t.Errorf("%d texts pending after a cancelled import", n)
	}
	if got := ids(t, st, fmt.Sprintf("工单第%d号", res.Inserted-1)); len(got) != 1 {
		t.Errorf("the last stored record is not found: %v", got)
	}

	done := res.Inserted
	insp, _ = NewInspector(context.Background(), st, nil)
	res, err = Reader(context.Background(), st, strings.NewReader(jsonl(5000)), "t.jsonl", Options{Inspect: insp})
	if err != nil || res.Unchanged != done || res.Inserted != 5000-done || res.Inspected.Inspections != 5000-done {
		t.Errorf("second run: %+v, inspected %+v, %v", res.ImportResult, res.Inspected, err)
	}
}

// A batch that cannot be stored stops the import with its error; earlier batches stay.
func TestReaderStopsAtStoreError(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "qloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := Reader(context.Background(), st, strings.NewReader(jsonl(5000)), "t.jsonl", Options{
		Progress: func(n int) {
			if n == 2000 {
				st.Close() // the next batch cannot be written
			}
		}})
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("err = %v, want the store's error", err)
	}
	if res.Inserted != 2000 {
		t.Errorf("inserted %d, want the 2000 before the error", res.Inserted)
	}
}

// Texts a killed import stored but never indexed are indexed by the next import, whatever it reads.
func TestReaderIndexesWhatAnInterruptedImportLeft(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	// What a killed run leaves: batches committed, the index not brought up to date.
	b, err := st.PrepareRecords(ctx, []qa.Record{{ID: "left-1", Channel: qa.ChannelCall, AgentID: "A1",
		StartedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		Turns:     []qa.Turn{{Speaker: qa.SpeakerAgent, Text: "上次没有导完的记录"}}}}, "killed.jsonl", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteRecords(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.SearchPending(ctx); n != 1 {
		t.Fatalf("%d pending, want 1", n)
	}
	if _, err := Reader(ctx, st, strings.NewReader(jsonl(10)), "next.jsonl", Options{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.SearchPending(ctx); n != 0 {
		t.Errorf("%d pending after the next import, want 0", n)
	}
	if got := ids(t, st, "没有导完"); len(got) != 1 || got[0] != "left-1" {
		t.Errorf("found %v, want left-1", got)
	}
}

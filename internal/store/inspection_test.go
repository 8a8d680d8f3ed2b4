package store_test

import (
	"slices"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// pendingIDs pages through Pending with page size limit and returns every id and the page count.
func pendingIDs(t *testing.T, s *store.Store, card string, version, limit int) ([]string, int) {
	t.Helper()
	var ids []string
	pages, after := 0, ""
	for {
		page, err := s.Pending(ctx, card, version, qa.Scope{}, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return ids, pages
		}
		pages++
		for _, p := range page {
			ids = append(ids, p.Record.ID)
		}
		after = page[len(page)-1].Record.ID
	}
}

func inspection(id string, rev, version int, score float64, failed ...string) qa.Inspection {
	in := qa.Inspection{RecordID: id, RecordRev: rev, Scorecard: "callcenter", Version: version, Score: score,
		Passed: score >= 80 && len(failed) == 0, InspectedAt: time.UnixMilli(1_800_000_000_000).UTC()}
	in.Findings = append(in.Findings, qa.Finding{Item: "opening", Result: qa.ResultPass})
	for _, item := range failed {
		in.Findings = append(in.Findings, qa.Finding{Item: item, Result: qa.ResultFail, Severity: qa.SeverityMajor})
		in.Fatal = in.Fatal || item == "forbidden"
	}
	return in
}

func TestPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.UpsertRecords(ctx, recs("c-", 25, "您好"), "t"); err != nil {
			t.Fatal(err)
		}
		all, pages := pendingIDs(t, s, "callcenter", 1, 10)
		if len(all) != 25 || pages != 3 || !slices.IsSorted(all) {
			t.Fatalf("pending = %d ids in %d pages, sorted %v; want 25 in 3", len(all), pages, slices.IsSorted(all))
		}
		// Inspect every even record with v1.
		var ins []qa.Inspection
		for i := 0; i < 25; i += 2 {
			ins = append(ins, inspection(all[i], 1, 1, 90))
		}
		if err := s.SaveInspections(ctx, ins); err != nil {
			t.Fatal(err)
		}
		// A new revision of c-0001 (odd) and c-0002 (even, inspected at rev 1).
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("c-0001", "喂"), rec("c-0002", "喂")}, "t"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			version int
			limit   int
			want    int
			first   string
		}{
			{"odd ones and the changed even one", 1, 5, 13, "c-0001"},
			{"other version sees all", 2, 7, 25, "c-0000"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ids, _ := pendingIDs(t, s, "callcenter", tt.version, tt.limit)
				if len(ids) != tt.want || ids[0] != tt.first || !slices.IsSorted(ids) {
					t.Errorf("pending = %v; want %d starting %s", ids, tt.want, tt.first)
				}
				if tt.version == 1 && !slices.Contains(ids, "c-0002") {
					t.Errorf("c-0002 at rev 2 not pending again: %v", ids)
				}
			})
		}
		page, err := s.Pending(ctx, "callcenter", 1, qa.Scope{}, "c-0001", 1)
		if err != nil || len(page) != 1 || page[0].Record.ID != "c-0002" || page[0].Rev != 2 ||
			page[0].Record.Turns[0].Text != "喂" {
			t.Errorf("Pending after c-0001 = %+v, %v; want c-0002 rev 2", page, err)
		}
	})
}

func TestSaveInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.UpsertRecords(ctx, recs("c-", 3, "您好"), "t"); err != nil {
			t.Fatal(err)
		}
		first := []qa.Inspection{
			inspection("c-0000", 1, 1, 60, "closing", "forbidden"),
			inspection("c-0001", 1, 1, 95),
		}
		for i := range 2 { // saving twice changes nothing
			if err := s.SaveInspections(ctx, first); err != nil {
				t.Fatalf("save %d: %v", i, err)
			}
		}
		st, err := s.Stats(ctx, store.StatsFilter{Scorecard: "callcenter"})
		if err != nil {
			t.Fatal(err)
		}
		if st.Inspected != 2 || len(st.TopFailed) != 2 || st.TopFailed[0].Count != 1 {
			t.Errorf("after saving twice: %+v", st)
		}
		// Re-inspection replaces the inspection and its finding rows; v2 is kept apart. Saved last,
		// the v1 re-inspection is the latest result.
		later := inspection("c-0000", 1, 1, 85, "closing")
		later.InspectedAt = later.InspectedAt.Add(time.Hour)
		v2 := inspection("c-0000", 1, 2, 70, "silence")
		v2.InspectedAt = later.InspectedAt.Add(time.Hour)
		if err := s.SaveInspections(ctx, []qa.Inspection{v2, later}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Inspections(ctx, "c-0000")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Version != 2 || got[1].Version != 1 || got[1].Score != 85 || got[1].Fatal ||
			len(got[1].Failed()) != 1 || !got[0].InspectedAt.Equal(v2.InspectedAt) || got[0].RecordRev != 1 {
			t.Errorf("Inspections(c-0000) = %+v", got)
		}
		for item, want := range map[string]int{"closing": 1, "forbidden": 0, "silence": 0} {
			page, err := s.Records(ctx, store.RecordFilter{FailedItem: item})
			if err != nil || len(page.Rows) != want {
				t.Errorf("records failing %s after re-inspection = %+v, %v; want %d", item, page.Rows, err, want)
			}
		}
		if none, err := s.Inspections(ctx, "c-0002"); err != nil || len(none) != 0 {
			t.Errorf("Inspections(c-0002) = %v, %v; want none", none, err)
		}
		if err := s.SaveInspections(ctx, []qa.Inspection{{Scorecard: "callcenter"}}); qa.ErrorCode(err) != qa.EInvalid {
			t.Errorf("SaveInspections without record id: %v", err)
		}
		if err := s.SaveInspections(ctx, []qa.Inspection{inspection("ghost", 1, 1, 90)}); err == nil {
			t.Error("SaveInspections of an unknown record: want an error")
		}
	})
}

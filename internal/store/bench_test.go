package store_test

import (
	"fmt"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

const benchBatch = 1000 // the batch size importers use

// eachBench runs fn on SQLite and, when configured, on PostgreSQL.
func eachBench(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.Open(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.OpenPostgres(b)) })
}

// BenchmarkUpsertRecords imports batches of new ~2 KB records, one transaction per batch.
func BenchmarkUpsertRecords(b *testing.B) {
	eachBench(b, func(b *testing.B, s *store.Store) {
		batch := make([]qa.Record, benchBatch)
		for i := range batch {
			batch[i] = bigRecord("")
		}
		n := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := range batch {
				batch[j].ID = fmt.Sprintf("c-%09d", n)
				n++
			}
			res, err := s.UpsertRecords(ctx, batch, "bench.jsonl")
			if err != nil {
				b.Fatal(err)
			}
			if res.Inserted != benchBatch {
				b.Fatalf("result %+v", res)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkSaveInspections saves batches of inspections with two failed findings each.
func BenchmarkSaveInspections(b *testing.B) {
	eachBench(b, func(b *testing.B, s *store.Store) {
		const stored = 20 * benchBatch
		for i := 0; i < stored; i += benchBatch {
			batch := make([]qa.Record, benchBatch)
			for j := range batch {
				batch[j] = rec(fmt.Sprintf("c-%09d", i+j), "您好")
			}
			if _, err := s.UpsertRecords(ctx, batch, "bench.jsonl"); err != nil {
				b.Fatal(err)
			}
		}
		ins := make([]qa.Inspection, benchBatch)
		now := time.Now()
		n := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := range ins {
				ins[j] = benchInspection(fmt.Sprintf("c-%09d", n%stored), 1+n/stored, now)
				n++
			}
			if err := s.SaveInspections(ctx, ins); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

func benchInspection(id string, version int, at time.Time) qa.Inspection {
	turn := 0
	fs := []qa.Finding{
		{Item: "opening", Result: qa.ResultPass},
		{Item: "closing", Result: qa.ResultFail, Severity: qa.SeverityMinor, Note: "未致谢"},
		{Item: "forbidden", Result: qa.ResultFail, Turn: &turn, Text: "你们怎么回事", Severity: qa.SeverityCritical},
		{Item: "interrupt", Result: qa.ResultPass},
		{Item: "surname", Result: qa.ResultNA},
		{Item: "empathy", Result: qa.ResultPass},
	}
	return qa.Inspection{RecordID: id, RecordRev: 1, Scorecard: "callcenter", Version: version,
		Score: 72.5, Passed: false, Fatal: true, Findings: fs, InspectedAt: at}
}

// BenchmarkPending pages through ~2 KB records not yet inspected, decoding each.
func BenchmarkPending(b *testing.B) {
	eachBench(b, func(b *testing.B, s *store.Store) {
		const stored = 20 * benchBatch
		batch := make([]qa.Record, benchBatch)
		for i := 0; i < stored; i += benchBatch {
			for j := range batch {
				batch[j] = bigRecord(fmt.Sprintf("c-%09d", i+j))
			}
			if _, err := s.UpsertRecords(ctx, batch, "bench.jsonl"); err != nil {
				b.Fatal(err)
			}
		}
		n, after := 0, ""
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			page, err := s.Pending(ctx, "callcenter", 1, qa.Scope{}, after, benchBatch)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page)
			after = ""
			if len(page) == benchBatch {
				after = page[len(page)-1].Record.ID
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

package store_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"qloop/internal/demo"
	"qloop/internal/qa"
	"qloop/internal/store"
)

// The console benchmarks run on a generated store of QLOOP_BENCH_RECORDS demo records (default
// 20,000), inspected by fake results. With QLOOP_BENCH_DB set to a SQLite file, the store is built
// there once and reused by later runs (a 1,000,000-record store takes a while to build).

var benchStores = map[string]*store.Store{}

func consoleStore(b *testing.B) *store.Store {
	b.Helper()
	n := 20000
	if v := os.Getenv("QLOOP_BENCH_RECORDS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("QLOOP_BENCH_RECORDS: %v", err)
		}
	}
	path := os.Getenv("QLOOP_BENCH_DB")
	key := path + ":" + strconv.Itoa(n)
	if s := benchStores[key]; s != nil {
		return s
	}
	built := false
	if path == "" {
		path = b.TempDir() + "/bench.db" // removed after the first benchmark; the store stays open
	} else if _, err := os.Stat(path); err == nil {
		built = true
	}
	s, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if !built {
		start := time.Now()
		if err := fillStore(s, n); err != nil {
			os.Remove(path)
			b.Fatal(err)
		}
		b.Logf("built a store of %d records in %v", n, time.Since(start).Round(time.Second))
	}
	benchStores[key] = s
	return s
}

// fillStore imports n demo records in batches of 1,000 and saves a fake inspection of each.
func fillStore(s *store.Store, n int) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(demo.Generate(pw, demo.Options{Records: n})) }()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	batch := make([]qa.Record, 0, benchBatch)
	flush := func() error {
		if _, err := s.UpsertRecords(ctx, batch, "demo.jsonl"); err != nil {
			return err
		}
		ins := make([]qa.Inspection, len(batch))
		for i := range batch {
			ins[i] = fakeInspection(&batch[i])
		}
		batch = batch[:0]
		return s.SaveInspections(ctx, ins)
	}
	for sc.Scan() {
		var r qa.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return err
		}
		if batch = append(batch, r); len(batch) == benchBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

var benchItems = []string{"greeting", "verify", "empathy", "hold", "forbidden", "solution", "closing", "sla"}

// fakeInspection derives a result from a hash of the record id: scores 55–100, some failures.
func fakeInspection(r *qa.Record) qa.Inspection {
	h := fnv.New64a()
	h.Write([]byte(r.ID))
	v := h.Sum64()
	in := qa.Inspection{RecordID: r.ID, RecordRev: 1, Scorecard: r.Channel + "-qa", Version: 1,
		Score: float64(55 + v%46), Fatal: v%23 == 0, InspectedAt: r.StartedAt.Add(time.Hour)}
	in.Passed = in.Score >= 80 && !in.Fatal
	for i, item := range benchItems {
		res := qa.ResultPass
		if (v>>(8+i*3))%7 == 0 {
			res = qa.ResultFail
		}
		in.Findings = append(in.Findings, qa.Finding{Item: item, Result: res})
	}
	return in
}

// latencies runs fn b.N times and reports ms/op with the 50th and 95th percentile.
func latencies(b *testing.B, fn func(i int) error) {
	b.Helper()
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	pct := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

func BenchmarkRecordsFiltered(b *testing.B) {
	s := consoleStore(b)
	cst := time.FixedZone("CST", 8*3600)
	week := time.Date(2026, 9, 7, 0, 0, 0, 0, cst)
	lo, hi := 90.0, 95.0
	cases := []struct {
		name string
		f    store.RecordFilter
	}{
		{"none", store.RecordFilter{}},
		{"week", store.RecordFilter{From: week, To: week.AddDate(0, 0, 7)}},
		{"agent", store.RecordFilter{AgentID: "A007"}},
		{"team+channel", store.RecordFilter{Team: "三组", Channel: qa.ChannelChat}},
		{"business", store.RecordFilter{BusinessType: "理财"}},
		{"score", store.RecordFilter{ScoreMin: &lo, ScoreMax: &hi}},
		{"fatal", store.RecordFilter{FatalOnly: true}},
		{"failed-item", store.RecordFilter{FailedItem: "hold"}},
		{"agent+week+failed", store.RecordFilter{AgentID: "A012", From: week, To: week.AddDate(0, 0, 7), FailedItem: "sla"}},
		{"text-3", store.RecordFilter{Query: "信用卡"}},
		{"text-rare", store.RecordFilter{Query: "挂失补办"}},
		{"text-2", store.RecordFilter{Query: "理财"}},
		{"text-1", store.RecordFilter{Query: "谢"}},
		{"text+team", store.RecordFilter{Query: "投诉", Team: "一组"}},
		{"id-prefix", store.RecordFilter{Query: "c-0000"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			latencies(b, func(i int) error {
				f := c.f
				p, err := s.Records(ctx, f)
				if err != nil || p.Next == "" {
					return err
				}
				f.Cursor = p.Next // and the next page
				_, err = s.Records(ctx, f)
				return err
			})
		})
	}
}

func BenchmarkDashboard(b *testing.B) {
	s := consoleStore(b)
	cst := time.FixedZone("CST", 8*3600)
	month := time.Date(2026, 9, 1, 0, 0, 0, 0, cst)
	cases := []struct {
		name string
		f    store.DashFilter
	}{
		{"all", store.DashFilter{}},
		{"month", store.DashFilter{From: month, To: month.AddDate(0, 1, 0)}},
		{"week+team", store.DashFilter{From: month.AddDate(0, 0, 7), To: month.AddDate(0, 0, 14), Team: "二组"}},
		{"agent", store.DashFilter{AgentID: "A003"}},
		{"channel+scorecard", store.DashFilter{Channel: qa.ChannelCall, Scorecard: "call-qa"}},
		{"hours (no rollup)", store.DashFilter{From: month.Add(9 * time.Hour), To: month.Add(18 * time.Hour)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			latencies(b, func(i int) error {
				d, err := s.Dashboard(ctx, c.f)
				if err == nil && d.Records == 0 {
					err = fmt.Errorf("no records for %+v", c.f)
				}
				return err
			})
		})
	}
}

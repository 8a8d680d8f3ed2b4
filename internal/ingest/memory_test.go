package ingest

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"qloop/internal/qa"
)

// Streaming a large JSON Lines input must keep the heap flat: 50,000 lines of about 2 KB (≈100 MB in
// all) are piped through Read while HeapInuse is sampled. The bound is far below the input size, so
// any reader that buffers the input (or keeps the records) fails; timing plays no part.
func TestJSONLConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100 MB")
	}
	const lines = 50000
	pad := strings.Repeat("您好，请问有什么可以帮您？", 50) // ≈ 2 KB of text per record
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < lines; i++ {
			line := fmt.Sprintf(`{"id":"c%d","channel":"chat","started_at":"2026-11-02 09:15:00","agent_id":"A1","turns":[{"speaker":"agent","text":%q}]}`+"\n", i, pad)
			if _, err := io.WriteString(pw, line); err != nil {
				return
			}
		}
		pw.Close()
	}()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	n := 0
	sum, err := Read(context.Background(), pr, "big.jsonl", Options{}, func(qa.Record) error {
		n++
		if n%5000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	}, func(r Reject) { t.Errorf("reject: %s", r) })
	pr.Close()
	if err != nil || sum.Emitted != lines {
		t.Fatalf("emitted %d, err %v", sum.Emitted, err)
	}
	const bound = 16 << 20
	if peak > base+bound {
		t.Errorf("heap grew from %d to %d bytes while streaming ≈100 MB: the reader keeps input in memory", base, peak)
	}
	t.Logf("heap in use: base %d KB, peak %d KB", base>>10, peak>>10)
}

// repeated yields n bytes of b over and over, so that a test can feed a huge line without holding it.
type repeated struct {
	b []byte
	n int
}

func (r *repeated) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:min(len(p), k+r.n)], r.b[(len(r.b)-r.n%len(r.b))%len(r.b):])
		k += c
		r.n -= c
	}
	return k, nil
}

// A 50 MB line is rejected without being kept: reading it allocates a small multiple of the line
// limit (before the limit, JSON Lines allocated about 480 MB for it, and CSV buffered it whole), and
// the valid lines around it still land.
func TestLongLineBoundedMemory(t *testing.T) {
	const size = 50 << 20
	okCSV := "S2,A1,客户,你好,2026-11-02 09:15:00,在线\n"
	tests := []struct {
		name, file, head, fill, tail, id string
	}{
		{"jsonl", "big.jsonl", okLine + "\n" + `{"id":"x","turns":[{"text":"`, "很长很长", "\"}]}\n" + strings.Replace(okLine, "c1", "c2", 1) + "\n", "c1,c2"},
		{"csv", "big.csv", csvHeader + "S1,A1,客户,你好,2026-11-02 09:15:00,在线\nS3,A1,客户,", "很长很长", ",2026-11-02 09:15:00,在线\n" + okCSV, "S1,S2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := io.MultiReader(strings.NewReader(tt.head), &repeated{b: []byte(tt.fill), n: size}, strings.NewReader(tt.tail))
			var got []string
			var rejects []string
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Read(context.Background(), in, tt.file, Options{}, func(r qa.Record) error {
				got = append(got, r.ID)
				return nil
			}, func(r Reject) { rejects = append(rejects, r.String()) })
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != tt.id {
				t.Errorf("ids %q, want %s (rejects %q)", got, tt.id, rejects)
			}
			if len(rejects) == 0 || !strings.Contains(strings.Join(rejects, "\n"), "longer than 8 MB") {
				t.Errorf("rejects %.300q, want the line limit", rejects)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
				t.Errorf("reading a 50 MB line allocated %d MB", n>>20)
			}
		})
	}
}

// Options.MaxLine sets the limit.
func TestMaxLineOption(t *testing.T) {
	long := strings.Replace(okLine, "您好", strings.Repeat("长", 500), 1)
	res := readString(t, "x.jsonl", long+"\n"+strings.Replace(okLine, "c1", "c2", 1), Options{MaxLine: 1000})
	if ids(res.recs) != "c2" {
		t.Errorf("ids %q", ids(res.recs))
	}
	checkRejects(t, res.rejects, []string{"x.jsonl:1: line is longer than 1 KB, the longest accepted (--max-line)"})
}

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

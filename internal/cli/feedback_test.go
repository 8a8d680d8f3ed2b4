package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qloop/internal/cli"
	"qloop/internal/feedback"
	"qloop/internal/store"
)

// feedbackCSV is a ledger export with Chinese headers: two good rows and four that do not resolve.
const feedbackCSV = "评价编号,类型,服务记录,评价时间,响应及时性,服务态度,客户感知,勾选项,文字评价\n" +
	"R-1,即时评价,c-1,2026-11-02 09:40,5,5,5,响应及时、态度友好,很满意\n" + // line 2
	"R-2,即时评价,c-9,2026-11-02 09:40,4,4,4,,\n" + // line 3: unknown record
	"R-3,即时评价,c-2,2026-11-32 10:00,2,2,2,,\n" + // line 4: bad date
	"R-4,即时评价,c-2,2026-11-02 10:20,2,6,2,,\n" + // line 5: rating out of range
	"R-5,即时评价,c-2,2026-11-02 10:20,好,2,2,,\n" + // line 6: not a number
	"R-6,即时评价,c-2,2026-11-02 10:20,2,1,2,,\n" // line 7: a low rating without text

func TestFeedbackImportVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	calls := write(t, dir, "calls.jsonl", goodCall+"\n"+badCall+"\n")
	if _, errOut, code := run(t, "import", "--db", db, calls); code != cli.ExitOK {
		t.Fatalf("import records: %d %s", code, errOut)
	}
	in := write(t, dir, "ratings.csv", feedbackCSV)
	out, errOut, code := run(t, "feedback", "import", "--db", db, "--by", "zhijian", in)
	if code != cli.ExitRejected {
		t.Fatalf("exit %d, want %d\n%s", code, cli.ExitRejected, errOut)
	}
	if !strings.Contains(out, "2 new, 0 updated, 0 unchanged, 4 rejected") {
		t.Errorf("summary %q", out)
	}
	for _, want := range []string{
		in + `:3: entry "R-2": unknown record id "c-9"`,
		in + `:4: entry "R-3": 评价时间 "2026-11-32 10:00" is not a date`,
		in + `:5: entry "R-4": 服务态度 (attitude) rating 6 is out of range: use 1 to 5`,
		in + `:6: entry "R-5": 响应及时性 "好" is not a rating`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	rej, err := os.ReadFile(in + ".rejects.jsonl")
	if err != nil || strings.Count(string(rej), "\n") != 4 || !strings.Contains(string(rej), `"line":5`) {
		t.Errorf("rejects file: %v\n%s", err, rej)
	}

	// Re-import: the same file changes nothing and duplicates nothing.
	out, _, _ = run(t, "feedback", "import", "--db", db, in)
	if !strings.Contains(out, "0 new, 0 updated, 2 unchanged, 4 rejected") {
		t.Errorf("re-import %q", out)
	}
	// An XLSX callback sheet with Chinese headers and no kind column (--kind) lands the same way.
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"回访编号", "服务记录", "回访时间", "客户感知", "回访记录"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"C-1", "c-2", "2026-11-03 10:00", 2, "客户仍不满意"})
	x.SetSheetRow("Sheet1", "A3", &[]any{"C-2", "c-1", "2026-11-03 10:00", 9, ""})
	xp := filepath.Join(dir, "callbacks.xlsx")
	if err := x.SaveAs(xp); err != nil {
		t.Fatal(err)
	}
	out, errOut, _ = run(t, "feedback", "import", "--db", db, "--kind", "callback", xp)
	if !strings.Contains(out, "1 new") || !strings.Contains(errOut, xp+`:3: entry "C-2": 客户感知 (overall) rating 9 is out of range`) {
		t.Errorf("xlsx: %q\n%s", out, errOut)
	}

	out, errOut, code = run(t, "feedback", "verify", "--db", db, "--by", "zhijian", "--sample", "1")
	if code != cli.ExitOK || !strings.Contains(out, "verified 3 entries") || !strings.Contains(out, "1 待核实") {
		t.Fatalf("verify: %d %q %s", code, out, errOut)
	}
	out, _, _ = run(t, "feedback", "list", "--db", db, "--status", "pending")
	if !strings.Contains(out, "id:R-6") || !strings.Contains(out, "no_text=pending due 2026-11-03") || strings.Contains(out, "id:R-1") {
		t.Errorf("pending list %q", out)
	}
	// R-1 rated 5 was sampled (rate 1) and has no callback: a callback is due 3 days after the call,
	// which the real clock is long past.
	out, _, _ = run(t, "feedback", "overdue", "--db", db)
	if !strings.Contains(out, "id:R-1") || !strings.Contains(out, "extreme_callback=callback_due due 2026-11-05") {
		t.Errorf("overdue list %q", out)
	}
	if _, _, code := run(t, "feedback", "nope"); code != cli.ExitUsage {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

// TestServeVerifiesFeedback: serve verifies the feedback on its own every --verify-every, so the
// low rating without text becomes 待核实 without anyone pressing the button.
func TestServeVerifiesFeedback(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	if _, errOut, code := run(t, "import", "--db", db, write(t, dir, "calls.jsonl", goodCall+"\n"+badCall+"\n")); code != cli.ExitOK {
		t.Fatalf("import records: %d %s", code, errOut)
	}
	run(t, "feedback", "import", "--db", db, write(t, dir, "ratings.csv", feedbackCSV))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb syncBuf
	go func() {
		done <- cli.Main(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--verify-every", "50ms"},
			&cli.Env{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: &errb})
	}()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pending []feedback.Item
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(pending) == 0; time.Sleep(50 * time.Millisecond) {
		pending, _ = st.Feedback(context.Background(), feedback.Filter{Status: feedback.StatusPending})
	}
	cancel()
	if code := <-done; code != cli.ExitOK {
		t.Errorf("serve: exit %d\n%s", code, errb.String())
	}
	if len(pending) != 1 || !strings.Contains(errb.String(), "feedback verified") {
		t.Fatalf("after serving, %d entries wait for a follow-up, want 1 (R-6); log:\n%s", len(pending), errb.String())
	}
}

// syncBuf is a bytes.Buffer safe for the server's goroutines to write while the test reads.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress draws "done/total, rate, time left" on a terminal, at most a few times a second, and
// stays silent when the output is not a terminal (a pipe, a file, CI).
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	label string
	total int
	start time.Time
	last  time.Time
	done  int
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, on: isTerminal(w), label: label, total: total, start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) set(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start).Seconds()
	rate := float64(done) / max(el, 1e-9)
	line := fmt.Sprintf("\r%s %d", p.label, done)
	if p.total > 0 {
		line += fmt.Sprintf("/%d (%.0f%%)", p.total, 100*float64(done)/float64(p.total))
	}
	line += fmt.Sprintf("  %.0f/s", rate)
	if p.total > done && rate > 0 {
		line += fmt.Sprintf("  剩余 %s", (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second))
	}
	fmt.Fprint(p.w, line+"   ")
}

// finish clears the progress line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

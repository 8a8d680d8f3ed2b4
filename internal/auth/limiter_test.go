package auth_test

import (
	"fmt"
	"testing"
	"time"

	"qloop/internal/auth"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiter(t *testing.T) {
	// Each step acts on key "user:wangfang" (unless key is set) after advancing the clock.
	type step struct {
		advance time.Duration
		op      string // "fail", "reset" or "" (only check)
		key     string
		allow   bool
		retry   time.Duration // expected RetryAfter; -1: not checked
	}
	// fails returns n failures of the default key after prior ones; the fifth locks it.
	fails := func(prior, n int) []step {
		s := make([]step, n)
		for i := range s {
			s[i] = step{op: "fail", allow: prior+i+1 < auth.DefaultMaxFailures, retry: -1}
		}
		return s
	}
	cat := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"fresh key is allowed", []step{{allow: true}}},
		{"four failures still allowed", cat(fails(0, 4), []step{{allow: true}})},
		{"fifth failure locks for the rest of the window", cat(fails(0, 5), []step{
			{retry: 15 * time.Minute},
			{advance: 10 * time.Minute, retry: 5 * time.Minute},
			{advance: 5*time.Minute - time.Second, retry: time.Second},
			{advance: time.Second, allow: true},
		})},
		{"failures spread over more than a window never lock", []step{
			{op: "fail", allow: true}, {advance: 5 * time.Minute, op: "fail", allow: true},
			{advance: 5 * time.Minute, op: "fail", allow: true}, {advance: 5 * time.Minute, op: "fail", allow: true},
			{advance: time.Minute, op: "fail", allow: true}, {op: "fail", allow: true},
		}},
		{"the window starts at the first failure", cat([]step{{op: "fail", allow: true}, {advance: 14 * time.Minute, allow: true}},
			fails(1, 4), []step{{retry: time.Minute}, {advance: time.Minute, allow: true}})},
		{"reset unlocks", cat(fails(0, 5), []step{{op: "reset", allow: true}}, fails(0, 4))},
		{"keys are independent", cat(fails(0, 5), []step{{key: "ip:10.0.0.7", allow: true}, {key: "user:lisi", allow: true},
			{op: "fail", key: "ip:10.0.0.7", allow: true}})},
		{"more failures do not extend the lock", cat(fails(0, 5), []step{
			{advance: 14 * time.Minute, op: "fail", retry: time.Minute},
			{advance: time.Minute, allow: true}, {op: "fail", allow: true},
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
			l := auth.NewLimiter(auth.DefaultMaxFailures, auth.DefaultLockWindow, clock.Now)
			for i, s := range tt.steps {
				clock.Advance(s.advance)
				key := s.key
				if key == "" {
					key = auth.UserKey(" WangFang ")
				}
				switch s.op {
				case "fail":
					l.Fail(key)
				case "reset":
					l.Reset(key)
				}
				if got := l.Allow(key); got != s.allow {
					t.Fatalf("step %d (%+v): Allow = %v, want %v", i, s, got, s.allow)
				}
				if got := l.RetryAfter(key); s.retry >= 0 && got != s.retry {
					t.Fatalf("step %d (%+v): RetryAfter = %v, want %v", i, s, got, s.retry)
				}
			}
		})
	}
}

func TestLimiterSweepsEndedWindows(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(5, time.Minute, clock.Now)
	for i := range 5000 {
		if i%1000 == 0 {
			clock.Advance(2 * time.Minute)
		}
		l.Fail(auth.IPKey(fmt.Sprintf("10.0.%d.%d", i/256, i%256)))
	}
	for range 5 {
		l.Fail(auth.IPKey("10.9.9.9"))
	}
	if l.Allow(auth.IPKey("10.9.9.9")) {
		t.Error("locked key allowed after sweeps")
	}
	if n := auth.LimiterLen(l); n > 2100 {
		t.Errorf("limiter holds %d keys; ended windows were not swept", n)
	}
}

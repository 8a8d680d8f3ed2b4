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

// Addresses of the limiter tests: the attacker's and the administrator's.
const (
	evil = "198.51.100.7"
	home = "203.0.113.9"
)

func TestLimiter(t *testing.T) {
	// Each step acts on user "admin" from evil (unless set) after advancing the clock, then checks
	// RetryAfter of that user and address.
	type step struct {
		advance    time.Duration
		op         string // "fail", "ok" (a successful log-in) or "" (only check)
		user, addr string
		retry      time.Duration
	}
	fails := func(n int, user, addr string) []step {
		s := make([]step, n)
		for i := range s {
			s[i] = step{op: "fail", user: user, addr: addr, retry: -1}
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
		{"fresh pair may try", []step{{}}},
		{"four failures do not wait", cat(fails(4, "", ""), []step{{}})},
		{"the fifth waits a minute", cat(fails(5, "", ""), []step{{retry: time.Minute},
			{advance: 59 * time.Second, retry: time.Second}, {advance: time.Second}})},
		{"each further failure doubles the wait", cat(fails(5, "", ""), []step{
			{advance: time.Minute, op: "fail", retry: 2 * time.Minute},
			{advance: 2 * time.Minute, op: "fail", retry: 4 * time.Minute},
			{advance: 4 * time.Minute, op: "fail", retry: 8 * time.Minute},
			{advance: 8 * time.Minute, op: "fail", retry: 15 * time.Minute},
			{advance: 15 * time.Minute, op: "fail", retry: 15 * time.Minute},
		})},
		{"the account from an address that has not failed is never held up", cat(fails(20, "", ""), []step{
			{addr: home}, {op: "ok", addr: home}, {addr: home}})},
		{"another account from the failing address is not held up by the pair", cat(fails(8, "", ""), []step{{user: "zhijian"}})},
		{"a success clears the pair", cat(fails(4, "", ""), []step{{op: "ok"}}, fails(4, "", ""), []step{{}})},
		{"a day without failures forgets them", cat(fails(9, "", ""), []step{{advance: 24 * time.Hour}, {op: "fail"}})},
		{"usernames compare case-insensitively", cat(fails(5, " ADMIN ", ""), []step{{retry: time.Minute}})},
		{"spraying many accounts from one address makes that address wait", cat(
			func() []step {
				var s []step
				for i := range auth.DefaultAddrBurst {
					s = append(s, step{op: "fail", user: fmt.Sprintf("user%02d", i), retry: -1})
				}
				return s
			}(),
			[]step{{user: "newcomer"}, {op: "fail", user: "user99", retry: time.Minute}, {user: "newcomer", retry: time.Minute},
				{addr: home}, {advance: time.Minute, user: "newcomer"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
			l := auth.NewLimiter(auth.DefaultMaxFailures, auth.DefaultMaxDelay, clock.Now)
			for i, s := range tt.steps {
				clock.Advance(s.advance)
				user, addr := s.user, s.addr
				if user == "" {
					user = "admin"
				}
				if addr == "" {
					addr = evil
				}
				switch s.op {
				case "fail":
					l.Fail(user, addr)
				case "ok":
					l.Succeed(user, addr)
				}
				if got := l.RetryAfter(user, addr); s.retry >= 0 && got != s.retry {
					t.Fatalf("step %d (%+v): RetryAfter = %v, want %v", i, s, got, s.retry)
				}
				if got := l.Allow(user, addr); s.retry >= 0 && got != (s.retry == 0) {
					t.Fatalf("step %d (%+v): Allow = %v with retry %v", i, s, got, s.retry)
				}
			}
		})
	}
}

func TestLimiterSweepsForgottenKeys(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(5, 15*time.Minute, clock.Now)
	for i := range 5000 {
		if i%1000 == 0 {
			clock.Advance(25 * time.Hour)
		}
		l.Fail("admin", fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	for range 5 {
		l.Fail("admin", "10.9.9.9")
	}
	if l.Allow("admin", "10.9.9.9") {
		t.Error("a pair past its free failures may try at once after sweeps")
	}
	if n := auth.LimiterLen(l); n > 4200 {
		t.Errorf("limiter holds %d keys; forgotten ones were not swept", n)
	}
}

package auth

import (
	"strings"
	"sync"
	"time"
)

// Limiter counts failed log-ins per key in memory: after Max failures within Window of the first
// one, the key is locked until that window ends. Use one key per username and one per client IP
// (UserKey, IPKey) and refuse a log-in when either is locked. It is safe for concurrent use; the
// counts are per process and start afresh on restart.
type Limiter struct {
	Max    int
	Window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	m       map[string]*window
	sweepAt int
}

type window struct {
	start time.Time
	fails int
}

// Default log-in limits: 5 failures in 15 minutes.
const (
	DefaultMaxFailures = 5
	DefaultLockWindow  = 15 * time.Minute
)

// NewLimiter returns a limiter allowing max failures per window; now is the clock (time.Now when nil).
func NewLimiter(max int, win time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Max: max, Window: win, now: now, m: map[string]*window{}, sweepAt: 1024}
}

// UserKey is the limiter key of a username (case-insensitive).
func UserKey(username string) string { return "user:" + strings.ToLower(strings.TrimSpace(username)) }

// IPKey is the limiter key of a client IP address.
func IPKey(ip string) string { return "ip:" + ip }

// Allow reports whether key may try to log in now.
func (l *Limiter) Allow(key string) bool { return l.RetryAfter(key) == 0 }

// RetryAfter returns how long key stays locked, or 0 when it may try now.
func (l *Limiter) RetryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.m[key]
	if w == nil {
		return 0
	}
	end := w.start.Add(l.Window)
	if !now.Before(end) {
		delete(l.m, key)
		return 0
	}
	if w.fails < l.Max {
		return 0
	}
	return end.Sub(now)
}

// Fail records a failed log-in of key; the first failure opens a new window.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if w := l.m[key]; w != nil && now.Before(w.start.Add(l.Window)) {
		w.fails++
		return
	}
	if len(l.m) >= l.sweepAt {
		l.sweep(now)
	}
	l.m[key] = &window{start: now, fails: 1}
}

// Reset forgets key's failures, e.g. after a successful log-in or a password reset.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

// sweep drops ended windows so that keys tried once (say, by a scan over many IPs) do not pile up.
func (l *Limiter) sweep(now time.Time) {
	for k, w := range l.m {
		if !now.Before(w.start.Add(l.Window)) {
			delete(l.m, k)
		}
	}
	l.sweepAt = max(1024, 2*len(l.m))
}

package auth

import (
	"strings"
	"sync"
	"time"
)

// Limiter throttles failed log-ins in memory, so that guessing is slow but nobody can lock another
// person out:
//   - per account and client address together: after Free failures of one username from one
//     address, that pair waits 1 minute, then 2, 4, 8 … up to MaxDelay after each further failure;
//     a success clears it. The same account from an address that has not failed is never held up.
//   - per address over all accounts (password spraying): failures fill a bucket that drains one
//     per AddrLeak; past AddrBurst, that address waits until it has drained below again.
//
// It is safe for concurrent use; the counts are per process and start afresh on restart.
type Limiter struct {
	Free      int           // failures of one account from one address before it has to wait
	MaxDelay  time.Duration // the longest wait of a pair
	AddrBurst float64       // failures from one address before it has to wait
	AddrLeak  time.Duration // an address's failures are forgotten one per AddrLeak
	now       func() time.Time

	mu      sync.Mutex
	pairs   map[string]*pairState
	addrs   map[string]*addrState
	sweepAt int
}

type pairState struct {
	fails int
	last  time.Time
}

type addrState struct {
	level float64 // failures not yet drained, as of at
	at    time.Time
}

// Default log-in limits: 5 free failures per account and address, waits up to 15 minutes; an
// address may fail 30 times in a burst and once a minute after that.
const (
	DefaultMaxFailures = 5
	DefaultMaxDelay    = 15 * time.Minute
	DefaultAddrBurst   = 30
	DefaultAddrLeak    = time.Minute
)

// firstDelay is the wait after the Free-th failure of a pair; it doubles with each further one.
const firstDelay = time.Minute

// pairForget is how long a pair's failures are kept after its last one.
const pairForget = 24 * time.Hour

// NewLimiter returns a limiter allowing free failures per account and address before waits that
// double up to maxDelay, with the default per-address limits; now is the clock (time.Now when nil).
func NewLimiter(free int, maxDelay time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Free: free, MaxDelay: maxDelay, AddrBurst: DefaultAddrBurst, AddrLeak: DefaultAddrLeak, now: now,
		pairs: map[string]*pairState{}, addrs: map[string]*addrState{}, sweepAt: 1024}
}

func pairKey(username, addr string) string {
	return strings.ToLower(strings.TrimSpace(username)) + "\x00" + addr
}

// delay is how long a pair with fails failures waits after its last one.
func (l *Limiter) delay(fails int) time.Duration {
	if fails < l.Free {
		return 0
	}
	d := firstDelay
	for i := l.Free; i < fails && d < l.MaxDelay; i++ {
		d *= 2
	}
	return min(d, l.MaxDelay)
}

// drained returns a's level at now.
func (l *Limiter) drained(a *addrState, now time.Time) float64 {
	return max(0, a.level-float64(now.Sub(a.at))/float64(l.AddrLeak))
}

// RetryAfter returns how long username must wait before trying again from addr, or 0 when it may
// try now.
func (l *Limiter) RetryAfter(username, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	if p := l.pairs[pairKey(username, addr)]; p != nil {
		wait = max(0, p.last.Add(l.delay(p.fails)).Sub(now))
	}
	if a := l.addrs[addr]; a != nil {
		if over := l.drained(a, now) - l.AddrBurst; over > 0 {
			wait = max(wait, time.Duration(over*float64(l.AddrLeak)))
		}
	}
	return wait
}

// Allow reports whether username may try to log in from addr now.
func (l *Limiter) Allow(username, addr string) bool { return l.RetryAfter(username, addr) == 0 }

// Fail records a failed log-in of username from addr.
func (l *Limiter) Fail(username, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.pairs)+len(l.addrs) >= l.sweepAt {
		l.sweep(now)
	}
	k := pairKey(username, addr)
	p := l.pairs[k]
	if p == nil || now.Sub(p.last) >= pairForget {
		p = &pairState{}
		l.pairs[k] = p
	}
	p.fails++
	p.last = now
	a := l.addrs[addr]
	if a == nil {
		a = &addrState{}
		l.addrs[addr] = a
	}
	a.level, a.at = l.drained(a, now)+1, now
}

// Succeed forgets the failures of username from addr after a successful log-in. The address's
// failures over all accounts stay: signing in to one's own account must not reset a spray.
func (l *Limiter) Succeed(username, addr string) {
	l.mu.Lock()
	delete(l.pairs, pairKey(username, addr))
	l.mu.Unlock()
}

// sweep drops forgotten pairs and drained addresses so that keys tried once (say, by a scan over
// many addresses) do not pile up.
func (l *Limiter) sweep(now time.Time) {
	for k, p := range l.pairs {
		if now.Sub(p.last) >= pairForget {
			delete(l.pairs, k)
		}
	}
	for k, a := range l.addrs {
		if l.drained(a, now) == 0 {
			delete(l.addrs, k)
		}
	}
	l.sweepAt = max(1024, 2*(len(l.pairs)+len(l.addrs)))
}

package auth

// LimiterLen returns how many keys l holds.
func LimiterLen(l *Limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pairs) + len(l.addrs)
}

// CommonPasswords returns how many passwords the common list holds.
func CommonPasswords() int { return len(common()) }

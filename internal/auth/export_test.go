package auth

// LimiterLen returns how many keys l holds.
func LimiterLen(l *Limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

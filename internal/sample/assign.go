package sample

// assigner hands draws to inspectors. Each draw goes to the open inspector whose load after taking it,
// (assigned+1)/capacity, is lowest (ties to the earlier one in the plan), so inspectors fill in proportion
// to their quotas rather than the first ones filling up while others idle.
// An unlimited inspector (quota 0) counts with the largest finite quota as capacity (1 when none is finite).
type assigner struct {
	quotas []Quota
	caps   []int
	count  map[string]int
}

func newAssigner(quotas []Quota) *assigner {
	unlimited := 1
	for _, q := range quotas {
		unlimited = max(unlimited, q.Quota)
	}
	a := &assigner{quotas: quotas, count: map[string]int{}}
	for _, q := range quotas {
		c := q.Quota
		if c == 0 {
			c = unlimited
		}
		a.caps = append(a.caps, c)
	}
	return a
}

// next returns the inspector for the next draw, or "" when every quota is full.
func (a *assigner) next() string {
	best := -1
	for j, q := range a.quotas {
		n := a.count[q.Inspector]
		if q.Quota > 0 && n >= q.Quota {
			continue
		}
		if best < 0 || (n+1)*a.caps[best] < (a.count[a.quotas[best].Inspector]+1)*a.caps[j] {
			best = j
		}
	}
	if best < 0 {
		return ""
	}
	a.count[a.quotas[best].Inspector]++
	return a.quotas[best].Inspector
}

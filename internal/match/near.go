package match

import "unicode/utf8"

// Near finds the best approximate occurrence of phrase (already normalised)
// in norm: the window with the highest similarity 1 - levenshtein/len(phrase)
// over runes; ok when score ≥ threshold. start and end are byte offsets into
// norm. An empty phrase never matches.
//
// It is Sellers' semi-global edit distance: the phrase must be aligned in
// full, the window may start and end anywhere in norm at no cost, and the
// window start is carried along the DP. O(len(phrase)·len(norm)) runes.
func Near(norm, phrase string, threshold float64) (start, end int, score float64, ok bool) {
	p := []rune(phrase)
	m := len(p)
	if m == 0 {
		return 0, 0, 0, false
	}
	// dist[i], from[i]: edit distance of p[:i] against the best window ending
	// at the current text position, and the byte offset where it starts.
	dist := make([]int, m+1)
	from := make([]int, m+1)
	for i := range dist {
		dist[i] = i // window is empty at offset 0, p[:i] deleted
	}
	best, bestStart, bestEnd := m, 0, 0
	for at, r := range norm {
		next := at + utf8.RuneLen(r)
		// diag holds the previous column's dist[i-1] before it is overwritten.
		diag, diagFrom := 0, at
		dist[0], from[0] = 0, next
		for i := 1; i <= m; i++ {
			cost := 1
			if p[i-1] == r {
				cost = 0
			}
			d, f := diag+cost, diagFrom // match or substitution
			if dist[i]+1 < d {          // r is an extra rune in the window
				d, f = dist[i]+1, from[i]
			}
			if dist[i-1]+1 < d { // p[i-1] is missing from the window
				d, f = dist[i-1]+1, from[i-1]
			}
			diag, diagFrom = dist[i], from[i]
			dist[i], from[i] = d, f
		}
		// On a tie, a longer window from the same start wins, so the
		// highlight covers 请问有什么可以帮到您 rather than stopping at 帮.
		if dist[m] < best || (dist[m] == best && from[m] == bestStart) {
			best, bestStart, bestEnd = dist[m], from[m], next
		}
	}
	score = 1 - float64(best)/float64(m)
	return bestStart, bestEnd, score, score >= threshold
}

// Package match finds scorecard phrases in normalised text: all phrases at
// once with an Aho-Corasick automaton (Dict) and one phrase approximately
// (Near).
//
// How every occurrence is found: the automaton is built with standard match
// semantics and read with the library's overlapping iterator, which reports
// every pattern ending at every position (a DFA state carries the patterns of
// its whole suffix/failure chain), so 您好 inside 您好请问有什么可以帮您 is
// reported as well as the longer phrase. Phrases that normalise to the same
// string are built into the automaton once and reported under every id.
// TestFindMatchesBruteForce checks this against strings.Index on random text.
package match

import (
	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"qloop/internal/textnorm"
)

// Dict matches many phrases at once in normalised text.
type Dict struct {
	ac   ahocorasick.AhoCorasick
	ids  [][]int // automaton pattern index → phrase ids sharing that normalised phrase
	lens []int   // automaton pattern index → byte length
	size int     // number of phrases given to NewDict
}

// NewDict normalises each phrase with textnorm.Phrase; the id of phrases[i]
// is i. Empty phrases (also those empty after normalisation) are ignored.
func NewDict(phrases []string) *Dict {
	d := &Dict{size: len(phrases)}
	index := map[string]int{}
	var patterns []string
	for id, p := range phrases {
		n := textnorm.Phrase(p)
		if n == "" {
			continue
		}
		k, ok := index[n]
		if !ok {
			k = len(patterns)
			index[n] = k
			patterns = append(patterns, n)
			d.ids = append(d.ids, nil)
			d.lens = append(d.lens, len(n))
		}
		d.ids[k] = append(d.ids[k], id)
	}
	if len(patterns) > 0 {
		b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{
			MatchKind: ahocorasick.StandardMatch, // the only kind with overlapping matches
			DFA:       true,
		})
		d.ac = b.Build(patterns)
	}
	return d
}

// Len is the number of phrases NewDict was given (ids are 0…Len-1).
func (d *Dict) Len() int { return d.size }

// Find calls fn for every occurrence of every phrase in norm, overlapping
// ones too, with byte offsets into norm. Occurrences are reported in order
// of their end offset; several ids sharing a normalised phrase are each
// reported. norm must already be normalised (textnorm.New(...).Norm).
func (d *Dict) Find(norm string, fn func(id, start, end int)) {
	if len(d.ids) == 0 || norm == "" {
		return
	}
	it := d.ac.IterOverlapping(norm)
	for m := it.Next(); m != nil; m = it.Next() {
		k := m.Pattern()
		end := m.End()
		for _, id := range d.ids[k] {
			fn(id, end-d.lens[k], end)
		}
	}
}

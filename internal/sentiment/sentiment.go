// Package sentiment rates how a customer-service turn sounds with a Chinese
// word lexicon: polar words, negation, degree adverbs, and ! / ?? cues.
package sentiment

import (
	"embed"
	"math"
	"slices"
	"sync"

	"qloop/internal/textnorm"
)

// Scorer rates how a text sounds: below 0 negative, above 0 positive, about -1…1.
type Scorer interface{ Score(text string) float64 }

// Upset is the default threshold at or below which a customer turn counts
// as upset. One clear anger or anxiety cue (不满意, 着急, 投诉, 太差了) scores
// below it; a mild cue alone (退款, 到底, 怎么还) and a calm question score
// above it (see TestUpsetThreshold).
const Upset = -0.3

//go:embed lexicon/*.txt
var builtin embed.FS

var defaultLexicon = sync.OnceValue(func() *Lexicon {
	l, err := Load(builtin, "lexicon")
	if err != nil {
		panic("sentiment: built-in lexicon: " + err.Error()) // caught by the tests
	}
	return l
})

// Default returns the built-in lexicon scorer.
func Default() Scorer { return defaultLexicon() }

const (
	// maxGap is how far (in bytes of normalised text, two Chinese
	// characters) a modifier may stand before the word it modifies:
	// 没有让我满意, 太让人失望. Punctuation is gone, so this is also what
	// keeps a negation from leaking into the next clause.
	maxGap = 6
	// negatedNegative is how much of a negated negative word turns positive:
	// 不生气 / 别着急 is reassurance, not praise.
	negatedNegative = 0.2
	// squash maps the summed weights to -1…1 with tanh(sum/squash): one
	// plain word (±1) gives ±0.46, an intensified one (±1.8) ±0.72.
	squash = 2
)

type hit struct {
	start, end int
	entry
}

// Score implements Scorer.
func (l *Lexicon) Score(text string) float64 {
	norm := textnorm.Phrase(text)
	var hits []hit
	l.dict.Find(norm, func(id, start, end int) {
		hits = append(hits, hit{start, end, l.entries[id]})
	})
	sum := 0.0
	var chain []hit // modifiers directly before the next polar word
	for _, h := range select_(hits) {
		if len(chain) > 0 && h.start-chain[len(chain)-1].end > maxGap {
			chain = chain[:0]
		}
		switch h.kind {
		case negation, degree:
			chain = append(chain, h)
			continue
		case neutral:
			chain = chain[:0]
			continue
		}
		w := h.weight
		// Apply modifiers from the nearest outwards: 不太满意 = 不太(满意),
		// 太不满意 = 太(不(满意)).
		for i := len(chain) - 1; i >= 0; i-- {
			switch m := chain[i]; {
			case m.kind == degree:
				w *= m.weight
			case h.kind == abuse:
			case w > 0:
				w = -w * m.weight
			default:
				w = -w * negatedNegative * m.weight
			}
		}
		chain = chain[:0]
		sum += w
	}
	sum *= punctuation(text)
	return math.Tanh(sum / squash)
}

// select_ keeps the hits that count: a hit inside a longer one is dropped
// (不满意 hides 满意 and 不), and of two partly overlapping hits the later is
// kept only when both are polar words of the same sign (怎么还没到 = 怎么还 +
// 还没到), so 不好用 is 不好, not 不好 + 好用.
func select_(hits []hit) []hit {
	slices.SortFunc(hits, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end // longest first
	})
	out := hits[:0]
	maxEnd := -1
	for _, h := range hits {
		if h.end <= maxEnd { // inside (or equal to) an earlier hit
			continue
		}
		if n := len(out); n > 0 && h.start < out[n-1].end && !sameSign(out[n-1], h) {
			continue
		}
		out = append(out, h)
		maxEnd = h.end
	}
	return out
}

func sameSign(a, b hit) bool {
	polarish := func(h hit) bool { return h.kind == polar || h.kind == abuse }
	return polarish(a) && polarish(b) && (a.weight < 0) == (b.weight < 0)
}

// punctuation returns the intensity factor of ! and repeated ? in the raw
// text (normalisation drops them): every ！ and every ？ after the first of
// a run adds 15 %, up to 6 marks. A single ？ is just a question.
func punctuation(text string) float64 {
	marks, prevQ := 0, false
	for _, r := range text {
		switch r {
		case '!', '！':
			marks++
			prevQ = false
		case '?', '？':
			if prevQ {
				marks++
			}
			prevQ = true
		default:
			prevQ = false
		}
	}
	return 1 + 0.15*float64(min(marks, 6))
}

package match

import (
	"math/rand/v2"
	"strings"
	"testing"

	"qloop/internal/textnorm"
)

const benchText = "您好，请问有什么可以帮您？嗯，那个我上周买的手机到现在还没到，等了半天了，到底怎么回事！！" +
	"我要投诉你们，太差了。请问您的订单号是多少？好的，我这边帮您查一下，请您稍等。" +
	"非常抱歉给您带来不便，我非常理解您现在的心情，我们会在24小时内给您回复。请问您还需要其他帮助吗？感谢您的致电，再见。"

// benchPhrases returns n phrases: every every-th one a 2–6 rune piece of
// benchText (they hit, often overlapping), the others 2–6 random characters
// of it (they mostly miss but keep the automaton busy).
func benchPhrases(n, every int) []string {
	rs := []rune(textnorm.Phrase(benchText))
	rng := rand.New(rand.NewPCG(1, 1))
	ps := make([]string, n)
	for i := range ps {
		k := 2 + rng.IntN(5)
		if i%every == 0 {
			a := rng.IntN(len(rs) - k)
			ps[i] = string(rs[a : a+k])
			continue
		}
		var b strings.Builder
		for range k {
			b.WriteRune(rs[rng.IntN(len(rs))])
		}
		ps[i] = b.String()
	}
	return ps
}

func BenchmarkFind500(b *testing.B) {
	// dense: 250 of the phrases occur in every copy of benchText, so the
	// time goes to reporting hits; sparse: 25 do, as in a real scorecard.
	for _, bc := range []struct {
		name  string
		every int
	}{{"dense", 2}, {"sparse", 20}} {
		b.Run(bc.name, func(b *testing.B) { benchFind(b, benchPhrases(500, bc.every)) })
	}
}

func benchFind(b *testing.B, phrases []string) {
	d := NewDict(phrases)
	norm := textnorm.Phrase(strings.Repeat(benchText, 100))
	hits := 0
	d.Find(norm, func(int, int, int) { hits++ })
	b.ReportMetric(float64(hits), "hits")
	b.SetBytes(int64(len(norm)))
	for b.Loop() {
		d.Find(norm, func(int, int, int) {})
	}
}

func BenchmarkNewDict500(b *testing.B) {
	ps := benchPhrases(500, 2)
	for b.Loop() {
		NewDict(ps)
	}
}

func BenchmarkNear(b *testing.B) {
	norm := textnorm.Phrase(benchText)
	b.SetBytes(int64(len(norm)))
	for b.Loop() {
		Near(norm, "请问还有什么能帮您", 0.8)
	}
}

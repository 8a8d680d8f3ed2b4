package match

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
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
		b.Run(bc.name, func(b *testing.B) {
			benchFind(b, benchPhrases(500, bc.every), textnorm.Phrase(strings.Repeat(benchText, 100)))
		})
	}
}

func benchFind(b *testing.B, phrases []string, norm string) {
	d := NewDict(phrases)
	hits := 0
	d.Find(norm, func(int, int, int) { hits++ })
	b.SetBytes(int64(len(norm)))
	for b.Loop() {
		d.Find(norm, func(int, int, int) {})
	}
	b.ReportMetric(float64(len(phrases)), "phrases")
	b.ReportMetric(float64(hits), "hits/op")
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

// BenchmarkFindSTC3 runs a ~500 phrase scorecard (the sentiment lexicon plus
// pieces of benchText) over the customer and agent turns of the STC-3
// sample, i.e. real Weibo service text with a realistic hit rate.
func BenchmarkFindSTC3(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "stc3_zh", "conversations.jsonl"))
	if err != nil {
		b.Skipf("shared data missing: %v", err)
	}
	var text strings.Builder
	for line := range strings.Lines(string(data)) {
		var c struct{ Turns []struct{ Text string } }
		if json.Unmarshal([]byte(line), &c) == nil {
			for _, t := range c.Turns {
				text.WriteString(t.Text)
			}
		}
	}
	norm := textnorm.Phrase(text.String())
	files, _ := filepath.Glob(filepath.Join("..", "sentiment", "lexicon", "*.txt"))
	var phrases []string
	for _, f := range files {
		lex, _ := os.ReadFile(f)
		for line := range strings.Lines(string(lex)) {
			if fs := strings.Fields(line); len(fs) > 0 && !strings.HasPrefix(fs[0], "#") {
				phrases = append(phrases, fs[0])
			}
		}
	}
	phrases = append(phrases, benchPhrases(500-len(phrases), 20)...)
	benchFind(b, phrases, norm)
}

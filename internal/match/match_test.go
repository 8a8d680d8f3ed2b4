package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"qloop/internal/textnorm"
)

type hit struct{ id, start, end int }

func find(d *Dict, norm string) []hit {
	var hs []hit
	d.Find(norm, func(id, start, end int) { hs = append(hs, hit{id, start, end}) })
	return hs
}

// bruteForce reports every occurrence of every normalised phrase with a
// strings.Index loop that restarts one byte after each hit.
func bruteForce(phrases []string, norm string) []hit {
	var hs []hit
	for id, p := range phrases {
		n := textnorm.Phrase(p)
		if n == "" {
			continue
		}
		for off := 0; ; {
			i := strings.Index(norm[off:], n)
			if i < 0 {
				break
			}
			hs = append(hs, hit{id, off + i, off + i + len(n)})
			off += i + 1
		}
	}
	return hs
}

func sorted(hs []hit) []hit {
	hs = slices.Clone(hs)
	slices.SortFunc(hs, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.end != b.end {
			return a.end - b.end
		}
		return a.id - b.id
	})
	return hs
}

func TestFind(t *testing.T) {
	phrases := []string{
		"您好",          // 0
		"您好请问有什么可以帮您", // 1
		"请问有什么可以帮您",   // 2
		"",            // 3 ignored
		"您好！",         // 4 same normalised phrase as 0
		"幫您",          // 5 traditional
		"，。",          // 6 empty after normalisation
		"哈哈",          // 7 overlaps itself
		"Ｖｉｐ",         // 8 full width
		"那个订单",        // 9 normalises to 订单
	}
	d := NewDict(phrases)
	tests := []struct {
		name, text string
		want       []hit
	}{
		{"nested and duplicate", "您好，請問有什麼可以幫您？", []hit{
			{0, 0, 6}, {4, 0, 6}, {1, 0, 33}, {2, 6, 33}, {5, 27, 33},
		}},
		{"self overlap", "哈哈哈", []hit{{7, 0, 6}, {7, 3, 9}}},
		{"width and case", "我是VIP会员", []hit{{8, 6, 9}}},
		{"filler dropped in phrase and text", "我的订单", []hit{{9, 6, 12}}},
		{"no match", "再见", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norm := textnorm.New(tt.text).Norm
			if got, want := sorted(find(d, norm)), sorted(tt.want); !slices.Equal(got, want) {
				t.Errorf("Find(%q) = %v, want %v", norm, got, want)
			}
		})
	}
	t.Run("empty dict", func(t *testing.T) {
		if hs := find(NewDict(nil), "您好"); hs != nil {
			t.Errorf("got %v", hs)
		}
		if n := NewDict([]string{"", "。"}).Len(); n != 2 {
			t.Errorf("Len = %d", n)
		}
	})
}

// TestFindMatchesBruteForce is the property test: on random text over a
// small alphabet with many short, nested, repeated and duplicated phrases,
// Find must report exactly the occurrences a strings.Index loop finds.
func TestFindMatchesBruteForce(t *testing.T) {
	alphabet := []rune("您好请问帮谢不满意投诉退款a1")
	rng := rand.New(rand.NewPCG(7, 11))
	word := func(max int) string {
		rs := make([]rune, 1+rng.IntN(max))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	for round := range 200 {
		phrases := make([]string, 1+rng.IntN(60))
		for i := range phrases {
			switch {
			case i > 0 && rng.IntN(8) == 0: // duplicate id for the same phrase
				phrases[i] = phrases[rng.IntN(i)]
			case i > 0 && rng.IntN(4) == 0: // a phrase contained in another one
				rs := []rune(phrases[rng.IntN(i)])
				a := rng.IntN(len(rs))
				phrases[i] = string(rs[a : a+1+rng.IntN(len(rs)-a)])
			default:
				phrases[i] = word(5)
			}
		}
		norm := textnorm.Phrase(word(400))
		d := NewDict(phrases)
		got, want := sorted(find(d, norm)), sorted(bruteForce(phrases, norm))
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d hits, brute force %d\nphrases %q\ntext %q", round, len(got), len(want), phrases, norm)
		}
	}
}

func TestNear(t *testing.T) {
	tests := []struct {
		name, text, phrase string
		threshold          float64
		window             string
		score              float64
		ok                 bool
	}{
		{"exact", "你好请问有什么可以帮您", "请问有什么可以帮您", 0.8, "请问有什么可以帮您", 1, true},
		{"one substitution", "您好请问有什么可以帮到您", "请问有什么可以帮您", 0.8, "请问有什么可以帮到您", 1 - 1.0/9, true},
		{"one substitution 2", "请问有什么能帮您", "请问有什么可以帮您", 0.7, "请问有什么能帮您", 1 - 2.0/9, true},
		{"below threshold", "今天天气很好", "请问有什么可以帮您", 0.5, "", 0, false},
		{"empty text", "", "您好", 0, "", 0, true},
		{"empty phrase", "您好", "", 0.5, "", 0, false},
		{"ascii", "thankyouforcalling", "thanksforcalling", 0.8, "thankyouforcalling", 1 - 3.0/16, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, score, ok := Near(tt.text, tt.phrase, tt.threshold)
			if ok != tt.ok || (ok && tt.text[s:e] != tt.window) || (tt.window != "" && fmt.Sprintf("%.4f", score) != fmt.Sprintf("%.4f", tt.score)) {
				t.Errorf("Near = %q %.4f %v, want %q %.4f %v", tt.text[s:e], score, ok, tt.window, tt.score, tt.ok)
			}
		})
	}
}

// TestNearMatchesBruteForce compares the score with the best edit distance
// over all windows, computed the slow way.
func TestNearMatchesBruteForce(t *testing.T) {
	alphabet := []rune("您好请问帮谢a")
	rng := rand.New(rand.NewPCG(3, 5))
	word := func(n int) []rune {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return rs
	}
	for round := range 500 {
		text, phrase := word(rng.IntN(15)), word(1+rng.IntN(6))
		best := len(phrase)
		for i := 0; i <= len(text); i++ {
			for j := i; j <= len(text); j++ {
				best = min(best, lev(text[i:j], phrase))
			}
		}
		s, e, score, _ := Near(string(text), string(phrase), 0)
		if want := 1 - float64(best)/float64(len(phrase)); score != want {
			t.Fatalf("round %d: Near(%q, %q) score %v, want %v", round, string(text), string(phrase), score, want)
		}
		if d := lev([]rune(string(text)[s:e]), phrase); d != best {
			t.Fatalf("round %d: window %q has distance %d, want %d", round, string(text)[s:e], d, best)
		}
	}
}

func lev(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j-1]+c, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return prev[len(b)]
}

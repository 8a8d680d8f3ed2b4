package textnorm

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPhrase(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full-width ascii", "ＡＢＣ１２３！", "abc123"},
		{"ascii case", "Hello World", "helloworld"},
		{"traditional", "您好，請問有什麼可以幫您？", "您好请问有什么可以帮您"},
		{"taiwan variants", "為什麼裡面的麵著急", "为什么里面的面着急"},
		{"asr spaces", "您好 请问 有什么 可以 帮您", "您好请问有什么可以帮您"},
		{"punctuation and symbols", "【投诉】！！？？……“垃圾”★~@#$%^&*()", "投诉垃圾"},
		{"line breaks and tabs", "谢谢\n\t再见\r\n", "谢谢再见"},
		{"ideographic space", "你好\u3000先生", "你好先生"},
		{"emoji", "太差了😡👎", "太差了"},
		{"weibo emoticon keeps text", "敬请等待[呵呵]", "敬请等待呵呵"},
		{"filler en e", "嗯嗯，呃，我想问一下", "我想问一下"},
		{"filler nage", "那个，我的订单", "我的订单"},
		{"nage split by space", "那 个 我的订单", "我的订单"},
		{"nage demonstrative also dropped", "那个订单", "订单"},
		{"nage nested", "那那个个", ""},
		{"nage keeps nage-like words", "哪个这个那些", "哪个这个那些"},
		{"e filler", "额，我想查一下", "我想查一下"},
		{"e at end", "我想查一下额", "我想查一下"},
		{"e in amount words", "余额 金额 额度 额外 限额", "余额金额额度额外限额"},
		{"e amount across space", "余 额", "余额"},
		{"wu filler", "唔，我睇下", "我睇下"},
		{"wu cantonese negation kept", "唔满意 唔系", "唔满意唔系"},
		{"digits kept", "订单号 12345６７", "订单号1234567"},
		{"only fillers", "嗯。", ""},
		{"empty", "", ""},
		{"latin letters with accents", "Café", "café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Phrase(tt.in); got != tt.want {
				t.Errorf("Phrase(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := New(tt.in).Norm; got != tt.want {
				t.Errorf("New(%q).Norm = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOrigSpan(t *testing.T) {
	tests := []struct {
		name, in, find, want string
	}{
		{"traditional with punctuation", "喂？您好，請問有什麼可以幫您？", "请问有什么", "請問有什麼"},
		{"spaces inside", "您 好 请 问", "您好请", "您 好 请"},
		{"full width", "型号ＡＢＣ１２３！", "abc123", "ＡＢＣ１２３"},
		{"filler inside", "您好，嗯，请问", "您好请问", "您好，嗯，请问"},
		{"nage inside", "我那个想退款", "我想退款", "我那个想退款"},
		{"last rune multibyte", "太差了😡", "差了", "差了"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txt := New(tt.in)
			i := strings.Index(txt.Norm, tt.find)
			if i < 0 {
				t.Fatalf("%q not in Norm %q", tt.find, txt.Norm)
			}
			s, e := txt.OrigSpan(i, i+len(tt.find))
			if got := txt.Orig[s:e]; got != tt.want {
				t.Errorf("OrigSpan → %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("empty and out of range", func(t *testing.T) {
		txt := New("你好！")
		if s, e := txt.OrigSpan(3, 3); s != 3 || e != 3 {
			t.Errorf("empty span = %d,%d", s, e)
		}
		if s, e := txt.OrigSpan(-5, 100); txt.Orig[s:e] != "你好" {
			t.Errorf("clamped span = %q", txt.Orig[s:e])
		}
		if s, e := txt.OrigSpan(6, 6); s != len(txt.Orig) || e != len(txt.Orig) {
			t.Errorf("span at end = %d,%d", s, e)
		}
	})
}

func TestRuneSpan(t *testing.T) {
	tests := []struct {
		s          string
		start, end int
		rs, re     int
	}{
		{"您好abc", 3, 7, 1, 3},
		{"abc", 0, 3, 0, 3},
		{"😡好", 4, 7, 1, 2},
		{"好", -1, 99, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if rs, re := RuneSpan(tt.s, tt.start, tt.end); rs != tt.rs || re != tt.re {
				t.Errorf("RuneSpan = %d,%d, want %d,%d", rs, re, tt.rs, tt.re)
			}
		})
	}
}

// TestProperties checks on random text that normalising is idempotent, that
// New and Phrase agree, and that every normalised rune maps back to an
// original rune that folds to it, in order.
func TestProperties(t *testing.T) {
	alphabet := []rune("嗯呃额唔那个哪这余金度外系满您好請問麼ＡＢa1１，。！？ \n😡")
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 20000 {
		rs := make([]rune, rng.IntN(12))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(rs)
		txt := New(s)
		if p := Phrase(s); p != txt.Norm {
			t.Fatalf("#%d Phrase(%q)=%q, New=%q", n, s, p, txt.Norm)
		}
		if p := Phrase(txt.Norm); p != txt.Norm {
			t.Fatalf("#%d not idempotent: %q → %q → %q", n, s, txt.Norm, p)
		}
		last := -1
		for i, r := range txt.Norm {
			os, oe := txt.OrigSpan(i, i+utf8.RuneLen(r))
			o, _ := utf8.DecodeRuneInString(s[os:oe])
			if os <= last || fold(o) != r || oe-os != utf8.RuneLen(o) {
				t.Fatalf("#%d %q: norm rune %q at %d maps to %q", n, s, r, i, s[os:oe])
			}
			last = os
		}
	}
}

func TestTable(t *testing.T) {
	// The table must be idempotent: a simplified target is never itself a key,
	// so folding folded text changes nothing.
	for r := rune(hanLo); r < hanHi; r++ {
		if d := t2s[r-hanLo]; d != 0 {
			if to := r - rune(d); t2s[to-hanLo] != 0 {
				t.Errorf("%c → %c is itself folded", r, to)
			}
		}
	}
}

var sample = strings.Repeat("您好，请问有什么可以帮您？嗯，那个我上周买的手机到现在还没到，等了半天了，到底怎么回事！！"+
	"我要投诉你们，太差了。請問您的訂單號是多少？好的，我這邊幫您查一下，請您稍等。", 200)

func BenchmarkNew(b *testing.B) {
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		New(sample)
	}
}

func BenchmarkPhrase(b *testing.B) {
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		Phrase(sample)
	}
}

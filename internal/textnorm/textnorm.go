// Package textnorm normalises Chinese customer-service text for phrase
// matching and keeps a map from normalised byte offsets back to the original.
//
// The fold is the same for transcripts and for phrases (Phrase), rune by
// rune and one-to-one, so a match in Norm always maps back to a contiguous
// range of Orig:
//
//   - full-width ASCII → half-width (ＡＢＣ１２３！ → ABC123!), ideographic space → space;
//   - ASCII upper case → lower case;
//   - traditional → simplified Chinese by a one-to-one character table (t2s.txt);
//   - everything that is not a letter or a digit is dropped: punctuation,
//     symbols, emoji, white space, line breaks (ASR output has spaces and no
//     punctuation, chat has punctuation: both must look the same);
//   - fillers 嗯 呃 额 唔 那个 are dropped, see dropFiller for the trade-offs.
package textnorm

import (
	_ "embed"
	"unicode"
	"unicode/utf8"
)

// Text is s normalised for matching, with Norm byte offsets mapped back to
// byte offsets in Orig.
type Text struct {
	Orig, Norm string
	// src[i] is the byte offset in Orig of the rune that produced Norm[i];
	// every Norm rune comes from exactly one Orig rune.
	src []int32
}

// New normalises s and records where every normalised byte came from.
func New(s string) Text {
	norm, src := normalize(s, true)
	return Text{Orig: s, Norm: norm, src: src}
}

// Phrase normalises a pattern exactly as New normalises text (no map).
func Phrase(s string) string {
	norm, _ := normalize(s, false)
	return norm
}

// OrigSpan maps a [start,end) byte range of Norm to the [start,end) byte
// range of Orig it came from. Offsets are clamped to Norm; an empty range
// maps to an empty range at the corresponding position.
func (t Text) OrigSpan(start, end int) (int, int) {
	n := len(t.Norm)
	start = min(max(start, 0), n)
	end = min(max(end, start), n)
	if start == n {
		return len(t.Orig), len(t.Orig)
	}
	os := int(t.src[start])
	if start == end {
		return os, os
	}
	last := int(t.src[end-1])
	_, size := utf8.DecodeRuneInString(t.Orig[last:])
	return os, last + size
}

// RuneSpan converts a byte range of s to a rune range (for UI highlighting).
// Offsets are clamped to s.
func RuneSpan(s string, start, end int) (int, int) {
	start = min(max(start, 0), len(s))
	end = min(max(end, start), len(s))
	rs := utf8.RuneCountInString(s[:start])
	return rs, rs + utf8.RuneCountInString(s[start:end])
}

// ascii folds an ASCII byte: 0 means drop, otherwise the byte to emit.
var ascii = func() (t [128]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return t
}()

// fold maps one rune to its normalised form, or -1 to drop it.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if c := ascii[r]; c != 0 {
			return rune(c)
		}
		return -1
	}
	if r >= hanLo && r < hanHi && (r < 0x4DC0 || r > 0x4DFF) { // not the hexagram symbols
		if d := t2s[r-hanLo]; d != 0 {
			return r - rune(d)
		}
		return r
	}
	if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
		return fold(r - 0xFEE0)
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) {
		return r
	}
	return -1
}

// normalize is the single pass behind New and Phrase.
func normalize(s string, withMap bool) (string, []int32) {
	var src []int32
	if withMap {
		src = make([]int32, 0, len(s))
	}
	var f fillers
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		at := i
		i += size
		r = fold(r)
		if r < 0 {
			continue
		}
		buf, src = f.push(buf, src, r, int32(at), withMap)
	}
	buf, src = f.end(buf, src, withMap)
	return string(buf), src
}

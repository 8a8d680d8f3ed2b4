package textnorm

import "unicode/utf8"

// Fillers are dropped from the normalised stream, i.e. after punctuation and
// spaces are gone, so 「那 个」 and 「那，个」 are the same filler as 「那个」
// and a phrase normalises the same whether or not it was typed with one.
//
// Trade-offs, because a filler can be part of a real word:
//   - 嗯 呃: always dropped; no service vocabulary word contains them.
//   - 那个: always dropped, also as a demonstrative (那个订单 → 订单). That
//     loses "that" but never changes a match, because phrases are folded the
//     same way; 哪个 and 这个 are kept.
//   - 额: also means "amount" (金额, 余额, 额度, 额外). It is kept after a
//     character that forms a word with it (amountBefore) or before 度 外 头,
//     and dropped otherwise (「额 我想问一下」).
//   - 唔: also Cantonese "not" (唔系, 唔好, 唔满意). It is kept before a verb
//     or adjective it commonly negates (cantoneseAfter), so negation survives
//     for sentiment, and dropped otherwise (「唔 我看看」).
//
// Whether 额 or 唔 stays can depend on the next kept rune, so it is emitted
// as pending and removed again when that rune (or the end) shows it was a
// filler. It is always the last rune of the output at that point.
type fillers struct {
	pending rune // 额 or 唔 waiting for the next rune, or 0
}

const hanBytes = 3 // UTF-8 length of every filler character

var amountBefore = runeSet("金余限数份定超差名总面配巨税票贷借透用空满缺高低销单")

var keepAfter = map[rune]map[rune]bool{
	'额': runeSet("度外头"),
	'唔': runeSet("系是该好使知想得要会识明满开够错记准理怪使舒喜"),
}

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// push appends folded rune r, which came from byte offset at of the original.
func (f *fillers) push(buf []byte, src []int32, r rune, at int32, withMap bool) ([]byte, []int32) {
	if f.pending != 0 {
		if !keepAfter[f.pending][r] {
			buf, src = trim(buf, src, withMap)
		}
		f.pending = 0
	}
	switch r {
	case '嗯', '呃':
		return buf, src
	case '个':
		if last, _ := utf8.DecodeLastRune(buf); last == '那' {
			return trim(buf, src, withMap)
		}
	case '额':
		if last, _ := utf8.DecodeLastRune(buf); !amountBefore[last] {
			f.pending = r
		}
	case '唔':
		f.pending = r
	}
	if r < utf8.RuneSelf {
		buf = append(buf, byte(r))
		if withMap {
			src = append(src, at)
		}
		return buf, src
	}
	n := len(buf)
	buf = utf8.AppendRune(buf, r)
	if withMap {
		for range len(buf) - n {
			src = append(src, at)
		}
	}
	return buf, src
}

// end drops a filler still pending at the end of the text.
func (f *fillers) end(buf []byte, src []int32, withMap bool) ([]byte, []int32) {
	if f.pending != 0 {
		buf, src = trim(buf, src, withMap)
		f.pending = 0
	}
	return buf, src
}

// trim removes the last (three-byte) rune of the output.
func trim(buf []byte, src []int32, withMap bool) ([]byte, []int32) {
	buf = buf[:len(buf)-hanBytes]
	if withMap {
		src = src[:len(src)-hanBytes]
	}
	return buf, src
}

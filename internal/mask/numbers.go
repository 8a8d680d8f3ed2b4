package mask

// Number family: mobiles, landlines, 身份证 and bank cards, written as digits
// (ASCII or full-width) or, in ASR text, as Chinese numerals. One pass
// collects a "run" of digit groups joined by short separators (138 0013 8000,
// 6222-0212-…), then tries candidates aligned to group boundaries, so digits
// glued to other digits (order numbers, dates) never match from the middle.

import "slices"

const (
	kindNone   = iota
	kindArabic // 0-9 and ０-９
	kindHan    // 零〇一二…九, 幺 and 两 as ASR writes them
)

// digitX is the value of the 身份证 check character X.
const digitX = 10

// maxSep is how many separator runes may join two groups ("138 - 0013").
const maxSep = 3

func digitOf(r rune) (int8, int) {
	switch {
	case r >= '0' && r <= '9':
		return int8(r - '0'), kindArabic
	case r >= '０' && r <= '９':
		return int8(r - '０'), kindArabic
	case r < 0x3007 || r > 0x96F6: // outside 〇…零, the range of the Chinese numerals
		return -1, kindNone
	}
	switch r {
	case '零', '〇':
		return 0, kindHan
	case '一', '幺':
		return 1, kindHan
	case '二', '两':
		return 2, kindHan
	case '三':
		return 3, kindHan
	case '四':
		return 4, kindHan
	case '五':
		return 5, kindHan
	case '六':
		return 6, kindHan
	case '七':
		return 7, kindHan
	case '八':
		return 8, kindHan
	case '九':
		return 9, kindHan
	}
	return -1, kindNone
}

func isSep(r rune, kind int) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u3000', '-', '－', '–', '—', ')', '）':
		return true
	case '，', ',', '、':
		// ASR punctuation splits spoken numbers; between Arabic digits a comma
		// is a thousands separator or a list, not part of one number.
		return kind == kindHan
	}
	return false
}

func isX(r rune) bool { return r == 'X' || r == 'x' || r == 'Ｘ' }

func isASCIIAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// numScanner holds one run; its slices are reused from run to run.
type numScanner struct {
	rs   []rune
	kind int
	pos  []int  // rune index of each digit of the run
	val  []int8 // digit values, digitX for a trailing X
	ends []int  // ends[g] is the end (into pos) of group g
}

// maskNumbers masks every personal number in rs in place and reports whether
// it changed anything.
func maskNumbers(rs []rune) bool {
	// Room for a 19-digit number in a few groups without allocating.
	var pos [24]int
	var val [24]int8
	var ends [8]int
	sc := numScanner{rs: rs, pos: pos[:0], val: val[:0], ends: ends[:0]}
	changed := false
	for i := 0; i < len(rs); {
		_, k := digitOf(rs[i])
		if k == kindNone {
			i++
			continue
		}
		i = sc.scan(i, k)
		if sc.maskRun() {
			changed = true
		}
	}
	return changed
}

// scan collects the run of kind k starting at i and returns where it ends.
func (sc *numScanner) scan(i, k int) int {
	rs := sc.rs
	sc.kind, sc.pos, sc.val, sc.ends = k, sc.pos[:0], sc.val[:0], sc.ends[:0]
	j := i
	for {
		for j < len(rs) {
			v, kk := digitOf(rs[j])
			if kk != k {
				break
			}
			sc.pos, sc.val = append(sc.pos, j), append(sc.val, v)
			j++
		}
		// A trailing X is an ID check digit unless it starts a word (X光, 3xl).
		if k == kindArabic && j < len(rs) && isX(rs[j]) && (j+1 == len(rs) || !isASCIIAlnum(rs[j+1])) {
			sc.pos, sc.val = append(sc.pos, j), append(sc.val, digitX)
			sc.ends = append(sc.ends, len(sc.pos))
			return j + 1
		}
		sc.ends = append(sc.ends, len(sc.pos))
		s := j
		for s < len(rs) && s-j < maxSep && isSep(rs[s], k) {
			s++
		}
		if s == j || s == len(rs) {
			return j
		}
		if _, kk := digitOf(rs[s]); kk != k {
			return j
		}
		j = s
	}
}

// width is the number of digits in [a,b), not counting a trailing X, which
// try drops again when the digits before it are no ID.
func (sc *numScanner) width(a, b int) int {
	if sc.val[b-1] == digitX {
		return b - a - 1
	}
	return b - a
}

func (sc *numScanner) start(g int) int {
	if g == 0 {
		return 0
	}
	return sc.ends[g-1]
}

// shapeOK reports whether groups g..h may form one number. Arabic groups
// must all be ≥3 digits (138 0013 8000) or all single digits (1 3 8 …), so
// dates and times (2026-11-02 10 30) never join into a number; ASR numerals
// are grouped arbitrarily.
func (sc *numScanner) shapeOK(g, h int) bool {
	if g == h || sc.kind == kindHan {
		return true
	}
	long, single := true, true
	for x := g; x <= h; x++ {
		n := sc.ends[x] - sc.start(x)
		long = long && n >= 3
		single = single && n == 1
	}
	return long || single
}

// maskRun masks the numbers of the current run, longest candidate first.
func (sc *numScanner) maskRun() bool {
	changed := false
	n := len(sc.ends)
	for g := 0; g < n; g++ {
		a := sc.start(g)
		// Numbers are at most 19 digits, so at most 19 groups: bounded work per group.
		last := g
		for last+1 < n && sc.width(a, sc.ends[last+1]) <= 19 {
			last++
		}
		hit := false
		for h := last; h >= g && !hit; h-- {
			if sc.width(a, sc.ends[h]) > 19 || !sc.shapeOK(g, h) {
				continue
			}
			if sc.try(a, sc.ends[h], sc.ends[g]-a, g != h) {
				hit, g = true, h
			}
		}
		// Spoken numerals run on into the next word (一三八…零零零一下):
		// accept a mobile at the start of a longer Han run.
		if !hit && sc.kind == kindHan && len(sc.pos)-a > 11 && isMobile(sc.val[a:a+11]) {
			sc.blank(a, a+11, 3, 4)
			hit = true
			for g < n-1 && sc.ends[g] < a+11 {
				g++
			}
		}
		changed = changed || hit
	}
	return changed
}

// try masks digits [a,b) of the run if they form a personal number. first is
// the length of the first group, multi whether the candidate spans groups.
func (sc *numScanner) try(a, b, first int, multi bool) bool {
	d := sc.val[a:b]
	if d[len(d)-1] == digitX {
		if idShape(d) {
			sc.blank(a, b, 6, 4)
			return true
		}
		if b-a < 2 {
			return false
		}
		return sc.try(a, b-1, min(first, b-1-a), multi)
	}
	switch len(d) {
	case 18:
		if idShape(d) || sc.card(d, a) {
			sc.blank(a, b, 6, 4)
			return true
		}
	case 15:
		if validOldID(d) {
			sc.blank(a, b, 6, 4)
			return true
		}
	case 16, 17, 19:
		if sc.card(d, a) {
			sc.blank(a, b, 6, 4)
			return true
		}
	case 13:
		// +86 13800138000 written without a separator.
		if d[0] == 8 && d[1] == 6 && isMobile(d[2:]) {
			sc.blank(a+2, b, 3, 4)
			return true
		}
	case 11:
		if isMobile(d) {
			sc.blank(a, b, 3, 4)
			return true
		}
	}
	if area := landlineArea(d); area > 0 && (!multi || first == area) {
		sc.blank(a+area, b, 0, 4)
		return true
	}
	return false
}

// blank replaces digits [a+head, b-tail) of the run with '*'.
func (sc *numScanner) blank(a, b, head, tail int) {
	for k := a + head; k < b-tail; k++ {
		sc.rs[sc.pos[k]] = '*'
	}
}

// card reports whether digits d, starting at digit a of the run, are a bank
// card: card-shaped and Luhn-valid, or card-shaped and not labelled as an
// order or serial number (订单号 6217…), whose check digit means nothing.
func (sc *numScanner) card(d []int8, a int) bool {
	return cardShape(d) && (luhn(d) || !sc.labelled(sc.pos[a]))
}

// orderLabels name numbers that are no personal data; one of them right
// before a number (订单号：…, 交易流水号 …) keeps a non-Luhn number readable.
var orderLabels = [][]rune{[]rune("单号"), []rune("订单"), []rune("流水号"), []rune("交易号"), []rune("编号")}

// labelled reports whether an order label ends at most 3 spacing runes (a
// space, a colon, 是, 为) before rune i.
func (sc *numScanner) labelled(i int) bool {
	rs := sc.rs
	for skip := 0; skip <= 3; skip++ {
		for _, l := range orderLabels {
			if i >= len(l) && slices.Equal(rs[i-len(l):i], l) {
				return true
			}
		}
		if i == 0 {
			return false
		}
		switch rs[i-1] {
		case ' ', '\u3000', ':', '：', '是', '为', '#':
			i--
		default:
			return false
		}
	}
	return false
}

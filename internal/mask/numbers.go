package mask

// Number family: mobiles, landlines, 身份证 and bank cards, written as digits
// (ASCII or full-width) or, in ASR text, as Chinese numerals. One pass
// collects a "run" of digit groups joined by short separators (138 0013 8000,
// 6222-0212-…), then tries candidates aligned to group boundaries, so digits
// glued to other digits (order numbers, dates) never match from the middle.

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
	sc := numScanner{rs: rs}
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
		if len(d) == 18 && validID(d) {
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
		if validID(d) || isCard(d) {
			sc.blank(a, b, 6, 4)
			return true
		}
	case 15:
		if validOldID(d) {
			sc.blank(a, b, 6, 4)
			return true
		}
	case 16, 17, 19:
		if isCard(d) {
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

func isMobile(d []int8) bool {
	return len(d) == 11 && d[0] == 1 && d[1] >= 3 && d[1] <= 9
}

// landlineArea returns the length of the area code if d is a landline with
// one (010 12345678, 0755 8888 1234), else 0. Numbers without an area code
// look like order numbers and amounts, so they stay.
func landlineArea(d []int8) int {
	if len(d) < 10 || len(d) > 12 || d[0] != 0 || d[1] == 0 {
		return 0
	}
	area := 4
	if d[1] == 1 || d[1] == 2 { // 010 and 02x are the only 3-digit codes
		area = 3
	}
	if local := len(d) - area; local < 7 || local > 8 || d[area] < 2 || d[area] > 9 {
		return 0
	}
	return area
}

// isCard reports whether d looks like a bank card: 16–19 digits, an issuer
// prefix that cards use (3–6, 9 for old domestic cards, 2221–2720 for
// Mastercard 2-series) and a valid Luhn digit. The prefix rule keeps order
// numbers that start with a date (2026…) readable.
func isCard(d []int8) bool {
	if len(d) < 16 || len(d) > 19 {
		return false
	}
	switch d[0] {
	case 3, 4, 5, 6, 9:
	case 2:
		if p := int(d[1])*100 + int(d[2])*10 + int(d[3]); p < 221 || p > 720 {
			return false
		}
	default:
		return false
	}
	return luhn(d)
}

func luhn(d []int8) bool {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i])
		if v > 9 {
			return false
		}
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck maps the weighted sum mod 11 to the GB 11643 check digit.
var idCheck = [11]int8{1, 0, digitX, 9, 8, 7, 6, 5, 4, 3, 2}

func validID(d []int8) bool {
	if len(d) != 18 || !province(d) {
		return false
	}
	sum := 0
	for i, w := range idWeights {
		if d[i] > 9 {
			return false
		}
		sum += int(d[i]) * w
	}
	return idCheck[sum%11] == d[17] && validDate(num(d[6:10]), num(d[10:12]), num(d[12:14]))
}

// validOldID checks a 15-digit ID (before 1999): region, 19YYMMDD, sequence.
func validOldID(d []int8) bool {
	return len(d) == 15 && province(d) && validDate(1900+num(d[6:8]), num(d[8:10]), num(d[10:12]))
}

// province reports whether the first two digits are a GB/T 2260 province
// code (11 北京 … 65 新疆, 71 台湾, 81–83 港澳台 residence permits).
func province(d []int8) bool {
	switch p := int(d[0])*10 + int(d[1]); {
	case p >= 11 && p <= 15, p >= 21 && p <= 23, p >= 31 && p <= 37, p >= 41 && p <= 46,
		p >= 50 && p <= 54, p >= 61 && p <= 65, p == 71, p >= 81 && p <= 83:
		return true
	}
	return false
}

func validDate(y, m, d int) bool {
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func num(d []int8) int {
	n := 0
	for _, v := range d {
		n = n*10 + int(v)
	}
	return n
}

// digits converts an all-digit string, with X allowed last when allowX.
func digits(s string, allowX bool) ([]int8, bool) {
	d := make([]int8, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, int8(c-'0'))
		case allowX && (c == 'X' || c == 'x') && i == len(s)-1:
			d = append(d, digitX)
		default:
			return nil, false
		}
	}
	return d, len(d) > 0
}

// ValidID reports whether s is an 18-digit 身份证 number with a valid region
// prefix, birth date and GB 11643 check digit (X allowed).
func ValidID(s string) bool {
	d, ok := digits(s, true)
	return ok && validID(d)
}

// Luhn reports whether s (digits only) passes the Luhn check.
func Luhn(s string) bool {
	d, ok := digits(s, false)
	return ok && len(d) > 1 && luhn(d)
}

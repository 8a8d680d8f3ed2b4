package mask

import "slices"

// Addresses and e-mail addresses.
//
// An address is masked from the street or residential-area name to the end of
// its house number (北京市朝阳区建国路88号 → 北京市朝阳区******): the
// province/city/district prefix stays, as in the usual CN masking convention,
// because QA needs the region and it identifies nobody. A street or area only
// counts when a house number follows it, and a bare building number only when
// it has two parts one of which is a building unit (3栋2单元501), so that
// 11月2号, 地铁10号线 and 我这里3号发货 stay readable.

// placeLen returns the length of the street or residential-area suffix
// (路, 大街, 小区, …) at rs[i], or 0. A switch, not a list: this runs on
// every rune of the text.
func placeLen(rs []rune, i int) int {
	var next rune
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	switch rs[i] {
	case '路', '街', '巷', '弄', '村', '苑':
		return 1
	case '大':
		if next == '道' || next == '街' || next == '厦' {
			return 2
		}
	case '胡':
		if next == '同' {
			return 2
		}
	case '小', '社':
		if next == '区' {
			return 2
		}
	case '花', '家':
		if next == '园' {
			return 2
		}
	case '公':
		if next == '寓' || next == '馆' {
			return 2
		}
	case '新':
		if next == '村' {
			return 2
		}
	case '广':
		if next == '场' {
			return 2
		}
	}
	return 0
}

// units follow a number inside an address; the first five are "strong": they
// only occur in addresses.
var units = runeLists("号楼", "单元", "栋", "幢", "室", "号院", "号", "座", "楼", "层", "弄", "巷", "户")

const strongUnits = 5

// maxName bounds how far left a street name may reach.
const maxName = 6

func runeLists(ss ...string) [][]rune {
	out := make([][]rune, len(ss))
	for i, s := range ss {
		out[i] = []rune(s)
	}
	return out
}

// at returns the index in list of the first entry rs[i:] starts with, or -1.
func at(rs []rune, i int, list [][]rune) int {
	for k, w := range list {
		if i+len(w) <= len(rs) && rs[i] == w[0] && slices.Equal(rs[i:i+len(w)], w) {
			return k
		}
	}
	return -1
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF
}

// stopsName reports whether r cannot be part of a street name: function
// words that precede addresses (住在, 地址是, 寄到) and the suffixes of the
// administrative levels we keep.
func stopsName(r rune) bool {
	switch r {
	case '在', '住', '是', '到', '于', '往', '去', '寄', '送', '址', '为', '的', '了', '我', '你', '他', '她',
		'您', '们', '和', '与', '及', '或', '从', '自', '把', '给', '让', '被', '就', '也', '都', '还', '请',
		'说', '个', '这', '那', '省', '市', '区', '县', '旗', '镇', '乡':
		return true
	}
	return false
}

// isNumRune reports whether r may be part of a house number: digits, Chinese
// numerals, letters (A座, 3B).
func isNumRune(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	if r == '十' || r == '百' {
		return true
	}
	_, k := digitOf(r)
	return k != kindNone
}

// number returns the end of the house number at i (3, 88-1, A, 十八), i if none,
// and whether it was written with dashes (3-2-501).
func number(rs []rune, i int) (int, bool) {
	j, dashed := i, false
	for j < len(rs) {
		switch {
		case isNumRune(rs[j]):
			j++
		case j > i && j+1 < len(rs) && (rs[j] == '-' || rs[j] == '－') && isNumRune(rs[j+1]):
			j, dashed = j+1, true
		default:
			return j, dashed
		}
	}
	return j, dashed
}

// chain parses house-number parts (88号, 3栋2单元501) at i. It returns their
// end, how many parts it found and whether one was a strong unit.
func chain(rs []rune, i int) (end, parts int, strong bool) {
	end = i
	for k := i; ; {
		n, dashed := number(rs, k)
		if n == k {
			return
		}
		u := at(rs, n, units)
		if u < 0 {
			switch {
			case dashed: // 3-2-501: building-unit-room shorthand
				end, parts, strong = n, parts+1, true
			case parts > 0 && trailingOK(rs, k):
				end, parts = n, parts+1 // the room after 2单元, 3号楼
			}
			return
		}
		k = n + len(units[u])
		end, parts, strong = k, parts+1, strong || u < strongUnits
	}
}

// trailingOK reports whether a bare number at k may follow the previous unit:
// a room after a building or unit (2单元501), not a year after a house
// number (88号2026年).
func trailingOK(rs []rune, k int) bool {
	switch rs[k-1] {
	case '元', '楼', '栋', '幢', '座', '层':
		return true
	}
	return false
}

// maskAddresses masks street addresses in rs in place.
func maskAddresses(rs []rune) bool {
	changed, prevNum := false, false
	for i := 0; i < len(rs); {
		if p := placeLen(rs, i); p > 0 {
			from := i
			for from > 0 && i-from < maxName && isHan(rs[from-1]) && !stopsName(rs[from-1]) {
				from--
			}
			i += p
			if end, parts, _ := chain(rs, i); parts > 0 && from < i-p {
				blankRange(rs, from, end)
				changed, i = true, end
			}
			prevNum = false // a place suffix or '*' precedes i
			continue
		}
		num := isNumRune(rs[i])
		if num && !prevNum {
			end, parts, strong := chain(rs, i)
			if parts >= 2 && strong {
				blankRange(rs, i, end)
				changed = true
			}
			// A failed chain fails from every later start too: skip it,
			// which keeps the pass linear.
			i = max(end, i+1)
			prevNum = isNumRune(rs[i-1])
			continue
		}
		prevNum = num
		i++
	}
	return changed
}

func blankRange(rs []rune, from, to int) {
	for k := from; k < to; k++ {
		rs[k] = '*'
	}
}

// maskEmails masks the local part of e-mail addresses except its first
// character (zhangsan@example.com → z*******@example.com); the domain says
// which provider, not who.
func maskEmails(rs []rune) bool {
	changed := false
	for i, r := range rs {
		if r != '@' {
			continue
		}
		a := i
		for a > 0 && isLocal(rs[a-1]) {
			a--
		}
		b, dot := i+1, -1
		for b < len(rs) && (isASCIIAlnum(rs[b]) || rs[b] == '-' || rs[b] == '.') {
			b++
		}
		for b > i+1 && rs[b-1] == '.' {
			b--
		}
		for k := i + 1; k < b; k++ {
			if rs[k] == '.' {
				dot = k
			}
		}
		if a == i || dot < 0 || dot == i+1 || b-dot < 3 {
			continue
		}
		blankRange(rs, a+1, i)
		changed = changed || i-a > 1
	}
	return changed
}

func isLocal(r rune) bool {
	switch r {
	case '.', '_', '%', '+', '-':
		return true
	}
	return isASCIIAlnum(r)
}

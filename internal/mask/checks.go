package mask

// Checks that tell a personal number from an order number or an amount.
// They work on digit values (digitX for a trailing X) so that ASCII,
// full-width and spoken digits are judged alike.

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

// isCard reports whether d is a bank card with a valid Luhn digit (see
// cardShape).
func isCard(d []int8) bool { return cardShape(d) && luhn(d) }

// cardShape reports whether d looks like a bank card whatever its check
// digit: 16–19 digits and an issuer prefix that cards use (3–6, 9 for old
// domestic cards, 2221–2720 for Mastercard 2-series). The prefix rule keeps
// order numbers that start with a date (2026…) readable. A card number that
// fails Luhn (misread by ASR, mistyped) is still personal data.
func cardShape(d []int8) bool {
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
	return true
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
	if !idShape(d) {
		return false
	}
	sum := 0
	for i, w := range idWeights {
		sum += int(d[i]) * w
	}
	return idCheck[sum%11] == d[17]
}

// idShape reports whether d is an 18-digit 身份证 number whatever its check
// digit: a province code and a valid birth date. A wrong check digit (a typo,
// a misheard digit, a made-up number) still leaves the person's region and
// birthday, so it is personal data all the same.
func idShape(d []int8) bool {
	if len(d) != 18 || !province(d) {
		return false
	}
	for _, v := range d[:17] {
		if v > 9 {
			return false
		}
	}
	return validDate(num(d[6:10]), num(d[10:12]), num(d[12:14]))
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

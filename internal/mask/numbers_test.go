package mask

import (
	"fmt"
	"strings"
	"testing"
)

// makeID builds an 18-digit 身份证 number with its GB 11643 check digit.
func makeID(region, birth, seq string) string {
	s := region + birth + seq
	sum := 0
	for i := range 17 {
		sum += int(s[i]-'0') * idWeights[i]
	}
	return s + string("10X98765432"[sum%11])
}

// idWithX returns a valid ID whose check digit is X.
func idWithX() string {
	for n := range 1000 {
		if id := makeID("110101", "19900307", fmt.Sprintf("%03d", n)); id[17] == 'X' {
			return id
		}
	}
	panic("no X check digit")
}

// wrongLast replaces the last character with another digit, breaking the check.
func wrongLast(s string) string {
	last := s[len(s)-1]
	if last == 'X' {
		return s[:len(s)-1] + "0"
	}
	return s[:len(s)-1] + string('0'+(last-'0'+1)%10)
}

// makeCard pads prefix to n-1 digits and appends the Luhn digit.
func makeCard(prefix string, n int) string {
	body := prefix
	for i := 0; len(body) < n-1; i++ {
		body += string('0' + byte(i*7+3)%10)
	}
	for d := byte('0'); d <= '9'; d++ {
		if Luhn(body + string(d)) {
			return body + string(d)
		}
	}
	panic("unreachable")
}

// keep masks all but the first head and last tail digits of s.
func keep(s string, head, tail int) string {
	return s[:head] + strings.Repeat("*", len(s)-head-tail) + s[len(s)-tail:]
}

// spaced joins s cut into pieces of the given sizes with sep.
func spaced(s, sep string, sizes ...int) string {
	var parts []string
	for _, n := range sizes {
		parts, s = append(parts, s[:n]), s[n:]
	}
	return strings.Join(parts, sep)
}

func TestValidID(t *testing.T) {
	id := makeID("110101", "19900307", "123")
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"generated", id, true},
		{"check digit X", idWithX(), true},
		{"lower-case x", strings.ToLower(idWithX()), true},
		{"leap day", makeID("440305", "20000229", "456"), true},
		{"wrong check digit", wrongLast(id), false},
		{"no 29 Feb in 1900", makeID("440305", "19000229", "456"), false},
		{"month 13", makeID("110101", "19901307", "123"), false},
		{"day 32", makeID("110101", "19900132", "123"), false},
		{"region 9x", makeID("910101", "19900307", "123"), false},
		{"region 0x", makeID("010101", "19900307", "123"), false},
		{"region 19 (no such province)", makeID("190101", "19900307", "123"), false},
		{"17 digits", id[:17], false},
		{"X in the middle", id[:5] + "X" + id[6:], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.in); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	card := makeCard("622202", 19)
	tests := []struct {
		in   string
		want bool
	}{
		{card, true},
		{"4111111111111111", true},
		{"79927398713", true},
		{wrongLast(card), false},
		{"4111111111111112", false},
		{"4111-1111", false},
		{"0", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Luhn(tt.in); got != tt.want {
			t.Errorf("Luhn(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTextNumbers(t *testing.T) {
	id := makeID("110101", "19900307", "123")
	idX := idWithX()
	card := makeCard("622202", 19)
	card16 := makeCard("621700", 16)
	mc2 := makeCard("222100", 16)
	dated := makeCard("202611", 16) // Luhn-valid, but an order number starting with a date
	tests := []struct {
		name, in, want string
	}{
		// mobiles
		{"mobile", "我的手机号是13800138000", "我的手机号是138****8000"},
		{"mobile then 一直", "13800138000一直打不通", "138****8000一直打不通"},
		{"mobile with spaces", "电话 138 0013 8000 谢谢", "电话 138 **** 8000 谢谢"},
		{"mobile with dashes", "138-0013-8000", "138-****-8000"},
		{"mobile digit by digit", "1 3 8 0 0 1 3 8 0 0 0", "1 3 8 * * * * 8 0 0 0"},
		{"+86 with spaces", "+86 138 0013 8000", "+86 138 **** 8000"},
		{"+86 glued", "+8613800138000", "+86138****8000"},
		{"86 dash", "86-13800138000", "86-138****8000"},
		{"full-width digits", "１３８００１３８０００", "１３８****８０００"},
		{"ASR numerals", "一三八零零一三八零零零", "一三八****八零零零"},
		{"ASR numerals with 幺 and groups", "幺三八 一三八零 零零零零", "幺三八 **** 零零零零"},
		{"ASR numerals with commas", "幺三八，幺三八零，零零零零", "幺三八，****，零零零零"},
		{"ASR numerals run on", "手机一三八零零一三八零零零一下", "手机一三八****八零零零一下"},
		{"mobile with x after", "13800138000x", "138****8000x"},
		{"second digit 2 is no mobile", "12800138000", "12800138000"},
		{"10 digits", "1380013800", "1380013800"},
		{"12 digits", "138001380001", "138001380001"},
		{"numerals that are no phone", "一二三四五六七八九零一", "一二三四五六七八九零一"},
		// landlines
		{"landline", "座机010-62345678", "座机010-****5678"},
		{"local part starting with 1 is no landline", "010-12345678", "010-12345678"},
		{"landline 4-digit area", "0755-8888 1234", "0755-**** 1234"},
		{"landline glued", "02188886666", "021****6666"},
		{"landline in brackets", "(010)62345678", "(010)****5678"},
		{"landline 7-digit local", "0951-5123456", "0951-***3456"},
		{"no area code stays", "88886666", "88886666"},
		{"400 hotline stays", "400-800-8888", "400-800-8888"},
		// 身份证
		{"ID", "身份证" + id + "。", "身份证" + keep(id, 6, 4) + "。"},
		{"ID with X", "证件号" + idX, "证件号" + keep(idX, 6, 4)},
		{"ID with x", strings.ToLower(idX), strings.ToLower(keep(idX, 6, 4))},
		{"ID spaced", spaced(id, " ", 6, 8, 4), spaced(keep(id, 6, 4), " ", 6, 8, 4)},
		// A typo in the check digit (or a made-up one) leaves personal data: region and birth date decide.
		{"ID wrong check digit", wrongLast(id), keep(wrongLast(id), 6, 4)},
		{"ID wrong check digit X", id[:17] + "X", keep(id[:17]+"X", 6, 4)},
		{"ID wrong check digit spaced", spaced(wrongLast(id), " ", 6, 8, 4), spaced(keep(wrongLast(id), 6, 4), " ", 6, 8, 4)},
		{"ID bad date", makeID("110101", "19900230", "123"), makeID("110101", "19900230", "123")},
		{"ID bad region", makeID("190101", "19900307", "123"), makeID("190101", "19900307", "123")},
		{"18 digits with a card prefix", makeID("990101", "19900307", "123"), keep(makeID("990101", "19900307", "123"), 6, 4)},
		{"old 15-digit ID", "110101900307123", "110101*****7123"},
		{"15 digits with a bad date", "110101901332123", "110101901332123"},
		// bank cards
		{"card 19", "卡号" + card, "卡号" + keep(card, 6, 4)},
		{"card dashed", spaced(card, "-", 4, 4, 4, 4, 3), spaced(keep(card, 6, 4), "-", 4, 4, 4, 4, 3)},
		{"card 16 spaced", spaced(card16, " ", 4, 4, 4, 4), spaced(keep(card16, 6, 4), " ", 4, 4, 4, 4)},
		{"Visa test card", "4111 1111 1111 1111", "4111 11** **** 1111"},
		{"Mastercard 2-series", mc2, keep(mc2, 6, 4)},
		// A card number misread by ASR or mistyped is still a card number.
		{"card wrong Luhn", "卡号" + wrongLast(card), "卡号" + keep(wrongLast(card), 6, 4)},
		{"card 16 wrong Luhn spaced", spaced(wrongLast(card16), " ", 4, 4, 4, 4), spaced(keep(wrongLast(card16), 6, 4), " ", 4, 4, 4, 4)},
		{"Visa wrong Luhn", "4111 1111 1111 1112", "4111 11** **** 1112"},
		{"order number wrong Luhn", "订单号" + wrongLast(card16), "订单号" + wrongLast(card16)},
		{"order number after 单号：", "单号：" + wrongLast(card16), "单号：" + wrongLast(card16)},
		{"Luhn-valid after 订单 is still a card", "订单" + card16, "订单" + keep(card16, 6, 4)},
		{"流水号 wrong Luhn", "交易流水号 " + wrongLast(card), "交易流水号 " + wrongLast(card)},
		{"order number starting with a date", "订单" + dated, "订单" + dated},
		// what must stay readable
		{"amount", "退款5000元，24小时内到账", "退款5000元，24小时内到账"},
		{"date and time", "2026-11-02 10:30 来电", "2026-11-02 10:30 来电"},
		{"工号", "工号1234为您服务", "工号1234为您服务"},
		{"amount list", "1,380,013,800元", "1,380,013,800元"},
		{"date then mobile", "2026-11-02 13800138000", "2026-11-02 138****8000"},
		{"two numbers", "13800138000-" + card, "138****8000-" + keep(card, 6, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "138****8000"},
		{"+86 13800138000", "+86 138****8000"},
		{"010-12345678", "010-****5678"},
		{"88886666", "888*6666"},
		{"95588", "***88"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Phone(tt.in); got != tt.want {
			t.Errorf("Phone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package mask

import (
	"testing"
	"unicode/utf8"
)

// FuzzText checks the two promises of Text on any input: the rune count is
// kept, and no valid mobile, 身份证 or bank card survives unmasked. The seed
// corpus runs in every `go test`.
func FuzzText(f *testing.F) {
	id := makeID("110101", "19900307", "123")
	card := makeCard("622202", 19)
	for _, s := range []string{
		"", "13800138000", "+86 138 0013 8000", "电话138-0013-8000转1", "一三八零零一三八零零零一下",
		"身份证" + id, id + "x", idWithX(), "卡号" + spaced(card, "-", 4, 4, 4, 4, 3), card + "X5",
		"1380013800013800138000", "13800138000@163.com", "李建国13800138000", "建国路13800138000号",
		"北京市朝阳区建国路88号幸福小区3栋2单元501", "2026-11-02 10:30 退款5000元", "\xff1380013800\xfe0",
		"１３８００１３８０００", "138 0013 8000 " + id, "0755-8888 1234", "3-2-501-13800138000",
	} {
		f.Add(s, "李建国")
	}
	f.Fuzz(func(t *testing.T, s, name string) {
		got := Text(s, name)
		if n, m := utf8.RuneCountInString(s), utf8.RuneCountInString(got); n != m {
			t.Fatalf("Text(%q, %q) = %q: %d runes, want %d", s, name, got, m, n)
		}
		if leak := survivor(got); leak != "" {
			t.Fatalf("Text(%q, %q) = %q: %s survives", s, name, got, leak)
		}
	})
}

// survivor returns a mobile, an ID (any check digit) or a Luhn-valid card found in s, judged on
// every maximal run of digits (with an ID's trailing X) independently of
// the masking code's run and group logic.
func survivor(s string) string {
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if _, k := digitOf(rs[i]); k != kindArabic {
			i++
			continue
		}
		var d []int8
		j := i
		for ; j < len(rs); j++ {
			v, k := digitOf(rs[j])
			if k != kindArabic {
				break
			}
			d = append(d, v)
		}
		if j < len(rs) && isX(rs[j]) && (j+1 == len(rs) || !isASCIIAlnum(rs[j+1])) {
			if withX := append(d, digitX); idShape(withX) {
				return string(rs[i : j+1])
			}
		}
		if isMobile(d) || idShape(d) || isCard(d) {
			return string(rs[i:j])
		}
		i = j
	}
	return ""
}

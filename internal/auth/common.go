package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/width"

	"qloop/internal/qa"
)

//go:embed common_passwords.txt
var commonList string

// common is the set of commonPasswords, built on first use.
var common = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
})

// commonSuffixes are the digit endings people add to a common word whatever their length.
var commonSuffixes = []string{"123456", "12345", "1314", "5201314", "520", "521", "666", "888", "999", "000", "2008", "8888",
	"6666", "1234567", "12345678", "123456789"}

// IsCommonPassword reports whether pw is one of the commonest passwords (common_passwords.txt),
// compared case-insensitively and with full-width letters folded, or one of them followed by a
// short (at most four characters) or common ending of digits and punctuation: password,
// Password123!, woaini1314 and ｑｗｅｒｔｙ１２３ all are.
func IsCommonPassword(pw string) bool {
	p := strings.ToLower(width.Fold.String(strings.TrimSpace(pw)))
	if common()[p] {
		return true
	}
	base := strings.TrimRightFunc(p, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if base == p || !common()[base] {
		return false
	}
	suffix := strings.TrimRightFunc(p[len(base):], func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
	suffix = strings.TrimLeftFunc(suffix, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if len(p)-len(base) <= 4 {
		return true
	}
	for _, s := range commonSuffixes {
		if suffix == s {
			return true
		}
	}
	// A year of birth, e.g. wangfang1988.
	return len(suffix) == 4 && (strings.HasPrefix(suffix, "19") || strings.HasPrefix(suffix, "20"))
}

// ValidateUserPassword is ValidatePassword for the account username: it also refuses a password
// that contains the username (or the username reversed), as a qa.EInvalid error.
func ValidateUserPassword(username, pw string) error {
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	name := NormalizeUsername(username)
	p := strings.ToLower(width.Fold.String(pw))
	if len([]rune(name)) >= 3 && (strings.Contains(p, name) || strings.Contains(p, reverse(name))) {
		return qa.NewError(qa.EInvalid, "密码不能包含用户名 the password must not contain the username")
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

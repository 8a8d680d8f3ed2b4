package console

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Messages from the layers below (validation errors, notifications) are written once for every
// surface in both languages, Chinese first: "沟通单 #3 待签批 slip #3 waits for your signature". The
// console shows the half in the reader's language; the API and the CLI keep both.

// fieldPath is a leading "problems[0]: " or "due: " that names the field a message is about.
var fieldPath = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?(?:\.[a-z_]+)*: `)

// inLang returns the part of a bilingual message for lang: each "; "-separated message is cut
// before its first English word that follows Chinese text, so the Chinese half keeps the ids and
// quoted values it mentions and the English half is what comes after. A message without Chinese,
// or without English after its Chinese, is shown as it is. A leading field path is put in words.
func (c *Console) inLang(lang, s string) string {
	parts := strings.Split(s, "; ")
	for i, p := range parts {
		prefix := ""
		if m := fieldPath.FindStringSubmatch(p); m != nil {
			prefix, p = c.fieldName(lang, m[1], m[2]), p[len(m[0]):]
		}
		zh, en := splitLang(p)
		switch {
		case lang == "en" && en != "":
			p = en
		case lang != "en" && zh != "":
			p = zh
		}
		parts[i] = prefix + p
	}
	sep := "; "
	if lang != "en" {
		sep = "；"
	}
	return strings.Join(parts, sep)
}

// fieldName puts a field path such as problems[0] in words: "问题 1: ", "problem 1: ".
func (c *Console) fieldName(lang, field, index string) string {
	name := field
	if c.cat.Has(lang, "field."+field) {
		name = c.cat.T(lang, "field."+field)
	}
	if index != "" {
		n, _ := strconv.Atoi(index)
		name += " " + strconv.Itoa(n+1)
	}
	if lang == "en" {
		return name + ": "
	}
	return name + "："
}

// splitLang cuts a "中文 English" message into its halves ("", "" when it is not one).
func splitLang(s string) (zh, en string) {
	seenHan := false
	quoted := false
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case unicode.Is(unicode.Han, r):
			seenHan = true
		case seenHan && r >= 'a' && r <= 'z' && (i == 0 || s[i-1] == ' ') && isWord(s[i:]):
			zh, en = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
			// "zhijian2 不是质检员 zhijian2 is not an inspector": the subject both halves start with.
			if first, _, _ := strings.Cut(zh, " "); first != zh && strings.HasSuffix(zh, " "+first) {
				zh, en = strings.TrimSpace(strings.TrimSuffix(zh, first)), first+" "+en
			}
			return strings.TrimRight(zh, ",;:"), en
		}
	}
	return "", ""
}

// isWord reports whether s starts with an English word: lower-case letters up to a space or
// punctuation, not an id such as c-20261102-0001 or zhijian2.
func isWord(s string) bool {
	n := 0
	for n < len(s) && s[n] >= 'a' && s[n] <= 'z' {
		n++
	}
	if n == len(s) {
		return true
	}
	switch s[n] {
	case ' ', ',', ':', ';', '.', ')', '\'', '!', '?':
		return true
	}
	return false
}

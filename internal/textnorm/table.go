package textnorm

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

//go:embed t2s.txt
var t2sData string

// The table covers the CJK blocks where all its characters live; a dense
// array of deltas keeps the per-rune lookup to one index operation.
const (
	hanLo = 0x3400
	hanHi = 0xA000
)

// t2s[r-hanLo] is r minus its simplified form, 0 when r is kept.
var t2s = func() *[hanHi - hanLo]int16 {
	var t [hanHi - hanLo]int16
	for line := range strings.Lines(t2sData) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		from, size := utf8.DecodeRuneInString(line)
		to, _ := utf8.DecodeRuneInString(strings.TrimSpace(line[size:]))
		if from < hanLo || from >= hanHi || to < hanLo || to >= hanHi {
			panic("textnorm: t2s.txt entry outside the CJK range: " + line)
		}
		t[from-hanLo] = int16(from - to)
	}
	return &t
}()

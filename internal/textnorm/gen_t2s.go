//go:build ignore

// gen_t2s derives t2s.txt, the one-to-one traditional → simplified character
// table, from gse's word dictionaries (Apache-2.0, see NOTICE):
//
//	cd /tmp && mkdir g && cd g && go mod init g && go get github.com/go-ego/gse@v0.80.3
//	go run gen_t2s.go $(go env GOMODCACHE)/github.com/go-ego/gse@v0.80.3/data/dict/zh > t2s.txt
//
// zh/t_1.txt (traditional) and zh/s_1.txt (simplified) list the same words
// with the same frequency and part of speech but in a different order, so a
// traditional word is paired with the simplified word that has the same
// (frequency, part of speech, length) when that key is unique on both sides.
// Paired words are aligned character by character and every traditional
// character maps to the simplified character it was aligned with most often.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

type key struct {
	freq, pos string
	n         int
}

func load(path string) map[key][]string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	m := map[key][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		k := key{fs[1], fs[2], len([]rune(fs[0]))}
		m[k] = append(m[k], fs[0])
	}
	return m
}

func main() {
	dir := os.Args[1]
	trad := load(filepath.Join(dir, "t_1.txt"))
	simp := load(filepath.Join(dir, "s_1.txt"))
	table := map[rune]rune{}
	// Round 0 pairs only unique keys; later rounds also pair a traditional
	// word with the only simplified word of its key that agrees with the
	// table so far, which reaches the rarer characters.
	for round := 0; round < 4; round++ {
		votes := map[rune]map[rune]int{}
		for k, tws := range trad {
			sws := simp[k]
			if len(sws) > 200 || (round == 0 && (len(tws) != 1 || len(sws) != 1)) {
				continue
			}
			for _, tw := range tws {
				t := []rune(tw)
				var match []rune
				for _, sw := range sws {
					if s := []rune(sw); compatible(table, t, s) {
						if match != nil {
							match = nil
							break
						}
						match = s
					}
				}
				for i := range match {
					if unicode.Is(unicode.Han, t[i]) && unicode.Is(unicode.Han, match[i]) {
						if votes[t[i]] == nil {
							votes[t[i]] = map[rune]int{}
						}
						votes[t[i]][match[i]]++
					}
				}
			}
		}
		table = decide(votes)
	}
	// Taiwan/Hong Kong variant forms the gse dictionary spells otherwise
	// (it writes 爲, 裏, 麪), added by hand.
	for t, s := range extra {
		if cur, ok := table[t]; !ok || cur == t {
			table[t] = s
		}
	}
	// Fold chains (a→b, b→c) so the table is idempotent.
	for t, s := range table {
		for i := 0; i < 4; i++ {
			if n, ok := table[s]; ok && n != s {
				s = n
			}
		}
		table[t] = s
	}
	keys := make([]rune, 0, len(table))
	for t := range table {
		if table[t] != t && t > 0x7f {
			keys = append(keys, t)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "# traditional simplified — derived from github.com/go-ego/gse v0.80.3 data/dict/zh (Apache-2.0) by gen_t2s.go")
	for _, t := range keys {
		fmt.Fprintf(w, "%c %c\n", t, table[t])
	}
}

var extra = map[rune]rune{
	'為': '为', '裡': '里', '麵': '面', '麪': '面', '著': '着', '眾': '众', '衆': '众',
	'啟': '启', '綫': '线', '妳': '你', '峯': '峰', '牀': '床', '齣': '出', '託': '托',
}

// compatible reports whether simplified word s can be the conversion of
// traditional word t under the partial table: known characters must convert
// as the table says, and at most half the characters may be still unknown.
func compatible(table map[rune]rune, t, s []rune) bool {
	unknown := 0
	for i := range t {
		if to, ok := table[t[i]]; ok {
			if to != s[i] {
				return false
			}
			continue
		}
		if t[i] != s[i] {
			unknown++
		}
	}
	return unknown*2 <= len(t)
}

// decide maps each character to its clear majority target; identities are
// kept so that compatible knows the character.
func decide(votes map[rune]map[rune]int) map[rune]rune {
	table := map[rune]rune{}
	for t, vs := range votes {
		best, bestN, total := rune(0), 0, 0
		for s, n := range vs {
			total += n
			if n > bestN || (n == bestN && s < best) {
				best, bestN = s, n
			}
		}
		// Require a clear majority from at least two words: a lone alignment
		// is as likely a different word with the same frequency as a variant.
		if bestN >= 2 && bestN*10 >= total*6 {
			table[t] = best
		}
	}
	return table
}

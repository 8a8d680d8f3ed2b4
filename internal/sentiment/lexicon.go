package sentiment

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"qloop/internal/match"
	"qloop/internal/textnorm"
)

// kind is what a lexicon entry does.
type kind uint8

const (
	polar    kind = iota // negative.txt, positive.txt: carries a weight
	abuse                // abuse.txt: weight, never negated
	negation             // negation.txt: flips the next polar word
	degree               // degree.txt: scales the next polar word
	neutral              // neutral.txt: blocks shorter entries inside it
)

// files lists the lexicon files, their kind and the weight of a line without one.
var files = []struct {
	name string
	kind kind
	def  float64
}{
	{"negative.txt", polar, -1},
	{"positive.txt", polar, 1},
	{"abuse.txt", abuse, -2},
	{"negation.txt", negation, 1},
	{"degree.txt", degree, 1.5},
	{"neutral.txt", neutral, 0},
}

type entry struct {
	kind   kind
	weight float64
}

// Lexicon is a word-list scorer: all lists in one match.Dict.
type Lexicon struct {
	dict    *match.Dict
	entries []entry // by Dict id
}

// Load reads the lexicon files from dir in fsys (see lexicon/README.md for
// the format); a missing file is an error, so a typo cannot silently drop a
// list. Custom lexicons make the Scorer pluggable per tenant.
func Load(fsys fs.FS, dir string) (*Lexicon, error) {
	l := &Lexicon{}
	var phrases []string
	for _, f := range files {
		name := path.Join(dir, f.name)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for n := 1; sc.Scan(); n++ {
			line, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			w := f.def
			if len(fields) > 1 {
				if w, err = strconv.ParseFloat(fields[1], 64); err != nil || len(fields) > 2 {
					return nil, fmt.Errorf("%s:%d: want \"phrase [weight]\"", name, n)
				}
			}
			if textnorm.Phrase(fields[0]) == "" {
				return nil, fmt.Errorf("%s:%d: %q is empty after normalisation", name, n, fields[0])
			}
			phrases = append(phrases, fields[0])
			l.entries = append(l.entries, entry{f.kind, w})
		}
	}
	l.dict = match.NewDict(phrases)
	return l, nil
}

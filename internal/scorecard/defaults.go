package scorecard

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"

	"qloop/internal/qa"
)

//go:embed defaults/*.yaml
var defaultFS embed.FS

// Default is a scorecard shipped inside the binary.
type Default struct {
	Name string
	Src  []byte
}

// Defaults returns the shipped scorecards (activity, aftersales, callcenter) in name order.
func Defaults() []Default {
	entries, err := defaultFS.ReadDir("defaults")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var out []Default
	for _, e := range entries {
		src, _ := defaultFS.ReadFile(path.Join("defaults", e.Name()))
		out = append(out, Default{Name: strings.TrimSuffix(e.Name(), ".yaml"), Src: src})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DefaultByName parses the shipped scorecard called name.
func DefaultByName(name string) (*qa.Scorecard, []byte, error) {
	for _, d := range Defaults() {
		if d.Name == name {
			sc, err := Parse(d.Src, "defaults/"+name+".yaml")
			return sc, d.Src, err
		}
	}
	return nil, nil, qa.NewError(qa.ENotFound, fmt.Sprintf("no default scorecard %q (defaults: activity, aftersales, callcenter)", name))
}

// Phrases lists every literal phrase a scorecard's checks look for (lexicons expanded, "+" parts
// split, duplicates removed), in first-seen order: what the phrase automaton is built from.
func Phrases(sc *qa.Scorecard) []string {
	seen := map[string]bool{}
	var out []string
	var add func(ps []string)
	add = func(ps []string) {
		for _, p := range ps {
			if strings.HasPrefix(p, "@") {
				add(sc.Lexicons[p[1:]])
				continue
			}
			for _, part := range strings.Split(p, "+") {
				if part = strings.TrimSpace(part); part != "" && !seen[part] {
					seen[part] = true
					out = append(out, part)
				}
			}
		}
	}
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			c := it.Check
			if c == nil {
				continue
			}
			for _, g := range c.AllOf {
				add(g)
			}
			for _, g := range c.AnyOf {
				add(g)
			}
			for _, l := range [][]string{c.Phrases, c.Except, c.Ask, c.Reason, c.Wait, c.Apology, c.Announce, c.Repeat, c.Backchannels} {
				add(l)
			}
		}
	}
	return out
}

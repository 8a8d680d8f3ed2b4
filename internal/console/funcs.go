package console

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/store"
)

var cst = time.FixedZone("CST", 8*3600)

func (c *Console) funcs() template.FuncMap {
	m := template.FuncMap{
		"t":   func(lang, id string, args ...any) string { return c.cat.T(lang, id, args...) },
		"can": func(u *auth.User, p string) bool { return u.Can(auth.Perm(p)) },
		"roleName": func(lang string, r auth.Role) string {
			if lang == "en" {
				return c.cat.T(lang, "role."+string(r))
			}
			return auth.RoleNames[r]
		},
		"roles": func() []auth.Role { return auth.Roles },
		// who is the header's "name · role", the role once: demo and many real accounts are named
		// after their role (质检主管 陈敏), and "质检主管 陈敏 · 质检主管" would say it twice.
		"who": func(lang string, u *auth.User) string {
			role := auth.RoleNames[u.Role]
			if lang == "en" {
				role = c.cat.T(lang, "role."+string(u.Role))
			}
			name := strings.TrimSpace(u.Name)
			switch {
			case name == "":
				return role
			case strings.Contains(name, auth.RoleNames[u.Role]) && lang != "en":
				return name
			}
			return name + " · " + role
		},
		"time": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(cst).Format("2006-01-02 15:04")
		},
		"secs": func(p *float64) string {
			if p == nil {
				return ""
			}
			s := int(*p)
			return fmt.Sprintf("%02d:%02d", s/60, s%60)
		},
		"score": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return fmt.Sprintf("%.1f", *p)
		},
		"num":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"join": strings.Join,
		// qs is the query string of q (without its cursor) with kv set ("" deletes), typed as a URL so
		// that html/template does not percent-encode its '=' and '&' a second time.
		"qs": func(q url.Values, kv ...string) template.URL {
			v := url.Values{}
			for k, vs := range q {
				if k != "cursor" {
					v[k] = vs
				}
			}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					v.Del(kv[i])
				} else {
					v.Set(kv[i], kv[i+1])
				}
			}
			return template.URL(v.Encode())
		},
		"segments": segments,
		// say shows a message written in both languages in the reader's (see inLang).
		"say":        c.inLang,
		"stratum":    c.stratum,
		"itemName":   func(lang string, it qa.Item) string { return c.itemName(lang, it.ID, it.Name) },
		"itemNameOf": c.itemName,
		"failedNames": func(lang string, row store.RecordRow) []string {
			out := make([]string, len(row.Failed))
			for i, id := range row.Failed {
				name := id
				if i < len(row.FailedNames) {
					name = row.FailedNames[i]
				}
				out[i] = c.itemName(lang, id, name)
			}
			return out
		},
		"split": strings.Fields,
		"inc":   func(i int) int { return i + 1 },
		"anchors": func(m map[int]string) []anchor {
			var out []anchor
			for l, s := range m {
				out = append(out, anchor{l, s})
			}
			sort.Slice(out, func(i, j int) bool { return out[i].Level > out[j].Level })
			return out
		},
	}
	for k, f := range c.workflowFuncs() {
		m[k] = f
	}
	return m
}

type anchor struct {
	Level int
	Text  string
}

// segment is a run of a turn's text, marked when a failed finding points at it.
type segment struct {
	Text     string
	Mark     bool
	Items    string // item ids
	Severity string
	Note     string
}

// segments cuts a turn's text at the character spans of its failed findings, so the page can
// highlight exactly the offending characters. Overlapping spans merge.
func segments(text string, turn int, findings []qa.Finding) []segment {
	rs := []rune(text)
	marks := make([]*qa.Finding, len(rs))
	for i := range findings {
		f := &findings[i]
		if f.Result != qa.ResultFail {
			continue
		}
		for _, p := range f.Places() {
			if p.Turn != turn {
				continue
			}
			for k := max(0, p.Span[0]); k < min(len(rs), p.Span[1]); k++ {
				if marks[k] == nil {
					marks[k] = f
				}
			}
		}
	}
	var out []segment
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && (marks[j] == nil) == (marks[i] == nil) && (marks[i] == nil || marks[j].Item == marks[i].Item) {
			j++
		}
		s := segment{Text: string(rs[i:j])}
		if f := marks[i]; f != nil {
			s.Mark, s.Items, s.Severity, s.Note = true, f.Item, f.Severity, f.Note
		}
		out = append(out, s)
		i = j
	}
	return out
}

// itemName is how the console names a scorecard item: the scorecard's own (Chinese) name, or in
// English the catalog's item.<id> when the catalog knows the item (the shipped scorecards' items).
func (c *Console) itemName(lang, id, name string) string {
	if lang == "en" && c.cat.Has(lang, "item."+id) {
		return c.cat.T(lang, "item."+id)
	}
	if name == "" {
		return id
	}
	return name
}

// stratum puts a sampling stratum key such as agent=A022|channel=call|period=2026-08 in words.
func (c *Console) stratum(lang, key string) string {
	if key == "" {
		return ""
	}
	parts := strings.Split(key, "|")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		if k == "channel" {
			v = c.tk(lang, "channel.", v)
		}
		parts[i] = c.tk(lang, "strata.", k) + " " + v
	}
	return strings.Join(parts, " · ")
}

// Package view prepares records for one viewer: what they may see (their scope) and how (customer
// personal data masked without the right). The API and the console both go through it, so the rules
// of docs/roles.md hold the same on every surface.
package view

import (
	"qloop/internal/auth"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/store"
)

// Visible reports whether u may see r: everyone with the right, a team lead their team's records,
// an agent their own.
func Visible(u *auth.User, r *qa.Record) bool { return u.Scope().Holds(r.AgentID, r.Team) }

// Restrict narrows a record filter to u's scope, and without the personal-data right makes its text
// search match only the masked texts u is shown (else searching 1398765 against 139****4322 would
// tell the hidden digits); it reports false when u may see nothing.
func Restrict(u *auth.User, f *store.RecordFilter) bool {
	f.Masked = !u.Can(auth.PermPersonalData)
	return u.Scope().Narrow(&f.AgentID, &f.Team)
}

// RestrictDash narrows a dashboard filter to u's scope; false when u may see nothing.
func RestrictDash(u *auth.User, f *store.DashFilter) bool {
	return u.Scope().Narrow(&f.AgentID, &f.Team)
}

// Record returns r and its inspections as u may see them: masked copies unless u holds the
// personal-data right. Masking keeps every string's length in characters, so evidence spans still
// point at the right place.
func Record(u *auth.User, r *qa.Record, ins []qa.Inspection) (*qa.Record, []qa.Inspection) {
	if u.Can(auth.PermPersonalData) {
		return r, ins
	}
	m := mask.Record(r)
	out := make([]qa.Inspection, len(ins))
	for i, in := range ins {
		fs := mask.RecordFindings(r, in.Findings)
		// Evidence is re-cut from the masked turn where it points into one: a fragment masked on its
		// own (half a phone number) might not be recognised.
		for k := range fs {
			f := &fs[k]
			if f.Turn != nil {
				recut(m, *f.Turn, f.Span, &f.Text)
			}
			for j := range f.More {
				recut(m, f.More[j].Turn, f.More[j].Span, &f.More[j].Text)
			}
		}
		in.Findings = fs
		out[i] = in
	}
	return m, out
}

// recut sets *text to the characters span selects in turn of the masked record m, where it can.
func recut(m *qa.Record, turn int, span []int, text *string) {
	if len(span) != 2 || turn < 0 || turn >= len(m.Turns) {
		return
	}
	rs := []rune(m.Turns[turn].Text)
	if span[0] >= 0 && span[0] <= span[1] && span[1] <= len(rs) {
		*text = string(rs[span[0]:span[1]])
	}
}

// Text masks free text (a search snippet, an import reject line) for u.
func Text(u *auth.User, s string) string {
	if u.Can(auth.PermPersonalData) {
		return s
	}
	return mask.Text(s)
}

// snippetContext is how many characters of a matched turn a snippet shows on each side of the hit.
const snippetContext = 24

// Snippets sets the Snippet of every row of page that a search matched in its text: the matched turn
// masked for u as a whole (so a phone number cut in half is still recognised), then cut around the
// hit. Masking keeps lengths, so the hit stays where the store found it.
func Snippets(u *auth.User, page *store.RecordPage) {
	for i := range page.Rows {
		r := &page.Rows[i]
		if r.Match == "" {
			continue
		}
		line := r.Match
		if !u.Can(auth.PermPersonalData) {
			line = mask.Text(line, r.CustomerName)
		}
		rs := []rune(line)
		at, end := r.MatchAt, r.MatchAt+r.MatchLen
		if at < 0 || end > len(rs) || at > end {
			continue
		}
		from, to := max(0, at-snippetContext), min(len(rs), end+snippetContext)
		s := &store.Snippet{Before: string(rs[from:at]), Hit: string(rs[at:end]), After: string(rs[end:to])}
		if from > 0 {
			s.Before = "…" + s.Before
		}
		if to < len(rs) {
			s.After += "…"
		}
		r.Snippet = s
	}
}

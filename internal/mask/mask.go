// Package mask hides customer personal data (H2) from roles without the
// "view personal data" right: names, mobiles and landlines, 身份证 and bank
// card numbers, e-mail addresses and street addresses, in record fields and
// inside chat and ASR text.
//
// Every function replaces masked characters one for one with '*', so a
// masked string has exactly the rune count of the original: evidence spans
// ([from,to) rune offsets in qa.Finding.Span) computed on the original text
// stay valid on the masked text.
//
// Digit runs that are no personal number by shape (order numbers, amounts,
// dates, 工号) stay readable: QA evidence must still make sense to the people
// who judge it. A check digit alone never makes a number readable: an ID
// with a wrong check digit or a card number that fails Luhn is still masked
// (but for a non-Luhn number labelled as an order or serial number).
//
// Record masks every customer_* field that identifies the customer (FORMAT.md)
// by field, not by pattern: a customer id of any shape is masked too.
package mask

import (
	"slices"
	"strings"
	"unicode/utf8"

	"qloop/internal/qa"
)

// Version names the masking rules. Raise it with every change to what is masked: the store keeps
// masked copies of the search texts and masks them all again when this differs from the version
// they were made with (store.Open), so search never matches what the new rules hide.
const Version = 1

// literal is a known value to mask wherever it occurs, with its mask.
type literal struct{ find, repl []rune }

// Text masks personal data inside free text: CN mobiles (also split by
// spaces or dashes, with +86, or spoken as Chinese numerals), landlines with
// an area code, 身份证 numbers with a region and birth date, right or wrong
// check digit (and 15-digit old ones), bank cards by issuer prefix and length
// (Luhn-valid, or not labelled as an order number), e-mail addresses and
// street addresses.
// names are extra literal names to mask wherever they occur, keeping the
// surname (李建国 → 李**).
func Text(s string, names ...string) string {
	return text(s, nameLiterals(names))
}

func nameLiterals(names []string) []literal {
	var lits []literal
	for _, n := range names {
		n = strings.TrimSpace(n)
		// A one-character "name" would blank that character everywhere.
		if utf8.RuneCountInString(n) < 2 {
			continue
		}
		lits = append(lits, literal{[]rune(n), []rune(Name(n))})
	}
	return lits
}

func text(s string, lits []literal) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	changed := false
	// Literals and e-mails first: both may cut a digit run into pieces,
	// and the number pass must then judge the pieces.
	for _, l := range lits {
		changed = replaceAll(rs, l) || changed
	}
	if strings.IndexByte(s, '@') >= 0 {
		changed = maskEmails(rs) || changed
	}
	changed = maskNumbers(rs) || changed
	changed = maskAddresses(rs) || changed
	if !changed {
		return s
	}
	return patch(s, rs)
}

// patch returns s with the runes masked in rs replaced by '*'. It copies the
// unchanged stretches of s as they are, which is cheaper than encoding rs
// and keeps invalid UTF-8 outside the masked parts byte for byte.
func patch(s string, rs []rune) string {
	var b strings.Builder
	b.Grow(len(s))
	off, last := 0, 0
	for _, r := range rs {
		size := utf8.RuneLen(r)
		if r == '*' || r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[off:])
			if r == '*' && s[off] != '*' {
				b.WriteString(s[last:off])
				b.WriteByte('*')
				last = off + size
			}
		}
		off += size
	}
	b.WriteString(s[last:])
	return b.String()
}

func replaceAll(rs []rune, l literal) bool {
	n := len(l.find)
	changed := false
	for i := 0; i+n <= len(rs); i++ {
		if rs[i] == l.find[0] && slices.Equal(rs[i:i+n], l.find) {
			copy(rs[i:], l.repl)
			changed = true
			i += n - 1
		}
	}
	return changed
}

// compound surnames keep two characters: 欧阳娜娜 → 欧阳**.
var compound = map[string]bool{
	"欧阳": true, "司马": true, "诸葛": true, "上官": true, "东方": true, "皇甫": true, "尉迟": true,
	"公孙": true, "慕容": true, "长孙": true, "宇文": true, "司徒": true, "夏侯": true, "令狐": true,
	"独孤": true, "端木": true, "南宫": true, "西门": true, "轩辕": true, "百里": true, "呼延": true,
	"澹台": true, "公羊": true, "闻人": true, "万俟": true, "申屠": true, "太史": true, "钟离": true,
	"宗政": true, "濮阳": true, "淳于": true, "单于": true, "赫连": true, "司空": true, "拓跋": true,
}

// Name masks a person's name keeping the surname (李建国 → 李**, 欧阳娜娜 →
// 欧阳**). Spaces and the name dot (·) stay so the shape of the name shows.
func Name(s string) string {
	rs := []rune(s)
	keep := 1
	switch {
	case len(rs) == 0:
		return s
	case len(rs) == 1:
		keep = 0
	case len(rs) > 2 && compound[string(rs[:2])]:
		keep = 2
	}
	for i := keep; i < len(rs); i++ {
		switch rs[i] {
		case ' ', '·', '•', '.', '\u3000':
		default:
			rs[i] = '*'
		}
	}
	return string(rs)
}

// Phone keeps the first 3 and last 4 digits of a mobile (13800138000 →
// 138****8000) and the area code and last 4 digits of a landline
// (010-****5678). Anything else keeps at most its last 4 digits.
func Phone(s string) string {
	if m := Text(s); m != s {
		return m
	}
	rs := []rune(s)
	var at []int
	for i, r := range rs {
		if _, k := digitOf(r); k == kindArabic {
			at = append(at, i)
		}
	}
	head, tail := 0, 0
	switch n := len(at); {
	case n >= 8:
		head, tail = 3, 4
	case n >= 4:
		tail = 2
	}
	if len(at) == 0 {
		return s
	}
	for _, i := range at[head : len(at)-tail] {
		rs[i] = '*'
	}
	return string(rs)
}

// CustomerID masks a customer id, whatever its shape (FORMAT.md makes every
// customer_* field personal data): a mobile, ID or card number as Text masks
// it; otherwise 15 or more characters keep the first 6 and last 4, 11–14 the
// first 3 and last 4, 5–10 the last 2, and shorter ids nothing. Spaces at the
// ends stay.
func CustomerID(s string) string {
	if m := Text(s); m != s {
		return m
	}
	rs := []rune(s)
	from, to := 0, len(rs)
	for from < to && isSpace(rs[from]) {
		from++
	}
	for to > from && isSpace(rs[to-1]) {
		to--
	}
	head, tail := 0, 0
	switch n := to - from; {
	case n >= 15:
		head, tail = 6, 4
	case n >= 11:
		head, tail = 3, 4
	case n >= 5:
		tail = 2
	}
	for i := from + head; i < to-tail; i++ {
		rs[i] = '*'
	}
	return string(rs)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0' }

// Record returns a deep copy of r with the customer's id, name and phone, the
// text of every turn, the ticket solution and the recording name masked. The
// customer tier is a service level, not an identifier, and agent data is not
// customer personal data: both stay. r is not modified.
func Record(r *qa.Record) *qa.Record {
	if r == nil {
		return nil
	}
	c := *r
	lits := recordLiterals(r)
	c.CustomerID = CustomerID(r.CustomerID)
	c.CustomerName = Name(r.CustomerName)
	c.CustomerPhone = Phone(r.CustomerPhone)
	// Recordings are often named after the caller's number.
	c.Recording = text(r.Recording, lits)
	if r.Turns != nil {
		c.Turns = make([]qa.Turn, len(r.Turns))
		for i, t := range r.Turns {
			t.Text = text(t.Text, lits)
			t.Start, t.End = clonePtr(t.Start), clonePtr(t.End)
			c.Turns[i] = t
		}
	}
	if r.Ticket != nil {
		t := *r.Ticket
		t.CreatedAt, t.FirstResponseAt = clonePtr(t.CreatedAt), clonePtr(t.FirstResponseAt)
		t.ResolvedAt, t.DueAt = clonePtr(t.ResolvedAt), clonePtr(t.DueAt)
		t.Solution = text(t.Solution, lits)
		c.Ticket = &t
	}
	c.Tags = slices.Clone(r.Tags)
	return &c
}

// Findings returns a deep copy of fs with each finding's Text and Note
// masked like Text (names as there). fs is not modified.
//
// A finding's Text is masked on its own, so a number cut by the evidence
// boundary may be judged differently than inside the whole turn; show
// evidence through the masked turn text and Span where it matters.
func Findings(fs []qa.Finding, names ...string) []qa.Finding {
	return findings(fs, nameLiterals(names))
}

func findings(fs []qa.Finding, lits []literal) []qa.Finding {
	if fs == nil {
		return nil
	}
	out := make([]qa.Finding, len(fs))
	for i, f := range fs {
		f.Text = text(f.Text, lits)
		f.Note = text(f.Note, lits)
		f.Turn, f.Start = clonePtr(f.Turn), clonePtr(f.Start)
		f.Span = slices.Clone(f.Span)
		if f.More != nil {
			more := make([]qa.Place, len(f.More))
			for k, p := range f.More {
				p.Text, p.Start, p.Span = text(p.Text, lits), clonePtr(p.Start), slices.Clone(p.Span)
				more[k] = p
			}
			f.More = more
		}
		out[i] = f
	}
	return out
}

// recordLiterals returns the customer's name, phone and id as literals to mask
// in r's texts. The phone and id fields may hold numbers the patterns miss
// (no area code, a system id): their exact occurrences are masked too, the
// longer first so that one inside the other is masked as the longer one.
func recordLiterals(r *qa.Record) []literal {
	lits := nameLiterals([]string{r.CustomerName})
	for _, v := range []struct {
		s    string
		min  int
		mask func(string) string
	}{{r.CustomerPhone, 5, Phone}, {r.CustomerID, 4, CustomerID}} {
		if p := strings.TrimSpace(v.s); utf8.RuneCountInString(p) >= v.min {
			lits = append(lits, literal{[]rune(p), []rune(v.mask(p))})
		}
	}
	slices.SortStableFunc(lits, func(a, b literal) int { return len(b.find) - len(a.find) })
	return lits
}

// RecordFindings is Findings for the findings of r: the customer's name,
// phone and id are masked wherever they occur, as Record masks r's texts.
func RecordFindings(r *qa.Record, fs []qa.Finding) []qa.Finding {
	return findings(fs, recordLiterals(r))
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

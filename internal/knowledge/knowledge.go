// Package knowledge is the knowledge base (知识库) behind a uniform answer (统一解答口径): per topic,
// the phrases by which a customer raises it, the key facts a correct answer must contain and the
// standard answer inspectors read beside the transcript.
//
// Check finds the topics a customer raised in a record and which key facts the agent's later turns
// stated. Matching works on textnorm-normalised text, so width, case, traditional script,
// punctuation, spaces and fillers do not matter; every trigger and fact phrase of the whole base is
// in one Aho-Corasick automaton, so each turn is normalised once and scanned once whatever the
// size of the base. Spans are rune offsets into the original turn text, as in internal/rules, so
// the UI highlights exactly what was written.
//
// A compiled Base is immutable and safe for concurrent use.
package knowledge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"qloop/internal/match"
	"qloop/internal/qa"
	"qloop/internal/textnorm"
)

// Entry is one knowledge-base item: a topic, how to recognise it in customer turns, the key facts a
// correct answer contains (each fact = alternatives, any one suffices), and the standard answer
// inspectors read.
type Entry struct {
	ID            int64     `json:"id"`
	Topic         string    `json:"topic"`                    // e.g. 信用卡年费
	BusinessTypes []string  `json:"business_types,omitempty"` // empty = any
	Triggers      []string  `json:"triggers"`                 // phrases in customer turns that raise the topic (any)
	Facts         []Fact    `json:"facts"`
	Answer        string    `json:"answer"` // the standard answer (统一解答口径)
	UpdatedAt     time.Time `json:"updated_at"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
}

// Fact is one key fact of an answer. Agents word things differently, so a fact lists the phrasings
// that state it and any one of them counts.
type Fact struct {
	Name string   `json:"name"` // e.g. 首年免年费
	Any  []string `json:"any"`  // phrases, any one of which states the fact
}

// Validate trims spaces from every text field and reports all problems at once, so an editor can
// fix the whole form in one go. The message is bilingual, problems are separated by "; ".
// A phrase that normalises to nothing (only punctuation or fillers such as 嗯) is rejected because
// it could never match: a fact made of such phrases would be reported missing in every record.
func (e *Entry) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	e.Topic = strings.TrimSpace(e.Topic)
	e.Answer = strings.TrimSpace(e.Answer)
	e.UpdatedBy = strings.TrimSpace(e.UpdatedBy)
	if e.Topic == "" {
		bad("topic 不能为空 topic is required")
	}
	for i := range e.BusinessTypes {
		e.BusinessTypes[i] = strings.TrimSpace(e.BusinessTypes[i])
		if e.BusinessTypes[i] == "" {
			bad("business_types[%d] 不能为空 business type is empty", i)
		}
	}
	if len(e.Triggers) == 0 {
		bad("triggers 不能为空 at least one trigger phrase is required")
	}
	for i := range e.Triggers {
		e.Triggers[i] = strings.TrimSpace(e.Triggers[i])
		if textnorm.Phrase(e.Triggers[i]) == "" {
			bad("triggers[%d] 不能为空 trigger phrase is empty (or only punctuation and fillers)", i)
		}
	}
	if len(e.Facts) == 0 {
		bad("facts 不能为空 at least one key fact is required")
	}
	seen := map[string]int{}
	for i := range e.Facts {
		f := &e.Facts[i]
		f.Name = strings.TrimSpace(f.Name)
		switch j, dup := seen[f.Name]; {
		case f.Name == "":
			bad("facts[%d].name 不能为空 the fact needs a name", i)
		case dup:
			bad("facts[%d].name 「%s」 与 facts[%d] 重复 duplicate fact name", i, f.Name, j)
		default:
			seen[f.Name] = i
		}
		if len(f.Any) == 0 {
			bad("facts[%d].any 不能为空 at least one phrase stating the fact is required", i)
		}
		for j := range f.Any {
			f.Any[j] = strings.TrimSpace(f.Any[j])
			if textnorm.Phrase(f.Any[j]) == "" {
				bad("facts[%d].any[%d] 不能为空 phrase is empty (or only punctuation and fillers)", i, j)
			}
		}
	}
	if len(errs) > 0 {
		return qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	return nil
}

// Base is a compiled knowledge base: every trigger and fact phrase of every entry in one automaton.
type Base struct {
	entries []Entry // validated copies, in id order
	dict    *match.Dict
	refs    []ref // dict phrase id → the trigger or fact it belongs to
	factAt  []int // entry index → index of its first fact in the flat list of all facts
	nFacts  int
}

// ref says what a dictionary phrase stands for: a trigger (fact < 0) or a fact of an entry.
type ref struct{ entry, fact int }

// Compile validates copies of entries (the caller's slice is not touched) and builds the automaton.
// It reports every invalid entry and duplicate id at once; ids must be unique because results
// name their entry by id.
func Compile(entries []Entry) (*Base, error) {
	b := &Base{entries: make([]Entry, len(entries))}
	var errs []string
	ids := map[int64]int{}
	for i := range entries {
		e := cloneEntry(entries[i])
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Sprintf("entries[%d] (%s): %v", i, e.Topic, err))
		}
		if j, dup := ids[e.ID]; dup {
			errs = append(errs, fmt.Sprintf("entries[%d].id %d 与 entries[%d] 重复 duplicate id", i, e.ID, j))
		}
		ids[e.ID] = i
		b.entries[i] = e
	}
	if len(errs) > 0 {
		return nil, qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	slices.SortStableFunc(b.entries, func(x, y Entry) int { return cmp.Compare(x.ID, y.ID) })

	var phrases []string
	b.factAt = make([]int, len(b.entries))
	for ei := range b.entries {
		e := &b.entries[ei]
		for _, p := range e.Triggers {
			phrases = append(phrases, p)
			b.refs = append(b.refs, ref{ei, -1})
		}
		b.factAt[ei] = b.nFacts
		for fi, f := range e.Facts {
			for _, p := range f.Any {
				phrases = append(phrases, p)
				b.refs = append(b.refs, ref{ei, fi})
			}
		}
		b.nFacts += len(e.Facts)
	}
	b.dict = match.NewDict(phrases)
	return b, nil
}

// Entries returns copies of the compiled (trimmed) entries in id order, for display.
func (b *Base) Entries() []Entry {
	if b == nil || len(b.entries) == 0 {
		return nil
	}
	out := make([]Entry, len(b.entries))
	for i := range b.entries {
		out[i] = cloneEntry(b.entries[i])
	}
	return out
}

func cloneEntry(e Entry) Entry {
	e.BusinessTypes = slices.Clone(e.BusinessTypes)
	e.Triggers = slices.Clone(e.Triggers)
	e.Facts = slices.Clone(e.Facts)
	for i := range e.Facts {
		e.Facts[i].Any = slices.Clone(e.Facts[i].Any)
	}
	return e
}

// Result is one topic raised in a record and how the agent's answer covered it.
type Result struct {
	EntryID int64     `json:"entry_id"`
	Topic   string    `json:"topic"`
	Turn    int       `json:"turn"`    // the customer turn that raised it
	Trigger string    `json:"trigger"` // text as written in that turn
	Span    []int     `json:"span"`    // rune [from,to) of the trigger in that turn's text
	Covered []FactHit `json:"covered"` // facts found in agent turns after the trigger turn
	Missing []string  `json:"missing"` // names of facts not found
	Answer  string    `json:"answer"`
}

// FactHit is where the agent stated a key fact: the first agent turn after the trigger that did.
type FactHit struct {
	Fact string `json:"fact"`
	Turn int    `json:"turn"`
	Text string `json:"text"` // as written in that turn
	Span []int  `json:"span"` // rune [from,to) in that turn's text
}

// found is a match being considered: its place in the normalised turn (to pick the best of several
// in one turn) and its evidence in the original text.
type found struct {
	turn, start, end int // end < 0: nothing found yet
	text             string
	span             []int
}

// better prefers the leftmost match and, among those, the longest: what a reader would highlight.
func (f *found) better(turn, start, end int) bool {
	if f.end < 0 {
		return true
	}
	if f.turn != turn {
		return false // an earlier turn already has it
	}
	return start < f.start || start == f.start && end > f.end
}

func (f *found) set(t *textnorm.Text, turn, start, end int) {
	s, e := t.OrigSpan(start, end)
	rs, re := textnorm.RuneSpan(t.Orig, s, e)
	*f = found{turn: turn, start: start, end: end, text: t.Orig[s:e], span: []int{rs, re}}
}

// Check finds every topic raised in rec's customer turns (the first occurrence per entry; an entry
// with business types applies only to records of one of them) and which of its facts the agent
// stated in the turns after the trigger turn. Results are ordered by trigger turn, then entry id;
// Covered lists facts in the entry's order and Covered and Missing are never nil, so a UI can
// render them without checks.
//
// Only agent turns after the trigger count: the standard answer is an answer to the customer's
// question, and the same words said earlier were said about something else (an agent explaining
// the bill mentions 年费 before the customer asks whether it can be refunded). It also keeps the
// verdict explainable: the inspector sees the question, then the answer. Facts in customer turns
// never count, and triggers in agent turns never raise a topic.
//
// Each customer or agent turn is normalised once and scanned once by the automaton; agent turns
// before the first topic is raised are skipped, as are system turns.
func (b *Base) Check(rec *qa.Record) []Result {
	if b == nil || len(b.entries) == 0 || rec == nil {
		return nil
	}
	applies := make([]bool, len(b.entries))
	for i := range b.entries {
		bt := b.entries[i].BusinessTypes
		applies[i] = len(bt) == 0 || slices.Contains(bt, rec.BusinessType)
	}
	trig := make([]found, len(b.entries))
	facts := make([]found, b.nFacts)
	for i := range trig {
		trig[i].end = -1
	}
	for i := range facts {
		facts[i].end = -1
	}
	raised := 0
	for ti := range rec.Turns {
		turn := &rec.Turns[ti]
		customer := turn.Speaker == qa.SpeakerCustomer
		if !customer && (turn.Speaker != qa.SpeakerAgent || raised == 0) {
			continue
		}
		t := textnorm.New(turn.Text)
		b.dict.Find(t.Norm, func(id, start, end int) {
			r := b.refs[id]
			if customer != (r.fact < 0) || !applies[r.entry] {
				return
			}
			f := &trig[r.entry]
			if !customer {
				if trig[r.entry].end < 0 {
					return // topic not raised (yet): the automaton still reports its facts
				}
				f = &facts[b.factAt[r.entry]+r.fact]
			} else if f.end < 0 {
				raised++
			}
			if f.better(ti, start, end) {
				f.set(&t, ti, start, end)
			}
		})
	}
	if raised == 0 {
		return nil
	}
	out := make([]Result, 0, raised)
	for ei := range b.entries {
		tr := &trig[ei]
		if tr.end < 0 {
			continue
		}
		e := &b.entries[ei]
		r := Result{EntryID: e.ID, Topic: e.Topic, Turn: tr.turn, Trigger: tr.text, Span: tr.span,
			Covered: []FactHit{}, Missing: []string{}, Answer: e.Answer}
		for fi, fact := range e.Facts {
			if h := &facts[b.factAt[ei]+fi]; h.end >= 0 {
				r.Covered = append(r.Covered, FactHit{Fact: fact.Name, Turn: h.turn, Text: h.text, Span: h.span})
			} else {
				r.Missing = append(r.Missing, fact.Name)
			}
		}
		out = append(out, r)
	}
	// Entries are in id order already; a stable sort by turn keeps that order within a turn.
	slices.SortStableFunc(out, func(x, y Result) int { return cmp.Compare(x.Turn, y.Turn) })
	return out
}

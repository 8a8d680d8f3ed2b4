package rules

import (
	"qloop/internal/qa"
	"qloop/internal/textnorm"
)

// phraseSet is a list of dict ids; sets are small, so a linear scan beats a map.
type phraseSet []int

func (s phraseSet) has(id int) bool {
	for _, x := range s {
		if x == id {
			return true
		}
	}
	return false
}

type hit struct{ id, start, end int }

// turnCtx is one turn normalised and matched against every phrase of the scorecard, once.
type turnCtx struct {
	idx    int
	turn   *qa.Turn
	text   textnorm.Text
	hits   []hit
	mood   float64
	moodOK bool
}

// recordCtx holds what every check of one inspection shares.
type recordCtx struct {
	e         *Engine
	r         *qa.Record
	turns     []turnCtx
	holds     []hold // computed on first use
	holdsDone bool
}

func (e *Engine) newRecordCtx(r *qa.Record) *recordCtx {
	x := &recordCtx{e: e, r: r, turns: make([]turnCtx, len(r.Turns))}
	for i := range r.Turns {
		t := &x.turns[i]
		t.idx, t.turn = i, &r.Turns[i]
		t.text = textnorm.New(r.Turns[i].Text)
		e.dict.Find(t.text.Norm, func(id, s, end int) {
			t.hits = append(t.hits, hit{id, s, end})
		})
	}
	return x
}

// find returns the first hit of set in t that is not inside a hit of except (and not quoted speech).
func (t *turnCtx) find(set, except phraseSet) (hit, bool) {
	for _, h := range t.hits {
		if set.has(h.id) && !t.excepted(h, except) {
			return h, true
		}
	}
	return hit{}, false
}

// count returns how many distinct hits of set t has outside except.
func (t *turnCtx) count(set, except phraseSet) int {
	n := 0
	for _, h := range t.hits {
		if set.has(h.id) && !t.excepted(h, except) {
			n++
		}
	}
	return n
}

func (t *turnCtx) has(set phraseSet) bool {
	_, ok := t.find(set, nil)
	return ok
}

func (t *turnCtx) excepted(h hit, except phraseSet) bool {
	for _, x := range t.hits {
		if x.start <= h.start && h.end <= x.end && except.has(x.id) {
			return true
		}
	}
	return false
}

// quoted reports whether the hit lies inside quotation marks in the original text: reported speech
// (the agent repeating what someone else said) is not the agent's own wording.
func (t *turnCtx) quoted(h hit) bool {
	s, _ := t.text.OrigSpan(h.start, h.end)
	depth := 0
	for _, r := range t.turn.Text[:s] {
		switch r {
		case '“', '「', '『', '"':
			if r == '"' && depth > 0 {
				depth--
			} else {
				depth++
			}
		case '”', '」', '』':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0
}

// evidence builds a failing finding pointing at hit h of turn t.
func (t *turnCtx) evidence(h hit) qa.Finding {
	s, e := t.text.OrigSpan(h.start, h.end)
	rs, re := textnorm.RuneSpan(t.turn.Text, s, e)
	i := t.idx
	return qa.Finding{Result: qa.ResultFail, Turn: &i, Text: t.turn.Text[s:e], Span: []int{rs, re}, Start: t.turn.Start}
}

// at builds a failing finding for something missing from turn t: it locates the turn (index and
// time) but quotes and highlights nothing, since no characters of the turn are at fault.
func (t *turnCtx) at() qa.Finding {
	i := t.idx
	return qa.Finding{Result: qa.ResultFail, Turn: &i, Start: t.turn.Start}
}

// whole builds a failing finding pointing at all of turn t.
func (t *turnCtx) whole() qa.Finding {
	i := t.idx
	return qa.Finding{Result: qa.ResultFail, Turn: &i, Text: t.turn.Text, Span: []int{0, len([]rune(t.turn.Text))}, Start: t.turn.Start}
}

func (t *turnCtx) speaker() string { return t.turn.Speaker }

// content reports whether the turn says anything once normalised (events and fillers do not).
func (t *turnCtx) content() bool { return t.text.Norm != "" }

// sentiment scores the turn once, lazily.
func (x *recordCtx) sentiment(t *turnCtx) float64 {
	if !t.moodOK {
		t.mood, t.moodOK = x.e.mood.Score(t.turn.Text), true
	}
	return t.mood
}

// selector picks the turns a phrase-like check looks at.
type selector struct {
	speaker  string
	position string
	n        int
	within   float64
}

func (s selector) pick(x *recordCtx) []*turnCtx {
	var all []*turnCtx
	for i := range x.turns {
		t := &x.turns[i]
		if t.turn.Event != "" && !t.content() {
			continue
		}
		if s.speaker == "any" || t.speaker() == s.speaker {
			all = append(all, t)
		}
	}
	switch s.position {
	case "first":
		return head(all, 1)
	case "last":
		return tail(all, 1)
	case "first_n":
		return head(all, s.n)
	case "last_n":
		return tail(all, s.n)
	case "within":
		var out []*turnCtx
		for _, t := range all {
			if t.turn.Start != nil && *t.turn.Start <= s.within {
				out = append(out, t)
			}
		}
		return out
	}
	return all
}

func head(ts []*turnCtx, n int) []*turnCtx {
	if len(ts) > n {
		return ts[:n]
	}
	return ts
}

func tail(ts []*turnCtx, n int) []*turnCtx {
	if len(ts) > n {
		return ts[len(ts)-n:]
	}
	return ts
}

// cutOff reports whether the call ended before the agent could close: a hang-up event or tag.
func (x *recordCtx) cutOff() bool {
	if x.r.HasTag("cut_off") || x.r.HasTag("hangup") {
		return true
	}
	for i := len(x.turns) - 1; i >= 0; i-- {
		t := x.turns[i].turn
		if t.Event == qa.EventHangup {
			return true
		}
		if t.Speaker == qa.SpeakerAgent {
			return false
		}
	}
	return false
}

// upset reports whether the customer is clearly upset anywhere, with the most upset turn.
func (x *recordCtx) upset(threshold float64) (*turnCtx, bool) {
	var worst *turnCtx
	low := threshold
	for i := range x.turns {
		t := &x.turns[i]
		if t.speaker() != qa.SpeakerCustomer {
			continue
		}
		if m := x.sentiment(t); m <= low {
			worst, low = t, m
		}
	}
	return worst, worst != nil
}

func (x *recordCtx) applies(naUnless string, threshold float64) bool {
	switch naUnless {
	case "complaint":
		return x.r.IsComplaint()
	case "upset":
		_, ok := x.upset(threshold)
		return ok
	case "upset_or_complaint":
		if x.r.IsComplaint() {
			return true
		}
		_, ok := x.upset(threshold)
		return ok
	}
	return true
}

func na(note string) qa.Finding { return qa.Finding{Result: qa.ResultNA, Note: note} }
func pass() qa.Finding          { return qa.Finding{Result: qa.ResultPass} }
func timed(t *qa.Turn) bool     { return t.Start != nil }
func end(t *qa.Turn) float64 {
	if t.End != nil {
		return *t.End
	}
	return *t.Start
}

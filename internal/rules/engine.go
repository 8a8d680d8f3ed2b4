// Package rules judges a record against a compiled scorecard: every item's check, with evidence,
// and the record's score. It is pure: no I/O, no clock, safe for concurrent use once compiled.
package rules

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"qloop/internal/match"
	"qloop/internal/qa"
	"qloop/internal/sentiment"
	"qloop/internal/textnorm"
)

// Options tune an engine; the zero value uses the defaults.
type Options struct {
	Sentiment sentiment.Scorer // nil: sentiment.Default()
}

// Engine is a scorecard compiled for fast inspection: all its phrases in one automaton.
type Engine struct {
	sc        *qa.Scorecard
	dict      *match.Dict
	phrases   []string // unique normalised phrases; index = dict id
	items     []item
	mood      sentiment.Scorer
	needMood  bool
	exprNeeds bool
}

type item struct {
	dim   int
	def   *qa.Item
	check check
}

// check judges one item; it returns a finding without Item/Severity (the engine fills those).
type check interface {
	judge(x *recordCtx) qa.Finding
}

// Compile prepares sc for inspection. It fails only on mistakes the scorecard validator also reports.
func Compile(sc *qa.Scorecard, opt Options) (*Engine, error) {
	e := &Engine{sc: sc, mood: opt.Sentiment}
	if e.mood == nil {
		e.mood = sentiment.Default()
	}
	b := &builder{e: e, ids: map[string]int{}}
	for di := range sc.Dimensions {
		for ii := range sc.Dimensions[di].Items {
			def := &sc.Dimensions[di].Items[ii]
			it := item{dim: di, def: def}
			if def.Check != nil {
				c, err := b.compile(def.Check)
				if err != nil {
					return nil, fmt.Errorf("rules: item %s: %w", def.ID, err)
				}
				it.check = c
			}
			e.items = append(e.items, it)
		}
	}
	e.dict = match.NewDict(e.phrases)
	return e, nil
}

// Scorecard returns the scorecard the engine was compiled from.
func (e *Engine) Scorecard() *qa.Scorecard { return e.sc }

// Applies reports whether the scorecard's scope covers r.
func (e *Engine) Applies(r *qa.Record) bool { return e.sc.AppliesTo.Matches(r) }

// Inspect judges every item on r and scores it.
func (e *Engine) Inspect(r *qa.Record) qa.Inspection {
	x := e.newRecordCtx(r)
	in := qa.Inspection{RecordID: r.ID, Scorecard: e.sc.Name, Version: e.sc.Version, Findings: make([]qa.Finding, len(e.items))}
	for i, it := range e.items {
		var f qa.Finding
		if it.check == nil {
			f = qa.Finding{Result: qa.ResultNA, Note: "人工评分项"}
		} else {
			f = it.check.judge(x)
		}
		f.Item = it.def.ID
		f.Severity = it.def.Severity
		if f.Severity == "" {
			f.Severity = qa.SeverityMinor
		}
		if it.def.Kind == qa.KindScale && f.Result != qa.ResultNA {
			if f.Level == 0 { // a non-scale check on a scale item: pass is the top level
				f.Level = 1
				if f.Result == qa.ResultPass {
					f.Level = 5
				}
			}
			pass := it.def.PassLevel
			if pass == 0 {
				pass = 3
			}
			f.Result = qa.ResultFail
			if f.Level >= pass {
				f.Result = qa.ResultPass
			}
		}
		if f.Result != qa.ResultFail {
			f.Turn, f.Text, f.Start, f.Span = nil, "", nil, nil
			if f.Result == qa.ResultNA {
				f.Hits = 0
			}
		}
		in.Findings[i] = f
	}
	Score(e.sc, &in)
	return in
}

// Score sets the score, passed and fatal of in from its findings: the weighted mean of the applicable
// pass/fail and scale items (SQS = Σ wᵢ·qᵢ) on a 0–100 scale, minus the points of failed deduction
// items. A failed fatal item (红线) zeroes the score and fails the record.
func Score(sc *qa.Scorecard, in *qa.Inspection) {
	// Findings normally come in item order (Inspect makes them so); look items up only when not.
	pos := 0
	ordered := true
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			if pos >= len(in.Findings) || in.Findings[pos].Item != it.ID {
				ordered = false
			}
			pos++
		}
	}
	var byID map[string]qa.Finding
	if !ordered || pos != len(in.Findings) {
		byID = make(map[string]qa.Finding, len(in.Findings))
		for _, f := range in.Findings {
			byID[f.Item] = f
		}
	}
	pos = 0
	var num, den, deduct float64
	fatal := false
	for _, d := range sc.Dimensions {
		var dn, dd float64
		for _, it := range d.Items {
			var f qa.Finding
			if byID == nil {
				f = in.Findings[pos]
				pos++
			} else if f = byID[it.ID]; f.Item == "" {
				continue
			}
			if f.Result == qa.ResultNA {
				continue
			}
			if f.Result == qa.ResultFail && it.Fatal {
				fatal = true
			}
			if it.Kind == qa.KindDeduction {
				if f.Result == qa.ResultFail {
					deduct += it.Points
				}
				continue
			}
			w := it.Weight
			if w == 0 {
				w = 1
			}
			q := 0.0
			switch {
			case it.Kind == qa.KindScale && f.Level > 0:
				q = float64(f.Level) / 5
			case f.Result == qa.ResultPass:
				q = 1
			}
			dn += w * q
			dd += w
		}
		if dd == 0 {
			continue
		}
		w := d.Weight
		if w == 0 {
			w = 1
		}
		num += w * dn / dd
		den += w
	}
	score := 100.0
	if den > 0 {
		score = 100 * num / den
	}
	score = math.Max(0, score-deduct)
	if fatal {
		score = 0
	}
	in.Score = math.Round(score*10) / 10
	in.Fatal = fatal
	in.Passed = !fatal && in.Score >= sc.PassScore
}

type builder struct {
	e   *Engine
	ids map[string]int
}

// set returns the dict ids of phrases, expanding "@lexicon" references.
func (b *builder) set(phrases []string) phraseSet {
	var s phraseSet
	for _, p := range phrases {
		if len(p) > 1 && p[0] == '@' {
			s = append(s, b.set(b.e.sc.Lexicons[p[1:]])...)
			continue
		}
		n := textnorm.Phrase(p)
		if n == "" {
			continue
		}
		id, ok := b.ids[n]
		if !ok {
			id = len(b.e.phrases)
			b.ids[n] = id
			b.e.phrases = append(b.e.phrases, n)
		}
		s = append(s, id)
	}
	return s
}

// groups compiles phrase groups. Each alternative may join parts with "+" (感谢您的致电+再见): the
// alternative matches when every part occurs in the chosen turns, in any order.
func (b *builder) groups(gs [][]string) []group {
	out := make([]group, len(gs))
	for i, g := range gs {
		for _, p := range g {
			if strings.Contains(p, "+") && p[0] != '@' {
				out[i] = append(out[i], b.set(strings.Split(p, "+")))
				continue
			}
			for _, id := range b.set([]string{p}) {
				out[i] = append(out[i], phraseSet{id})
			}
		}
	}
	return out
}

func (b *builder) compile(c *qa.Check) (check, error) {
	sel := selector{speaker: c.Speaker, position: c.Position, n: c.N, within: c.Within}
	if sel.speaker == "" {
		sel.speaker = qa.SpeakerAgent
	}
	switch c.Type {
	case qa.CheckPhrase:
		return &phraseCheck{sel: sel, all: b.groups(c.AllOf), any: b.groups(c.AnyOf), except: b.set(c.Except),
			similarity: c.Similarity, absent: c.Absent, naUnless: c.NAUnless, naWhen: c.NAWhen, raw: b.rawGroups(c)}, nil
	case qa.CheckForbidden:
		return &forbiddenCheck{sel: sel, phrases: b.set(c.Phrases), except: b.set(c.Except), naUnless: c.NAUnless}, nil
	case qa.CheckRegex:
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			return nil, err
		}
		return &regexCheck{sel: sel, re: re, absent: c.Absent, naUnless: c.NAUnless, naWhen: c.NAWhen}, nil
	case qa.CheckResponseTime:
		return &responseCheck{first: c.FirstReply, gap: c.MaxGap}, nil
	case qa.CheckSilence:
		return &silenceCheck{max: c.Max, pauses: b.set(orDefault(c.Phrases, defaultPauses)), hold: b.holdDetector(nil)}, nil
	case qa.CheckInterrupt:
		tol := c.Tolerance
		if tol == 0 {
			tol = 0.3
		}
		return &interruptCheck{tolerance: tol, backchannels: b.set(orDefault(c.Backchannels, defaultBackchannels))}, nil
	case qa.CheckHold:
		return &holdCheck{hold: b.holdDetector(c), ask: b.set(c.Ask), reason: b.set(orDefault(c.Reason, defaultHoldReasons)),
			wait: b.set(c.Wait), apology: b.set(c.Apology)}, nil
	case qa.CheckEmpathy:
		b.e.needMood = true
		return &empathyCheck{phrases: b.set(c.Phrases), except: b.set(c.Except), upset: upsetOr(c.Upset), naUnless: orStr(c.NAUnless, "upset_or_complaint")}, nil
	case qa.CheckComplaintConfirm:
		return &complaintCheck{repeat: b.set(c.Repeat), times: b.set(c.Phrases), except: b.set(c.Except)}, nil
	case qa.CheckSurname:
		return &surnameCheck{honorifics: orDefault(c.Honorifics, defaultHonorifics), verify: b.set(verifyWords)}, nil
	case qa.CheckTicketFields:
		return &ticketFieldsCheck{fields: c.Fields}, nil
	case qa.CheckTransfers:
		return &transfersCheck{max: c.Max, levels: c.Levels}, nil
	case qa.CheckTimeliness:
		return &timelinessCheck{measure: c.Measure, levels: c.Levels}, nil
	case qa.CheckSentiment:
		b.e.needMood = true
		n := c.N
		if n == 0 {
			n = 1 // the customer's last word: how they leave the conversation
		}
		return &sentimentCheck{upset: upsetOr(c.Upset), n: n}, nil
	case qa.CheckExpr:
		return compileExpr(c)
	}
	return nil, fmt.Errorf("unknown check type %q", c.Type)
}

// rawGroups keeps the literal phrases of each group for near-variant matching.
func (b *builder) rawGroups(c *qa.Check) [][]string {
	if c.Similarity == 0 {
		return nil
	}
	gs := c.AllOf
	if len(gs) == 0 {
		gs = c.AnyOf
	}
	out := make([][]string, len(gs))
	for i, g := range gs {
		for _, p := range g {
			if len(p) > 1 && p[0] == '@' {
				for _, q := range b.e.sc.Lexicons[p[1:]] {
					out[i] = append(out[i], textnorm.Phrase(q))
				}
				continue
			}
			out[i] = append(out[i], textnorm.Phrase(p))
		}
	}
	return out
}

func orDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

func orStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func upsetOr(v float64) float64 {
	if v == 0 {
		return sentiment.Upset
	}
	return v
}

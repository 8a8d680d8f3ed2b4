package rules

import (
	"fmt"
	"regexp"
	"strings"

	"qloop/internal/match"
	"qloop/internal/qa"
	"qloop/internal/textnorm"
)

// phraseCheck passes when the chosen turns contain every group (all) or some group (any).
type phraseCheck struct {
	sel        selector
	all, any   []group
	except     phraseSet
	similarity float64
	raw        [][]string
	absent     bool
	naUnless   string
	naWhen     string
}

func (c *phraseCheck) judge(x *recordCtx) qa.Finding {
	if !x.applies(c.naUnless, upsetOr(0)) {
		return na("不适用")
	}
	if c.naWhen == "cut_off" && x.cutOff() {
		return na("通话被客户挂断或中断, 无法结束")
	}
	turns := c.sel.pick(x)
	if len(turns) == 0 {
		if c.absent {
			return pass()
		}
		return na("没有可判断的" + speakerName(c.sel.speaker) + "发言")
	}
	if c.absent {
		for _, g := range append(c.all, c.any...) {
			for _, alt := range g {
				for _, t := range turns {
					if h, ok := t.find(alt, c.except); ok {
						return t.evidence(h)
					}
				}
			}
		}
		return pass()
	}
	groups, needAll := c.all, true
	if len(groups) == 0 {
		groups, needAll = c.any, false
	}
	var missing []int
	for gi, g := range groups {
		if !c.groupFound(turns, gi, g) {
			missing = append(missing, gi)
		}
	}
	if needAll && len(missing) == 0 || !needAll && len(missing) < len(groups) {
		return pass()
	}
	f := turns[0].at()
	if c.sel.position == "last" || c.sel.position == "last_n" {
		f = turns[len(turns)-1].at()
	}
	f.Note = "缺少: " + c.describe(x, groups[missing[0]])
	return f
}

// group is a list of alternatives; each alternative is the parts that must all occur.
type group []phraseSet

func (c *phraseCheck) groupFound(turns []*turnCtx, gi int, g group) bool {
	for _, alt := range g {
		if c.altFound(turns, alt) {
			return true
		}
	}
	if c.similarity > 0 && gi < len(c.raw) {
		for _, t := range turns {
			for _, p := range c.raw[gi] {
				if strings.Contains(p, "+") {
					continue
				}
				if _, _, _, ok := match.Near(t.text.Norm, p, c.similarity); ok {
					return true
				}
			}
		}
	}
	return false
}

func (c *phraseCheck) altFound(turns []*turnCtx, parts phraseSet) bool {
	for _, id := range parts {
		found := false
		for _, t := range turns {
			if _, ok := t.find(phraseSet{id}, c.except); ok {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(parts) > 0
}

func (c *phraseCheck) describe(x *recordCtx, g group) string {
	var ps []string
	for i, alt := range g {
		if i == 3 {
			ps = append(ps, "…")
			break
		}
		var parts []string
		for _, id := range alt {
			parts = append(parts, x.e.phrases[id])
		}
		ps = append(ps, strings.Join(parts, "+"))
	}
	return strings.Join(ps, " / ")
}

// forbiddenCheck fails on any listed phrase in the chosen turns, outside its exceptions and quotes.
type forbiddenCheck struct {
	sel      selector
	phrases  phraseSet
	except   phraseSet
	naUnless string
}

func (c *forbiddenCheck) judge(x *recordCtx) qa.Finding {
	if !x.applies(c.naUnless, upsetOr(0)) {
		return na("不适用")
	}
	var first *qa.Finding
	n := 0
	for _, t := range c.sel.pick(x) {
		for _, h := range t.hits {
			if !c.phrases.has(h.id) || t.excepted(h, c.except) || t.quoted(h) {
				continue
			}
			n++
			f := t.evidence(h)
			if first == nil {
				first = &f
			} else if len(first.More) < qa.MaxPlaces {
				first.More = append(first.More, qa.Place{Turn: *f.Turn, Text: f.Text, Start: f.Start, Span: f.Span})
			}
		}
	}
	if first == nil {
		return pass()
	}
	first.Hits = n
	first.Note = fmt.Sprintf("忌语 %d 处", n)
	return *first
}

// regexCheck looks for a regular expression in the original text of the chosen turns.
type regexCheck struct {
	sel      selector
	re       *regexp.Regexp
	absent   bool
	naUnless string
	naWhen   string
}

func (c *regexCheck) judge(x *recordCtx) qa.Finding {
	if !x.applies(c.naUnless, upsetOr(0)) {
		return na("不适用")
	}
	if c.naWhen == "cut_off" && x.cutOff() {
		return na("通话被中断")
	}
	turns := c.sel.pick(x)
	for _, t := range turns {
		loc := c.re.FindStringIndex(t.turn.Text)
		if loc == nil {
			continue
		}
		if !c.absent {
			return pass()
		}
		rs, re := textnorm.RuneSpan(t.turn.Text, loc[0], loc[1])
		i := t.idx
		return qa.Finding{Result: qa.ResultFail, Turn: &i, Text: t.turn.Text[loc[0]:loc[1]], Span: []int{rs, re}, Start: t.turn.Start}
	}
	if c.absent {
		return pass()
	}
	if len(turns) == 0 {
		return na("没有可判断的发言")
	}
	f := turns[0].at()
	f.Note = "未出现: " + c.re.String()
	return f
}

func speakerName(s string) string {
	switch s {
	case qa.SpeakerCustomer:
		return "客户"
	case "any":
		return ""
	}
	return "坐席"
}

package scorecard

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/expr-lang/expr"

	"qloop/internal/qa"
	"qloop/internal/rules"
)

// fieldsOf lists which optional check fields each check type uses; anything else set is a mistake.
var fieldsOf = map[string][]string{
	qa.CheckPhrase:           {"speaker", "position", "n", "within", "all_of", "any_of", "except", "similarity", "absent", "na_unless", "na_when"},
	qa.CheckForbidden:        {"speaker", "position", "n", "within", "phrases", "except", "similarity", "na_unless"},
	qa.CheckRegex:            {"speaker", "position", "n", "within", "pattern", "absent", "na_unless", "na_when"},
	qa.CheckResponseTime:     {"first_reply", "max_gap"},
	qa.CheckSilence:          {"max", "phrases"},
	qa.CheckInterrupt:        {"tolerance", "backchannels"},
	qa.CheckHold:             {"min_hold", "ask", "reason", "wait", "apology", "announce"},
	qa.CheckEmpathy:          {"phrases", "except", "upset", "na_unless", "similarity"},
	qa.CheckComplaintConfirm: {"repeat", "phrases", "except"},
	qa.CheckSurname:          {"honorifics"},
	qa.CheckTicketFields:     {"fields"},
	qa.CheckTransfers:        {"max", "levels"},
	qa.CheckTimeliness:       {"measure", "levels"},
	qa.CheckSentiment:        {"upset", "n"},
	qa.CheckExpr:             {"expr", "na_unless"},
}

var (
	speakers   = []string{"", qa.SpeakerAgent, qa.SpeakerCustomer, "any"}
	positions  = []string{"", "any", "first", "last", "first_n", "last_n", "within"}
	naUnless   = []string{"", "complaint", "upset", "upset_or_complaint"}
	naWhen     = []string{"", "cut_off"}
	measures   = []string{"first_response", "resolution", "overdue"}
	severities = []string{"", qa.SeverityMinor, qa.SeverityMajor, qa.SeverityCritical}
	// TicketFields are the ticket facts a ticket_fields check may require.
	TicketFields = []string{"created_at", "first_response_at", "resolved_at", "due_at", "status", "category", "solution"}
)

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	var q []string
	for _, x := range list {
		if x != "" {
			q = append(q, x)
		}
	}
	return strings.Join(q, ", ")
}

type validator struct {
	sc *qa.Scorecard
	ps Problems
}

func (v *validator) add(path, format string, args ...any) {
	v.ps = append(v.ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func validate(sc *qa.Scorecard) Problems {
	v := &validator{sc: sc}
	if !idPattern.MatchString(sc.Name) {
		v.add("$.name", "name %q must be lower-case letters, digits and _ (e.g. callcenter)", sc.Name)
	}
	if sc.Version < 0 {
		v.add("$.version", "version must be 1 or more (or omitted: versions are assigned on import)")
	}
	if strings.TrimSpace(sc.Title) == "" {
		v.add("$.title", "title is required (the name users see, e.g. 呼叫中心质检标准)")
	}
	if sc.PassScore < 0 || sc.PassScore > 100 {
		v.add("$.pass_score", "pass_score %.1f must be between 0 and 100", sc.PassScore)
	}
	for i, c := range sc.AppliesTo.Channels {
		if !oneOf(c, []string{qa.ChannelCall, qa.ChannelChat, qa.ChannelEmail, qa.ChannelTicket}) {
			v.add(fmt.Sprintf("$.applies_to.channels[%d]", i), "channel %q is not one of call, chat, email, ticket", c)
		}
	}
	for name, list := range sc.Lexicons {
		if len(list) == 0 {
			v.add("$.lexicons."+name, "lexicon %q is empty", name)
		}
	}
	if len(sc.Dimensions) == 0 {
		v.add("$.dimensions", "a scorecard needs at least one dimension with items")
	}
	dims, items := map[string]bool{}, map[string]bool{}
	for di := range sc.Dimensions {
		d := &sc.Dimensions[di]
		dp := fmt.Sprintf("$.dimensions[%d]", di)
		if !idPattern.MatchString(d.ID) {
			v.add(dp+".id", "dimension id %q must be lower-case letters, digits and _", d.ID)
		} else if dims[d.ID] {
			v.add(dp+".id", "dimension id %q is used twice", d.ID)
		}
		dims[d.ID] = true
		if strings.TrimSpace(d.Name) == "" {
			v.add(dp+".name", "dimension name is required")
		}
		if d.Weight < 0 {
			v.add(dp+".weight", "weight must not be negative")
		}
		if len(d.Items) == 0 {
			v.add(dp+".items", "dimension %q has no items", d.ID)
		}
		for ii := range d.Items {
			it := &d.Items[ii]
			ip := fmt.Sprintf("%s.items[%d]", dp, ii)
			if !idPattern.MatchString(it.ID) {
				v.add(ip+".id", "item id %q must be lower-case letters, digits and _", it.ID)
			} else if items[it.ID] {
				v.add(ip+".id", "item id %q is used twice: item ids are unique across the scorecard", it.ID)
			}
			items[it.ID] = true
			v.item(ip, it)
		}
	}
	return v.ps
}

func (v *validator) item(ip string, it *qa.Item) {
	if strings.TrimSpace(it.Name) == "" {
		v.add(ip+".name", "item name is required")
	}
	switch it.Kind {
	case qa.KindPassFail, qa.KindScale, qa.KindDeduction:
	case "":
		v.add(ip+".kind", "kind is required: passfail, scale or deduction")
	default:
		v.add(ip+".kind", "kind %q is not one of passfail, scale, deduction", it.Kind)
	}
	if !oneOf(it.Severity, severities) {
		v.add(ip+".severity", "severity %q is not one of 一般, 较严重, 严重", it.Severity)
	}
	if it.Weight < 0 {
		v.add(ip+".weight", "weight must not be negative")
	}
	if it.Kind == qa.KindDeduction && (it.Points <= 0 || it.Points > 100) {
		v.add(ip+".points", "a deduction item needs points between 0 and 100 (deducted when it fails)")
	}
	if it.Kind != qa.KindDeduction && it.Points != 0 {
		v.add(ip+".points", "points apply to deduction items only; use weight for %s items", it.Kind)
	}
	if it.Kind == qa.KindScale {
		for lvl := range it.Anchors {
			if lvl < 1 || lvl > 5 {
				v.add(ip+".anchors", "anchor level %d is outside 1–5", lvl)
			}
		}
		if it.PassLevel < 0 || it.PassLevel > 5 {
			v.add(ip+".pass_level", "pass_level must be 1–5")
		}
	} else if len(it.Anchors) > 0 {
		v.add(ip+".anchors", "anchors apply to scale items only")
	}
	if it.Check != nil {
		v.check(ip+".check", it)
	}
}

func (v *validator) check(cp string, it *qa.Item) {
	c := it.Check
	used, ok := fieldsOf[c.Type]
	if !ok {
		var types []string
		for t := range fieldsOf {
			types = append(types, t)
		}
		sort.Strings(types)
		v.add(cp+".type", "check type %q is unknown; expected one of %s", c.Type, strings.Join(types, ", "))
		return
	}
	for _, f := range setFields(c) {
		if !oneOf(f, used) {
			v.add(cp+"."+f, "%s is not used by a %s check (it uses: %s)", f, c.Type, strings.Join(used, ", "))
		}
	}
	if !oneOf(c.Speaker, speakers) {
		v.add(cp+".speaker", "speaker %q is not one of agent, customer, any", c.Speaker)
	}
	if !oneOf(c.Position, positions) {
		v.add(cp+".position", "position %q is not one of %s", c.Position, quoteList(positions))
	}
	if (c.Position == "first_n" || c.Position == "last_n") && c.N < 1 {
		v.add(cp+".n", "position %s needs n ≥ 1 (how many turns)", c.Position)
	}
	if c.Position == "within" && c.Within <= 0 {
		v.add(cp+".within", "position within needs within: seconds from the start")
	}
	if !oneOf(c.NAUnless, naUnless) {
		v.add(cp+".na_unless", "na_unless %q is not one of %s", c.NAUnless, quoteList(naUnless))
	}
	if !oneOf(c.NAWhen, naWhen) {
		v.add(cp+".na_when", "na_when %q is not one of %s", c.NAWhen, quoteList(naWhen))
	}
	if c.Similarity < 0 || c.Similarity > 1 {
		v.add(cp+".similarity", "similarity must be between 0 and 1 (e.g. 0.85)")
	}
	v.phrases(cp+".all_of", c.AllOf...)
	v.phrases(cp+".any_of", c.AnyOf...)
	v.phrases(cp+".phrases", c.Phrases)
	v.phrases(cp+".except", c.Except)
	for name, list := range map[string][]string{"ask": c.Ask, "reason": c.Reason, "wait": c.Wait, "apology": c.Apology, "announce": c.Announce, "repeat": c.Repeat, "backchannels": c.Backchannels, "honorifics": c.Honorifics} {
		v.phrases(cp+"."+name, list)
	}
	switch c.Type {
	case qa.CheckPhrase:
		if len(c.AllOf) == 0 && len(c.AnyOf) == 0 {
			v.add(cp, "a phrase check needs all_of or any_of: lists of phrase alternatives")
		}
	case qa.CheckForbidden, qa.CheckEmpathy:
		if len(c.Phrases) == 0 {
			v.add(cp+".phrases", "a %s check needs phrases", c.Type)
		}
	case qa.CheckRegex:
		if _, err := regexp.Compile(c.Pattern); err != nil || c.Pattern == "" {
			v.add(cp+".pattern", "pattern does not compile as a regular expression (RE2 syntax): %v", err)
		}
	case qa.CheckResponseTime:
		if c.FirstReply <= 0 && c.MaxGap <= 0 {
			v.add(cp, "a response_time check needs first_reply and/or max_gap in seconds")
		}
	case qa.CheckSilence:
		if c.Max <= 0 {
			v.add(cp+".max", "a silence check needs max: the longest allowed gap in seconds")
		}
	case qa.CheckHold:
		if len(c.Ask) == 0 || len(c.Apology) == 0 {
			v.add(cp, "a hold check needs ask and apology phrase lists")
		}
	case qa.CheckComplaintConfirm:
		if len(c.Repeat) == 0 {
			v.add(cp+".repeat", "a complaint_confirm check needs repeat phrases (how the agent repeats the complaint back)")
		}
	case qa.CheckTicketFields:
		if len(c.Fields) == 0 {
			v.add(cp+".fields", "a ticket_fields check needs fields (%s)", strings.Join(TicketFields, ", "))
		}
		for i, f := range c.Fields {
			if !oneOf(f, TicketFields) {
				v.add(fmt.Sprintf("%s.fields[%d]", cp, i), "ticket field %q is unknown; expected one of %s", f, strings.Join(TicketFields, ", "))
			}
		}
	case qa.CheckTimeliness:
		if !oneOf(c.Measure, measures) {
			v.add(cp+".measure", "measure %q is not one of %s", c.Measure, strings.Join(measures, ", "))
		}
		v.levels(cp+".levels", c.Levels, true)
	case qa.CheckTransfers:
		if c.Max <= 0 && len(c.Levels) == 0 {
			v.add(cp, "a transfers check needs max (fail at or above) or levels")
		}
		v.levels(cp+".levels", c.Levels, false)
	case qa.CheckExpr:
		if _, err := expr.Compile(c.Expr, expr.Env(rules.Env{}), expr.AsBool()); err != nil {
			v.add(cp+".expr", "expression does not compile: %s", firstLine(err.Error()))
		}
	}
}

func (v *validator) levels(path string, levels []float64, required bool) {
	if len(levels) == 0 {
		if required {
			v.add(path, "levels are required: up to four ascending thresholds giving levels 5, 4, 3, 2")
		}
		return
	}
	if len(levels) > 4 {
		v.add(path, "at most four thresholds (levels 5, 4, 3, 2; beyond the last is 1)")
	}
	for i := 1; i < len(levels); i++ {
		if levels[i] < levels[i-1] || math.IsNaN(levels[i]) {
			v.add(path, "thresholds must ascend")
			break
		}
	}
}

func (v *validator) phrases(path string, groups ...[]string) {
	for _, g := range groups {
		if len(g) == 0 && strings.HasSuffix(path, "_of") {
			v.add(path, "an empty group of alternatives can never match")
		}
		for _, p := range g {
			if strings.HasPrefix(p, "@") {
				if _, ok := v.sc.Lexicons[p[1:]]; !ok {
					v.add(path, "lexicon %q is not defined under lexicons:", p)
				}
			} else if strings.TrimSpace(p) == "" {
				v.add(path, "an empty phrase can never match")
			}
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// setFields names the check fields (by YAML key) that hold a non-zero value, other than type.
func setFields(c *qa.Check) []string {
	var out []string
	rv := reflect.ValueOf(c).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		key, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
		if key == "type" || rv.Field(i).IsZero() {
			continue
		}
		out = append(out, key)
	}
	return out
}

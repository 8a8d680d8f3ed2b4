package demo

import (
	"strings"
	"testing"
	"unicode/utf8"

	"qloop/internal/qa"
)

// The scanners below are deliberately simple text checks, independent of the generator's internals,
// that judge each CALLCENTER.md item the way the inspector does on this generator's vocabulary.

var stripper = strings.NewReplacer(",", "", "。", "", "?", "", "!", "", " ", "", ",", "", "?", "", "!", "", "、", "")

func norm(s string) string { return stripper.Replace(s) }

func has(s string, subs ...string) bool {
	s = norm(s)
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

var (
	tabooSeeds    = []string{"我再跟你说一遍", "你什么意思", "你先听我说完好不好", "你明白吗", "你知道吗", "您明白吗", "您知道吗", "我都说了好几遍了", "这不归我们管", "你听不懂吗"}
	empathySeeds  = []string{"我非常理解您现在的心情", "您先别着急", "非常抱歉给您带来不便", "如果换成我也会很着急", "实在抱歉让您遇到"}
	concreteSeeds = []string{"24小时内", "两个工作日内", "六点前", "三个工作日内"}
	compound      = []string{"欧阳", "司马", "诸葛", "上官"}
)

func agentTurns(r *qa.Record) []qa.Turn {
	var out []qa.Turn
	for _, t := range r.Turns {
		if t.Speaker == qa.SpeakerAgent && !isBackchannel(t.Text) {
			out = append(out, t)
		}
	}
	return out
}

func isBackchannel(s string) bool {
	switch norm(s) {
	case "嗯", "是", "嗯嗯", "对":
		return true
	}
	return false
}

func hungUp(r *qa.Record) bool {
	for _, t := range r.Turns {
		if t.Event == qa.EventHangup {
			return true
		}
	}
	return false
}

func surnameOf(name string) string {
	for _, c := range compound {
		if strings.HasPrefix(name, c) {
			return c
		}
	}
	_, n := utf8.DecodeRuneInString(name)
	return name[:n]
}

// judge returns pass/fail/na per item for one call.
func judge(r *qa.Record) map[string]string {
	res := map[string]string{}
	set := func(item string, ok bool) {
		if ok {
			res[item] = "pass"
		} else {
			res[item] = "fail"
		}
	}
	ag := agentTurns(r)
	set("opening", has(ag[0].Text, "您好", "你好") && has(ag[0].Text, "有什么可以帮"))
	if hungUp(r) {
		res["closing"] = "na"
	} else {
		last := ag[max(0, len(ag)-2):]
		ok := false
		for _, t := range last {
			ok = ok || has(t.Text, "还需要其他帮助", "还有其他可以帮", "还有其他问题") || (has(t.Text, "感谢") && has(t.Text, "再见"))
		}
		set("closing", ok)
	}
	taboo := false
	for _, t := range ag {
		// The repeat-back of a complaint quoting someone else is reported speech, not a taboo.
		taboo = taboo || (has(t.Text, tabooSeeds...) && !has(t.Text, "您反映的是"))
	}
	set("forbidden", !taboo)

	interrupt, surname, known := false, "", false
	addressed := false
	var custStart, custEnd, maxEnd float64
	silence := false
	var holds []bool // one etiquette verdict per hold
	for i, t := range r.Turns {
		s, e := *t.Start, *t.End
		if i > 0 && s-maxEnd > 20 {
			prev := r.Turns[i-1]
			// Holds and customer-asked pauses are not silences.
			if !(has(prev.Text, "稍等") || prev.Event == qa.EventHoldEnd || has(prev.Text, "不着急", "慢慢来") || has(holdOKText(r, i), "稍等")) {
				silence = true
			}
		}
		switch t.Speaker {
		case qa.SpeakerCustomer:
			custStart, custEnd = s, e
			if name, ok := strings.CutPrefix(norm(t.Text), "我姓"); ok {
				surname, known = name, true
			} else if name, ok := strings.CutPrefix(norm(t.Text), "免贵姓"); ok {
				surname, known = name, true
			} else if name, ok := strings.CutPrefix(norm(t.Text), "我叫"); ok {
				surname, known = surnameOf(name), true
			} else if strings.Contains(t.Text, "身份证号是") && r.CustomerName != "" {
				surname, known = surnameOf(r.CustomerName), true
			}
		case qa.SpeakerAgent:
			if !isBackchannel(t.Text) && s >= custStart && s < custEnd-0.3 {
				interrupt = true
			}
			if known && (strings.Contains(t.Text, surname+"先生") || strings.Contains(t.Text, surname+"女士")) {
				addressed = true
			}
			// A wait of 10 s or more after an announced 稍等 or a hold event is a hold.
			if i > 0 && ((s-maxEnd >= 10 && has(holdOKText(r, i), "稍等")) || r.Turns[i-1].Event == qa.EventHoldEnd) {
				holds = append(holds, holdPasses(r, i))
			}
		}
		maxEnd = max(maxEnd, e)
	}
	set("interrupt", !interrupt)
	set("silence", !silence)
	if known {
		set("surname", addressed)
	} else {
		res["surname"] = "na"
	}
	if len(holds) == 0 {
		res["hold"] = "na"
	} else {
		ok := true
		for _, h := range holds {
			ok = ok && h
		}
		set("hold", ok)
	}

	upset := false
	for _, t := range r.Turns {
		upset = upset || (t.Speaker == qa.SpeakerCustomer && strings.ContainsAny(t.Text, "!!"))
	}
	empathy, repeat, when := false, false, false
	for _, t := range ag {
		empathy = empathy || has(t.Text, empathySeeds...)
		repeat = repeat || has(t.Text, "您反映的是")
		when = when || has(t.Text, concreteSeeds...)
	}
	if upset || r.IsComplaint() {
		set("empathy", empathy)
	} else {
		res["empathy"] = "na"
	}
	if r.IsComplaint() {
		set("complaint_confirm", repeat && when)
	} else {
		res["complaint_confirm"] = "na"
	}
	return res
}

// holdOKText returns the text of the agent turn announcing the wait that ends at turn i.
func holdOKText(r *qa.Record, i int) string {
	for j := i - 1; j >= 0; j-- {
		if t := r.Turns[j]; t.Speaker == qa.SpeakerAgent {
			return t.Text
		}
	}
	return ""
}

// holdPasses judges the hold that ends with agent turn i: ask, reason, expected wait, apology.
func holdPasses(r *qa.Record, i int) bool {
	ann := holdOKText(r, i)
	ask := strings.ContainsAny(ann, "??")
	reason := has(ann, "帮您")
	wait := has(ann, "分钟")
	return ask && reason && wait && has(r.Turns[i].Text, "久等")
}

func TestCallBehaviours(t *testing.T) {
	_, recs := sample()
	counts := map[string]map[string]int{}
	for i := range recs {
		r := &recs[i]
		if r.Channel != qa.ChannelCall {
			continue
		}
		for item, res := range judge(r) {
			if counts[item] == nil {
				counts[item] = map[string]int{}
			}
			counts[item][res]++
		}
	}
	items := []string{"opening", "closing", "forbidden", "interrupt", "surname", "hold", "empathy", "complaint_confirm", "silence"}
	for _, item := range items {
		c := counts[item]
		t.Logf("%-17s pass %4d  fail %4d  na %4d", item, c["pass"], c["fail"], c["na"])
		// Every item appears passing and failing, and failures stay a minority as in a real centre.
		if c["pass"] < 20 || c["fail"] < 20 {
			t.Errorf("%s: %d pass, %d fail; want both ≥ 20", item, c["pass"], c["fail"])
		}
		if c["fail"] > c["pass"] {
			t.Errorf("%s fails more often than it passes: %v", item, c)
		}
	}
	for _, item := range []string{"closing", "surname", "hold", "empathy", "complaint_confirm"} {
		if counts[item]["na"] == 0 {
			t.Errorf("%s is never not applicable", item)
		}
	}
}

// TestLookalikes checks that the innocent cases a fair inspector must not count are present.
func TestLookalikes(t *testing.T) {
	_, recs := sample()
	want := []struct {
		name    string
		speaker string
		match   func(qa.Turn) bool
	}{
		{"IVR greeting", qa.SpeakerSystem, func(t qa.Turn) bool { return strings.Contains(t.Text, "欢迎致电") }},
		{"info question 您知道…吗", qa.SpeakerAgent, func(t qa.Turn) bool { return strings.Contains(t.Text, "请问您知道对方的开户行吗") }},
		{"reassurance 您不知道也没关系", qa.SpeakerAgent, func(t qa.Turn) bool { return strings.Contains(t.Text, "您不知道也没关系") }},
		{"repeat on request", qa.SpeakerAgent, func(t qa.Turn) bool { return strings.Contains(t.Text, "我再为您重复一遍") }},
		{"data confirmation", qa.SpeakerAgent, func(t qa.Turn) bool { return strings.Contains(t.Text, "我跟您再核对一遍") }},
		{"reported speech", qa.SpeakerAgent, func(t qa.Turn) bool { return has(t.Text, "您反映的是") && has(t.Text, "这不归我们管") }},
		{"customer says 你明白吗", qa.SpeakerCustomer, func(t qa.Turn) bool { return strings.Contains(t.Text, "你明白吗") }},
		{"backchannel", qa.SpeakerAgent, func(t qa.Turn) bool { return isBackchannel(t.Text) }},
		{"好的先生 without surname", qa.SpeakerAgent, func(t qa.Turn) bool { return has(t.Text, "好的先生", "好的女士") }},
		{"understanding without soothing", qa.SpeakerAgent, func(t qa.Turn) bool { return has(t.Text, "我理解您的意思") }},
		{"vague time", qa.SpeakerAgent, func(t qa.Turn) bool { return has(t.Text, "尽快处理", "等通知") }},
		{"customer-asked pause", qa.SpeakerCustomer, func(t qa.Turn) bool { return has(t.Text, "等一下", "等我一下", "稍等我去") }},
		{"short wait", qa.SpeakerAgent, func(t qa.Turn) bool { return has(t.Text, "我看一下") }},
		{"hold_start event", qa.SpeakerSystem, func(t qa.Turn) bool { return t.Event == qa.EventHoldStart }},
		{"hold_end event", qa.SpeakerSystem, func(t qa.Turn) bool { return t.Event == qa.EventHoldEnd }},
		{"hangup event", qa.SpeakerSystem, func(t qa.Turn) bool { return t.Event == qa.EventHangup }},
		{"staff number opening", qa.SpeakerAgent, func(t qa.Turn) bool { return strings.Contains(t.Text, "工号") }},
		{"ASR-style opening", qa.SpeakerAgent, func(t qa.Turn) bool { return t.Text == "您好 请问有什么可以帮您" }},
	}
	for _, w := range want {
		n := 0
		for i := range recs {
			for _, tu := range recs[i].Turns {
				if tu.Speaker == w.speaker && w.match(tu) {
					n++
				}
			}
		}
		if n < 5 {
			t.Errorf("%s: %d occurrences, want ≥ 5", w.name, n)
		}
	}
}

func TestChatsAndTickets(t *testing.T) {
	_, recs := sample()
	c := map[string]int{}
	for _, r := range recs {
		switch r.Channel {
		case qa.ChannelChat:
			var prev float64
			firstAgent := true
			for i, tu := range r.Turns {
				if tu.Start == nil || tu.End != nil {
					t.Fatalf("chat %s turn %d: start %v end %v", r.ID, i, tu.Start, tu.End)
				}
				if tu.Speaker == qa.SpeakerAgent {
					gap := *tu.Start - prev
					switch {
					case firstAgent && gap > 60:
						c["slow first response"]++
					case gap > 60:
						c["slow reply"]++
					}
					if firstAgent {
						if has(tu.Text, "您好") && has(tu.Text, "有什么可以帮") {
							c["good chat opening"]++
						} else {
							c["bad chat opening"]++
						}
					}
					firstAgent = false
				}
				prev = *tu.Start
			}
		case qa.ChannelTicket:
			tk := r.Ticket
			c["status "+tk.Status]++
			c["category "+tk.Category]++
			if tk.FirstResponseAt.Sub(*tk.CreatedAt).Hours() > 24 {
				c["late first response"]++
			}
			if tk.Transfers >= 2 && tk.Status == "open" {
				c["transferred, unresolved"]++
			}
			if tk.Status == "resolved" && tk.Solution == "" {
				c["resolved without solution"]++
			}
			if tk.ResolvedAt != nil && tk.ResolvedAt.After(*tk.DueAt) {
				c["overdue"]++
			}
			if len(r.Turns) == 0 {
				c["no turns"]++
			}
		}
		for _, tag := range r.Tags {
			c["tag "+tag]++
		}
		c["tier "+r.CustomerTier]++
		c["business "+r.BusinessType]++
	}
	for _, k := range []string{"slow first response", "slow reply", "good chat opening", "bad chat opening",
		"status resolved", "status open", "status closed", "category 咨询", "category 投诉", "category 故障", "category 退款",
		"late first response", "transferred, unresolved", "resolved without solution", "overdue", "no turns",
		"tag complaint", "tag escalated", "tag key_customer", "tier new", "tier regular", "tier vip", "tier strategic",
		"business 信用卡", "business 借记卡", "business 贷款", "business 理财", "business 手机银行", "business 投诉建议"} {
		if c[k] < 5 {
			t.Errorf("%s: %d records, want ≥ 5", k, c[k])
		}
	}
}

// TestAgentQuality checks that the agents' profiles show in the data: poor agents fail more than
// excellent ones, and improving agents fail less in the last month than in the first.
func TestAgentQuality(t *testing.T) {
	_, recs := sample()
	level := map[string]string{}
	for _, a := range Agents(Options{Seed: 1}) {
		level[a.ID] = a.Level
	}
	type tally struct{ fail, all int }
	byLevel := map[string]*tally{}
	improving := [3]tally{}
	start := defaultStart
	for i := range recs {
		r := &recs[i]
		if r.Channel != qa.ChannelCall {
			continue
		}
		l := level[r.AgentID]
		if byLevel[l] == nil {
			byLevel[l] = &tally{}
		}
		m := min(2, int(r.StartedAt.Sub(start).Hours()/24/31))
		for _, res := range judge(r) {
			if res == "na" {
				continue
			}
			byLevel[l].all++
			if l == "improving" {
				improving[m].all++
			}
			if res == "fail" {
				byLevel[l].fail++
				if l == "improving" {
					improving[m].fail++
				}
			}
		}
	}
	rate := func(x tally) float64 { return float64(x.fail) / float64(max(1, x.all)) }
	t.Logf("fail rate excellent %.3f good %.3f average %.3f poor %.3f; improving by month %.3f %.3f %.3f",
		rate(*byLevel["excellent"]), rate(*byLevel["good"]), rate(*byLevel["average"]), rate(*byLevel["poor"]),
		rate(improving[0]), rate(improving[1]), rate(improving[2]))
	if rate(*byLevel["poor"]) < 2*rate(*byLevel["excellent"]) {
		t.Error("poor agents do not fail clearly more often than excellent ones")
	}
	if rate(improving[2]) >= rate(improving[0]) {
		t.Error("improving agents do not improve")
	}
}

package rules

import (
	"fmt"
	"regexp"
	"strings"

	"qloop/internal/qa"
	"qloop/internal/textnorm"
)

// empathyCheck requires a soothing phrase from the agent when the customer is upset or complains.
type empathyCheck struct {
	phrases, except phraseSet
	upset           float64
	naUnless        string
}

func (c *empathyCheck) judge(x *recordCtx) qa.Finding {
	if !x.applies(c.naUnless, c.upset) {
		return na("客户情绪平稳且非投诉")
	}
	for i := range x.turns {
		t := &x.turns[i]
		if t.speaker() == qa.SpeakerAgent {
			if _, ok := t.find(c.phrases, c.except); ok {
				return pass()
			}
		}
	}
	if w, ok := x.upset(c.upset); ok {
		f := w.whole()
		f.Note = fmt.Sprintf("客户情绪激动 (%.2f), 坐席未安抚", x.sentiment(w))
		return f
	}
	f := qa.Finding{Result: qa.ResultFail, Note: "投诉来电, 坐席未安抚客户情绪"}
	if a := firstAgent(x); a != nil {
		f = a.at()
		f.Note = "投诉来电, 坐席未安抚客户情绪"
	}
	return f
}

func firstAgent(x *recordCtx) *turnCtx {
	for i := range x.turns {
		if t := &x.turns[i]; t.speaker() == qa.SpeakerAgent && t.content() {
			return t
		}
	}
	return nil
}

// concreteTime matches a concrete handling or reply time: 24小时内, 两个工作日内, 今天下午六点前, 3天内,
// 11月5日前. Vague times (尽快, 过几天, 等通知) have no number and never match.
var concreteTime = regexp.MustCompile(`([0-9０-９]+|[一二两三四五六七八九十]+)\s*(个)?\s*(小时|工作日|个工作日|天|日|周|分钟)\s*(之内|内|以内)|` +
	`(今天|今日|明天|明日|后天|本周[一二三四五六日天]?|下周[一二三四五六日天]?)\s*(上午|中午|下午|晚上)?\s*([0-9０-９]+|[一二两三四五六七八九十]+)\s*(点|:|：)[^，。,]{0,4}?(前|之前|以前|左右)?|` +
	`([0-9０-９]+|[一二三四五六七八九十]+)\s*月\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*(日|号)\s*(前|之前)`)

// complaintCheck requires, for complaints, repeating the complaint back and a concrete handling time.
type complaintCheck struct {
	repeat, times, except phraseSet
}

func (c *complaintCheck) judge(x *recordCtx) qa.Finding {
	if !x.r.IsComplaint() {
		return na("非投诉")
	}
	repeated, timed := false, false
	for i := range x.turns {
		t := &x.turns[i]
		if t.speaker() != qa.SpeakerAgent {
			continue
		}
		if _, ok := t.find(c.repeat, c.except); ok {
			repeated = true
		}
		if concreteTime.MatchString(t.turn.Text) || t.has(c.times) {
			timed = true
		}
	}
	if repeated && timed {
		return pass()
	}
	var missing []string
	if !repeated {
		missing = append(missing, "未向客户复述投诉内容")
	}
	if !timed {
		missing = append(missing, "未告知明确的处理时限")
	}
	f := qa.Finding{Result: qa.ResultFail}
	if a := lastAgent(x); a != nil {
		f = a.at()
	}
	f.Note = strings.Join(missing, ", ")
	return f
}

func lastAgent(x *recordCtx) *turnCtx {
	for i := len(x.turns) - 1; i >= 0; i-- {
		if t := &x.turns[i]; t.speaker() == qa.SpeakerAgent && t.content() {
			return t
		}
	}
	return nil
}

// Compound surnames are checked first so that 欧阳 is not read as 欧.
var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "澹台", "南宫", "端木", "独孤", "西门"}

var (
	statedSurname = regexp.MustCompile(`(?:免贵姓|我姓|本人姓|鄙人姓|我是姓)\s*(\p{Han}{1,2})`)
	statedName    = regexp.MustCompile(`(?:我叫|我的名字是|我的名字叫|本人叫)\s*(\p{Han}{2,4})`)
)

var (
	defaultHonorifics = []string{"先生", "女士", "小姐"}
	// verifyWords mark the agent checking the caller's identity (then the record's customer_name is known).
	verifyWords = []string{"核实", "验证", "核对", "身份证", "本人吗", "是本人", "机主", "持卡人", "确认您的身份", "身份信息"}
)

// surnameCheck requires addressing the customer as 某先生/某女士 once the surname is known.
type surnameCheck struct {
	honorifics []string
	verify     phraseSet
}

func (c *surnameCheck) judge(x *recordCtx) qa.Finding {
	surname, from := c.known(x)
	if surname == "" {
		return na("通话中未获知客户姓氏")
	}
	want := make([]string, len(c.honorifics))
	for i, h := range c.honorifics {
		want[i] = textnorm.Phrase(surname + h)
	}
	var after []*turnCtx
	for i := from + 1; i < len(x.turns); i++ {
		t := &x.turns[i]
		if t.speaker() != qa.SpeakerAgent || !t.content() {
			continue
		}
		after = append(after, t)
		for _, w := range want {
			if strings.Contains(t.text.Norm, w) {
				return pass()
			}
		}
	}
	if len(after) == 0 {
		return na("获知姓氏后坐席未再发言")
	}
	f := after[0].at()
	f.Note = fmt.Sprintf("已知客户姓%s, 未以「%s%s」称呼", surname, surname, c.honorifics[0])
	return f
}

// known returns the customer's surname and the turn from which the agent knows it.
func (c *surnameCheck) known(x *recordCtx) (string, int) {
	for i := range x.turns {
		t := &x.turns[i]
		switch t.speaker() {
		case qa.SpeakerCustomer:
			// The literal checks skip the regular expressions on the many turns that cannot match.
			if strings.Contains(t.turn.Text, "姓") {
				if m := statedSurname.FindStringSubmatch(t.turn.Text); m != nil {
					return surnameOf(m[1]), i
				}
			}
			if strings.Contains(t.turn.Text, "我叫") || strings.Contains(t.turn.Text, "名字") || strings.Contains(t.turn.Text, "本人叫") {
				if m := statedName.FindStringSubmatch(t.turn.Text); m != nil {
					return surnameOf(m[1]), i
				}
			}
		case qa.SpeakerAgent:
			if x.r.CustomerName != "" && t.has(c.verify) {
				// Identity is checked in this turn; the name is known once the customer answers.
				return surnameOf(x.r.CustomerName), i
			}
		}
	}
	return "", 0
}

func surnameOf(name string) string {
	name = strings.TrimSpace(name)
	for _, s := range compoundSurnames {
		if strings.HasPrefix(name, s) {
			return s
		}
	}
	for _, r := range name {
		return string(r)
	}
	return ""
}

// sentimentCheck passes when the customer does not end the record upset.
type sentimentCheck struct {
	upset float64
	n     int
}

func (c *sentimentCheck) judge(x *recordCtx) qa.Finding {
	seen := 0
	for i := len(x.turns) - 1; i >= 0 && seen < c.n; i-- {
		t := &x.turns[i]
		if t.speaker() != qa.SpeakerCustomer || !t.content() {
			continue
		}
		seen++
		if m := x.sentiment(t); m <= c.upset {
			f := t.whole()
			f.Note = fmt.Sprintf("客户结束时仍不满 (%.2f)", m)
			return f
		}
	}
	if seen == 0 {
		return na("没有客户发言")
	}
	return pass()
}

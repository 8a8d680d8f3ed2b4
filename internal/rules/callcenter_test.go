package rules_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/scorecard"
)

// call builds a call from lines "A|C|S start end text" (A agent, C customer, S system); a text of
// "[hold_start]", "[hold_end]" or "[hangup]" is a phone-system event.
func call(lines ...string) *qa.Record {
	r := &qa.Record{ID: "t1", Channel: qa.ChannelCall, AgentID: "A1", StartedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	for _, l := range lines {
		f := strings.SplitN(l, " ", 4)
		s, _ := strconv.ParseFloat(f[1], 64)
		e, _ := strconv.ParseFloat(f[2], 64)
		t := qa.Turn{Speaker: map[string]string{"A": "agent", "C": "customer", "S": "system"}[f[0]], Text: f[3], Start: qa.Seconds(s), End: qa.Seconds(e)}
		if strings.HasPrefix(t.Text, "[") && strings.HasSuffix(t.Text, "]") {
			t.Event, t.Text = strings.Trim(t.Text, "[]"), ""
		}
		r.Turns = append(r.Turns, t)
	}
	return r
}

func engine(t testing.TB, name string) *rules.Engine {
	t.Helper()
	sc, _, err := scorecard.DefaultByName(name)
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.Compile(sc, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func finding(t *testing.T, in qa.Inspection, item string) qa.Finding {
	t.Helper()
	for _, f := range in.Findings {
		if f.Item == item {
			return f
		}
	}
	t.Fatalf("no finding for item %s", item)
	return qa.Finding{}
}

const (
	open  = "A 0 3 您好,请问有什么可以帮您?"
	close = "A 50 53 请问您还需要其他帮助吗?"
	bye   = "A 54 56 感谢您的致电,再见!"
)

func TestCallcenterItems(t *testing.T) {
	e := engine(t, "callcenter")
	tests := []struct {
		name     string
		rec      *qa.Record
		item     string
		want     string
		evidence string // expected Text of a failing finding (when set)
	}{
		// opening
		{"opening standard", call(open, "C 3.5 6 我的卡被锁了"), "opening", "pass", ""},
		{"opening with company and staff number", call("A 0 5 您好,邮储银行客服中心,工号1234,很高兴为您服务,请问有什么可以帮到您?", "C 6 8 查余额"), "opening", "pass", ""},
		{"opening ASR spaces no punctuation", call("A 0 4 您 好 请问 有 什么 可以 帮 您", "C 5 7 查余额"), "opening", "pass", ""},
		{"opening traditional script", call("A 0 4 您好,請問有什麼可以幫您?", "C 5 7 查余额"), "opening", "pass", ""},
		{"opening filler inside", call("A 0 4 您好,嗯,请问有什么可以帮您", "C 5 7 查余额"), "opening", "pass", ""},
		{"opening bare wei", call("A 0 1 喂?", "C 1.5 3 你好"), "opening", "fail", ""},
		{"opening qing jiang", call("A 0 1 请讲", "C 1.5 3 你好"), "opening", "fail", ""},
		{"opening greeting without offer", call("A 0 2 您好,很高兴为您服务", "C 2.5 4 我要挂失"), "opening", "fail", ""},
		{"opening offer without greeting", call("A 0 2 请问有什么可以帮您", "C 2.5 4 我要挂失"), "opening", "fail", ""},
		{"opening IVR greeting does not count", call("S 0 3 您好,欢迎致电,请问有什么可以帮您", "A 4 5 喂", "C 5.5 7 挂失"), "opening", "fail", ""},
		{"opening is judged on the first agent turn only", call("A 0 1 喂", "C 1.5 3 喂你好", "A 3.5 5 您好,请问有什么可以帮您"), "opening", "fail", ""},
		// closing
		{"closing more help", call(open, "C 4 6 好的", close, "C 53.5 54 没有了"), "closing", "pass", ""},
		{"closing thanks and goodbye", call(open, "C 4 6 好的", bye), "closing", "pass", ""},
		{"closing bare goodbye", call(open, "C 4 6 好的", "A 50 51 好,再见"), "closing", "fail", ""},
		{"closing bare ok", call(open, "C 4 6 好的", "A 50 51 好的"), "closing", "fail", ""},
		{"closing cut off by customer", call(open, "C 4 6 算了不办了", "S 6 6 [hangup]"), "closing", "na", ""},
		// forbidden
		{"forbidden seed phrase", call(open, "C 4 6 我没听懂", "A 7 10 我再跟你说一遍,这个要去柜台办"), "forbidden", "fail", "我再跟你说一遍"},
		{"forbidden with nin", call(open, "C 4 6 什么", "A 7 9 您明白吗?"), "forbidden", "fail", "您明白吗"},
		{"forbidden you-know", call(open, "C 4 6 嗯", "A 7 9 这个规定你知道吗"), "forbidden", "fail", "你知道吗"},
		{"forbidden only customers say it", call(open, "C 4 8 你明白吗?我要的是退款!", "A 9 12 好的,我非常理解您的心情"), "forbidden", "pass", ""},
		{"forbidden genuine question", call(open, "C 4 6 我要转账", "A 7 10 请问您知道对方的开户行吗?"), "forbidden", "pass", ""},
		{"forbidden reassurance", call(open, "C 4 6 卡号我不知道", "A 7 10 您不知道也没关系,我帮您查"), "forbidden", "pass", ""},
		{"forbidden repeat at request", call(open, "C 4 6 你再说一遍", "A 7 10 好的,我再为您重复一遍"), "forbidden", "pass", ""},
		{"forbidden confirm data", call(open, "C 4 6 对", "A 7 10 我跟您再核对一遍信息"), "forbidden", "pass", ""},
		{"forbidden reported speech in quotes", call(open, "C 4 9 你们客服上次说你明白吗,很不礼貌", "A 10 15 您反映上次的客服说“你明白吗”,对吗?"), "forbidden", "pass", ""},
		{"forbidden traditional", call(open, "C 4 6 啥", "A 7 9 你什麼意思?"), "forbidden", "fail", ""},
		// interrupt
		{"interrupt agent cuts in", call(open, "C 4 12 我上个月的账单有一笔消费我没有印象", "A 8 10 这个您要去柜台"), "interrupt", "fail", "这个您要去柜台"},
		{"interrupt within tolerance", call(open, "C 4 12 我上个月的账单有一笔消费", "A 11.8 14 好的我帮您查"), "interrupt", "pass", ""},
		{"interrupt backchannel", call(open, "C 4 12 我上个月的账单有一笔消费我没有印象", "A 8 8.5 嗯。", "A 12.5 15 好的我帮您查"), "interrupt", "pass", ""},
		{"interrupt backchannel shi", call(open, "C 4 12 我上个月的账单有一笔消费我没有印象", "A 8 8.5 是。", "A 12.5 15 好的我帮您查"), "interrupt", "pass", ""},
		{"interrupt customer cuts agent", call(open, "A 4 12 我给您解释一下这个手续费的收取规则", "C 6 8 我不想听", "A 12.5 14 好的"), "interrupt", "pass", ""},
		// surname
		{"surname stated and used", call(open, "C 4 6 我姓张", "A 7 9 张先生您好,我帮您查询"), "surname", "pass", ""},
		{"surname compound", call(open, "C 4 6 免贵姓欧阳", "A 7 9 好的欧阳女士"), "surname", "pass", ""},
		{"surname stated not used", call(open, "C 4 6 我姓孙", "A 7 9 好的先生,我帮您查询"), "surname", "fail", ""},
		{"surname never known", call(open, "C 4 6 查余额", "A 7 9 好的先生"), "surname", "na", ""},
		// hold
		{"hold full etiquette", call(open, "C 4 6 帮我查下账单",
			"A 7 12 请问您是否方便稍等两分钟?我帮您查询一下账单明细", "C 12.5 13 好的",
			"A 45 48 对不起,让您久等了,查到了"), "hold", "pass", ""},
		{"hold no asking", call(open, "C 4 6 帮我查下账单",
			"A 7 10 请您稍等,我帮您查询一下,大概一分钟", "A 40 43 对不起,让您久等了"), "hold", "fail", ""},
		{"hold no apology", call(open, "C 4 6 帮我查下账单",
			"A 7 12 您看可以稍等一分钟吗?我帮您查询一下", "C 12.5 13 好的", "A 45 48 查到了,是一笔年费"), "hold", "fail", ""},
		{"hold no expected wait", call(open, "C 4 6 帮我查下账单",
			"A 7 12 您方便稍等一下吗?我帮您查询", "C 12.5 13 好的", "A 45 48 不好意思让您久等了"), "hold", "fail", ""},
		{"hold consent asked as a question (issue 14)", call(open, "C 4 6 帮我查下账单",
			"A 7 12 稍等一分钟可以吗?我帮您查询一下账单", "C 12.5 13 可以",
			"A 45 48 不好意思让您久等了,查到了"), "hold", "pass", ""},
		{"hold short wait is no hold", call(open, "C 4 6 帮我查下账单", "A 7 9 请稍等", "A 14 16 查到了"), "hold", "na", ""},
		{"hold customer asked pause", call(open, "C 4 6 等一下我找一下卡", "A 6.5 7 好的,您不着急", "C 30 32 找到了"), "hold", "na", ""},
		{"hold event without etiquette", call(open, "C 4 6 帮我查", "S 7 7 [hold_start]", "S 40 40 [hold_end]", "A 41 43 查到了"), "hold", "fail", ""},
		{"no hold", call(open, "C 4 6 谢谢", bye), "hold", "na", ""},
		// silence
		{"silence long gap", call(open, "C 4 6 帮我查下账单", "A 7 9 好的", "A 35 37 查到了"), "silence", "fail", ""},
		{"silence inside announced hold", call(open, "C 4 6 帮我查下账单", "A 7 12 请问您方便稍等两分钟吗?我帮您查询一下", "C 12.5 13 好", "A 45 48 对不起让您久等了"), "silence", "pass", ""},
		{"silence customer pause", call(open, "C 4 6 等一下我找一下卡", "A 6.5 7 好的", "C 35 37 找到了"), "silence", "pass", ""},
		{"silence short gaps", call(open, "C 4 6 查账单", "A 7 9 好的", "A 20 22 查到了"), "silence", "pass", ""},
		// empathy
		{"empathy angry customer soothed", call(open, "C 4 8 你们怎么回事!我的卡又被锁了,气死我了!", "A 9 13 我非常理解您现在的心情,我马上帮您处理"), "empathy", "pass", ""},
		{"empathy angry customer ignored", call(open, "C 4 8 你们怎么回事!我的卡又被锁了,气死我了!", "A 9 13 请提供一下您的卡号"), "empathy", "fail", ""},
		{"empathy understanding words are not soothing", call(open, "C 4 8 太过分了!你们到底搞什么!", "A 9 13 我理解您的意思"), "empathy", "fail", ""},
		{"empathy hold apology is not soothing", call(open, "C 4 8 太过分了!你们到底搞什么!", "A 9 13 非常抱歉让您久等了"), "empathy", "fail", ""},
		{"empathy what attitude (issue 14)", call(open, "C 4 8 你这是什么态度?", "A 9 13 请提供一下您的卡号"), "empathy", "fail", ""},
		{"empathy calm customer", call(open, "C 4 6 我想查一下余额", "A 7 9 好的"), "empathy", "na", ""},
		// complaint_confirm (tags set below)
		{"complaint repeated and timed", complaint(call(open, "C 4 8 我要投诉你们网点乱收费", "A 9 15 您反映的是网点乱收费的问题,对吗?我们会在24小时内给您回复")), "complaint_confirm", "pass", ""},
		{"complaint vague time", complaint(call(open, "C 4 8 我要投诉你们网点乱收费", "A 9 15 您反映的是网点乱收费的问题,我们会尽快处理")), "complaint_confirm", "fail", ""},
		{"complaint not repeated", complaint(call(open, "C 4 8 我要投诉你们网点乱收费", "A 9 15 好的,两个工作日内给您回复")), "complaint_confirm", "fail", ""},
		{"complaint today six", complaint(call(open, "C 4 8 我要投诉", "A 9 15 跟您确认一下,您是投诉扣费,今天下午六点前给您答复")), "complaint_confirm", "pass", ""},
		{"not a complaint", call(open, "C 4 6 查余额", bye), "complaint_confirm", "na", ""},
		{"calm complaint needs empathy", complaint(call(open, "C 4 8 我想反映一下网点服务的问题", "A 9 15 好的")), "empathy", "fail", ""},
		// abuse (fatal)
		{"abuse", call(open, "C 4 6 你们这什么破服务", "A 7 9 你有病吧"), "abuse", "fail", "你有病"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := e.Inspect(tt.rec)
			f := finding(t, in, tt.item)
			if f.Result != tt.want {
				t.Fatalf("%s = %s (%s), want %s", tt.item, f.Result, f.Note, tt.want)
			}
			if f.Result == qa.ResultFail {
				if f.Turn == nil && tt.item != "hold" {
					t.Errorf("failed finding has no turn evidence: %+v", f)
				}
				if f.Turn != nil && tt.rec.Turns[*f.Turn].Speaker != qa.SpeakerAgent && tt.item != "empathy" && tt.item != "silence" {
					t.Errorf("evidence on a %s turn: %+v", tt.rec.Turns[*f.Turn].Speaker, f)
				}
				if tt.evidence != "" && f.Text != tt.evidence {
					t.Errorf("evidence text = %q, want %q", f.Text, tt.evidence)
				}
				if len(f.Span) == 2 && f.Turn != nil {
					rs := []rune(tt.rec.Turns[*f.Turn].Text)
					if got := string(rs[f.Span[0]:f.Span[1]]); got != f.Text {
						t.Errorf("span %v selects %q, text is %q", f.Span, got, f.Text)
					}
				}
			}
		})
	}
}

func complaint(r *qa.Record) *qa.Record {
	r.Tags = append(r.Tags, "complaint")
	return r
}

func TestSurnameFromVerifiedName(t *testing.T) {
	e := engine(t, "callcenter")
	r := call(open, "C 4 6 我要查询", "A 7 10 请问您是持卡人本人吗?需要核实一下您的身份", "C 10.5 12 是的", "A 13 15 好的李先生,我帮您查")
	r.CustomerName = "李建国"
	if f := finding(t, e.Inspect(r), "surname"); f.Result != qa.ResultPass {
		t.Fatalf("surname = %s (%s), want pass", f.Result, f.Note)
	}
	r.Turns[4].Text = "好的先生,我帮您查"
	if f := finding(t, e.Inspect(r), "surname"); f.Result != qa.ResultFail {
		t.Fatalf("surname = %s, want fail", f.Result)
	}
}

func TestScoreAndFatal(t *testing.T) {
	e := engine(t, "callcenter")
	good := call(open, "C 4 6 我想查一下余额", "A 7 9 好的我帮您查,您的余额是五千元", "A 10 13 请问您还需要其他帮助吗?", "C 13.5 14 没有了", "A 14.5 16 感谢您的致电,再见!")
	in := e.Inspect(good)
	if !in.Passed || in.Fatal || in.Score != 100 {
		t.Fatalf("good call: score %.1f passed %v fatal %v: %+v", in.Score, in.Passed, in.Fatal, in.Failed())
	}
	if len(in.Findings) != len(e.Scorecard().Dimensions[0].Items)+len(e.Scorecard().Dimensions[1].Items)+len(e.Scorecard().Dimensions[2].Items) {
		t.Fatalf("want one finding per item, got %d", len(in.Findings))
	}
	bad := call("A 0 1 喂", "C 1.5 4 我想查一下余额", "A 5 7 你明白吗", "A 8 9 好,再见")
	in = e.Inspect(bad)
	if in.Passed || in.Score >= 80 {
		t.Fatalf("bad call: score %.1f passed %v", in.Score, in.Passed)
	}
	abusive := call(open, "C 4 6 查余额", "A 7 9 神经病", close, bye)
	in = e.Inspect(abusive)
	if !in.Fatal || in.Passed || in.Score != 0 {
		t.Fatalf("abusive call: score %.1f passed %v fatal %v", in.Score, in.Passed, in.Fatal)
	}
}

// Every occurrence of a forbidden phrase is marked, not only the first (issue 14, point 7).
func TestForbiddenMarksEveryOccurrence(t *testing.T) {
	e := engine(t, "callcenter")
	r := call(open, "C 4 6 我没听懂", "A 7 10 我再跟你说一遍,要去柜台", "C 11 12 啊?", "A 13 16 你明白吗?我再跟你说一遍")
	f := finding(t, e.Inspect(r), "forbidden")
	if f.Result != qa.ResultFail || f.Hits != 3 {
		t.Fatalf("forbidden = %s with %d hits, want fail with 3", f.Result, f.Hits)
	}
	places := f.Places()
	if len(places) != 3 {
		t.Fatalf("places = %+v, want 3", places)
	}
	want := []struct {
		turn int
		text string
	}{{2, "我再跟你说一遍"}, {4, "你明白吗"}, {4, "我再跟你说一遍"}}
	for i, p := range places {
		if p.Turn != want[i].turn || p.Text != want[i].text {
			t.Errorf("place %d = turn %d %q, want turn %d %q", i, p.Turn, p.Text, want[i].turn, want[i].text)
		}
		if got := string([]rune(r.Turns[p.Turn].Text)[p.Span[0]:p.Span[1]]); got != p.Text {
			t.Errorf("place %d span %v selects %q, text is %q", i, p.Span, got, p.Text)
		}
	}
}

// A finding for something missing locates the turn but quotes and highlights none of it (issue 14,
// point 17): no characters of the turn are at fault.
func TestMissingEvidenceHasNoSpan(t *testing.T) {
	e := engine(t, "callcenter")
	long := "好的,这个业务需要您本人携带身份证到就近网点办理,办理时间是工作日九点到五点,周末不办理对公业务"
	tests := []struct {
		name, item string
		rec        *qa.Record
		turn       int
	}{
		{"opening", "opening", call("A 0 5 "+long, "C 6 8 好的"), 0},
		{"closing", "closing", call(open, "C 4 6 好的", "A 50 58 "+long), 2},
		{"hold without asking", "hold", call(open, "C 4 6 帮我查下账单", "A 7 10 请您稍等,我帮您查询一下,大概一分钟", "A 40 43 "+long), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := finding(t, e.Inspect(tt.rec), tt.item)
			if f.Result != qa.ResultFail {
				t.Fatalf("%s = %s (%s), want fail", tt.item, f.Result, f.Note)
			}
			if f.Turn == nil || *f.Turn != tt.turn || f.Text != "" || f.Span != nil || f.Note == "" {
				t.Fatalf("evidence = turn %v text %q span %v note %q; want turn %d, no text or span, a note", f.Turn, f.Text, f.Span, f.Note, tt.turn)
			}
		})
	}
}

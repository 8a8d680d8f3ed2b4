package rules_test

import (
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/scorecard"
)

// one compiles a scorecard with a single item using check (YAML of the check body).
func one(t *testing.T, kind, check string) *rules.Engine {
	t.Helper()
	src := `name: t
title: 测试
pass_score: 60
lexicons:
  hi: [您好, 你好]
dimensions:
  - id: d
    name: 维度
    items:
      - id: x
        name: 条目
        kind: ` + kind + `
        check:
` + indent(check, "          ")
	sc, err := scorecard.Parse([]byte(src), "t.yaml")
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	e, err := rules.Compile(sc, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

// chat builds a chat from "A|C seconds text" lines (start times only).
func chat(lines ...string) *qa.Record {
	r := &qa.Record{ID: "m1", Channel: qa.ChannelChat, AgentID: "A1", StartedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	for _, l := range lines {
		f := strings.SplitN(l, " ", 3)
		var s float64
		for _, c := range f[1] {
			s = s*10 + float64(c-'0')
		}
		r.Turns = append(r.Turns, qa.Turn{Speaker: map[string]string{"A": "agent", "C": "customer"}[f[0]], Text: f[2], Start: qa.Seconds(s)})
	}
	return r
}

func at(h int) *time.Time {
	t := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
	return &t
}

func ticket(created, first, resolved, due int, status string, transfers int, solution string) *qa.Record {
	tk := &qa.Ticket{CreatedAt: at(created), Status: status, Transfers: transfers, Solution: solution, Category: "故障"}
	if first >= 0 {
		tk.FirstResponseAt = at(first)
	}
	if resolved >= 0 {
		tk.ResolvedAt = at(resolved)
	}
	if due >= 0 {
		tk.DueAt = at(due)
	}
	return &qa.Record{ID: "t1", Channel: qa.ChannelTicket, AgentID: "A1", StartedAt: *at(created), Ticket: tk}
}

func TestChecks(t *testing.T) {
	tests := []struct {
		name      string
		kind      string
		check     string
		rec       *qa.Record
		want      string
		wantLevel int
	}{
		{"response first reply in time", "passfail", "type: response_time\nfirst_reply: 30\nmax_gap: 60",
			chat("C 0 在吗", "A 20 您好,请问有什么可以帮您", "C 30 查物流", "A 80 好的"), "pass", 0},
		{"response first reply late", "passfail", "type: response_time\nfirst_reply: 30",
			chat("C 0 在吗", "A 45 您好"), "fail", 0},
		{"response gap late", "passfail", "type: response_time\nfirst_reply: 30\nmax_gap: 60",
			chat("C 0 在吗", "A 5 您好", "C 10 查物流", "C 40 人呢", "A 100 在的"), "fail", 0},
		{"response no times", "passfail", "type: response_time\nfirst_reply: 30",
			&qa.Record{Channel: "chat", Turns: []qa.Turn{{Speaker: "customer", Text: "在吗"}, {Speaker: "agent", Text: "您好"}}}, "na", 0},
		{"regex present", "passfail", "type: regex\npattern: 工号\\d{4}\nposition: first",
			chat("A 0 您好,工号1234为您服务"), "pass", 0},
		{"regex absent violated", "passfail", "type: regex\npattern: 1[3-9]\\d{9}\nabsent: true",
			chat("A 0 您的手机号是13800138000"), "fail", 0},
		{"phrase any speaker customer", "passfail", "type: phrase\nspeaker: customer\nall_of: [[谢谢]]",
			chat("A 0 您好", "C 5 好的谢谢"), "pass", 0},
		{"phrase lexicon", "passfail", "type: phrase\nposition: first\nall_of: [['@hi']]",
			chat("A 0 你好呀"), "pass", 0},
		{"phrase near variant accepted", "passfail", "type: phrase\nposition: first\nall_of: [[请问有什么可以帮您]]\nsimilarity: 0.75",
			chat("A 0 请问有什么能帮您"), "pass", 0},
		{"phrase near variant below threshold", "passfail", "type: phrase\nposition: first\nall_of: [[请问有什么可以帮您]]\nsimilarity: 0.95",
			chat("A 0 请问有什么能帮您"), "fail", 0},
		{"phrase within seconds", "passfail", "type: phrase\nposition: within\nwithin: 10\nall_of: [[工号]]",
			chat("A 0 您好", "A 30 我的工号是1234"), "fail", 0},
		{"phrase absent", "passfail", "type: phrase\nabsent: true\nall_of: [[亲]]",
			chat("A 0 亲,您好"), "fail", 0},
		{"sentiment calm end", "passfail", "type: sentiment",
			chat("C 0 怎么还没到!太慢了!", "A 5 非常抱歉", "C 10 好的,谢谢你"), "pass", 0},
		{"sentiment upset end", "passfail", "type: sentiment",
			chat("C 0 查物流", "A 5 还没到", "C 10 太差了!我要投诉!"), "fail", 0},
		{"ticket fields complete", "passfail", "type: ticket_fields\nfields: [solution, category, resolved_at]",
			ticket(0, 1, 5, 24, "resolved", 0, "已更换配件"), "pass", 0},
		{"ticket fields solution missing", "passfail", "type: ticket_fields\nfields: [solution, category]",
			ticket(0, 1, 5, 24, "resolved", 0, ""), "fail", 0},
		{"ticket fields open ticket needs no solution yet", "passfail", "type: ticket_fields\nfields: [solution]",
			ticket(0, 1, -1, 24, "open", 0, ""), "pass", 0},
		{"timeliness first response level 5", "scale", "type: timeliness\nmeasure: first_response\nlevels: [2, 4, 8, 24]",
			ticket(0, 1, 5, 24, "resolved", 0, "x"), "pass", 5},
		{"timeliness first response level 3", "scale", "type: timeliness\nmeasure: first_response\nlevels: [2, 4, 8, 24]",
			ticket(0, 6, 9, 24, "resolved", 0, "x"), "pass", 3},
		{"timeliness over 24h late is 1", "scale", "type: timeliness\nmeasure: overdue\nlevels: [0, 4, 12, 24]",
			ticket(0, 1, 60, 24, "resolved", 0, "x"), "fail", 1},
		{"timeliness on time", "scale", "type: timeliness\nmeasure: overdue\nlevels: [0, 4, 12, 24]",
			ticket(0, 1, 20, 24, "resolved", 0, "x"), "pass", 5},
		{"timeliness no ticket", "scale", "type: timeliness\nmeasure: overdue\nlevels: [0, 4, 12, 24]",
			chat("A 0 您好"), "na", 0},
		{"transfers one-time resolution", "scale", "type: transfers\nmax: 2\nlevels: [0, 1, 2, 3]",
			ticket(0, 1, 5, 24, "resolved", 0, "x"), "pass", 5},
		{"transfers unresolved twice transferred", "scale", "type: transfers\nmax: 2\nlevels: [0, 1, 2, 3]",
			ticket(0, 1, -1, 24, "open", 2, ""), "fail", 1},
		{"transfers passfail", "passfail", "type: transfers\nmax: 2",
			ticket(0, 1, 5, 24, "resolved", 3, "x"), "fail", 0},
		{"expr true", "passfail", "type: expr\nexpr: ticket.transfers < 2 && ticket.status == \"resolved\"",
			ticket(0, 1, 5, 24, "resolved", 1, "x"), "pass", 0},
		{"expr false", "passfail", "type: expr\nexpr: ticket.first_response_hours >= 0 && ticket.first_response_hours <= 2",
			ticket(0, 6, 9, 24, "resolved", 0, "x"), "fail", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := one(t, tt.kind, tt.check).Inspect(tt.rec)
			f := in.Findings[0]
			if f.Result != tt.want {
				t.Fatalf("result = %s (%s), want %s", f.Result, f.Note, tt.want)
			}
			if tt.wantLevel != 0 && f.Level != tt.wantLevel {
				t.Errorf("level = %d, want %d (%s)", f.Level, tt.wantLevel, f.Note)
			}
		})
	}
}

func TestScaleScore(t *testing.T) {
	e := one(t, "scale", "type: timeliness\nmeasure: first_response\nlevels: [2, 4, 8, 24]")
	in := e.Inspect(ticket(0, 6, 9, 24, "resolved", 0, "x")) // level 3
	if in.Score != 60 {
		t.Fatalf("score = %.1f, want 60 (level 3 of 5)", in.Score)
	}
}

func TestDeductionAndWeights(t *testing.T) {
	src := `name: t
title: 测试
pass_score: 60
dimensions:
  - id: a
    name: A
    weight: 3
    items:
      - {id: hi, name: 问候, kind: passfail, check: {type: phrase, position: first, all_of: [[您好]]}}
  - id: b
    name: B
    weight: 1
    items:
      - {id: bye, name: 再见, kind: passfail, check: {type: phrase, position: last, all_of: [[再见]]}}
      - {id: rude, name: 忌语, kind: deduction, points: 15, check: {type: forbidden, phrases: [你明白吗]}}
`
	sc, err := scorecard.Parse([]byte(src), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := rules.Compile(sc, rules.Options{})
	tests := []struct {
		rec   *qa.Record
		score float64
	}{
		{chat("A 0 您好", "A 5 再见"), 100},
		{chat("A 0 喂", "A 5 再见"), 25},
		{chat("A 0 您好", "A 5 拜拜"), 75},
		{chat("A 0 您好,你明白吗", "A 5 拜拜"), 60},
		{chat("A 0 喂,你明白吗", "A 5 拜拜"), 0},
	}
	for _, tt := range tests {
		if in := e.Inspect(tt.rec); in.Score != tt.score {
			t.Errorf("%q: score = %.1f, want %.1f", tt.rec.Turns[0].Text, in.Score, tt.score)
		}
	}
}

func TestDefaultsOnTickets(t *testing.T) {
	e := engine(t, "aftersales")
	good := ticket(0, 1, 5, 24, "resolved", 0, "已远程处理")
	bad := ticket(0, 30, 60, 24, "open", 2, "")
	gi, bi := e.Inspect(good), e.Inspect(bad)
	if gi.Score <= bi.Score {
		t.Fatalf("good ticket %.1f should outscore bad %.1f", gi.Score, bi.Score)
	}
	if !gi.Passed || bi.Passed {
		t.Fatalf("good passed %v (%.1f), bad passed %v (%.1f)", gi.Passed, gi.Score, bi.Passed, bi.Score)
	}
}

package ingest

import (
	"strings"
	"testing"
	"time"
)

// checkRejects asserts that every reject starts with the wanted "file:line: reason" prefix, in order.
func checkRejects(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejects = %d %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("reject %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

const okLine = `{"id":"c1","channel":"chat","started_at":"2026-11-02T09:15:00+08:00","agent_id":"A017","turns":[{"speaker":"agent","text":"您好"}]}`

func TestJSONL(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		ids     string
		rejects []string
	}{
		{"合法记录与空行及BOM", "\uFEFF" + okLine + "\n\n   \n" + strings.Replace(okLine, "c1", "c2", 1) + "\r\n", "c1,c2", nil},
		{"未知字段被忽略", strings.Replace(okLine, `"id"`, `"source":{"dataset":"x"},"id"`, 1), "c1", nil},
		{"坏JSON", okLine + "\n" + `{"id":"c2","channel":"chat",,}` + "\n" + strings.Replace(okLine, "c1", "c3", 1), "c1,c3",
			[]string{"x.jsonl:2: invalid JSON at column 29: invalid character ','"}},
		{"错误日期", strings.Replace(okLine, "2026-11-02T09:15:00+08:00", "2026-13-02 09:15", 1) + "\n" + strings.Replace(okLine, "c1", "c2", 1), "c2",
			[]string{`x.jsonl:1: record "c1": started_at "2026-13-02 09:15" is not a date: use RFC 3339 like 2026-11-02T09:15:00+08:00`}},
		{"未知说话人", okLine + "\n" + strings.Replace(strings.Replace(okLine, `"agent"`, `"坐席A"`, 1), "c1", "c2", 1), "c1",
			[]string{`x.jsonl:2: record "c2": turns[0]: unknown speaker "坐席A" (use agent, customer or system, or map it in the mapping file`}},
		{"中文说话人按默认映射", strings.Replace(okLine, `"agent"`, `"客服"`, 1), "c1", nil},
		{"缺少坐席", strings.Replace(okLine, `"agent_id":"A017",`, "", 1), "",
			[]string{`x.jsonl:1: record "c1": agent_id is required`}},
		{"字段类型错误", strings.Replace(okLine, `"text":"您好"`, `"text":"您好","start":"3秒"`, 1), "",
			[]string{"x.jsonl:1: invalid JSON at column 139: field turns.start is a JSON string, want a number"}},
		{"不是对象", `[1,2]` + "\n" + okLine, "c1", []string{"x.jsonl:1: a line must be one JSON object"}},
		{"误把 Whisper 当 JSON Lines", `{"text": "x", "segments": []}`, "", []string{"x.jsonl:1: this looks like a Whisper JSON transcript"}},
		// Issue 14: speaker "robot" was taken as system, start 1e308 accepted, bad bytes replaced by U+FFFD.
		{"机器人不被猜成系统", strings.Replace(okLine, `"agent"`, `"robot"`, 1), "",
			[]string{`x.jsonl:1: record "c1": turns[0]: unknown speaker "robot" (use agent, customer or system, or map it in the mapping file`}},
		{"超出时长的时间", strings.Replace(okLine, `"text":"您好"`, `"text":"您好","start":1e308`, 1) + "\n" +
			strings.Replace(strings.Replace(okLine, `"text":"您好"`, `"text":"您好","start":10,"end":2678401`, 1), "c1", "c2", 1) + "\n" +
			strings.Replace(strings.Replace(okLine, `"text":"您好"`, `"text":"您好","start":2678400`, 1), "c1", "c3", 1), "c3",
			[]string{`x.jsonl:1: record "c1": turns[0].start 1e+308 s is beyond the record's duration (at most 31 days after started_at)`,
				`x.jsonl:2: record "c2": turns[0].end 2.678401e+06 s is beyond the record's duration`}},
		{"无效的 UTF-8", strings.Replace(okLine, "您好", "您\xff好", 1) + "\n" + strings.Replace(okLine, "c1", "c2", 1), "c2",
			[]string{"x.jsonl:1: not valid UTF-8 at byte 127 of the line (offset 126 in the file): save the file as UTF-8"}},
		{"截断的行", okLine[:40], "", []string{"x.jsonl:1: invalid JSON at column 40: unexpected end of JSON input"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readString(t, "x.jsonl", c.input, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := ids(res.recs); got != c.ids {
				t.Errorf("ids = %q, want %q", got, c.ids)
			}
			checkRejects(t, res.rejects, c.rejects)
		})
	}
}

// 没有时区的时间按 +08:00 处理。
func TestJSONLLocalTime(t *testing.T) {
	res := readString(t, "x.ndjson", strings.Replace(okLine, "2026-11-02T09:15:00+08:00", "2026-11-02 09:15:00", 1), Options{})
	if len(res.recs) != 1 {
		t.Fatalf("rejects %q", res.rejects)
	}
	want := time.Date(2026, 11, 2, 1, 15, 0, 0, time.UTC)
	if !res.recs[0].StartedAt.Equal(want) {
		t.Errorf("started_at = %v, want %v", res.recs[0].StartedAt, want)
	}
}

// 一行几兆字节的长对话也能读（不受 bufio.Scanner 64 KB 的限制）。
func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("很长的一段话。", 300000) // ≈ 6 MB
	line := strings.Replace(okLine, "您好", long, 1)
	res := readString(t, "x.jsonl", line+"\n"+strings.Replace(okLine, "c1", "c2", 1), Options{})
	if ids(res.recs) != "c1,c2" || len(res.rejects) > 0 {
		t.Fatalf("ids %q rejects %q", ids(res.recs), res.rejects)
	}
	if res.recs[0].Turns[0].Text != long {
		t.Error("long text was cut")
	}
}

package ingest

import (
	"path/filepath"
	"testing"
)

func TestSRT(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		turns   []string
		rejects []string
	}{
		{"前缀说话人", "\uFEFF1\r\n00:00:00,000 --> 00:00:02,500\r\n坐席：您好\r\n\r\n2\r\n00:00:02,800 --> 00:00:06,000\r\n客户: 我想查话费\r\n", []string{"agent:您好@0-2.5", "customer:我想查话费@2.8-6"}, nil},
		{"缺少序号也接受，续接上一说话人", "00:00:00,000 --> 00:00:02,000\nagent: hello\n\n2\n00:00:02,000 --> 00:00:03,000\n- how can I help\n", []string{"agent:hello@0-2", "agent:how can I help@2-3"}, nil},
		{"时间里的冒号不是说话人", "1\n00:00:00,000 --> 00:00:02,000\n坐席：会议改到10:30\n", []string{"agent:会议改到10:30@0-2"}, nil},
		{"错误时间", "1\n00:00:00,000 --> 00:00:02,000\n坐席：您好\n\n2\n00:00:02,000 -> 00:00:03,000\n客户：你好\n\n3\n00:00:61,000 --> 00:01:03,000\n客户：喂\n", nil,
			[]string{
				"call.srt:6: subtitle block without a timing line",
				`call.srt:10: bad cue time "00:00:61,000 --> 00:01:03,000": write it like 00:00:01,000 --> 00:00:03,500`,
			}},
		{"序号不是数字", "一\n00:00:00,000 --> 00:00:02,000\n坐席：您好\n", nil, []string{"call.srt:1: expected the subtitle counter"}},
		{"未知说话人", "1\n00:00:00,000 --> 00:00:02,000\n坐席A：您好\n", nil, []string{`call.srt:3: unknown speaker "坐席A"`}},
		{"空文件", "", nil, []string{"call.srt: no cues found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readString(t, "call.srt", c.input, Options{Meta: flagMeta})
			checkTranscript(t, res, "call", c.turns, c.rejects)
		})
	}
}

// 旁挂文件里没有时区的开始时间按 +08:00；记录 id 默认取文件名。
func TestSRTSidecar(t *testing.T) {
	res := readPath(t, filepath.Join("testdata", "call-002.srt"), Options{})
	if len(res.recs) != 1 {
		t.Fatalf("rejects %q", res.rejects)
	}
	r := res.recs[0]
	if r.ID != "call-002" || r.Team != "二组" || r.StartedAt.Format("2006-01-02T15:04:05Z07:00") != "2026-11-02T14:30:00+08:00" {
		t.Errorf("record = %+v", r)
	}
}

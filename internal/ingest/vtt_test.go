package ingest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qloop/internal/qa"
)

// flagMeta is what `qloop import --agent A017 --started-at …` passes.
var flagMeta = &qa.Record{AgentID: "A017", StartedAt: time.Date(2026, 11, 2, 9, 15, 0, 0, time.FixedZone("", 8*3600))}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestVTT(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		meta    *qa.Record
		turns   []string // "speaker:text@start-end"
		rejects []string
	}{
		{"声音标签与前缀", "WEBVTT\n\n00:00.000 --> 00:02.100\n<v 坐席>您好</v>\n\nid-2\n00:00:02.400 --> 00:00:05.000 align:start\n客户：卡被锁了\n\n00:05.500 --> 00:09.000\n<v.loud agent>抱歉\n马上查询\n", flagMeta,
			[]string{"agent:您好@0-2.1", "customer:卡被锁了@2.4-5", "agent:抱歉\n马上查询@5.5-9"}, nil},
		{"同一条字幕两人说话", "WEBVTT\n\n00:00.000 --> 00:03.000\n<v 坐席>您好</v>\n<v 客户>你好\n\nNOTE 备注\n\n00:03.000 --> 00:04.000\n在吗\n", flagMeta,
			[]string{"agent:您好@0-3", "customer:你好@0-3", "customer:在吗@3-4"}, nil},
		{"未知说话人", "WEBVTT\n\n00:00.000 --> 00:02.000\n<v 坐席A>您好\n", flagMeta, nil,
			[]string{`call.vtt:4: unknown speaker "坐席A" (use agent, customer or system, or map it in the mapping file`}},
		{"错误时间", "WEBVTT\n\n00:00.000 --> 00:02.000\n坐席：您好\n\n00:02.000 --> 00:0x.000\n客户：你好\n", flagMeta, nil,
			[]string{`call.vtt:6: bad cue time "00:02.000 --> 00:0x.000": write it like 00:00:01.000 --> 00:00:03.500`}},
		{"结束早于开始", "WEBVTT\n\n00:05.000 --> 00:02.000\n坐席：您好\n", flagMeta, nil,
			[]string{"call.vtt:3: cue ends (00:02.000) before it starts"}},
		{"没有说话人", "WEBVTT\n\n00:00.000 --> 00:02.000\n您好\n", flagMeta, nil,
			[]string{"call.vtt:4: no speaker for this cue"}},
		{"缺少坐席和开始时间", "WEBVTT\n\n00:00.000 --> 00:02.000\n坐席：您好\n", nil, nil,
			[]string{`call.vtt: call "call" has no agent_id or started_at: put them in call.meta.json`}},
		{"不是 WebVTT", "1\n00:00:00,000 --> 00:00:02,000\n坐席：您好\n", flagMeta, nil,
			[]string{"call.vtt:1: not a WebVTT file"}},
		{"没有字幕", "WEBVTT\n", flagMeta, nil, []string{"call.vtt: no cues found"}},
		{"缺少时间行", "WEBVTT\n\n坐席：您好\n", flagMeta, nil, []string{"call.vtt:3: cue without a timing line"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readString(t, "call.vtt", c.input, Options{Meta: c.meta})
			checkTranscript(t, res, "call", c.turns, c.rejects)
		})
	}
}

// checkTranscript asserts the single call's turns, or the rejects when it is rejected.
func checkTranscript(t *testing.T, res result, id string, turns, rejects []string) {
	t.Helper()
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkRejects(t, res.rejects, rejects)
	if turns == nil {
		if len(res.recs) != 0 {
			t.Fatalf("rejected call was emitted: %+v", res.recs)
		}
		return
	}
	if len(res.recs) != 1 {
		t.Fatalf("got %d records, want 1", len(res.recs))
	}
	r := res.recs[0]
	if r.ID != id || r.Channel != qa.ChannelCall {
		t.Errorf("id, channel = %q, %q", r.ID, r.Channel)
	}
	var got []string
	for _, tn := range r.Turns {
		got = append(got, tn.Speaker+":"+tn.Text+"@"+fmtSec(*tn.Start)+"-"+fmtSec(*tn.End))
	}
	if strings.Join(got, "|") != strings.Join(turns, "|") {
		t.Errorf("turns = %q\nwant    %q", got, turns)
	}
}

func fmtSec(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// 旁挂文件提供元数据，命令行参数覆盖旁挂文件中已设置的值。
func TestVTTSidecar(t *testing.T) {
	res := readPath(t, filepath.Join("testdata", "call-001.vtt"), Options{Meta: &qa.Record{AgentID: "A099", Team: "三组"}})
	if len(res.recs) != 1 {
		t.Fatalf("rejects %q", res.rejects)
	}
	r := res.recs[0]
	if r.ID != "c-20261102-0001" || r.AgentID != "A099" || r.AgentName != "王芳" || r.Team != "三组" || r.Recording == "" {
		t.Errorf("record = %+v", r)
	}
	// A broken sidecar is reported against the sidecar and the call is not emitted.
	dir := t.TempDir()
	vtt, _ := os.ReadFile(filepath.Join("testdata", "call-001.vtt"))
	os.WriteFile(filepath.Join(dir, "c.vtt"), vtt, 0o644)
	os.WriteFile(filepath.Join(dir, "c.meta.json"), []byte(`{"agent_id": "A1", "started_at": "昨天"}`), 0o644)
	res = readPath(t, filepath.Join(dir, "c.vtt"), Options{})
	if len(res.recs) != 0 || len(res.rejects) != 1 || !contains(res.rejects[0], `started_at "昨天" is not a date`) {
		t.Errorf("recs %d rejects %q", len(res.recs), res.rejects)
	}
}

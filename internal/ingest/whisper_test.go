package ingest

import (
	"bufio"
	"path/filepath"
	"strings"
	"testing"
)

func TestWhisper(t *testing.T) {
	seg := func(start, end, text, speaker string) string {
		return `{"start": ` + start + `, "end": ` + end + `, "text": " ` + text + `", "speaker": "` + speaker + `", "words": []}`
	}
	cases := []struct {
		name    string
		input   string
		turns   []string
		rejects []string
	}{
		{"第一个说话人默认为坐席", `{"text": "…", "segments": [` + seg("0.0", "2.0", "您好", "SPEAKER_01") + ",\n" + seg("2.5", "4", "你好", "SPEAKER_00") + ",\n" + seg("4.5", "6", "请讲", "SPEAKER_01") + `], "language": "zh"}`,
			[]string{"agent:您好@0-2", "customer:你好@2.5-4", "agent:请讲@4.5-6"}, nil},
		{"缺少说话人沿用上一段", "{\"segments\": [\n" + seg("0", "1", "您好", "SPEAKER_00") + ",\n" + `{"start": 1, "end": 2, "text": "请问"}` + "]}",
			[]string{"agent:您好@0-1", "agent:请问@1-2"}, nil},
		{"未做说话人分离", "{\"segments\": [\n" + `{"start": 0, "end": 2, "text": "您好"}` + "\n]}", nil,
			[]string{"call.json:2: segments[0] has no speaker: diarize the audio"}},
		{"坏JSON", "{\"segments\": [\n" + seg("0", "1", "您好", "A") + ",\n" + `{"start": 1,, "end": 2}` + "]}", nil,
			[]string{"call.json:3: invalid JSON at column 13: invalid character ','"}},
		{"错误时间", "{\"segments\": [\n" + seg("0", "1", "您好", "A") + ",\n" + seg("3", "2", "你好", "B") + "]}", nil,
			[]string{"call.json:3: segments[1]: start 3.00 and end 2.00 are not a valid span"}},
		{"时间不是数字", "{\"segments\": [\n" + seg(`"0秒"`, "1", "您好", "A") + "]}", nil,
			[]string{"call.json:2: invalid JSON at column"}},
		{"没有片段", `{"text": "您好"}`, nil, []string{"call.json: no segments"}},
		{"不是对象", `[1]`, nil, []string{"call.json: not a Whisper JSON object"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readString(t, "call.json", c.input, Options{Meta: flagMeta, Format: FormatWhisper})
			checkTranscript(t, res, "call", c.turns, c.rejects)
		})
	}
}

// 旁挂文件的 speakers 映射说话人；不在映射中的标签被拒绝。
func TestWhisperSidecar(t *testing.T) {
	res := readPath(t, filepath.Join("testdata", "call-003.json"), Options{})
	checkTranscript(t, res, "c-20261102-0003", []string{
		"agent:您好，请问有什么可以帮您？@0-2.2", "customer:我要投诉，快递三天了还没到。@2.6-5.9", "agent:非常抱歉，我马上为您查询。@6.3-9",
	}, nil)
	if len(res.recs) == 1 && !res.recs[0].IsComplaint() {
		t.Error("sidecar tags were lost")
	}
}

// .json 按内容判断：Whisper 文档或 JSON Lines。
func TestDetectFormat(t *testing.T) {
	cases := []struct{ name, head, want string }{
		{"a.jsonl", "", FormatJSONL},
		{"a.NDJSON", "", FormatJSONL},
		{"a.csv", "", FormatCSV},
		{"a.xlsx", "", FormatXLSX},
		{"a.vtt", "", FormatVTT},
		{"a.srt", "", FormatSRT},
		{"a.json", "{\n  \"text\": \"x\",\n  \"segments\": []\n}", FormatWhisper},
		{"a.json", `{"text": "x", "segments": []}`, FormatWhisper},
		{"a.json", okLine + "\n" + okLine, FormatJSONL},
		{"a.json", `{"id": "segments"}`, FormatJSONL},
		{"a.json", "{\n  \"text\": \"" + strings.Repeat("很长", 20000) + "\",\n  \"segments\": []\n}", FormatWhisper},
		{"a.json", "\n\n" + okLine, FormatJSONL},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.want, func(t *testing.T) {
			got, err := DetectFormat(c.name, bufio.NewReader(strings.NewReader(c.head)))
			if err != nil || got != c.want {
				t.Errorf("DetectFormat = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := DetectFormat("a.txt", bufio.NewReader(strings.NewReader(""))); err == nil || !contains(err.Error(), "cannot tell the format") {
		t.Errorf("a.txt: err = %v", err)
	}
}

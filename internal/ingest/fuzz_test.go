package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/yamldoc/yamltest"
)

// fuzzRead reads data in format and fails if an emitted record does not validate; a panic fails by itself.
func fuzzRead(t *testing.T, data []byte, name, format string) {
	opt := Options{Format: format, Meta: flagMeta}
	_, _ = Read(context.Background(), bytes.NewReader(data), name, opt, func(r qa.Record) error {
		if err := r.Validate(); err != nil {
			t.Fatalf("emitted an invalid record: %v", err)
		}
		return nil
	}, func(r Reject) {
		if r.Reason == "" {
			t.Fatal("reject without a reason")
		}
	})
}

// addFile adds a testdata file to the seed corpus.
func addFile(f *testing.F, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(okLine + "\n" + okLine))
	f.Add([]byte("\uFEFF" + okLine + "\r\n\r\n"))
	f.Add([]byte(`{"id":"c2","channel":"chat",,}`))
	f.Add([]byte(`{"id":"x","channel":"call","started_at":"2026-13-02 09:15","agent_id":"A","turns":[{"speaker":"坐席A","text":"x","start":-1,"end":-2}]}`))
	f.Add([]byte(`{"id":"x","channel":"ticket","started_at":"2026-11-02 09:15:00","agent_id":"A","ticket":{"created_at":"bad","transfers":"2"}}`))
	f.Add([]byte("[1,2]\nnull\n\"x\"\n{}\n"))
	f.Add([]byte{0xff, 0xfe, '{', '\n'})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.jsonl", FormatJSONL) })
}

func FuzzCSV(f *testing.F) {
	addFile(f, "export_messages.csv")
	addFile(f, "export_tickets.csv")
	f.Add([]byte(csvHeader + "S1,A1,坐席A,你好,2026-13-02,在线\nS1,A1,客服,\"x\n"))
	f.Add([]byte(csvHeader + "S1,A1,客户\n,,,,\nS2,A2,客服,您好,-5,传真,多余\nS1,A1,客户,再见,1,在线\n"))
	f.Add([]byte("工单号,创建时间,转派次数,是否升级,解决时间\nT1,2026-11-02,-1,也许,昨天\n"))
	f.Add([]byte("\xb9\xa4\xb5\xa5\xba\xc5,\xbf\xcd\xb7\xfe\n1,2\n")) // GBK header
	f.Add([]byte("a;b;c\n\"\n"))
	f.Add([]byte(csvHeader + "r1,A1,客户,\"你好,2026-11-02 09:15:00,在线\nr2,A2,客户,\"在吗\",1,在线\n\nr2,A2,客服,\"a\"\"b\nc\",2,在线\n"))
	f.Add([]byte(csvHeader + "r1,A1,客户,你好,2026-11-02 09:15:00,在线,多余\nr1,A1,客服,在\xff吗,1,在线\n\"r2\"x,A2\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.csv", FormatCSV) })
}

func FuzzVTT(f *testing.F) {
	addFile(f, "call-001.vtt")
	f.Add([]byte("WEBVTT\n\n00:00.000 --> 00:02.000\n<v 坐席A>您好\n\n00:05.000 --> 00:02.000\n客户：x\n"))
	f.Add([]byte("WEBVTT\n\n00:99.000 --> 00:0x.000\n\n-->\n\n1\n2\n3 --> \n<v>\n"))
	f.Add([]byte("WEBVTT\nNOTE\n\nSTYLE\n::cue {}\n\n00:00.000 --> 00:01.000\n<c.x><i>坐席：</i></c>&amp;\n"))
	f.Add([]byte("not vtt"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.vtt", FormatVTT) })
}

func FuzzSRT(f *testing.F) {
	addFile(f, "call-002.srt")
	f.Add([]byte("1\n00:00:00,000 --> 00:00:02,000\n坐席A：您好\n\nx\n00:00:61,000 --> 00:00:02,000\n"))
	f.Add([]byte("00:00:00,000 --> 00:00:02,000\n- 你好\n\n2\n\n3\n-->\n"))
	f.Add([]byte("1\n99:99:99,999 --> 1:2:3,4\n：\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.srt", FormatSRT) })
}

func FuzzWhisper(f *testing.F) {
	addFile(f, "call-003.json")
	f.Add([]byte(`{"segments": [{"start": 0, "end": 1, "text": "x", "speaker": "SPEAKER_00"}, {"start": 3, "end": 2, "text": "y"}]}`))
	f.Add([]byte(`{"segments": [{"start": -1, "text": "x"}, {"start": "a"}], "text": 1}`))
	f.Add([]byte(`{"segments": {}}`))
	f.Add([]byte(`{"segments": [`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.json", FormatWhisper) })
}

// FuzzLoadMapping: any mapping file loads or fails with an error naming the file, never a panic.
func FuzzLoadMapping(f *testing.F) {
	addFile(f, "mapping.example.yaml")
	f.Add([]byte(yamltest.AliasBomb("columns:\n", 3, 4)))
	f.Add([]byte("speakers: {客服: agent, x: *y}\nchannels: &c {a: chat}\ncolumns: {id: [[[x]]]}\n"))
	f.Add([]byte("columns:\n  id: [\"[[\", '{{']\n  text: &t [内容]\n  end: *t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "m.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadMapping(path); err != nil && !strings.Contains(err.Error(), "m.yaml") {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}

package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qloop/internal/qa"
)

// result is what one Read produced, for assertions.
type result struct {
	recs    []qa.Record
	rejects []string // Reject.String()
	sum     Summary
	err     error
}

// readString reads input as a file called name.
func readString(t *testing.T, name, input string, opt Options) result {
	t.Helper()
	var res result
	res.sum, res.err = Read(context.Background(), strings.NewReader(input), name, opt, collect(t, &res), func(r Reject) {
		res.rejects = append(res.rejects, r.String())
	})
	return res
}

// readPath reads a file on disk (so that sidecars are found).
func readPath(t *testing.T, path string, opt Options) result {
	t.Helper()
	var res result
	res.sum, res.err = ReadFile(context.Background(), path, opt, collect(t, &res), func(r Reject) {
		res.rejects = append(res.rejects, r.String())
	})
	return res
}

func collect(t *testing.T, res *result) func(qa.Record) error {
	return func(r qa.Record) error {
		if err := r.Validate(); err != nil {
			t.Errorf("发出了无效记录 %q: %v", r.ID, err)
		}
		res.recs = append(res.recs, r)
		return nil
	}
}

func ids(recs []qa.Record) string {
	var out []string
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return strings.Join(out, ",")
}

// 测试数据目录中的每个样例文件都能完整读入，没有拒绝。
func TestSamples(t *testing.T) {
	cases := []struct {
		file    string
		ids     string
		turns   int
		channel string
	}{
		{"export_messages.csv", "S-1001,S-1002", 7, qa.ChannelChat},
		{"export_tickets.csv", "T-2001,T-2002", 0, qa.ChannelTicket},
		{"call-001.vtt", "c-20261102-0001", 3, qa.ChannelCall},
		{"call-002.srt", "call-002", 3, qa.ChannelCall},
		{"call-003.json", "c-20261102-0003", 3, qa.ChannelCall},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res := readPath(t, filepath.Join("testdata", c.file), Options{})
			if res.err != nil || len(res.rejects) > 0 {
				t.Fatalf("err=%v rejects=%q", res.err, res.rejects)
			}
			if got := ids(res.recs); got != c.ids {
				t.Fatalf("ids = %s, want %s", got, c.ids)
			}
			turns := 0
			for _, r := range res.recs {
				turns += len(r.Turns)
				if r.Channel != c.channel {
					t.Errorf("%s channel = %q, want %q", r.ID, r.Channel, c.channel)
				}
			}
			if turns != c.turns {
				t.Errorf("turns = %d, want %d", turns, c.turns)
			}
		})
	}
}

// 共享数据集中的每条对话都必须无拒绝地读入。
func TestSharedData(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing at %s: %v", dir, err)
		}
		t.Skipf("shared data missing at %s", dir)
	}
	want := map[string]int{"stc3_zh": 2000, "stc3_en": 896, "jddc_zh": 800, "mobilecs_zh": 10}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "conversations.jsonl"))
	if len(files) < len(want) {
		t.Fatalf("found %d conversations.jsonl files, want at least %d", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f))
		t.Run(name, func(t *testing.T) {
			var n int
			sum, err := ReadFile(context.Background(), f, Options{}, func(qa.Record) error { n++; return nil }, func(r Reject) {
				t.Errorf("拒绝: %s", r)
			})
			if err != nil {
				t.Fatal(err)
			}
			if w, ok := want[name]; ok && n != w {
				t.Errorf("emitted %d records, want %d", n, w)
			}
			if sum.Emitted != n || sum.Rejected != 0 || sum.Read != n {
				t.Errorf("summary = %+v, emitted %d", sum, n)
			}
		})
	}
}

// emit 的错误终止读取，ctx 取消也终止读取。
func TestAbort(t *testing.T) {
	input := `{"id":"a","channel":"ticket","started_at":"2026-11-02T09:15:00+08:00","agent_id":"A1"}` + "\n" +
		`{"id":"b","channel":"ticket","started_at":"2026-11-02T09:15:00+08:00","agent_id":"A1"}` + "\n"
	stop := errors.New("stop")
	_, err := Read(context.Background(), strings.NewReader(input), "x.jsonl", Options{}, func(qa.Record) error { return stop }, nil)
	if !errors.Is(err, stop) {
		t.Errorf("emit error: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Read(ctx, strings.NewReader(input), "x.jsonl", Options{}, func(qa.Record) error { return nil }, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: got %v", err)
	}
}

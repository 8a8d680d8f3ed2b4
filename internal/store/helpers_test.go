package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"qloop/internal/qa"
	"qloop/internal/store"
)

var ctx = context.Background()

// rec returns a valid call record with id and one agent turn saying text.
func rec(id, text string) qa.Record {
	return qa.Record{
		ID:        id,
		Channel:   qa.ChannelCall,
		StartedAt: time.Date(2026, 11, 2, 9, 15, 0, 0, time.FixedZone("CST", 8*3600)),
		AgentID:   "A017",
		AgentName: "王芳",
		Team:      "一组",
		Turns: []qa.Turn{
			{Speaker: qa.SpeakerAgent, Text: text, Start: qa.Seconds(0), End: qa.Seconds(2.1)},
			{Speaker: qa.SpeakerCustomer, Text: "我的卡被锁了", Start: qa.Seconds(2.4), End: qa.Seconds(5)},
		},
	}
}

// recs returns n records with ids prefix0000…, all saying text.
func recs(prefix string, n int, text string) []qa.Record {
	out := make([]qa.Record, n)
	for i := range out {
		out[i] = rec(fmt.Sprintf("%s%04d", prefix, i), text)
	}
	return out
}

// wantCode fails t unless err carries the qa error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *qa.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("err = %v, want qa.Error with code %s", err, code)
	}
}

// bigRecord returns a record of about 2 KB canonical JSON, like a short call.
func bigRecord(id string) qa.Record {
	r := rec(id, "您好,很高兴为您服务,请问有什么可以帮您?")
	lines := []string{"我的信用卡被锁了,你们怎么回事!", "非常抱歉给您带来不便,我马上为您查询。",
		"我昨天还能用,今天就刷不了了。", "请您稍等,我帮您看一下账户状态,大约需要两分钟。"}
	for i := range 12 {
		sp := qa.SpeakerCustomer
		if i%2 == 1 {
			sp = qa.SpeakerAgent
		}
		start := float64(6 + i*5)
		r.Turns = append(r.Turns, qa.Turn{Speaker: sp, Text: lines[i%len(lines)],
			Start: qa.Seconds(start), End: qa.Seconds(start + 4)})
	}
	r.CustomerID, r.CustomerName, r.CustomerTier, r.BusinessType = "U889", "李建国", "vip", "信用卡"
	r.Tags = []string{"complaint"}
	return r
}

func TestBigRecordSize(t *testing.T) {
	if n := len(mustJSON(t, bigRecord("c-1"))); n < 1500 || n > 2600 {
		t.Errorf("bigRecord is %d bytes of JSON, want about 2 KB", n)
	}
}

func mustJSON(t testing.TB, r qa.Record) []byte {
	t.Helper()
	data, _, err := store.CanonicalJSON(&r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

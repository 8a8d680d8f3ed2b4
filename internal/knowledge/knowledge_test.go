package knowledge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"qloop/internal/demo"
	"qloop/internal/qa"
)

// feeEntry is the small base most tests use: a topic with two facts, one of them with alternatives.
func feeEntry() Entry {
	return Entry{
		ID: 7, Topic: "信用卡年费", Triggers: []string{"年费"},
		Facts: []Fact{
			{Name: "首年免年费", Any: []string{"首年免年费", "第一年不收年费"}},
			{Name: "刷卡满六次减免", Any: []string{"满六次", "满6次"}},
		},
		Answer: "首年免年费,次年起当年刷卡满六次可减免。",
	}
}

func compile(t *testing.T, es ...Entry) *Base {
	t.Helper()
	b, err := Compile(es)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return b
}

func rec(biz string, turns ...string) *qa.Record {
	r := &qa.Record{ID: "r1", Channel: qa.ChannelChat, BusinessType: biz}
	for _, s := range turns {
		sp, text, _ := strings.Cut(s, ":")
		speaker := map[string]string{"c": qa.SpeakerCustomer, "a": qa.SpeakerAgent, "s": qa.SpeakerSystem}[sp]
		r.Turns = append(r.Turns, qa.Turn{Speaker: speaker, Text: text})
	}
	return r
}

// runeSub is the text at rune span [from,to) of s.
func runeSub(s string, span []int) string {
	rs := []rune(s)
	if len(span) != 2 || span[0] < 0 || span[1] > len(rs) || span[0] > span[1] {
		return "<bad span>"
	}
	return string(rs[span[0]:span[1]])
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Entry)
		want []string // substrings of the error; none = valid
	}{
		{"valid", func(*Entry) {}, nil},
		{"everything missing", func(e *Entry) { *e = Entry{} }, []string{
			"topic 不能为空 topic is required", "triggers 不能为空", "facts 不能为空"}},
		{"blank topic", func(e *Entry) { e.Topic = "  \t" }, []string{"topic 不能为空"}},
		{"empty trigger", func(e *Entry) { e.Triggers = []string{"年费", " "} }, []string{"triggers[1] 不能为空"}},
		{"punctuation-only trigger", func(e *Entry) { e.Triggers = []string{"。？", "年费"} }, []string{"triggers[0] 不能为空"}},
		{"filler-only phrase", func(e *Entry) { e.Facts[1].Any = []string{"嗯"} }, []string{"facts[1].any[0] 不能为空"}},
		{"no phrases", func(e *Entry) { e.Facts[1].Any = nil }, []string{"facts[1].any 不能为空"}},
		{"unnamed fact", func(e *Entry) { e.Facts[0].Name = " " }, []string{"facts[0].name 不能为空"}},
		{"duplicate fact name after trim", func(e *Entry) { e.Facts[1].Name = " 首年免年费 " }, []string{
			"facts[1].name 「首年免年费」 与 facts[0] 重复 duplicate fact name"}},
		{"empty business type", func(e *Entry) { e.BusinessTypes = []string{"信用卡", ""} }, []string{"business_types[1] 不能为空"}},
		{"all problems at once", func(e *Entry) { e.Topic = ""; e.Triggers = []string{""}; e.Facts[0].Any = []string{"", "x"} }, []string{
			"topic 不能为空", "triggers[0] 不能为空", "facts[0].any[0] 不能为空"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := feeEntry()
			tt.edit(&e)
			err := e.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want %q", tt.want)
			}
			if qa.ErrorCode(err) != qa.EInvalid {
				t.Errorf("code %q, want %q", qa.ErrorCode(err), qa.EInvalid)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "; ") + 1; n != len(tt.want) {
				t.Errorf("error %q has %d problems, want %d", err, n, len(tt.want))
			}
		})
	}
}

func TestValidateTrims(t *testing.T) {
	e := Entry{Topic: " 年费 ", Triggers: []string{" 年费\n"}, BusinessTypes: []string{" 信用卡 "},
		Facts: []Fact{{Name: " a ", Any: []string{" 满六次 "}}}, Answer: " 答 ", UpdatedBy: " lee "}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Topic != "年费" || e.Triggers[0] != "年费" || e.BusinessTypes[0] != "信用卡" || e.Facts[0].Name != "a" ||
		e.Facts[0].Any[0] != "满六次" || e.Answer != "答" || e.UpdatedBy != "lee" {
		t.Errorf("not trimmed: %+v", e)
	}
}

func TestCompile(t *testing.T) {
	bad := feeEntry()
	bad.Topic = ""
	dup := feeEntry()
	dup.Topic = "另一个"
	tests := []struct {
		name    string
		entries []Entry
		want    []string
	}{
		{"invalid entry", []Entry{feeEntry(), bad}, []string{"entries[1] (): topic 不能为空"}},
		{"duplicate id", []Entry{feeEntry(), dup}, []string{"entries[1].id 7 与 entries[0] 重复 duplicate id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Compile(tt.entries)
			if err == nil || b != nil {
				t.Fatalf("Compile = %v, %v; want an error", b, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}

	// Compile works on copies: editing the input afterwards changes nothing, nor does editing Entries().
	in := []Entry{feeEntry()}
	in[0].Triggers[0] = " 年费 "
	b := compile(t, in...)
	in[0].Triggers[0] = "别的"
	got := b.Entries()
	if got[0].Triggers[0] != "年费" {
		t.Errorf("Entries()[0].Triggers = %q, want the trimmed copy", got[0].Triggers)
	}
	got[0].Facts[0].Any[0] = "changed"
	if b.Entries()[0].Facts[0].Any[0] != "首年免年费" {
		t.Error("Entries() shares slices with the base")
	}
	// Entries come back in id order.
	e2 := feeEntry()
	e2.ID = 3
	if es := compile(t, feeEntry(), e2).Entries(); es[0].ID != 3 || es[1].ID != 7 {
		t.Errorf("Entries() not in id order: %d, %d", es[0].ID, es[1].ID)
	}
}

func TestNilAndEmpty(t *testing.T) {
	var nilBase *Base
	r := rec("", "c:年费怎么收?", "a:首年免年费")
	if got := nilBase.Check(r); got != nil {
		t.Errorf("nil base: %v", got)
	}
	if got := nilBase.Entries(); got != nil {
		t.Errorf("nil base entries: %v", got)
	}
	if got := compile(t).Check(r); got != nil {
		t.Errorf("empty base: %v", got)
	}
	if got := compile(t, feeEntry()).Check(nil); got != nil {
		t.Errorf("nil record: %v", got)
	}
}

// want is the expected outcome for one topic: trigger turn and text, covered facts as name@turn, missing names.
type want struct {
	turn    int
	trigger string
	covered []string
	missing []string
}

func summarize(rs []Result) []want {
	var out []want
	for _, r := range rs {
		w := want{turn: r.Turn, trigger: r.Trigger, missing: r.Missing}
		for _, c := range r.Covered {
			w.covered = append(w.covered, c.Fact+"@"+string(rune('0'+c.Turn)))
		}
		out = append(out, w)
	}
	return out
}

func TestCheck(t *testing.T) {
	fee := feeEntry()
	restricted := feeEntry()
	restricted.BusinessTypes = []string{"信用卡"}
	tests := []struct {
		name    string
		entries []Entry
		rec     *qa.Record
		want    []want
	}{
		{"all facts stated", []Entry{fee}, rec("信用卡",
			"a:您好,请问有什么可以帮您?",
			"c:我想问一下年费怎么收。",
			"a:首年免年费,",
			"a:次年起当年刷卡满六次就可以减免。"),
			[]want{{1, "年费", []string{"首年免年费@2", "刷卡满六次减免@3"}, []string{}}}},
		{"one fact missing", []Entry{fee}, rec("信用卡",
			"c:年费怎么收?",
			"a:第一年不收年费。"),
			[]want{{0, "年费", []string{"首年免年费@1"}, []string{"刷卡满六次减免"}}}},
		{"no agent answer at all", []Entry{fee}, rec("",
			"c:年费怎么收?",
			"s:客户挂机"),
			[]want{{0, "年费", nil, []string{"首年免年费", "刷卡满六次减免"}}}},
		{"trigger in an agent turn does not raise the topic", []Entry{fee}, rec("",
			"a:您这期账单包含年费,首年免年费,刷卡满六次可以减免。",
			"c:好的。"),
			nil},
		// The agent stated both facts before the customer asked; only the answer after the question counts.
		{"facts before the trigger turn do not count", []Entry{fee}, rec("",
			"a:首年免年费,刷卡满六次可以减免。",
			"c:那这个年费能退吗?",
			"a:我帮您申请退回。"),
			[]want{{1, "年费", nil, []string{"首年免年费", "刷卡满六次减免"}}}},
		{"facts in customer turns do not count", []Entry{fee}, rec("",
			"c:年费不是首年免年费吗?",
			"a:是的,刷卡满六次可以减免。"),
			[]want{{0, "年费", []string{"刷卡满六次减免@1"}, []string{"首年免年费"}}}},
		{"first occurrence per entry", []Entry{fee}, rec("",
			"c:年费怎么收?",
			"a:首年免年费。",
			"c:第二年的年费呢?",
			"a:刷卡满六次可以减免。"),
			[]want{{0, "年费", []string{"首年免年费@1", "刷卡满六次减免@3"}, []string{}}}},
		{"traditional script and full width", []Entry{fee}, rec("",
			"c:請問信用卡年費怎麼收？",
			"a:首年免年費，刷卡滿６次可以減免。"),
			[]want{{0, "年費", []string{"首年免年费@1", "刷卡满六次减免@1"}, []string{}}}},
		{"spaces, punctuation and fillers inside phrases", []Entry{fee}, rec("",
			"c:年 费 是多少",
			"a:嗯 首年 免、年费 满 六 次减免"),
			[]want{{0, "年 费", []string{"首年免年费@1", "刷卡满六次减免@1"}, []string{}}}},
		{"business type matches", []Entry{restricted}, rec("信用卡",
			"c:年费怎么收?", "a:首年免年费"),
			[]want{{0, "年费", []string{"首年免年费@1"}, []string{"刷卡满六次减免"}}}},
		{"business type restricts", []Entry{restricted}, rec("借记卡",
			"c:年费怎么收?", "a:首年免年费"),
			nil},
		{"no business type on the record", []Entry{restricted}, rec("",
			"c:年费怎么收?", "a:首年免年费"),
			nil},
		{"ordered by trigger turn then entry id", []Entry{
			{ID: 9, Topic: "挂失", Triggers: []string{"挂失"}, Facts: []Fact{{Name: "口头挂失", Any: []string{"口头挂失"}}}},
			fee,
			{ID: 2, Topic: "补卡", Triggers: []string{"补卡"}, Facts: []Fact{{Name: "工本费", Any: []string{"工本费"}}}},
		}, rec("",
			"c:我想挂失,顺便补卡。",
			"a:先办口头挂失,补卡工本费五元。",
			"c:年费呢?"),
			[]want{
				{0, "补卡", []string{"工本费@1"}, []string{}},
				{0, "挂失", []string{"口头挂失@1"}, []string{}},
				{2, "年费", nil, []string{"首年免年费", "刷卡满六次减免"}},
			}},
		{"leftmost longest trigger in the turn", []Entry{
			{ID: 1, Topic: "提前还款", Triggers: []string{"提前还", "提前还款"}, Facts: []Fact{{Name: "预约", Any: []string{"预约"}}}},
		}, rec("",
			"c:我提前还款要收钱吗?"),
			[]want{{0, "提前还款", nil, []string{"预约"}}}},
		{"shared phrase counts for every entry", []Entry{
			fee,
			{ID: 8, Topic: "年费退回", Triggers: []string{"年费"}, Facts: []Fact{{Name: "满六次", Any: []string{"满六次"}}}},
		}, rec("",
			"c:年费?", "a:满六次减免。"),
			[]want{
				{0, "年费", []string{"刷卡满六次减免@1"}, []string{"首年免年费"}},
				{0, "年费", []string{"满六次@1"}, []string{}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(compile(t, tt.entries...).Check(tt.rec))
			if !equalWants(got, tt.want) {
				t.Errorf("Check =\n  %+v\nwant\n  %+v", got, tt.want)
			}
		})
	}
}

func equalWants(a, b []want) bool {
	return slices.EqualFunc(a, b, func(x, y want) bool {
		return x.turn == y.turn && x.trigger == y.trigger && slices.Equal(x.covered, y.covered) && slices.Equal(x.missing, y.missing)
	})
}

// Spans are rune offsets into the original text, so the UI highlights what was written, with its
// traditional characters, full-width digits and the spaces inside.
func TestSpans(t *testing.T) {
	b := compile(t, feeEntry())
	r := rec("",
		"a:您好！🙂",
		"c:😀請問，信用卡年 費怎麼收？",
		"a:ＯＫ，首年「免」年費，刷卡滿６次可以減免。")
	rs := b.Check(r)
	if len(rs) != 1 {
		t.Fatalf("Check = %+v, want one result", rs)
	}
	res := rs[0]
	if got := runeSub(r.Turns[res.Turn].Text, res.Span); got != res.Trigger || got != "年 費" {
		t.Errorf("trigger span %v = %q, Trigger %q, want 年 費", res.Span, got, res.Trigger)
	}
	wantText := map[string]string{"首年免年费": "首年「免」年費", "刷卡满六次减免": "滿６次"}
	if len(res.Covered) != 2 || len(res.Missing) != 0 {
		t.Fatalf("covered %+v missing %v", res.Covered, res.Missing)
	}
	for _, c := range res.Covered {
		if got := runeSub(r.Turns[c.Turn].Text, c.Span); got != c.Text || got != wantText[c.Fact] {
			t.Errorf("%s: span %v = %q, Text %q, want %q", c.Fact, c.Span, got, c.Text, wantText[c.Fact])
		}
	}
	if res.Answer != feeEntry().Answer || res.EntryID != 7 || res.Topic != "信用卡年费" {
		t.Errorf("result %+v", res)
	}
	// Covered and Missing are empty lists, not null, in JSON.
	js, _ := json.Marshal(compile(t, feeEntry()).Check(rec("", "c:年费")))
	if !bytes.Contains(js, []byte(`"covered":[]`)) {
		t.Errorf("json %s", js)
	}
}

func TestDefaultsCompile(t *testing.T) {
	es := Defaults()
	if n := len(es); n < 4 || n > 6 {
		t.Errorf("%d default entries", n)
	}
	b := compile(t, es...)
	for _, e := range b.Entries() {
		if e.Answer == "" || e.UpdatedAt.IsZero() {
			t.Errorf("entry %d %s lacks an answer or update time", e.ID, e.Topic)
		}
	}
	es[0].Topic = "changed"
	if Defaults()[0].Topic == "changed" {
		t.Error("Defaults shares its slice between calls")
	}
}

// TestDefaultsOnDemo checks that the default base finds topics in generated demo data and that the
// demo agents cover some and miss some key facts, so the demo has both to show.
func TestDefaultsOnDemo(t *testing.T) {
	var buf bytes.Buffer
	if err := demo.Generate(&buf, demo.Options{Seed: 1, Records: 500}); err != nil {
		t.Fatal(err)
	}
	b := compile(t, Defaults()...)
	topics := map[string]int{}
	complete, partial := map[string]int{}, map[string]int{}
	covered, missing := 0, 0
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	records := 0
	for sc.Scan() {
		var r qa.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		records++
		for _, res := range b.Check(&r) {
			topics[res.Topic]++
			covered += len(res.Covered)
			missing += len(res.Missing)
			if len(res.Missing) == 0 {
				complete[res.Topic]++
			} else {
				partial[res.Topic]++
			}
			if r.Turns[res.Turn].Speaker != qa.SpeakerCustomer {
				t.Errorf("%s: topic %s raised in a %s turn", r.ID, res.Topic, r.Turns[res.Turn].Speaker)
			}
			if got := runeSub(r.Turns[res.Turn].Text, res.Span); got != res.Trigger {
				t.Errorf("%s: trigger span %v = %q, want %q", r.ID, res.Span, got, res.Trigger)
			}
			for _, c := range res.Covered {
				if c.Turn <= res.Turn || r.Turns[c.Turn].Speaker != qa.SpeakerAgent {
					t.Errorf("%s: fact %s in turn %d, trigger in turn %d", r.ID, c.Fact, c.Turn, res.Turn)
				}
				if got := runeSub(r.Turns[c.Turn].Text, c.Span); got != c.Text {
					t.Errorf("%s: fact span %v = %q, want %q", r.ID, c.Span, got, c.Text)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records; topics %v; all facts %v; some missing %v; facts covered %d, missing %d",
		records, topics, complete, partial, covered, missing)
	if records != 500 {
		t.Errorf("%d records", records)
	}
	if covered == 0 || missing == 0 || len(complete) == 0 || len(partial) == 0 {
		t.Errorf("want covered and missing facts on demo data: covered %d, missing %d", covered, missing)
	}
	for _, e := range Defaults() {
		if topics[e.Topic] == 0 {
			t.Errorf("default topic %s never raised in demo data", e.Topic)
		}
	}
}

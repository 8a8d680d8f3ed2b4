package mask

import (
	"bytes"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"qloop/internal/qa"
)

func TestTextAddressEmailName(t *testing.T) {
	tests := []struct {
		name, in string
		names    []string
		want     string
	}{
		{"street and number", "北京市朝阳区建国路88号", nil, "北京市朝阳区******"},
		{"after 住在", "我住在北京市朝阳区建国路88号院3号楼", nil, "我住在北京市朝阳区**********"},
		{"avenue", "上海市浦东新区世纪大道100号", nil, "上海市浦东新区********"},
		{"residential area", "幸福小区3栋2单元501", nil, "************"},
		{"area after 地址是", "地址是幸福小区3栋2单元501室，谢谢", nil, "地址是*************，谢谢"},
		{"dash shorthand", "收货地址：阳光花园3-2-501", nil, "收货地址：***********"},
		{"building without street", "3号楼2单元501", nil, "*********"},
		{"ASR numerals", "幸福小区三栋二单元五零一", nil, "************"},
		{"street then area", "建国路88号幸福小区3栋", nil, "************"},
		{"date 号 stays", "11月2号给您回电", nil, "11月2号给您回电"},
		{"subway line stays", "地铁10号线", nil, "地铁10号线"},
		{"这里3号 stays", "我这里3号发货", nil, "我这里3号发货"},
		{"floor alone stays", "请到3楼前台", nil, "请到3楼前台"},
		{"street without number stays", "建国路与东三环交叉口", nil, "建国路与东三环交叉口"},
		{"year after number stays", "建国路88号2026年拆迁", nil, "******2026年拆迁"},
		{"e-mail", "邮箱zhangsan@example.com", nil, "邮箱z*******@example.com"},
		{"e-mail of digits", "13800138000@163.com", nil, "1**********@163.com"},
		{"no e-mail without domain dot", "@客服 user@localhost", nil, "@客服 user@localhost"},
		{"name", "李建国您好，李建国先生", []string{"李建国"}, "李**您好，李**先生"},
		{"compound surname", "欧阳娜娜女士", []string{"欧阳娜娜"}, "欧阳**女士"},
		{"one-character name ignored", "李先生", []string{"李"}, "李先生"},
		{"several names", "王芳和张伟", []string{"王芳", "张伟"}, "王*和张*"},
		{"everything at once", "李建国，手机13800138000，住幸福小区3栋2单元501", []string{"李建国"},
			"李**，手机138****8000，住************"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in, tt.names...)
			if got != tt.want {
				t.Errorf("Text(%q, %q)\n got %q\nwant %q", tt.in, tt.names, got, tt.want)
			}
		})
	}
}

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"李建国", "李**"},
		{"李娜", "李*"},
		{"欧阳娜娜", "欧阳**"},
		{"诸葛亮", "诸葛*"},
		{"欧阳", "欧*"}, // two characters: the given name, not a compound surname
		{"李", "*"},
		{"阿卜杜·热合曼", "阿**·***"},
		{"John Smith", "J*** *****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLengthPreserved checks the property spans depend on, on random text
// made of the characters the patterns look at.
func TestLengthPreserved(t *testing.T) {
	alphabet := []rune("0123456789０１２３４５６７８９零一二三四五六七八九幺两十 -，,()）X@.a市区路号栋单元室小区幸福李建国\xff")
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		rs := make([]rune, r.IntN(60))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(rs)
		if got := Text(s, "李建国"); utf8.RuneCountInString(got) != utf8.RuneCountInString(s) {
			t.Fatalf("Text(%q) = %q: %d runes, want %d", s, got, utf8.RuneCountInString(got), utf8.RuneCountInString(s))
		}
	}
}

// TestSpansStayValid checks that a finding's span highlights the same
// place in the masked turn.
func TestSpansStayValid(t *testing.T) {
	turn := "您好李建国，您的卡号6222-0212-3456-7890-128已冻结，手机13800138000，我们24小时内处理"
	from := strings.Index(turn, "已冻结")
	span := []int{utf8.RuneCountInString(turn[:from]), utf8.RuneCountInString(turn[:from]) + 3}
	masked := []rune(Text(turn, "李建国"))
	if got := string(masked[span[0]:span[1]]); got != "已冻结" {
		t.Errorf("span on the masked turn = %q, want 已冻结", got)
	}
}

func testRecord() *qa.Record {
	at := time.Date(2026, 11, 2, 9, 15, 0, 0, time.FixedZone("CST", 8*3600))
	return &qa.Record{
		ID: "R1", Channel: qa.ChannelCall, StartedAt: at, AgentID: "A007", AgentName: "王小明",
		CustomerID: "C123456789012", CustomerName: "李建国", CustomerPhone: "13800138000",
		Recording: "rec/13800138000_20261102.wav",
		Turns: []qa.Turn{
			{Speaker: qa.SpeakerAgent, Text: "李建国先生您好，我是王小明", Start: qa.Seconds(0), End: qa.Seconds(2.5)},
			{Speaker: qa.SpeakerCustomer, Text: "我的号码是幺三八零零幺三八零零零，客户号C123456789012", Start: qa.Seconds(3)},
		},
		Ticket: &qa.Ticket{CreatedAt: &at, Solution: "已回电13800138000，地址改为建国路88号", Category: "投诉"},
		Tags:   []string{"vip"},
	}
}

func TestRecord(t *testing.T) {
	orig := testRecord()
	keepCopy := testRecord()
	m := Record(orig)

	if !reflect.DeepEqual(orig, keepCopy) {
		t.Fatalf("Record modified its argument:\n%+v", orig)
	}
	checks := []struct{ field, got, want string }{
		{"customer_name", m.CustomerName, "李**"},
		{"customer_phone", m.CustomerPhone, "138****8000"},
		{"customer_id", m.CustomerID, "C12******9012"},
		{"agent_name", m.AgentName, "王小明"},
		{"agent_id", m.AgentID, "A007"},
		{"recording", m.Recording, "rec/138****8000_20261102.wav"},
		{"turn 0", m.Turns[0].Text, "李**先生您好，我是王小明"},
		{"turn 1", m.Turns[1].Text, "我的号码是幺三八****八零零零，客户号C12******9012"},
		{"solution", m.Ticket.Solution, "已回电138****8000，地址改为******"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	// The copy must share nothing mutable with the original.
	*m.Turns[0].Start = 99
	*m.Ticket.CreatedAt = time.Time{}
	m.Tags[0] = "changed"
	m.Turns[1].Text = "changed"
	if !reflect.DeepEqual(orig, keepCopy) {
		t.Errorf("changing the masked copy changed the original")
	}
	if Record(nil) != nil {
		t.Errorf("Record(nil) != nil")
	}
}

func TestFindings(t *testing.T) {
	turn := 1
	orig := []qa.Finding{
		{Item: "核身", Result: qa.ResultFail, Turn: &turn, Text: "身份证110101199003071234", Span: []int{0, 21}, Start: qa.Seconds(3)},
		{Item: "礼貌", Result: qa.ResultFail, Text: "李建国你听不懂吗", Note: "对李建国语气生硬"},
	}
	id := makeID("110101", "19900307", "123")
	orig[0].Text = "身份证" + id
	m := Findings(orig, "李建国")
	if want := "身份证" + keep(id, 6, 4); m[0].Text != want {
		t.Errorf("finding 0 text = %q, want %q", m[0].Text, want)
	}
	if m[1].Text != "李**你听不懂吗" || m[1].Note != "对李**语气生硬" {
		t.Errorf("finding 1 = %q / %q", m[1].Text, m[1].Note)
	}
	*m[0].Turn, m[0].Span[0], *m[0].Start = 7, 5, 9
	if *orig[0].Turn != 1 || orig[0].Span[0] != 0 || *orig[0].Start != 3 || orig[0].Text != "身份证"+id {
		t.Errorf("Findings shares memory with its argument: %+v", orig[0])
	}
}

func TestReplaceAttr(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: ReplaceAttr}))
	rec := testRecord()
	log.Info("回拨客户13800138000", "phone", "13800138000", "n", 3,
		slog.Group("customer", "card", "卡号"+makeCard("622202", 19)), "record", rec)
	out := buf.String()
	for _, leak := range []string{"13800138000", makeCard("622202", 19), "李建国"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line leaks %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{`msg=回拨客户138****8000`, "phone=138****8000", "n=3", "level=INFO", "customer.card="} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lacks %q:\n%s", want, out)
		}
	}
	if rec.CustomerPhone != "13800138000" {
		t.Errorf("logging masked the caller's record")
	}
}

// transcript is a 2 KB call transcript with a little personal data in it.
func transcript() string {
	parts := []string{
		"坐席：您好，这里是客服中心，工号1234为您服务，请问有什么可以帮您？",
		"客户：你好，我上个月办的那张卡一直没收到，订单号2026110212345678，付了5000元。",
		"坐席：非常抱歉给您带来不便，请您提供一下注册的手机号码，我帮您查询一下物流信息。",
		"客户：幺三八 零零幺三 八零零零，收货地址是北京市朝阳区建国路88号幸福小区3栋2单元501。",
		"坐席：好的，我这边看到您的包裹在11月2号已经发出，预计24小时内送达，请您耐心等待。",
		"客户：那我的身份证号要不要再核对一下？",
		"坐席：不用的，系统里已经有了，感谢您的来电，祝您生活愉快，再见。",
	}
	var b strings.Builder
	for b.Len() < 2048 {
		for _, p := range parts {
			b.WriteString(p)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func BenchmarkText(b *testing.B) {
	s := transcript()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Text(s, "李建国")
	}
}

// TestCustomerID: FORMAT.md makes every customer_* field personal data, whatever its shape, so the
// customer id is masked by field, an ID number with a wrong check digit included.
func TestCustomerID(t *testing.T) {
	id := makeID("110105", "19800101", "123")
	tests := []struct{ in, want string }{
		{"U10001", "****01"},
		{"U889", "****"},
		{"C123456789012", "C12******9012"},
		{"13800138000", "138****8000"},
		{id, keep(id, 6, 4)},
		{wrongLast(id), keep(wrongLast(id), 6, 4)},
		{" U10001 ", " ****01 "},
		{"客户-甲乙丙丁", "*****丙丁"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CustomerID(tt.in); got != tt.want {
			t.Errorf("CustomerID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRecordCustomerIDInText: the customer id is masked wherever the record repeats it, and an
// ID number with a wrong check digit in the text is masked like a valid one.
func TestRecordCustomerIDInText(t *testing.T) {
	id := wrongLast(makeID("110105", "19800101", "123"))
	r := testRecord()
	r.CustomerID = "U10001"
	r.Turns[1].Text = "客户号U10001，证件" + id
	r.Ticket.Solution = "客户U10001已处理"
	m := Record(r)
	if want := "客户号****01，证件" + keep(id, 6, 4); m.Turns[1].Text != want {
		t.Errorf("turn 1 = %q, want %q", m.Turns[1].Text, want)
	}
	if want := "客户****01已处理"; m.Ticket.Solution != want {
		t.Errorf("solution = %q, want %q", m.Ticket.Solution, want)
	}
}

// TestRecordFindings: evidence outside the turns (a ticket's solution) is masked with the record's
// customer fields, as the record's texts are.
func TestRecordFindings(t *testing.T) {
	r := testRecord()
	r.CustomerID, r.CustomerPhone = "U10001", "62345678" // no area code: no pattern knows it
	fs := []qa.Finding{{Item: "resolution", Result: qa.ResultFail, Text: "已回电62345678，客户U10001，李建国"}}
	m := RecordFindings(r, fs)
	if want := "已回电623*5678，客户****01，李**"; m[0].Text != want {
		t.Errorf("evidence = %q, want %q", m[0].Text, want)
	}
	if fs[0].Text != "已回电62345678，客户U10001，李建国" {
		t.Error("RecordFindings changed its argument")
	}
}

// TestReplaceAttrCustomerFields: attributes named like the customer fields are masked by field,
// even when no pattern would recognise their value.
func TestReplaceAttrCustomerFields(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: ReplaceAttr}))
	log.Info("imported", "customer_id", "U10001", "customer_name", "李建国", "customer_phone", "62345678",
		"customer_tier", "vip")
	out := buf.String()
	for _, want := range []string{"customer_id=****01", "customer_name=李**", "customer_phone=623*5678", "customer_tier=vip"} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lacks %q:\n%s", want, out)
		}
	}
}

package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const csvHeader = "会话ID,客服工号,发送方,内容,发送时间,渠道\n"

func TestCSV(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		ids     string
		rejects []string
	}{
		{"按会话分组", csvHeader +
			"S1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"S1,,客服,您好,2026-11-02 09:15:05,在线\n" +
			"S2,A2,customer,hi,2026-11-02T09:16:00+08:00,chat\n", "S1,S2", nil},
		{"未知说话人", csvHeader +
			"S1,A1,坐席A,你好,2026-11-02 09:15:00,在线\n" +
			"S2,A2,客户,在吗,2026-11-02 09:16:00,在线\n" +
			"S2,A2,坐席,在的,2026-11-02 09:16:03,在线\n", "S2",
			[]string{`x.csv:2: record "S1": unknown speaker "坐席A" (use agent, customer or system, or map it in the mapping file`}},
		{"错误时间", csvHeader +
			"S1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"S1,A1,客服,您好,2026-13-02 09:15,在线\n" +
			"S2,A2,客户,在吗,0,在线\n", "",
			[]string{
				`x.csv:3: record "S1": 发送时间 "2026-13-02 09:15" is not a date: use RFC 3339 like 2026-11-02T09:15:00+08:00`,
				`x.csv:2: record "S1" is not imported: its row at line 3 was rejected`,
				// S2 has only relative times and no start column: it cannot be placed in time.
				`x.csv:4: record "S2": no start time: add a start column`,
			}},
		{"列数不齐", csvHeader +
			"S1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"S1,A1,客服,您好,2026-11-02 09:15:05\n" +
			"S2,A2,客户,在吗,2026-11-02 09:16:00,在线\n", "S2",
			[]string{`x.csv:3: record "S1": row has 5 columns but the header has 6`, `x.csv:2: record "S1" is not imported: its row at line 3 was rejected`}},
		// Issue 14: r1 was imported with 1 of its 3 rows and scored so.
		{"一行不齐整条会话拒收", csvHeader +
			"r1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"r1,A1,客服,您好,请问有什么可以帮您,2026-11-02 09:15:05,在线\n" +
			"r1,A1,客服,再见\n" +
			"r2,A2,客户,在吗,2026-11-02 09:16:00,在线\n", "r2",
			[]string{`x.csv:3: record "r1": row has 7 columns`, `x.csv:4: record "r1": row has 4 columns`, `x.csv:2: record "r1" is not imported: its row at line 3 was rejected`}},
		{"不齐的行开始新会话", csvHeader +
			"r1,A1,客户,你好,在线\n" +
			"r1,A1,客服,您好,2026-11-02 09:15:05,在线\n" +
			"r2,A2,客户,在吗,2026-11-02 09:16:00,在线\n", "r2",
			[]string{`x.csv:2: record "r1": row has 5 columns`, `x.csv:3: record "r1" is not imported: its row at line 2 was rejected`}},
		// Issue 14: an unterminated quote swallowed the valid records after it.
		{"未闭合的引号", csvHeader +
			"r1,A1,客户,\"你好,2026-11-02 09:15:00,在线\n" +
			"r2,A2,客户,在吗,2026-11-02 09:16:00,在线\n" +
			"r2,A2,客服,在的,2026-11-02 09:16:05,在线\n", "r2",
			[]string{`x.csv:2: record "r1": bad CSV at line 2: a quoted cell is never closed`}},
		{"未闭合的引号后面的行也有引号", csvHeader +
			"r1,A1,客户,\"你好,2026-11-02 09:15:00,在线\n" +
			"r2,A2,客户,\"在吗\",2026-11-02 09:16:00,在线\n" +
			"r3,A3,客户,\"喂, 你好\",2026-11-02 09:17:00,在线\n", "r2,r3",
			[]string{`x.csv:2: record "r1": bad CSV at line 2`}},
		{"引号里的换行和双引号", csvHeader +
			"r1,A1,客户,\"第一行\n他说\"\"好\"\"\n\",2026-11-02 09:15:00,在线\n", "r1", nil},
		{"无效的 UTF-8", csvHeader +
			"r1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"r2,A2,客户,在\xff吗,2026-11-02 09:16:00,在线\n", "r1",
			[]string{`x.csv:3: record "r2": not valid UTF-8 at byte 17 of the line (offset 122 in the file)`}},
		{"缺少坐席", csvHeader +
			"S1,,客户,你好,2026-11-02 09:15:00,在线\n" +
			"S2,A2,客户,在吗,2026-11-02 09:16:00,在线\n", "S2",
			[]string{`x.csv:2: record "S1": agent_id is required`}},
		{"会话ID重复出现", csvHeader +
			"S1,A1,客户,你好,2026-11-02 09:15:00,在线\n" +
			"S2,A2,客户,在吗,2026-11-02 09:16:00,在线\n" +
			"S1,A1,客服,您好,2026-11-02 09:15:05,在线\n", "S1,S2",
			[]string{`x.csv:4: id "S1" appears again after other records (first at line 2): keep the rows of one record together`}},
		{"引号错误", csvHeader +
			"S1,A1,客户,你\"好,2026-11-02 09:15:00,在线\n" +
			"S2,A2,客户,在吗,2026-11-02 09:16:00,在线\n", "S2",
			[]string{`x.csv:2: record "S1": bad CSV at line 2 (byte 17 of the line): bare " in non-quoted-field`}},
		{"多行单元格的行号", csvHeader +
			"S1,A1,客户,\"第一行\n第二行\",2026-11-02 09:15:00,在线\n" +
			"S2,A2,未知人,在吗,2026-11-02 09:16:00,在线\n", "S1",
			[]string{`x.csv:4: record "S2": unknown speaker "未知人"`}},
		{"空的会话ID", csvHeader + ",A1,客户,你好,2026-11-02 09:15:00,在线\n", "",
			[]string{"x.csv:2: column 会话ID (id) is empty"}},
		{"未知渠道", csvHeader + "S1,A1,客户,你好,2026-11-02 09:15:00,传真\n", "",
			[]string{`x.csv:2: record "S1": unknown channel "传真"`}},
		{"按工单", "工单号,客服工号,创建时间,解决时间,状态,分类,转派次数,是否升级\n" +
			"T1,A1,2026-11-02 09:15:00,2026-11-02 11:00:00,resolved,投诉,1,是\n" +
			"T2,A1,2026-11-02 09:15:00,,open,咨询,两次,否\n", "T1",
			[]string{`x.csv:3: record "T2": 转派次数 "两次" is not a count`}},
		{"制表符分隔", strings.ReplaceAll(csvHeader+"S1,A1,客户,你好,2026-11-02 09:15:00,在线\n", ",", "\t"), "S1", nil},
		{"只有空白", "\n\n", "", []string{"x.csv: the file is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readString(t, "x.csv", c.input, Options{})
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

// 消息时间换算成相对会话开始的秒数；工单字段写入 Ticket。
func TestCSVValues(t *testing.T) {
	res := readPath(t, filepath.Join("testdata", "export_messages.csv"), Options{})
	r := res.recs[0]
	var starts []float64
	for _, turn := range r.Turns {
		starts = append(starts, *turn.Start)
	}
	if got := starts; len(got) != 4 || got[1] != 5 || got[3] != 70 {
		t.Errorf("starts = %v, want [0 5 30 70]", got)
	}
	if r.AgentName != "王芳" || r.BusinessType != "信用卡" || r.Turns[0].Speaker != "customer" {
		t.Errorf("record = %+v", r)
	}
	res = readPath(t, filepath.Join("testdata", "export_tickets.csv"), Options{})
	tk := res.recs[0].Ticket
	if tk == nil || tk.Transfers != 1 || tk.Category != "投诉" || tk.ResolvedAt == nil || !res.recs[0].StartedAt.Equal(*tk.CreatedAt) {
		t.Errorf("ticket = %+v", tk)
	}
}

// 中文 Excel 默认导出 GBK：按 GB18030 解码。
func TestCSVGBK(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "export_messages.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	res := readString(t, "gbk.csv", string(gbk), Options{})
	if ids(res.recs) != "S-1001,S-1002" || len(res.rejects) > 0 {
		t.Fatalf("ids %q rejects %q err %v", ids(res.recs), res.rejects, res.err)
	}
	if res.recs[0].AgentName != "王芳" {
		t.Errorf("agent_name = %q", res.recs[0].AgentName)
	}
}

// 找不到会话ID列时整个文件报错，并说明如何映射。
func TestCSVNoIDColumn(t *testing.T) {
	res := readString(t, "x.csv", "编号,内容\n1,你好\n", Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "x.csv:1: no id column") || !strings.Contains(res.err.Error(), "columns.id") {
		t.Fatalf("err = %v", res.err)
	}
}

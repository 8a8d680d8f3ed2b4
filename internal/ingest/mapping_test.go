package ingest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"qloop/internal/yamldoc/yamltest"
)

// 示例映射文件可以直接加载，并覆盖默认列名。
func TestLoadMappingExample(t *testing.T) {
	m, err := LoadMapping(filepath.Join("testdata", "mapping.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Columns["id"]; strings.Join(got, ",") != "会话编号,会话ID" {
		t.Errorf("columns.id = %q", got)
	}
	if sp, _ := m.speaker("买家"); sp != "customer" {
		t.Errorf("买家 → %q", sp)
	}
	if sp, _ := m.speaker("客服"); sp != "agent" {
		t.Errorf("default 客服 → %q", sp)
	}
	if c, _ := m.channel("400热线"); c != "call" {
		t.Errorf("400热线 → %q", c)
	}
	// An export with the example's headers reads through the mapping.
	csv := "会话编号,客服工号,发送方,消息内容,发送时间,渠道\nS1,A1,买家,你好,2026-11-02 09:15:00,小程序\nS1,A1,坐席A,您好,2026-11-02 09:15:03,小程序\n"
	res := readString(t, "x.csv", csv, Options{Mapping: m})
	if ids(res.recs) != "S1" || len(res.rejects) > 0 || res.recs[0].Channel != "chat" {
		t.Errorf("ids %q rejects %q", ids(res.recs), res.rejects)
	}
}

// 映射文件的错误带行号并说明怎么改。
func TestLoadMappingErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"未知字段", "columns:\n  id: [编号]\n  坐席: [客服]\n", `m.yaml:3: unknown field "坐席" under columns: use one of id, channel`},
		{"说话人取值错误", "speakers:\n  客服: 客服\n", `m.yaml:2: speaker "客服" maps to "客服": use agent, customer or system`},
		{"渠道取值错误", "channel: phone\n", `m.yaml:1: channel "phone" is not one of call, chat, email, ticket`},
		{"渠道映射错误", "channels:\n\n  电话: voice\n", `m.yaml:3: channel "电话" maps to "voice"`},
		{"未知顶层键", "sheet: a\ncolumn:\n  id: [x]\n", "[2:1] unknown field \"column\""},
		{"YAML 语法错误", "columns:\n  id: [x\n", "m.yaml: [2:"},
		{"类型错误", "columns:\n  id: 编号\n", "[2:7]"},
		{"别名炸弹", yamltest.AliasBomb("columns:\n", 7, 8), "m.yaml:7: aliases (*name) expand the file to more than 100000 values"},
		{"括号嵌套过深", "columns:\n  id: " + strings.Repeat("[", 100) + "\n", "m.yaml:2: brackets are nested more than 64 deep"},
		{"文件过大", "columns:\n  id: [" + strings.Repeat("编号,", 90000) + "]\n", "m.yaml: the file is larger than the 256 KB allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.yaml")
			if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadMapping(path)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
			if !strings.Contains(msg, c.want) {
				t.Errorf("err = %q, want it to contain %q", msg, c.want)
			}
		})
	}
	if _, err := LoadMapping(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}

// Refusing an alias bomb costs little memory: before the limit, this 466-byte mapping allocated
// about 100 MB while it was decoded.
func TestLoadMappingAliasBombMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(path, []byte(yamltest.AliasBomb("columns:\n", 7, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := LoadMapping(path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Fatalf("err = %v, want the alias limit", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("refusing the alias bomb allocated %d MB", n>>20)
	}
}

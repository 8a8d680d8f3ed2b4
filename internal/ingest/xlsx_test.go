package ingest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes rows to sheet of a new workbook at path.
func writeXLSX(t *testing.T, path, sheet string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestXLSX(t *testing.T) {
	header := []any{"会话编号", "客服工号", "角色", "消息内容", "发送时间", "业务类型"}
	cases := []struct {
		name    string
		sheet   string
		mapping *Mapping
		rows    [][]any
		ids     string
		rejects []string
	}{
		{"按会话分组", "Sheet1", nil, [][]any{header,
			{"S1", "A1", "客户", "你好", "2026-11-02 09:15:00", "信用卡"},
			{"S1", "A1", "客服", "您好", "2026-11-02 09:15:04"}, // 末尾空单元格被 Excel 省略
			{},
			{"S2", "A2", "用户", "在吗", "2026-11-02 10:00:00"},
			{"S2", "A2", "坐席", "在的", 3.5},
		}, "S1,S2", nil},
		{"坏行的行号就是 Excel 行号", "Sheet1", nil, [][]any{{}, header,
			{"S1", "A1", "客户", "你好", "2026-11-02 09:15:00"},
			{"S2", "", "客户", "在吗", "2026-11-02 10:00:00"},
			{"S3", "A3", "坐席A", "您好", "2026-11-02 11:00:00"},
		}, "S1", []string{
			`x.xlsx:4: record "S2": agent_id is required`,
			`x.xlsx:5: record "S3": unknown speaker "坐席A"`,
		}},
		{"Excel 日期单元格", "Sheet1", nil, [][]any{header,
			{"S1", "A1", "客户", "你好", time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)},
			{"S1", 13800138000, "客服", "您好", time.Date(2026, 11, 2, 9, 15, 7, 0, time.UTC)},
		}, "S1", nil},
		{"映射里指定工作表", "导出", &Mapping{Sheet: "导出"}, [][]any{header,
			{"S9", "A9", "客户", "你好", "2026-11-02 09:15:00"},
		}, "S9", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.xlsx")
			writeXLSX(t, path, c.sheet, c.rows)
			m := DefaultMapping()
			if c.mapping != nil {
				m.Sheet = c.mapping.Sheet
			}
			var res result
			res.sum, res.err = ReadFile(t.Context(), path, Options{Mapping: m}, collect(t, &res), func(r Reject) {
				r.File = filepath.Base(r.File)
				res.rejects = append(res.rejects, r.String())
			})
			if res.err != nil {
				t.Fatal(res.err)
			}
			for _, r := range res.recs {
				if n := len(r.Turns); n > 1 && *r.Turns[1].Start != 7 && *r.Turns[1].Start != 4 && *r.Turns[1].Start != 3.5 {
					t.Errorf("%s second turn starts at %v", r.ID, *r.Turns[1].Start)
				}
				if r.StartedAt.Hour() != 9 && r.StartedAt.Hour() != 10 {
					t.Errorf("%s started_at = %v, want 09:15 or 10:00 +08:00", r.ID, r.StartedAt)
				}
			}
			if got := ids(res.recs); got != c.ids {
				t.Errorf("ids = %q, want %q", got, c.ids)
			}
			checkRejects(t, res.rejects, c.rejects)
		})
	}
}

// 工作表不存在、文件不是 xlsx 时给出明确的错误。
func TestXLSXErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.xlsx")
	writeXLSX(t, path, "Sheet1", [][]any{{"会话ID"}})
	m := DefaultMapping()
	m.Sheet = "不存在"
	res := readPath(t, path, Options{Mapping: m})
	if res.err == nil || !contains(res.err.Error(), `no sheet "不存在"`) {
		t.Errorf("missing sheet: err = %v", res.err)
	}
	res = readString(t, "bad.xlsx", "not a zip", Options{})
	if res.err == nil || !contains(res.err.Error(), "not a readable .xlsx workbook") {
		t.Errorf("not xlsx: err = %v", res.err)
	}
}

package feedback

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"qloop/internal/ingest"
)

// ReadOptions tell Read how to take a file.
type ReadOptions struct {
	// Format is jsonl, csv or xlsx; "" picks it from the file name.
	Format string
	// Kind is the kind of rows that do not say (a file of callbacks without a 类型 column); "" means
	// every row must say.
	Kind string
}

// Line is one entry read from a file, with where it came from.
type Line struct {
	Line  int
	Raw   string
	Entry Entry
}

// Columns maps each entry field to the header names it may have in CSV and XLSX exports (case and
// surrounding spaces ignored); the scores are keyed "scores.DIMENSION".
var Columns = map[string][]string{
	"id":                {"反馈编号", "反馈ID", "评价编号", "评价ID", "回访编号", "投诉编号", "投诉单号", "升级编号", "feedback_id", "id"},
	"kind":              {"类型", "反馈类型", "kind", "type"},
	"record_id":         {"服务记录", "记录ID", "关联记录", "记录编号", "会话ID", "工单号", "通话ID", "record_id"},
	"at":                {"评价时间", "回访时间", "投诉时间", "受理时间", "升级时间", "反馈时间", "时间", "at", "time"},
	"scores.timeliness": {"响应及时性", "响应及时", "timeliness"},
	"scores.resolution": {"解决能力", "resolution"},
	"scores.attitude":   {"服务态度", "attitude"},
	"scores.compliance": {"流程合规", "流程合规性", "compliance"},
	"scores.overall":    {"客户感知", "总体满意度", "满意度", "客户总体满意度", "overall"},
	"ticks":             {"勾选项", "勾选", "评价标签", "ticks"},
	"text":              {"文字评价", "评价内容", "改善建议", "建议", "回访记录", "回访备注", "备注", "text", "comment"},
	"recording":         {"回访录音", "录音", "recording"},
	"reason":            {"投诉原因", "原因", "reason"},
	"category":          {"投诉分类", "分类", "category"},
	"handling":          {"处理过程", "处理情况", "handling"},
	"final_opinion":     {"客户最终意见", "最终意见", "final_opinion"},
	"sla":               {"处理时限", "时限等级", "时限", "sla"},
	"handled_at":        {"办结时间", "处理时间", "完成时间", "handled_at"},
	"nodes":             {"升级节点", "nodes"},
	"outcome":           {"升级结果", "处理结果", "outcome"},
}

// columnOrder fixes the order in which headers are matched, so that a header is taken by the most
// specific field first (回访时间 is at, not text).
var columnOrder = []string{"id", "kind", "record_id", "at", "scores.timeliness", "scores.resolution", "scores.attitude",
	"scores.compliance", "scores.overall", "ticks", "recording", "reason", "category", "handling", "final_opinion", "sla",
	"handled_at", "nodes", "outcome", "text"}

// kindValues maps how exports write a kind onto Kinds.
var kindValues = map[string]string{
	"rating": KindRating, "即时评价": KindRating, "评价": KindRating, "服务评价": KindRating, "满意度评价": KindRating,
	"callback": KindCallback, "回访": KindCallback, "满意度回访": KindCallback, "电话回访": KindCallback,
	"complaint": KindComplaint, "投诉": KindComplaint, "客诉": KindComplaint,
	"escalation": KindEscalation, "升级": KindEscalation, "服务升级": KindEscalation,
}

// slaValues maps how exports write a complaint time limit onto SLAClasses.
var slaValues = map[string]string{
	"30m": "30m", "30min": "30m", "30分钟": "30m", "30分钟内": "30m", "0.5h": "30m",
	"2h": "2h", "2小时": "2h", "2小时内": "2h", "4h": "4h", "4小时": "4h", "4小时内": "4h",
	"24h": "24h", "24小时": "24h", "24小时内": "24h", "1d": "24h", "1天": "24h",
}

// Read streams feedback entries from r (JSON Lines, CSV or XLSX), calling emit for each entry that
// is valid on its own and reject for each line that is not, as file:line: reason. Whether the record
// exists is for Import to tell. It returns how many entries it read.
func Read(ctx context.Context, r io.Reader, name string, opt ReadOptions, emit func(Line) error, reject func(ingest.Reject)) (int, error) {
	format := opt.Format
	if format == "" {
		if format = ingest.DetectTableFormat(name); format == "" {
			return 0, fmt.Errorf("%s: cannot tell the format from the file name: name it .jsonl, .csv or .xlsx, or pass the format", name)
		}
	}
	rd := &reader{ctx: ctx, name: name, opt: opt, emit: emit, reject: reject}
	switch format {
	case ingest.FormatJSONL:
		return rd.n, rd.jsonl(r)
	case ingest.FormatCSV, ingest.FormatXLSX:
		rd.excel = format == ingest.FormatXLSX
		return rd.n, ingest.ReadRows(ctx, r, name, format, rd.header, rd.row, func(rj ingest.Reject) { rd.n++; reject(rj) })
	}
	return 0, fmt.Errorf("%s: unknown format %q: use jsonl, csv or xlsx", name, format)
}

type reader struct {
	ctx    context.Context
	name   string
	opt    ReadOptions
	emit   func(Line) error
	reject func(ingest.Reject)
	n      int
	excel  bool
	col    map[string]int
	head   []string
}

func (rd *reader) bad(line int, raw, reason string) {
	rd.reject(ingest.Reject{File: rd.name, Line: line, Reason: reason, Raw: raw})
}

// entry validates e and emits it, or rejects its line.
func (rd *reader) entry(line int, raw string, e Entry) error {
	if e.Kind == "" {
		e.Kind = rd.opt.Kind
	}
	if err := e.Validate(); err != nil {
		rd.bad(line, raw, label(e)+err.Error())
		return nil
	}
	return rd.emit(Line{Line: line, Raw: raw, Entry: e})
}

func label(e Entry) string {
	if e.ID != "" {
		return fmt.Sprintf("entry %q: ", e.ID)
	}
	return ""
}

// wireEntry is an entry as JSON Lines write it, times as strings so that the offset-less form is
// accepted and a bad one reported by field.
type wireEntry struct {
	ID           string         `json:"id"`
	Kind         string         `json:"kind"`
	RecordID     string         `json:"record_id"`
	At           string         `json:"at"`
	Scores       map[string]int `json:"scores"`
	Ticks        []string       `json:"ticks"`
	Text         string         `json:"text"`
	Recording    string         `json:"recording"`
	Reason       string         `json:"reason"`
	Category     string         `json:"category"`
	Handling     string         `json:"handling"`
	FinalOpinion string         `json:"final_opinion"`
	SLA          string         `json:"sla"`
	HandledAt    string         `json:"handled_at"`
	Nodes        []struct {
		Name string `json:"name"`
		At   string `json:"at"`
	} `json:"nodes"`
	Outcome string `json:"outcome"`
}

func (rd *reader) jsonl(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if err := rd.ctx.Err(); err != nil {
			return err
		}
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		if len(b) == 0 {
			continue
		}
		rd.n++
		raw := string(b)
		var w wireEntry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&w); err != nil {
			rd.bad(line, raw, "not a feedback entry in JSON: "+err.Error())
			continue
		}
		e := Entry{ID: w.ID, Kind: kindOf(w.Kind), RecordID: strings.TrimSpace(w.RecordID), Scores: w.Scores, Ticks: w.Ticks,
			Text: w.Text, Recording: w.Recording, Reason: w.Reason, Category: w.Category, Handling: w.Handling,
			FinalOpinion: w.FinalOpinion, SLA: slaOf(w.SLA), Outcome: w.Outcome}
		var err error
		if e.At, err = optTime("at", w.At, false); err == nil && w.HandledAt != "" {
			var t time.Time
			if t, err = optTime("handled_at", w.HandledAt, false); err == nil {
				e.HandledAt = &t
			}
		}
		for i := 0; err == nil && i < len(w.Nodes); i++ {
			var t time.Time
			t, err = optTime(fmt.Sprintf("nodes[%d].at", i), w.Nodes[i].At, false)
			e.Nodes = append(e.Nodes, Node{Name: w.Nodes[i].Name, At: t})
		}
		if err != nil {
			rd.bad(line, raw, label(e)+err.Error())
			continue
		}
		if err := rd.entry(line, raw, e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: read: %w", rd.name, err)
	}
	return nil
}

func optTime(field, v string, excel bool) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	return ingest.ParseTime(field, v, excel)
}

func kindOf(v string) string {
	v = strings.TrimSpace(v)
	if k, ok := kindValues[strings.ToLower(v)]; ok {
		return k
	}
	return v
}

func slaOf(v string) string {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if s, ok := slaValues[strings.ToLower(v)]; ok {
		return s
	}
	return v
}

// header maps the header row onto fields; it fails when no record column can be found.
func (rd *reader) header(line int, cells []string) error {
	rd.col, rd.head = map[string]int{}, cells
	taken := map[int]bool{}
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))) }
	for _, field := range columnOrder {
		for _, name := range Columns[field] {
			for i, h := range cells {
				if !taken[i] && norm(h) == norm(name) {
					rd.col[field], taken[i] = i, true
					break
				}
			}
			if _, ok := rd.col[field]; ok {
				break
			}
		}
	}
	if _, ok := rd.col["record_id"]; !ok {
		return fmt.Errorf("%s:%d: no record column among %q: name one %s", rd.name, line, cells, strings.Join(Columns["record_id"], "/"))
	}
	if _, ok := rd.col["kind"]; !ok && rd.opt.Kind == "" {
		return fmt.Errorf("%s:%d: no kind column (%s) and no --kind: say whether the rows are ratings, callbacks, complaints or escalations",
			rd.name, line, strings.Join(Columns["kind"], "/"))
	}
	return nil
}

func (rd *reader) cell(cells []string, field string) string {
	if i, ok := rd.col[field]; ok && i < len(cells) {
		return strings.TrimSpace(cells[i])
	}
	return ""
}

func (rd *reader) row(line int, cells []string) error {
	rd.n++
	raw := strings.Join(cells, ",")
	e := Entry{ID: rd.cell(cells, "id"), Kind: kindOf(rd.cell(cells, "kind")), RecordID: rd.cell(cells, "record_id"),
		Text: rd.cell(cells, "text"), Recording: rd.cell(cells, "recording"), Reason: rd.cell(cells, "reason"),
		Category: rd.cell(cells, "category"), Handling: rd.cell(cells, "handling"), FinalOpinion: rd.cell(cells, "final_opinion"),
		SLA: slaOf(rd.cell(cells, "sla")), Outcome: rd.cell(cells, "outcome")}
	fail := func(reason string) error { rd.bad(line, raw, label(e)+reason); return nil }
	var err error
	if e.At, err = optTime(rd.headName("at"), rd.cell(cells, "at"), rd.excel); err != nil {
		return fail(err.Error())
	}
	if v := rd.cell(cells, "handled_at"); v != "" {
		t, err := optTime(rd.headName("handled_at"), v, rd.excel)
		if err != nil {
			return fail(err.Error())
		}
		e.HandledAt = &t
	}
	for _, d := range Dimensions {
		v := rd.cell(cells, "scores."+d)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(v, "分"))
		if err != nil {
			return fail(fmt.Sprintf("%s %q is not a rating: use a whole number from 1 to 5", rd.headName("scores."+d), v))
		}
		if e.Scores == nil {
			e.Scores = map[string]int{}
		}
		e.Scores[d] = n
	}
	if v := rd.cell(cells, "ticks"); v != "" {
		e.Ticks = splitList(v)
	}
	if v := rd.cell(cells, "nodes"); v != "" {
		if e.Nodes, err = rd.nodes(v); err != nil {
			return fail(err.Error())
		}
	}
	return rd.entry(line, raw, e)
}

// nodes reads "二线技术@2026-11-02 10:00; 技术部@2026-11-02 12:00".
func (rd *reader) nodes(v string) ([]Node, error) {
	var out []Node
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' || r == '\n' }) {
		name, at, ok := strings.Cut(part, "@")
		if !ok {
			return nil, fmt.Errorf("%s %q: write each node as name@time, separated by ;", rd.headName("nodes"), part)
		}
		t, err := ingest.ParseTime(rd.headName("nodes"), strings.TrimSpace(at), false)
		if err != nil {
			return nil, err
		}
		out = append(out, Node{Name: strings.TrimSpace(name), At: t})
	}
	return out, nil
}

func (rd *reader) headName(field string) string {
	if i, ok := rd.col[field]; ok {
		return strings.TrimSpace(rd.head[i])
	}
	return field
}

// splitList splits a tick-box cell on the separators people type: , ， ; ； 、 |.
func splitList(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，;；、|", r) }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

package ingest

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"qloop/internal/qa"
)

// table turns the rows of a CSV or XLSX export into records. A file with a text column has one row
// per message and the rows of one record must be consecutive (grouped by id); otherwise every row is a
// record (typically a ticket).
type table struct {
	s      *sink
	m      *Mapping
	col    map[string]int    // field → column index
	header map[string]string // field → the header text, for messages
	ncols  int
	strict bool // ragged rows are errors (CSV); XLSX drops trailing empty cells, so it pads instead
	// excelDates: cells are raw XLSX values, where a date is a serial day number (see timeValue).
	excelDates bool
	messages   bool
	// seen remembers the ids already read (as 64-bit hashes, 16 bytes a record) so that an id that
	// reappears later is reported instead of silently splitting a conversation in two.
	seen map[uint64]int
	cur  *pending
}

// pending is the record being assembled from consecutive message rows.
type pending struct {
	rec    qa.Record
	line   int
	raw    string
	failed int // the line of the first rejected row: the whole record is, as a partial conversation would mis-score
	rows   []rowRef
}

// rowRef is a row of a pending record that was not rejected itself, to be reported if the record is.
type rowRef struct {
	line int
	raw  string
}

// setHeader maps the header row; it fails when no id column can be found.
func (t *table) setHeader(line int, cells []string) error {
	t.col, t.header, t.ncols, t.seen = map[string]int{}, map[string]string{}, len(cells), map[uint64]int{}
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))) }
	for _, field := range Fields {
		for _, name := range t.m.Columns[field] {
			for i, h := range cells {
				if norm(h) == norm(name) && !t.taken(i) {
					t.col[field], t.header[field] = i, strings.TrimSpace(h)
					break
				}
			}
			if _, ok := t.col[field]; ok {
				break
			}
		}
	}
	if _, ok := t.col["id"]; !ok {
		return fmt.Errorf("%s:%d: no id column among %q: name one %s, or map it under columns.id in a mapping file",
			t.s.file, line, cells, strings.Join(t.m.Columns["id"], "/"))
	}
	_, t.messages = t.col["text"]
	return nil
}

func (t *table) taken(i int) bool {
	for _, c := range t.col {
		if c == i {
			return true
		}
	}
	return false
}

// row handles one data row; line is its 1-based line (CSV) or row number (XLSX).
func (t *table) row(line int, cells []string) error {
	if err := t.s.stopped(); err != nil {
		return err
	}
	raw := strings.Join(cells, ",")
	if strings.TrimSpace(strings.Join(cells, "")) == "" {
		return nil
	}
	id := strings.TrimSpace(t.cell(cells, "id"))
	if len(cells) != t.ncols && (t.strict || len(cells) > t.ncols) {
		return t.badRow(line, raw, id, fmt.Sprintf("row has %d columns but the header has %d: quote cells that contain commas, or fill in the missing cells", len(cells), t.ncols))
	}
	if id == "" {
		t.s.fail(line, raw, fmt.Sprintf("column %s (id) is empty: every row needs the record id", t.header["id"]))
		return nil
	}
	if t.messages && t.cur != nil && t.cur.rec.ID == id {
		t.fill(t.cur, line, raw, cells)
		return nil
	}
	p, err := t.start(line, raw, id)
	if p == nil || err != nil {
		return err
	}
	t.fill(p, line, raw, cells)
	if !t.messages {
		return t.flush()
	}
	return nil
}

// start flushes the current record and begins the one with id at line; nil when id was seen before
// (that row is rejected).
func (t *table) start(line int, raw, id string) (*pending, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	if first, dup := t.seen[h.Sum64()]; dup {
		t.s.fail(line, raw, fmt.Sprintf("id %q appears again after other records (first at line %d): keep the rows of one record together, e.g. sort the file by id", id, first))
		return nil, nil
	}
	t.seen[h.Sum64()] = line
	t.cur = &pending{rec: qa.Record{ID: id}, line: line, raw: raw}
	return t.cur, nil
}

// badRow rejects a row that cannot be read (ragged, a broken quote). When its id is known, the
// record it belongs to is rejected whole: importing the rest of a conversation would score it on
// part of what was said.
func (t *table) badRow(line int, raw, id, reason string) error {
	if id == "" {
		t.s.fail(line, raw, reason)
		return nil
	}
	if !t.messages {
		t.s.fail(line, raw, fmt.Sprintf("record %q: %s", id, reason))
		return nil
	}
	p := t.cur
	if p == nil || p.rec.ID != id {
		var err error
		if p, err = t.start(line, raw, id); p == nil || err != nil {
			return err
		}
	}
	p.fail(t.s, line, raw, reason)
	return nil
}

// fail rejects row line of p, and with it the whole record.
func (p *pending) fail(s *sink, line int, raw, reason string) {
	if p.failed == 0 {
		p.failed = line
	}
	s.bad(line, raw, fmt.Sprintf("record %q: %s", p.rec.ID, reason))
}

// flush emits the pending record, if any.
func (t *table) flush() error {
	p := t.cur
	t.cur = nil
	if p == nil {
		return nil
	}
	if p.failed > 0 {
		t.s.sum.Read++
		// The record's other rows are reported too, so that the rejects list every line that did not land.
		for _, r := range p.rows {
			t.s.bad(r.line, r.raw, fmt.Sprintf("record %q is not imported: its row at line %d was rejected, and a record is imported whole or not at all", p.rec.ID, p.failed))
		}
		return nil
	}
	if p.rec.Channel == "" {
		p.rec.Channel = t.m.Channel
		if p.rec.Channel == "" && t.messages {
			p.rec.Channel = qa.ChannelChat
		} else if p.rec.Channel == "" {
			p.rec.Channel = qa.ChannelTicket
		}
	}
	if p.rec.StartedAt.IsZero() && p.rec.Ticket != nil && p.rec.Ticket.CreatedAt != nil {
		p.rec.StartedAt = *p.rec.Ticket.CreatedAt
	}
	if p.rec.StartedAt.IsZero() {
		hint := "give message times as dates (" + firstOr(t.m.Columns["time"]) + ")"
		if !t.messages {
			hint = "fill the created-at column (" + firstOr(t.m.Columns["ticket.created_at"]) + ")"
		}
		t.s.fail(p.line, p.raw, fmt.Sprintf("record %q: no start time: add a start column (%s) or %s",
			p.rec.ID, firstOr(t.m.Columns["started_at"]), hint))
		return nil
	}
	return t.s.record(p.line, p.raw, p.rec)
}

func (t *table) cell(cells []string, field string) string {
	i, ok := t.col[field]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// fill copies the row's record-level fields that are still empty into p and adds its message.
// Exports often fill agent columns on agent rows only, so later rows may complete earlier ones.
func (t *table) fill(p *pending, line int, raw string, cells []string) {
	rejected := false
	fail := func(reason string) {
		rejected = true
		p.fail(t.s, line, raw, reason)
	}
	defer func() {
		if !rejected && t.messages {
			p.rows = append(p.rows, rowRef{line, truncate(raw, maxRaw)})
		}
	}()
	r := &p.rec
	for field, dst := range map[string]*string{
		"agent_id": &r.AgentID, "agent_name": &r.AgentName, "team": &r.Team, "customer_id": &r.CustomerID,
		"customer_name": &r.CustomerName, "customer_phone": &r.CustomerPhone, "customer_tier": &r.CustomerTier,
		"business_type": &r.BusinessType, "recording": &r.Recording,
	} {
		if v := t.cell(cells, field); *dst == "" && v != "" {
			*dst = v
		}
	}
	if v := t.cell(cells, "channel"); r.Channel == "" && v != "" {
		c, err := t.m.channel(v)
		if err != nil {
			fail(err.Error())
			return
		}
		r.Channel = c
	}
	if v := t.cell(cells, "tags"); r.Tags == nil && v != "" {
		r.Tags = splitTags(v)
	}
	if v := t.cell(cells, "started_at"); r.StartedAt.IsZero() && v != "" {
		ts, err := t.timeValue("started_at", v)
		if err != nil {
			fail(err.Error())
			return
		}
		r.StartedAt = ts
	}
	if err := t.fillTicket(r, cells); err != nil {
		fail(err.Error())
		return
	}
	if t.messages {
		if err := t.addTurn(r, cells); err != nil {
			fail(err.Error())
		}
	}
}

// fillTicket sets the ticket columns present in the row.
func (t *table) fillTicket(r *qa.Record, cells []string) error {
	tk := r.Ticket
	if tk == nil {
		tk = &qa.Ticket{}
	}
	set := false
	for field, dst := range map[string]**time.Time{
		"ticket.created_at": &tk.CreatedAt, "ticket.first_response_at": &tk.FirstResponseAt,
		"ticket.resolved_at": &tk.ResolvedAt, "ticket.due_at": &tk.DueAt,
	} {
		if v := t.cell(cells, field); v != "" && *dst == nil {
			ts, err := t.timeValue(field, v)
			if err != nil {
				return err
			}
			*dst, set = &ts, true
		}
	}
	for field, dst := range map[string]*string{
		"ticket.status": &tk.Status, "ticket.category": &tk.Category, "ticket.solution": &tk.Solution,
	} {
		if v := t.cell(cells, field); v != "" && *dst == "" {
			*dst, set = v, true
		}
	}
	if v := t.cell(cells, "ticket.transfers"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%s %q is not a count: use a whole number like 0 or 2", t.header["ticket.transfers"], v)
		}
		tk.Transfers, set = n, true
	}
	if v := t.cell(cells, "ticket.escalated"); v != "" {
		b, err := parseBool(t.header["ticket.escalated"], v)
		if err != nil {
			return err
		}
		tk.Escalated, set = b || tk.Escalated, true
	}
	if set {
		r.Ticket = tk
	}
	return nil
}

// addTurn appends the row's message. Its time is seconds from the start, or an absolute timestamp
// converted to seconds from started_at (the first message's time when there is no start column).
func (t *table) addTurn(r *qa.Record, cells []string) error {
	sp := t.cell(cells, "speaker")
	if sp == "" {
		if _, ok := t.col["speaker"]; !ok {
			return fmt.Errorf("no speaker column: name one %s, or map it under columns.speaker", strings.Join(t.m.Columns["speaker"], "/"))
		}
		return fmt.Errorf("column %s (speaker) is empty: say who wrote the message", t.header["speaker"])
	}
	speaker, err := t.m.speaker(sp)
	if err != nil {
		return err
	}
	turn := qa.Turn{Speaker: speaker, Text: t.cell(cells, "text"), Event: t.cell(cells, "event")}
	for _, f := range []struct {
		field string
		dst   **float64
	}{{"time", &turn.Start}, {"end", &turn.End}} {
		v := t.cell(cells, f.field)
		if v == "" {
			continue
		}
		secs, ok := parseSeconds(v)
		if ok && t.excelDates && secs >= minExcelDate {
			ok = false // an Excel date cell, not seconds: no call or chat lasts 5½ hours
		}
		if !ok {
			ts, err := t.timeValue(f.field, v)
			if err != nil {
				return fmt.Errorf("%v, or seconds from the start like 12.5", err)
			}
			if r.StartedAt.IsZero() {
				r.StartedAt = ts
			}
			secs = ts.Sub(r.StartedAt).Seconds()
			if secs < 0 {
				return fmt.Errorf("%s %q is before the record's start %s: check the row order or the start column", t.header[f.field], v, r.StartedAt.Format(time.RFC3339))
			}
		}
		*f.dst = &secs
	}
	r.Turns = append(r.Turns, turn)
	return nil
}

func firstOr(names []string) string {
	if len(names) == 0 {
		return "map one in the mapping file"
	}
	return names[0]
}

// minExcelDate is the serial day number of 1954-10-03: smaller numbers in a time column of an XLSX
// file are seconds, larger ones are Excel dates.
const minExcelDate = 20000

// timeValue parses a timestamp cell. Excel stores dates as serial day numbers without a zone; the
// wall-clock time they show is taken as +08:00 like every offset-less time.
func (t *table) timeValue(field, v string) (time.Time, error) {
	if t.excelDates {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && f < 2958466 {
			if ts, err := excelize.ExcelDateToTime(f, false); err == nil {
				ts = ts.Round(time.Millisecond)
				return time.Date(ts.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), chinaTime), nil
			}
		}
	}
	return parseTime(t.header[field], v)
}

package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qloop/internal/qa"

	gojson "github.com/goccy/go-json"
)

// RecordFilter selects records for the console's record list. Zero fields do not filter.
type RecordFilter struct {
	From, To              time.Time // started_at in [From, To); zero = open
	AgentID, Team         string    // exact; also how agents (own records) and team leads (their team) are restricted
	Channel, BusinessType string    // exact
	ScoreMin, ScoreMax    *float64  // latest score in [ScoreMin, ScoreMax]; excludes records not inspected
	FailedItem            string    // records whose final result failed this item (its id, or its name in a scorecard)
	FatalOnly             bool      // records whose latest inspection is fatal
	Query                 string    // substring of the turn texts, or a record id prefix; see search.go
	Masked                bool      // match Query against the texts as masked for a viewer without the personal-data right
	Sort                  string    // one of Sorts; "" = SortTime
	Cursor                string    // RecordPage.Next of the previous page; "" for the first page
	Limit                 int       // page size: default 50, at most 200
}

// Orders of the record list.
const (
	SortTime      = "time"       // newest first
	SortTimeAsc   = "time_asc"   // oldest first
	SortScore     = "score"      // lowest latest score first (worst first); not inspected last
	SortScoreDesc = "score_desc" // highest latest score first; not inspected last
	SortAgent     = "agent"      // by agent id, each agent's records newest first
)

// Sorts lists the record list's orders, the default first.
var Sorts = []string{SortTime, SortTimeAsc, SortScore, SortScoreDesc, SortAgent}

// RecordRow is one record of a page with its latest result (Score nil when not inspected).
type RecordRow struct {
	ID, Channel                            string
	StartedAt                              time.Time
	AgentID, AgentName, Team, BusinessType string
	Score                                  *float64
	Passed, Fatal                          bool
	Scorecard                              string
	Version                                int
	Failed                                 []string // failed item ids of the latest inspection
	ScoreSource                            string   // of Score …: SourceReview, SourceAuto, "" = not inspected (see FinalResult)
	FailedNames                            []string // their names in the scorecard, in the same order
	// Match is the first turn whose text contains the search query, and MatchAt/MatchLen where in it
	// (in characters): the unmasked text, for view.Snippets to mask and cut; never sent as it is.
	Match             string   `json:"-"`
	MatchAt, MatchLen int      `json:"-"`
	CustomerName      string   `json:"-"`          // of a matched row, for masking its snippet by name too
	Snippet           *Snippet `json:",omitempty"` // set by view.Snippets
}

// Snippet is the text around a search hit: Before + Hit + After, as the viewer may see it.
type Snippet struct {
	Before, Hit, After string
}

// RecordPage is one page of records, newest first.
type RecordPage struct {
	Rows        []RecordRow
	Next        string // cursor of the next page, "" at the end
	Total       int    // records matching the filter, counted up to TotalCap
	TotalCapped bool   // Total reached TotalCap: there may be more
}

// TotalCap bounds RecordPage.Total, so that counting a broad filter stays cheap.
const TotalCap = 10000

// where collects conditions and their arguments, numbering $n parameters in order.
type where struct {
	conds []string
	args  []any
}

// arg adds v and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Records returns one page of records matching f in the order f.Sort (newest first by default), with
// keyset paging; each row carries its failed items' names and, under a search, the turn that
// matched. Returns qa.EInvalid for a malformed cursor, query or sort.
func (s *Store) Records(ctx context.Context, f RecordFilter) (RecordPage, error) {
	var page RecordPage
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	if err := validQuery(f.Query); err != nil {
		return page, err
	}
	order, ok := orders[f.Sort]
	if !ok {
		return page, qa.NewError(qa.EInvalid, fmt.Sprintf("排序须为 %s sort must be one of %s (got %q)",
			strings.Join(Sorts, "/"), strings.Join(Sorts, ", "), f.Sort))
	}
	names, err := s.ItemNames(ctx)
	if err != nil {
		return page, err
	}
	var w where
	if !f.From.IsZero() {
		w.add("r.started_at >= " + w.arg(ms(f.From)))
	}
	if !f.To.IsZero() {
		w.add("r.started_at < " + w.arg(ms(f.To)))
	}
	for _, c := range []struct{ col, v string }{{"r.agent_id", f.AgentID}, {"r.team", f.Team},
		{"r.channel", f.Channel}, {"r.business_type", f.BusinessType}} {
		if c.v != "" {
			w.add(c.col + " = " + w.arg(c.v))
		}
	}
	if f.ScoreMin != nil {
		w.add("r.score >= " + w.arg(*f.ScoreMin))
	}
	if f.ScoreMax != nil {
		w.add("r.score <= " + w.arg(*f.ScoreMax))
	}
	if f.FatalOnly {
		w.add("r.fatal") // as written, so SQLite may use the partial index records_fatal
	}
	if f.FailedItem != "" {
		// An automatic result's failed items are rows of findings; a reviewed record's are only in
		// its failed list (the reviewer's verdict), so it is matched there, as the row shows it.
		var items, listed []string
		fn := "instr"
		if s.dialect == Postgres {
			fn = "strpos"
		}
		for _, id := range names.IDs(f.FailedItem) {
			items = append(items, w.arg(id))
			q, _ := gojson.Marshal(id)
			listed = append(listed, fn+"(r.failed, "+w.arg(string(q))+") > 0")
		}
		w.add(`((r.review_id = 0 AND EXISTS (SELECT 1 FROM findings fi WHERE fi.scorecard = r.scorecard AND fi.version = r.version
			AND fi.record_id = r.id AND fi.item IN (` + strings.Join(items, ", ") + `))) OR (r.review_id <> 0 AND (` +
			strings.Join(listed, " OR ") + ")))")
	}
	if f.Query != "" {
		cond, err := s.searchCond(ctx, &w, f.Query, f.Masked)
		if err != nil {
			return page, err
		}
		w.add(cond)
	}
	if page.Total, err = s.countCapped(ctx, w); err != nil {
		return page, err
	}
	page.TotalCapped = page.Total > TotalCap
	page.Total = min(page.Total, TotalCap)

	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor, order.name)
		if err != nil {
			return page, err
		}
		w.add(order.after(&w, c))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.channel, r.started_at, r.agent_id, r.agent_name,
		r.team, r.business_type, r.score, r.passed, r.fatal, r.scorecard, r.version, r.failed, r.review_id
		FROM records r`+w.sql()+` ORDER BY `+order.by+` LIMIT `+strconv.Itoa(limit+1), w.args...)
	if err != nil {
		return page, fmt.Errorf("store: list records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row RecordRow
		var at int64
		var passed, fatal *bool
		var card, failed *string
		var version *int
		var reviewID int64
		if err := rows.Scan(&row.ID, &row.Channel, &at, &row.AgentID, &row.AgentName, &row.Team,
			&row.BusinessType, &row.Score, &passed, &fatal, &card, &version, &failed, &reviewID); err != nil {
			return page, fmt.Errorf("store: list records: %w", err)
		}
		row.StartedAt = fromMS(at)
		row.Passed, row.Fatal = passed != nil && *passed, fatal != nil && *fatal
		if card != nil {
			row.Scorecard = *card
		}
		row.ScoreSource = scoreSource(row.Scorecard, reviewID)
		if version != nil {
			row.Version = *version
		}
		if failed != nil && *failed != "" {
			if err := gojson.Unmarshal([]byte(*failed), &row.Failed); err != nil {
				return page, fmt.Errorf("store: decode failed items of %q: %w", row.ID, err)
			}
			for _, it := range row.Failed {
				row.FailedNames = append(row.FailedNames, names.Name(row.Scorecard, it))
			}
		}
		page.Rows = append(page.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("store: list records: %w", err)
	}
	if len(page.Rows) > limit {
		page.Rows = page.Rows[:limit]
		page.Next = encodeCursor(order, page.Rows[limit-1])
	}
	if f.Query != "" {
		if err := s.matchLines(ctx, f.Query, page.Rows); err != nil {
			return page, err
		}
	}
	return page, nil
}

// order is one order of the record list: its ORDER BY, and the condition for the rows after a
// cursor. Every order ends in (started_at, id) descending, so it is total and a page boundary exact.
type order struct {
	name  string
	by    string
	key   func(RecordRow) any             // the leading sort key of a row (nil: none)
	after func(w *where, c cursor) string // the rows after the cursor's row
}

// notInspected sorts records without a score after all scored ones, whichever the direction.
const scoreAsc, scoreDesc = "coalesce(r.score, 1000)", "coalesce(r.score, -1)"

func afterTime(w *where, c cursor) string {
	return "(r.started_at, r.id) < (" + w.arg(c.At) + ", " + w.arg(c.ID) + ")"
}

// afterKey is the condition for rows after c in an order by expr (ascending or not), then by
// (started_at, id) descending.
func afterKey(expr string, asc bool) func(w *where, c cursor) string {
	op := "<"
	if asc {
		op = ">"
	}
	return func(w *where, c cursor) string {
		k := w.arg(c.Key)
		return "(" + expr + " " + op + " " + k + " OR (" + expr + " = " + w.arg(c.Key) + " AND " + afterTime(w, c) + "))"
	}
}

func scoreKey(missing float64) func(RecordRow) any {
	return func(r RecordRow) any {
		if r.Score == nil {
			return missing
		}
		return *r.Score
	}
}

var orders = map[string]order{
	"":       {name: SortTime, by: "r.started_at DESC, r.id DESC", after: afterTime},
	SortTime: {name: SortTime, by: "r.started_at DESC, r.id DESC", after: afterTime},
	SortTimeAsc: {name: SortTimeAsc, by: "r.started_at ASC, r.id ASC", after: func(w *where, c cursor) string {
		return "(r.started_at, r.id) > (" + w.arg(c.At) + ", " + w.arg(c.ID) + ")"
	}},
	SortScore: {name: SortScore, by: scoreAsc + " ASC, r.started_at DESC, r.id DESC", key: scoreKey(1000),
		after: afterKey(scoreAsc, true)},
	SortScoreDesc: {name: SortScoreDesc, by: scoreDesc + " DESC, r.started_at DESC, r.id DESC", key: scoreKey(-1),
		after: afterKey(scoreDesc, false)},
	SortAgent: {name: SortAgent, by: "r.agent_id ASC, r.started_at DESC, r.id DESC",
		key: func(r RecordRow) any { return r.AgentID }, after: afterKey("r.agent_id", true)},
}

// cursor is the position after one row in one order.
type cursor struct {
	Sort string `json:"s"`
	Key  any    `json:"k,omitempty"` // the row's leading sort key: a score or an agent id
	At   int64  `json:"t"`
	ID   string `json:"i"`
}

// matchLines sets each row's Match to the first line (turn) of its search text that holds q, where
// the search matched the text rather than the id.
func (s *Store) matchLines(ctx context.Context, q string, rows []RecordRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	cond, args := s.inList("s.id", 1, ids)
	res, err := s.r.QueryContext(ctx, `SELECT s.id, s.text, v.data FROM record_search s
		JOIN records r ON r.id = s.id JOIN record_revisions v ON v.record_id = r.id AND v.rev = r.rev
		WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("store: search snippets: %w", err)
	}
	defer res.Close()
	texts, customers := map[string]string{}, map[string]string{}
	for res.Next() {
		var id, text, data string
		if err := res.Scan(&id, &text, &data); err != nil {
			return fmt.Errorf("store: search snippets: %w", err)
		}
		var c struct {
			Name string `json:"customer_name"`
		}
		if err := gojson.Unmarshal([]byte(data), &c); err != nil {
			return fmt.Errorf("store: decode record %q: %w", id, err)
		}
		texts[id], customers[id] = text, c.Name
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("store: search snippets: %w", err)
	}
	for i := range rows {
		for line := range strings.SplitSeq(texts[rows[i].ID], "\n") {
			if at := strings.Index(line, q); at >= 0 {
				rows[i].Match, rows[i].CustomerName = line, customers[rows[i].ID]
				rows[i].MatchAt = utf8.RuneCountInString(line[:at])
				rows[i].MatchLen = utf8.RuneCountInString(q)
				break
			}
		}
	}
	return nil
}

// countCapped counts the records matching w, stopping one past TotalCap.
func (s *Store) countCapped(ctx context.Context, w where) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM records r`+w.sql()+
		` LIMIT `+strconv.Itoa(TotalCap+1)+`) t`, w.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count records: %w", err)
	}
	return n, nil
}

// encodeCursor returns the opaque cursor after row in order o.
func encodeCursor(o order, row RecordRow) string {
	c := cursor{Sort: o.name, At: ms(row.StartedAt), ID: row.ID}
	if o.key != nil {
		c.Key = o.key(row)
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of the order named sort.
func decodeCursor(s, sort string) (cursor, error) {
	bad := qa.NewError(qa.EInvalid, "无效的翻页位置, 请从第一页开始 invalid page cursor: start again from the first page")
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return c, bad
	}
	if c.Sort != sort {
		return c, qa.NewError(qa.EInvalid, "翻页位置属于另一种排序, 请从第一页开始 the page cursor is of another sort order: start again from the first page")
	}
	switch k := c.Key.(type) {
	case nil, string:
	case float64:
		c.Key = k
	default:
		return c, bad
	}
	return c, nil
}

package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qloop/internal/qa"

	gojson "github.com/goccy/go-json"
)

// RecordFilter selects records for the console's record list. Zero fields do not filter.
type RecordFilter struct {
	From, To              time.Time // started_at in [From, To); zero = open
	AgentID, Team         string    // exact; also how agents (own records) and team leads (their team) are restricted
	Channel, BusinessType string    // exact
	ScoreMin, ScoreMax    *float64  // latest score in [ScoreMin, ScoreMax]; excludes records not inspected
	FailedItem            string    // records whose latest inspection failed this item
	FatalOnly             bool      // records whose latest inspection is fatal
	Query                 string    // substring of the turn texts, or a record id prefix; see search.go
	Masked                bool      // match Query against the texts as masked for a viewer without the personal-data right
	Cursor                string    // RecordPage.Next of the previous page; "" for the first page
	Limit                 int       // page size: default 50, at most 200
}

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

// Records returns one page of records matching f, ordered by started_at and id, newest first, with
// keyset paging. Returns qa.EInvalid for a malformed cursor or query.
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
		w.add(`EXISTS (SELECT 1 FROM findings fi WHERE fi.scorecard = r.scorecard AND fi.version = r.version
			AND fi.record_id = r.id AND fi.item = ` + w.arg(f.FailedItem) + ")")
	}
	if f.Query != "" {
		cond, err := s.searchCond(ctx, &w, f.Query, f.Masked)
		if err != nil {
			return page, err
		}
		w.add(cond)
	}
	var err error
	if page.Total, err = s.countCapped(ctx, w); err != nil {
		return page, err
	}
	page.TotalCapped = page.Total > TotalCap
	page.Total = min(page.Total, TotalCap)

	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		w.add("(r.started_at, r.id) < (" + w.arg(at) + ", " + w.arg(id) + ")")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.channel, r.started_at, r.agent_id, r.agent_name,
		r.team, r.business_type, r.score, r.passed, r.fatal, r.scorecard, r.version, r.failed, r.review_id
		FROM records r`+w.sql()+` ORDER BY r.started_at DESC, r.id DESC LIMIT `+strconv.Itoa(limit+1), w.args...)
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
		}
		page.Rows = append(page.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("store: list records: %w", err)
	}
	if len(page.Rows) > limit {
		page.Rows = page.Rows[:limit]
		last := page.Rows[limit-1]
		page.Next = encodeCursor(ms(last.StartedAt), last.ID)
	}
	return page, nil
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

// encodeCursor returns the opaque cursor after the row (at, id).
func encodeCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + ":" + id))
}

func decodeCursor(c string) (int64, string, error) {
	bad := qa.NewError(qa.EInvalid, "invalid page cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", bad
	}
	at, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, "", bad
	}
	v, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return 0, "", bad
	}
	return v, id, nil
}

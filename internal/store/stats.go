package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// StatsFilter narrows Stats to the records whose final result is by one scorecard (and version).
type StatsFilter struct {
	Scorecard string // "" for every scorecard
	Version   int    // 0 for every version
	Top       int    // how many failed items to list; 0 means 10
}

// ChannelCount is the number of current records of one channel.
type ChannelCount struct {
	Channel string
	Records int
}

// ItemCount is how often one scorecard item failed; Share is Count over the records counted.
type ItemCount struct {
	Item  string
	Count int
	Share float64
}

// Stats summarises records and their final results, enough for `qloop stats`. Like the dashboard,
// every figure is by each record's final result (FinalResult): its final human review's where
// there is one, else its latest automatic inspection's; Reviewed says how many are reviews'.
type Stats struct {
	Records   int            // current records, all channels
	Channels  []ChannelCount // by channel name
	Inspected int            // records with a final result matching the filter
	Reviewed  int            // of them, those whose final result is a human review's
	Passed    int
	Fatal     int // results with a fatal (红线) failure
	AvgScore  float64
	PassRate  float64     // Passed / Inspected, 0 when nothing is inspected
	TopFailed []ItemCount // most failed items of the final results first
}

// Stats computes the figures of Stats for f.
func (s *Store) Stats(ctx context.Context, f StatsFilter) (Stats, error) {
	var st Stats
	rows, err := s.r.QueryContext(ctx, `SELECT channel, COUNT(*) FROM records GROUP BY channel ORDER BY channel`)
	if err != nil {
		return st, fmt.Errorf("store: count records: %w", err)
	}
	for rows.Next() {
		var c ChannelCount
		if err := rows.Scan(&c.Channel, &c.Records); err != nil {
			rows.Close()
			return st, fmt.Errorf("store: count records: %w", err)
		}
		st.Records += c.Records
		st.Channels = append(st.Channels, c)
	}
	if err := rows.Close(); err != nil {
		return st, fmt.Errorf("store: count records: %w", err)
	}

	where, args := statsWhere(f)
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(AVG(r.score), 0),
		COALESCE(SUM(CASE WHEN r.passed THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.fatal THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.review_id <> 0 THEN 1 ELSE 0 END), 0)
		FROM records r`+where, args...).Scan(&st.Inspected, &st.AvgScore, &st.Passed, &st.Fatal, &st.Reviewed)
	if err != nil {
		return st, fmt.Errorf("store: summarise results: %w", err)
	}
	if st.Inspected == 0 {
		return st, nil
	}
	st.PassRate = float64(st.Passed) / float64(st.Inspected)

	top := f.Top
	if top <= 0 {
		top = 10
	}
	from, item := s.failedItems()
	rows, err = s.r.QueryContext(ctx, `SELECT `+item+`, COUNT(*) FROM `+from+where+`
		GROUP BY `+item+` ORDER BY COUNT(*) DESC, `+item+` LIMIT `+strconv.Itoa(top), args...)
	if err != nil {
		return st, fmt.Errorf("store: count failed items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ItemCount
		if err := rows.Scan(&c.Item, &c.Count); err != nil {
			return st, fmt.Errorf("store: count failed items: %w", err)
		}
		c.Share = float64(c.Count) / float64(st.Inspected)
		st.TopFailed = append(st.TopFailed, c)
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: count failed items: %w", err)
	}
	return st, nil
}

// statsWhere returns the WHERE clause over records r, shared by the summary and the failed items,
// for f: records with a final result matching it.
func statsWhere(f StatsFilter) (string, []any) {
	conds := []string{"r.scorecard IS NOT NULL"}
	var args []any
	if f.Scorecard != "" {
		args = append(args, f.Scorecard)
		conds = append(conds, "r.scorecard = $"+strconv.Itoa(len(args)))
	}
	if f.Version != 0 {
		args = append(args, f.Version)
		conds = append(conds, "r.version = $"+strconv.Itoa(len(args)))
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

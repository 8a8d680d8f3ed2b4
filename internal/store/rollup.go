package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	gojson "github.com/goccy/go-json"
)

// The rollup tables (rollup_daily, rollup_failed) sum records by day × agent × team × channel ×
// scorecard of the final result. Consistency rule: every transaction that changes what a record
// contributes (UpsertRecords for a new record or one whose day, agent, team or channel changed;
// SaveInspections for a new latest automatic result of a record no final review holds;
// Tx.SettleResult for a review that becomes final or stops being so) moves that contribution in the
// same transaction, so at every commit the rollup equals the same grouping over records. Dashboard
// checks this in tests by comparing both paths.

// dayMS is one day in milliseconds; offsetMS shifts UTC to +08:00, the day boundary of the rollup.
const (
	dayMS    = 24 * 3600 * 1000
	offsetMS = 8 * 3600 * 1000
)

// dayOf returns the day number (days since 1970-01-01 in +08:00) of unix ms v.
func dayOf(v int64) int64 {
	d := (v + offsetMS) / dayMS
	if (v+offsetMS)%dayMS < 0 {
		d--
	}
	return d
}

// rollKey is one rollup group; scorecard is "" for records not inspected yet.
type rollKey struct {
	day                                          int64
	agentID, agentName, team, channel, scorecard string
}

// result is the final result of a record as stored on records: its latest inspection's, or its
// final review's when review is not 0.
type result struct {
	scorecard string // "" when not inspected
	version   int
	score     float64
	passed    bool
	fatal     bool
	failed    []string
	review    int64 // the final review the result is from; 0 = automatic
}

// recMeta is what the rollup and the upsert need to know of a stored record.
type recMeta struct {
	rev  int
	hash string
	key  rollKey // without scorecard
	res  result
}

type rollSums struct {
	records, passed, fatal, reviewed int
	scoreSum                         float64
}

type rollItem struct {
	rollKey
	item string
}

// rollup collects changes to the rollup tables in memory, applied by one write per group.
type rollup struct {
	sums   map[rollKey]*rollSums
	failed map[rollItem]int
}

func newRollup() *rollup {
	return &rollup{sums: map[rollKey]*rollSums{}, failed: map[rollItem]int{}}
}

// add adds (sign 1) or removes (sign -1) one record of group k with result res.
func (u *rollup) add(k rollKey, res result, sign int) {
	k.scorecard = res.scorecard
	d := u.sums[k]
	if d == nil {
		d = &rollSums{}
		u.sums[k] = d
	}
	d.records += sign
	if res.scorecard == "" {
		return
	}
	d.scoreSum += float64(sign) * res.score
	d.passed += sign * b2i(res.passed)
	d.fatal += sign * b2i(res.fatal)
	d.reviewed += sign * b2i(res.review != 0)
	for _, item := range res.failed {
		u.failed[rollItem{k, item}] += sign
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// apply writes the collected changes; groups whose changes cancel out are skipped.
func (s *Store) applyRollup(ctx context.Context, tx *sql.Tx, u *rollup) error {
	var args []any
	for k, d := range u.sums {
		if *d == (rollSums{}) {
			continue
		}
		args = append(args, k.day, k.agentID, k.agentName, k.team, k.channel, k.scorecard,
			d.records, d.scoreSum, d.passed, d.fatal, d.reviewed)
	}
	if err := s.execValues(ctx, tx, `INSERT INTO rollup_daily (day, agent_id, agent_name, team, channel,
		scorecard, records, score_sum, passed, fatal, reviewed)`, `ON CONFLICT (day, agent_id, agent_name, team,
		channel, scorecard) DO UPDATE SET records = rollup_daily.records + excluded.records,
		score_sum = rollup_daily.score_sum + excluded.score_sum,
		passed = rollup_daily.passed + excluded.passed, fatal = rollup_daily.fatal + excluded.fatal,
		reviewed = rollup_daily.reviewed + excluded.reviewed`,
		11, args); err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	args = args[:0]
	for k, n := range u.failed {
		if n != 0 {
			args = append(args, k.day, k.agentID, k.agentName, k.team, k.channel, k.scorecard, k.item, n)
		}
	}
	if err := s.execValues(ctx, tx, `INSERT INTO rollup_failed (day, agent_id, agent_name, team, channel,
		scorecard, item, failed)`, `ON CONFLICT (day, agent_id, agent_name, team, channel, scorecard, item)
		DO UPDATE SET failed = rollup_failed.failed + excluded.failed`, 8, args); err != nil {
		return fmt.Errorf("rollup failed items: %w", err)
	}
	return nil
}

// recordMeta returns the revision, group and final result of those ids that exist.
func (s *Store) recordMeta(ctx context.Context, tx *sql.Tx, ids []string) (map[string]recMeta, error) {
	cur := make(map[string]recMeta, len(ids))
	for len(ids) > 0 {
		n := min(maxParams, len(ids))
		in, args := s.inList("id", 1, ids[:n])
		rows, err := tx.QueryContext(ctx, `SELECT id, rev, hash, started_at, agent_id, agent_name, team,
			channel, scorecard, version, score, passed, fatal, failed, review_id FROM records WHERE `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var m recMeta
			var started int64
			var card, failed sql.NullString
			var version sql.NullInt64
			var score sql.NullFloat64
			var passed, fatal sql.NullBool
			if err := rows.Scan(&id, &m.rev, &m.hash, &started, &m.key.agentID, &m.key.agentName,
				&m.key.team, &m.key.channel, &card, &version, &score, &passed, &fatal, &failed, &m.res.review); err != nil {
				rows.Close()
				return nil, err
			}
			m.key.day = dayOf(started)
			m.res = result{scorecard: card.String, version: int(version.Int64), score: score.Float64,
				passed: passed.Bool, fatal: fatal.Bool, review: m.res.review}
			if failed.String != "" {
				if err := gojson.Unmarshal([]byte(failed.String), &m.res.failed); err != nil {
					rows.Close()
					return nil, fmt.Errorf("decode failed items of %q: %w", id, err)
				}
			}
			cur[id] = m
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return cur, nil
}

// autoSet is the SET list that stores a new latest automatic result, given the expression of each
// column (score, passed, fatal, scorecard, version, inspected_at, failed): always as the automatic
// result beside, and as the final result only of a record no final review holds.
func autoSet(score, passed, fatal, card, version, at, failed string) string {
	final := func(col, v string) string {
		return col + " = CASE WHEN records.review_id = 0 THEN " + v + " ELSE records." + col + " END"
	}
	return strings.Join([]string{final("score", score), final("passed", passed), final("fatal", fatal),
		final("scorecard", card), final("version", version), final("failed", failed), "inspected_at = " + at,
		"auto_score = " + score, "auto_scorecard = " + card, "auto_version = " + version}, ", ")
}

// updateResults sets the latest automatic result of records (see autoSet); args holds rows of (id,
// score, passed, fatal, scorecard, version, inspected_at, failed). SQLite reuses one prepared row
// statement; PostgreSQL updates many rows per statement from a VALUES list, with casts since its
// parameters are untyped.
func (s *Store) updateResults(ctx context.Context, tx *sql.Tx, args []any) error {
	const cols = 8
	set := autoSet("v.column2", "v.column3", "v.column4", "v.column5", "v.column6", "v.column7", "v.column8")
	if s.dialect == SQLite {
		return s.execValues(ctx, tx, `UPDATE records SET `+set+` FROM (`, `) AS v WHERE records.id = v.column1`, cols, args)
	}
	casts := [cols]string{"::text", "::float8", "::boolean", "::boolean", "::text", "::integer", "::bigint", "::text"}
	per := max(1, maxParams/cols) * cols
	for len(args) > 0 {
		n := min(per, len(args))
		var b strings.Builder
		b.WriteString(`UPDATE records SET ` + set + ` FROM (VALUES `)
		for i := range n / cols {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "$%d%s", i*cols+c+1, casts[c])
			}
			b.WriteByte(')')
		}
		b.WriteString(`) AS v WHERE records.id = v.column1`)
		if _, err := tx.ExecContext(ctx, b.String(), args[:n]...); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"qloop/internal/qa"

	gojson "github.com/goccy/go-json"
)

// Pending is a record that still needs an inspection, with the revision to inspect.
type Pending struct {
	Record qa.Record
	Rev    int
}

// Pending returns up to limit current records, ordered by id and after afterID, that have no
// inspection by scorecard version at their current revision and fall in scope's channels and business
// types (tags are left to the caller). Page on by passing the last id.
func (s *Store) Pending(ctx context.Context, scorecard string, version int, scope qa.Scope, afterID string, limit int) ([]Pending, error) {
	if limit <= 0 {
		limit = 1000
	}
	// Filtering the scope here, not after decoding, keeps a run over records other scorecards cover
	// from reading them all back every time.
	c := &conds{args: []any{afterID, scorecard, version, limit}}
	c.in("r.channel", scope.Channels)
	c.in("r.business_type", scope.BusinessTypes)
	where, args := c.where, c.args
	// On SQLite the anti-join reads inspections_pending, which holds rev: the primary key index the
	// planner prefers would read each inspection row (findings and all) to compare the revision.
	indexed := ""
	if s.dialect == SQLite {
		indexed = " INDEXED BY inspections_pending"
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.rev, v.data FROM records r
		JOIN record_revisions v ON v.record_id = r.id AND v.rev = r.rev
		WHERE r.id > $1`+where+` AND NOT EXISTS (SELECT 1 FROM inspections i`+indexed+`
			WHERE i.scorecard = $2 AND i.version = $3 AND i.record_id = r.id AND i.rev = r.rev)
		ORDER BY r.id LIMIT $4`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list pending %q v%d: %w", scorecard, version, err)
	}
	defer rows.Close()
	var out []Pending
	var datas [][]byte
	for rows.Next() {
		var p Pending
		var data []byte
		if err := rows.Scan(&p.Record.ID, &p.Rev, &data); err != nil {
			return nil, fmt.Errorf("store: list pending %q v%d: %w", scorecard, version, err)
		}
		out = append(out, p)
		datas = append(datas, data)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list pending %q v%d: %w", scorecard, version, err)
	}
	err = parallel(len(out), func(i int) error {
		id := out[i].Record.ID
		if err := gojson.Unmarshal(datas[i], &out[i].Record); err != nil {
			return fmt.Errorf("store: decode record %q: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inspKey identifies an inspection.
type inspKey struct {
	scorecard string
	version   int
	recordID  string
}

// encodedInsp is one inspection ready to write: its findings and failed items as JSON. Encoding is
// the CPU-heavy part of saving, so it is done on every core before the transaction.
type encodedInsp struct {
	in       *qa.Inspection
	findings string // JSON of in.Findings ([] when none)
	res      result // what the records row and the rollup keep when this is the latest result
	items    string // JSON of res.failed
	at       int64  // inspected_at, unix ms
}

// storedFinding is qa.Finding as inspections.findings stores it: the same JSON without the empty
// evidence of passed and not-applicable items ("turn":null,"text":"","start":null), about a third
// of the column. Inspections decodes either form into the same qa.Finding values. The fields must
// stay those of qa.Finding, in its order: encodeInspection converts one into the other.
type storedFinding struct {
	Item     string     `json:"item"`
	Result   string     `json:"result"`
	Turn     *int       `json:"turn,omitempty"`
	Text     string     `json:"text,omitempty"`
	Start    *float64   `json:"start,omitempty"`
	Severity string     `json:"severity"`
	Span     []int      `json:"span,omitempty"`
	Level    int        `json:"level,omitempty"`
	Note     string     `json:"note,omitempty"`
	Hits     int        `json:"hits,omitempty"`
	More     []qa.Place `json:"more,omitempty"`
}

// encodeInspection encodes in; now stands in for a zero in.InspectedAt.
func encodeInspection(in *qa.Inspection, now time.Time) (encodedInsp, error) {
	findings := make([]storedFinding, len(in.Findings))
	for i := range in.Findings {
		findings[i] = storedFinding(in.Findings[i])
	}
	data, err := gojson.Marshal(findings)
	if err != nil {
		return encodedInsp{}, fmt.Errorf("store: save inspection %q: %w", in.RecordID, err)
	}
	res := result{scorecard: in.Scorecard, version: in.Version, score: in.Score, passed: in.Passed,
		fatal: in.Fatal, failed: []string{}}
	for _, f := range in.Findings {
		if f.Result == qa.ResultFail && !slices.Contains(res.failed, f.Item) {
			res.failed = append(res.failed, f.Item)
		}
	}
	items, err := gojson.Marshal(res.failed)
	if err != nil {
		return encodedInsp{}, fmt.Errorf("store: save inspection %q: %w", in.RecordID, err)
	}
	at := in.InspectedAt
	if at.IsZero() {
		at = now
	}
	return encodedInsp{in: in, findings: unsafeString(data), res: res, items: unsafeString(items), at: ms(at)}, nil
}

// SaveInspections stores ins in one transaction, replacing an earlier inspection of the same
// record by the same scorecard version, and its failed-finding rows. Saving twice is harmless.
// Each record's last inspection in ins becomes its latest automatic result, and its final result
// (records.score …, the rollup) unless a final human review holds the record.
// Returns qa.EInvalid for an inspection without record id or scorecard.
func (s *Store) SaveInspections(ctx context.Context, ins []qa.Inspection) error {
	if len(ins) == 0 {
		return nil
	}
	now := s.Now()
	last := make(map[inspKey]int, len(ins)) // a key repeated in one batch: the last one wins
	for i := range ins {
		in := &ins[i]
		if in.RecordID == "" || in.Scorecard == "" {
			return qa.NewError(qa.EInvalid, fmt.Sprintf("inspection %d needs a record id and a scorecard", i))
		}
		last[inspKey{in.Scorecard, in.Version, in.RecordID}] = i
	}
	var keep []int
	for i := range ins {
		if last[inspKey{ins[i].Scorecard, ins[i].Version, ins[i].RecordID}] == i {
			keep = append(keep, i)
		}
	}
	enc := make([]encodedInsp, len(keep))
	if err := parallel(len(keep), func(k int) (err error) {
		enc[k], err = encodeInspection(&ins[keep[k]], now)
		return err
	}); err != nil {
		return err
	}
	// The last inspection of a record in ins becomes its latest result, whatever its scorecard.
	latest := make(map[string]int, len(enc))
	for k := range enc {
		latest[enc[k].in.RecordID] = k
	}
	results := make(map[string]result, len(latest))
	resArgs := make([]any, 0, len(latest)*8)
	for k := range enc {
		e := &enc[k]
		if latest[e.in.RecordID] == k {
			results[e.in.RecordID] = e.res
			resArgs = append(resArgs, e.in.RecordID, e.in.Score, e.in.Passed, e.in.Fatal, e.in.Scorecard,
				e.in.Version, e.at, e.items)
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.writeInspections(ctx, tx, enc, nil); err != nil {
			return err
		}
		return s.saveResults(ctx, tx, results, resArgs)
	})
	if err != nil {
		return fmt.Errorf("store: save inspections: %w", err)
	}
	return nil
}

// writeInspections inserts or replaces the inspections enc (one per key) and their failed-finding
// rows. The old finding rows of a record are cleared first unless fresh says it is a new record,
// which has none.
func (s *Store) writeInspections(ctx context.Context, tx *sql.Tx, enc []encodedInsp, fresh func(id string) bool) error {
	args := make([]any, 0, len(enc)*9)
	var failed []any
	byCard := make(map[inspKey][]string) // scorecard version → record ids, to clear old finding rows
	for k := range enc {
		in := enc[k].in
		args = append(args, in.Scorecard, in.Version, in.RecordID, in.RecordRev, in.Score, in.Passed,
			in.Fatal, enc[k].findings, enc[k].at)
		if fresh == nil || !fresh(in.RecordID) {
			card := inspKey{scorecard: in.Scorecard, version: in.Version}
			byCard[card] = append(byCard[card], in.RecordID)
		}
		for _, f := range in.Findings {
			if f.Result == qa.ResultFail {
				failed = append(failed, in.Scorecard, in.Version, in.RecordID, f.Item, f.Severity)
			}
		}
	}
	if err := s.execValues(ctx, tx, `INSERT INTO inspections (scorecard, version, record_id, rev,
		score, passed, fatal, findings, inspected_at)`, `ON CONFLICT (scorecard, version, record_id)
		DO UPDATE SET rev = excluded.rev, score = excluded.score, passed = excluded.passed,
		fatal = excluded.fatal, findings = excluded.findings, inspected_at = excluded.inspected_at`,
		9, args); err != nil {
		return err
	}
	for card, ids := range byCard {
		if err := s.clearFindings(ctx, tx, card, ids); err != nil {
			return err
		}
	}
	return s.execValues(ctx, tx, `INSERT INTO findings (scorecard, version, record_id, item, severity)`,
		`ON CONFLICT (scorecard, version, record_id, item) DO NOTHING`, 5, failed)
}

// saveResults makes results the latest automatic results of their records, moving each record's
// contribution to the rollup from its previous result to the new one. A record a final review holds
// keeps that review's result (and its contribution); the new one is kept beside it (autoSet).
func (s *Store) saveResults(ctx context.Context, tx *sql.Tx, results map[string]result, args []any) error {
	ids := make([]string, 0, len(results))
	for id := range results {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	stored, err := s.recordMeta(ctx, tx, ids)
	if err != nil {
		return err
	}
	roll := newRollup()
	for _, id := range ids {
		old, ok := stored[id]
		if !ok || old.res.review != 0 { // not found: the foreign key on inspections has already refused it
			continue
		}
		roll.add(old.key, old.res, -1)
		roll.add(old.key, results[id], 1)
	}
	if err := s.updateResults(ctx, tx, args); err != nil {
		return err
	}
	return s.applyRollup(ctx, tx, roll)
}

// clearFindings deletes the finding rows of records ids under one scorecard version.
func (s *Store) clearFindings(ctx context.Context, tx *sql.Tx, card inspKey, ids []string) error {
	for len(ids) > 0 {
		n := min(maxParams, len(ids))
		in, args := s.inList("record_id", 3, ids[:n])
		args = append([]any{card.scorecard, card.version}, args...)
		if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE scorecard = $1 AND version = $2 AND `+in,
			args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Inspections returns the inspections of record recordID, newest first.
func (s *Store) Inspections(ctx context.Context, recordID string) ([]qa.Inspection, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT scorecard, version, rev, score, passed, fatal, findings,
		inspected_at FROM inspections WHERE record_id = $1
		ORDER BY inspected_at DESC, scorecard, version DESC`, recordID)
	if err != nil {
		return nil, fmt.Errorf("store: list inspections %q: %w", recordID, err)
	}
	defer rows.Close()
	var out []qa.Inspection
	for rows.Next() {
		in := qa.Inspection{RecordID: recordID}
		var findings []byte
		var at int64
		if err := rows.Scan(&in.Scorecard, &in.Version, &in.RecordRev, &in.Score, &in.Passed, &in.Fatal,
			&findings, &at); err != nil {
			return nil, fmt.Errorf("store: list inspections %q: %w", recordID, err)
		}
		if err := gojson.Unmarshal(findings, &in.Findings); err != nil {
			return nil, fmt.Errorf("store: decode inspection %q: %w", recordID, err)
		}
		in.InspectedAt = fromMS(at)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list inspections %q: %w", recordID, err)
	}
	return out, nil
}

package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"qloop/internal/feedback"
	"qloop/internal/qa"
)

// UpsertFeedback stores entries in one transaction, keyed by feedback.Entry.Key: a new key is
// revision 1, a known key whose content changed gets the next revision (the old one is kept, with
// src saying who or which file changed it and why), identical content writes nothing. Entries whose
// record does not exist are not written; their indexes are in Result.Missing. Returns qa.EInvalid,
// writing nothing, when an entry fails validation.
func (s *Store) UpsertFeedback(ctx context.Context, entries []feedback.Entry, src feedback.Source) (feedback.Result, error) {
	var res feedback.Result
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return res, err
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = feedback.Result{}
		known, err := s.existingRecords(ctx, tx, entries)
		if err != nil {
			return err
		}
		now := ms(s.Now())
		for i := range entries {
			e := &entries[i]
			if !known[e.RecordID] {
				res.Missing = append(res.Missing, i)
				continue
			}
			inserted, changed, err := s.upsertEntry(ctx, tx, e, src, now)
			if err != nil {
				return err
			}
			switch {
			case inserted:
				res.Inserted++
			case changed:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		return nil
	})
	if err != nil {
		return feedback.Result{}, fmt.Errorf("store: upsert feedback: %w", err)
	}
	return res, nil
}

func (s *Store) existingRecords(ctx context.Context, tx *sql.Tx, entries []feedback.Entry) (map[string]bool, error) {
	ids := make([]string, 0, len(entries))
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.RecordID] {
			seen[e.RecordID] = true
			ids = append(ids, e.RecordID)
		}
	}
	known := map[string]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		cond, args := s.inList("id", 1, chunk)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM records WHERE `+cond, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			known[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return known, nil
}

// upsertEntry writes one entry and its revision; it reports whether the key was new or its content changed.
func (s *Store) upsertEntry(ctx context.Context, tx *sql.Tx, e *feedback.Entry, src feedback.Source, now int64) (inserted, changed bool, err error) {
	data, err := json.Marshal(e)
	if err != nil {
		return false, false, err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	var id int64
	var rev int
	var old string
	err = tx.QueryRowContext(ctx, `SELECT id, rev, hash FROM feedback WHERE key = $1`, e.Key()).Scan(&id, &rev, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		rev = 1
		err = tx.QueryRowContext(ctx, `INSERT INTO feedback (key, kind, record_id, at, overall, rev, hash, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			e.Key(), e.Kind, e.RecordID, ms(e.At), e.Overall(), rev, hash, now).Scan(&id)
		inserted = true
	case err != nil:
		return false, false, err
	case old == hash:
		return false, false, nil
	default:
		rev++
		_, err = tx.ExecContext(ctx, `UPDATE feedback SET kind = $2, record_id = $3, at = $4, overall = $5, rev = $6, hash = $7, updated_at = $8
			WHERE id = $1`, id, e.Kind, e.RecordID, ms(e.At), e.Overall(), rev, hash, now)
		changed = true
	}
	if err != nil {
		return false, false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO feedback_revisions (feedback_id, rev, hash, source, actor, reason, at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, rev, hash, src.File, src.Actor, src.Reason, now, string(data))
	return inserted, changed, err
}

// feedbackWhere builds the WHERE clause of a list over feedback f joined with records r.
func feedbackWhere(fl feedback.Filter) *conds {
	c := newConds()
	if fl.Kind != "" {
		c.add("f.kind =", fl.Kind)
	}
	if fl.RecordID != "" {
		c.add("f.record_id =", fl.RecordID)
	}
	if fl.AgentID != "" {
		c.add("r.agent_id =", fl.AgentID)
	}
	if fl.Team != "" {
		c.add("r.team =", fl.Team)
	}
	if fl.Before > 0 {
		c.add("f.id <", fl.Before)
	}
	if fl.Status != "" {
		c.args = append(c.args, fl.Status)
		c.where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM feedback_checks c WHERE c.feedback_id = f.id AND c.status = $%d AND %s)", len(c.args), latestCheck)
	}
	if !fl.Overdue.IsZero() {
		c.args = append(c.args, ms(fl.Overdue))
		c.where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM feedback_checks c WHERE c.feedback_id = f.id AND c.status IN ('%s', '%s') AND c.due_at > 0 AND c.due_at < $%d AND %s)",
			feedback.StatusCallbackDue, feedback.StatusPending, len(c.args), latestCheck)
	}
	return c
}

// latestCheck keeps, of the checks c of one entry, the latest of each rule: the current result.
const latestCheck = `c.id = (SELECT MAX(c2.id) FROM feedback_checks c2 WHERE c2.feedback_id = c.feedback_id AND c2.rule = c.rule)`

// Feedback lists stored entries, newest first, each with the current check of every rule.
func (s *Store) Feedback(ctx context.Context, fl feedback.Filter) ([]feedback.Item, error) {
	if fl.Limit <= 0 || fl.Limit > 1000 {
		fl.Limit = 200
	}
	c := feedbackWhere(fl)
	lim := c.limit(fl.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, f.rev, f.updated_at, r.agent_id, r.team, v.data, rv.data
		FROM feedback f JOIN records r ON r.id = f.record_id
		JOIN record_revisions rv ON rv.record_id = r.id AND rv.rev = r.rev
		JOIN feedback_revisions v ON v.feedback_id = f.id AND v.rev = f.rev
		WHERE `+c.where+` ORDER BY f.id DESC`+lim, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list feedback: %w", err)
	}
	defer rows.Close()
	out := []feedback.Item{}
	byID := map[int64]int{}
	for rows.Next() {
		var it feedback.Item
		var upd int64
		var data, rec string
		if err := rows.Scan(&it.ID, &it.Rev, &upd, &it.AgentID, &it.Team, &data, &rec); err != nil {
			return nil, fmt.Errorf("store: list feedback: %w", err)
		}
		if it.CustomerName, err = customerName(rec); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &it.Entry); err != nil {
			return nil, fmt.Errorf("store: decode feedback %d: %w", it.ID, err)
		}
		it.UpdatedAt = fromMS(upd)
		if ok, known := it.WithinSLA(); known {
			it.OnTime = &ok
		}
		it.Checks = []feedback.Check{}
		byID[it.ID] = len(out)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list feedback: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(out))
	for _, it := range out {
		ids = append(ids, fmt.Sprint(it.ID))
	}
	cond, args := s.inList("CAST(c.feedback_id AS TEXT)", 1, ids)
	checks, err := s.checks(ctx, s.r, `WHERE `+cond+` AND `+latestCheck+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	for _, ch := range checks {
		it := &out[byID[ch.EntryID]]
		ch.Key = it.Key()
		it.Checks = append(it.Checks, ch)
	}
	return out, nil
}

// FeedbackEntry returns one stored entry with its revisions (oldest first) and every check ever
// stored for it (oldest first), or qa.ENotFound.
func (s *Store) FeedbackEntry(ctx context.Context, id int64) (feedback.Item, []feedback.Revision, []feedback.Check, error) {
	var it feedback.Item
	var upd int64
	var data, rec string
	err := s.r.QueryRowContext(ctx, `SELECT f.id, f.rev, f.updated_at, r.agent_id, r.team, v.data, rv.data
		FROM feedback f JOIN records r ON r.id = f.record_id
		JOIN record_revisions rv ON rv.record_id = r.id AND rv.rev = r.rev
		JOIN feedback_revisions v ON v.feedback_id = f.id AND v.rev = f.rev WHERE f.id = $1`, id).
		Scan(&it.ID, &it.Rev, &upd, &it.AgentID, &it.Team, &data, &rec)
	if errors.Is(err, sql.ErrNoRows) {
		return it, nil, nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有反馈 %d · no feedback entry %d", id, id))
	} else if err != nil {
		return it, nil, nil, fmt.Errorf("store: get feedback %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(data), &it.Entry); err != nil {
		return it, nil, nil, fmt.Errorf("store: decode feedback %d: %w", id, err)
	}
	if it.CustomerName, err = customerName(rec); err != nil {
		return it, nil, nil, err
	}
	it.UpdatedAt = fromMS(upd)
	if ok, known := it.WithinSLA(); known {
		it.OnTime = &ok
	}
	rows, err := s.r.QueryContext(ctx, `SELECT rev, hash, source, actor, reason, at, data FROM feedback_revisions
		WHERE feedback_id = $1 ORDER BY rev`, id)
	if err != nil {
		return it, nil, nil, fmt.Errorf("store: feedback revisions %d: %w", id, err)
	}
	defer rows.Close()
	var revs []feedback.Revision
	for rows.Next() {
		var rv feedback.Revision
		var at int64
		var d string
		if err := rows.Scan(&rv.Rev, &rv.Hash, &rv.Source, &rv.Actor, &rv.Reason, &at, &d); err != nil {
			return it, nil, nil, fmt.Errorf("store: feedback revisions %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(d), &rv.Entry); err != nil {
			return it, nil, nil, fmt.Errorf("store: decode feedback %d rev %d: %w", id, rv.Rev, err)
		}
		rv.At = fromMS(at)
		revs = append(revs, rv)
	}
	if err := rows.Err(); err != nil {
		return it, nil, nil, err
	}
	all, err := s.checks(ctx, s.r, `WHERE c.feedback_id = $1 ORDER BY c.id`, id)
	if err != nil {
		return it, nil, nil, err
	}
	it.Checks = []feedback.Check{}
	latest := map[string]int{}
	for i := range all {
		all[i].Key = it.Key()
		latest[all[i].Rule] = i
	}
	for i := range all {
		if latest[all[i].Rule] == i {
			it.Checks = append(it.Checks, all[i])
		}
	}
	return it, revs, all, nil
}

// customerName reads the customer's name from a record's JSON, for masking it in feedback text.
func customerName(rec string) (string, error) {
	var r struct {
		CustomerName string `json:"customer_name"`
	}
	if err := json.Unmarshal([]byte(rec), &r); err != nil {
		return "", fmt.Errorf("store: decode record: %w", err)
	}
	return r.CustomerName, nil
}

// checks runs a query over feedback_checks c with the given tail.
func (s *Store) checks(ctx context.Context, q querier, tail string, args ...any) ([]feedback.Check, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.feedback_id, c.rev, c.record_id, c.rule, c.status, c.note, c.due_at, c.by_user, c.at, c.manual
		FROM feedback_checks c `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store: feedback checks: %w", err)
	}
	defer rows.Close()
	var out []feedback.Check
	for rows.Next() {
		var c feedback.Check
		var due, at int64
		if err := rows.Scan(&c.ID, &c.EntryID, &c.Rev, &c.RecordID, &c.Rule, &c.Status, &c.Note, &due, &c.By, &at, &c.Manual); err != nil {
			return nil, fmt.Errorf("store: feedback checks: %w", err)
		}
		if due > 0 {
			d := fromMS(due)
			c.DueAt = &d
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// insertCheck appends one check.
func (s *Store) insertCheck(ctx context.Context, tx *sql.Tx, c feedback.Check) error {
	var due int64
	if c.DueAt != nil {
		due = ms(*c.DueAt)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO feedback_checks (feedback_id, rev, record_id, rule, status, note, due_at, by_user, at, manual)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, c.EntryID, c.Rev, c.RecordID, c.Rule, c.Status, c.Note, due, c.By, ms(c.At), c.Manual)
	if err != nil {
		return fmt.Errorf("store: add feedback check: %w", err)
	}
	return nil
}

// VerifyFeedback runs the verification rules (feedback.Verify) over every stored entry and the
// facts of its record, and stores the outcome beside the entries in one transaction: a result that
// differs from the entry's current one for that rule is added; an unchanged one is not stored
// twice; a current result whose rule no longer applies is closed by an added "resolved" line; a
// person's follow-up stands until the entry changes. Nothing is changed or deleted.
func (s *Store) VerifyFeedback(ctx context.Context, opt feedback.Options) (feedback.RunResult, error) {
	if opt.Now.IsZero() {
		opt.Now = s.Now()
	}
	res := feedback.RunResult{By: opt.By, At: opt.Now}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		entries, facts, err := s.verifyInputs(ctx, tx)
		if err != nil {
			return err
		}
		res.Entries = len(entries)
		found := feedback.Verify(entries, facts, opt)
		res.Checks = len(found)
		current, err := s.checks(ctx, tx, `WHERE `+latestCheck+` ORDER BY c.id`)
		if err != nil {
			return err
		}
		type slot struct {
			entry int64
			rule  string
		}
		cur := map[slot]feedback.Check{}
		for _, c := range current {
			cur[slot{c.EntryID, c.Rule}] = c
		}
		revOf := map[int64]int{}
		for _, e := range entries {
			revOf[e.ID] = e.Rev
		}
		seen := map[slot]bool{}
		for _, c := range found {
			k := slot{c.EntryID, c.Rule}
			seen[k] = true
			old, ok := cur[k]
			if ok && old.Manual && old.Rev == c.Rev {
				continue // a person followed this up; it stands until the entry changes
			}
			if ok && !old.Manual && old.Status == c.Status && old.Note == c.Note && sameDue(old.DueAt, c.DueAt) {
				continue
			}
			if err := s.insertCheck(ctx, tx, c); err != nil {
				return err
			}
			res.Added++
			cur[k] = c
		}
		for k, old := range cur {
			if seen[k] || old.Status == feedback.StatusResolved {
				continue
			}
			if old.Manual && old.Rev == revOf[k.entry] {
				continue
			}
			c := feedback.Check{EntryID: k.entry, Rev: revOf[k.entry], RecordID: old.RecordID, Rule: k.rule, Status: feedback.StatusResolved,
				Note: "不再适用(反馈或记录已更新) · no longer applies: the entry or its record changed", By: opt.By, At: opt.Now}
			if err := s.insertCheck(ctx, tx, c); err != nil {
				return err
			}
			res.Closed++
			cur[k] = c
		}
		for _, c := range cur {
			switch c.Status {
			case feedback.StatusContradiction:
				res.Contradictions++
			case feedback.StatusPending:
				res.Pending++
			case feedback.StatusCallbackDue:
				res.CallbacksDue++
			}
			if c.Overdue(opt.Now) {
				res.Overdue++
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("store: verify feedback: %w", err)
	}
	return res, nil
}

func sameDue(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.UnixMilli() == b.UnixMilli()
}

// verifyInputs reads every current entry and the facts of the records they are about.
func (s *Store) verifyInputs(ctx context.Context, tx *sql.Tx) ([]feedback.Stored, map[string]feedback.Facts, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.rev, v.data, rv.data
		FROM feedback f JOIN feedback_revisions v ON v.feedback_id = f.id AND v.rev = f.rev
		JOIN records r ON r.id = f.record_id JOIN record_revisions rv ON rv.record_id = r.id AND rv.rev = r.rev
		ORDER BY f.id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var entries []feedback.Stored
	facts := map[string]feedback.Facts{}
	for rows.Next() {
		var e feedback.Stored
		var data, rec string
		if err := rows.Scan(&e.ID, &e.Rev, &data, &rec); err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal([]byte(data), &e.Entry); err != nil {
			return nil, nil, fmt.Errorf("decode feedback %d: %w", e.ID, err)
		}
		if _, ok := facts[e.RecordID]; !ok {
			var r qa.Record
			if err := json.Unmarshal([]byte(rec), &r); err != nil {
				return nil, nil, fmt.Errorf("decode record %q: %w", e.RecordID, err)
			}
			facts[e.RecordID] = feedback.FactsOf(&r)
		}
		entries = append(entries, e)
	}
	return entries, facts, rows.Err()
}

// FollowUpFeedback records a person's follow-up of entry id's open check of rule (待核实 answered,
// the callback made): an added check, resolved, with who, when and what they found. Returns
// qa.ENotFound for an unknown entry and qa.EConflict when that rule has nothing open.
func (s *Store) FollowUpFeedback(ctx context.Context, id int64, rule, note, by string) (feedback.Check, error) {
	var out feedback.Check
	note = strings.TrimSpace(note)
	if note == "" {
		return out, qa.NewError(qa.EInvalid, "写明核实结果 · say what the follow-up found (note)")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var rev int
		var rec string
		err := tx.QueryRowContext(ctx, `SELECT rev, record_id FROM feedback WHERE id = $1`, id).Scan(&rev, &rec)
		if errors.Is(err, sql.ErrNoRows) {
			return qa.NewError(qa.ENotFound, fmt.Sprintf("没有反馈 %d · no feedback entry %d", id, id))
		} else if err != nil {
			return err
		}
		cur, err := s.checks(ctx, tx, `WHERE c.feedback_id = $1 AND c.rule = $2 AND `+latestCheck, id, rule)
		if err != nil {
			return err
		}
		if len(cur) == 0 || !feedback.Open(cur[0].Status) {
			return qa.NewError(qa.EConflict, fmt.Sprintf("反馈 %d 的 %s 没有待处理的核验 · entry %d has nothing open for rule %s", id, rule, id, rule))
		}
		out = feedback.Check{EntryID: id, Rev: rev, RecordID: rec, Rule: rule, Status: feedback.StatusResolved, Note: note,
			By: by, At: s.Now(), Manual: true}
		return s.insertCheck(ctx, tx, out)
	})
	return out, err
}

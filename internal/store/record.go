package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"qloop/internal/qa"
)

// ImportResult counts what one UpsertRecords call did.
type ImportResult struct {
	Inserted  int // new ids, stored as revision 1
	Updated   int // known ids with changed content, stored as a new revision
	Unchanged int // identical content, nothing written
	// Revs[i] is the revision stored for recs[i] when it was inserted or updated, 0 otherwise (also
	// for an earlier duplicate of an id later in the same batch): the records to inspect now.
	Revs []int
}

// Add adds o's counts to r.
func (r *ImportResult) Add(o ImportResult) {
	r.Inserted += o.Inserted
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
}

// RecordRevision is one imported revision of a record, as it was imported.
type RecordRevision struct {
	Rev        int
	Hash       string // sha256 hex of the canonical JSON
	Source     string // where it came from, e.g. the import file name
	ImportedAt time.Time
	Record     qa.Record
}

// CanonicalJSON returns the canonical JSON of rec and its content hash (sha256, hex).
func CanonicalJSON(rec *qa.Record) ([]byte, string, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:]), nil
}

type revHash struct {
	rev  int
	hash string
}

// UpsertRecords stores recs in one transaction. A new id is stored as revision 1; a known id whose
// content hash differs gets the next revision (the old one is kept); identical content is skipped.
// Returns qa.EInvalid if a record fails validation, in which case nothing is written.
func (s *Store) UpsertRecords(ctx context.Context, recs []qa.Record, source string) (ImportResult, error) {
	var res ImportResult
	if len(recs) == 0 {
		return res, nil
	}
	datas := make([]string, len(recs))
	hashes := make([]string, len(recs))
	texts := make([]string, len(recs))
	err := parallel(len(recs), func(i int) error {
		r := &recs[i]
		if err := r.Validate(); err != nil {
			return fmt.Errorf("store: upsert record %q: %w", r.ID, err)
		}
		data, hash, err := CanonicalJSON(r)
		if err != nil {
			return fmt.Errorf("store: upsert record %q: %w", r.ID, err)
		}
		datas[i], hashes[i], texts[i] = string(data), hash, searchText(r)
		return nil
	})
	if err != nil {
		return res, err
	}
	ids := make([]string, 0, len(recs))
	seen := make(map[string]bool, len(recs))
	for i := range recs {
		if !seen[recs[i].ID] {
			seen[recs[i].ID] = true
			ids = append(ids, recs[i].ID)
		}
	}
	now := ms(s.Now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res = ImportResult{Revs: make([]int, len(recs))}
		stored, err := s.recordMeta(ctx, tx, ids)
		if err != nil {
			return err
		}
		cur := make(map[string]revHash, len(stored))
		for id, m := range stored {
			cur[id] = revHash{m.rev, m.hash}
		}
		revArgs := make([]any, 0, len(recs)*6)
		final := make(map[string]int, len(recs)) // id → index of its newest content in recs
		for i := range recs {
			id := recs[i].ID
			c, ok := cur[id]
			switch {
			case !ok:
				c = revHash{1, hashes[i]}
				res.Inserted++
			case c.hash == hashes[i]:
				res.Unchanged++
				continue
			default:
				c = revHash{c.rev + 1, hashes[i]}
				res.Updated++
			}
			cur[id] = c
			final[id] = i
			revArgs = append(revArgs, id, c.rev, hashes[i], source, now, datas[i])
		}
		if len(final) == 0 {
			return nil
		}
		for id, i := range final {
			res.Revs[i] = cur[id].rev
		}
		recArgs := make([]any, 0, len(final)*13)
		textArgs := make([]any, 0, len(final)*2)
		roll := newRollup()
		for _, id := range ids {
			i, ok := final[id]
			if !ok {
				continue
			}
			r := &recs[i]
			recArgs = append(recs2args(recArgs, r), cur[id].rev, hashes[i], source, now)
			textArgs = append(textArgs, id, texts[i])
			// A changed record keeps its latest result (until re-inspected) but may move to another group.
			key := recordKey(r)
			if old, ok := stored[id]; !ok {
				roll.add(key, result{}, 1)
			} else if old.key != key {
				roll.add(old.key, old.res, -1)
				roll.add(key, old.res, 1)
			}
		}
		if err := s.execValues(ctx, tx, `INSERT INTO record_revisions
			(record_id, rev, hash, source, imported_at, data)`, "", 6, revArgs); err != nil {
			return err
		}
		if err := s.execValues(ctx, tx, `INSERT INTO records (id, channel, started_at, agent_id, agent_name,
			team, customer_tier, business_type, is_complaint, rev, hash, source, imported_at)`, `
			ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, started_at = excluded.started_at,
			agent_id = excluded.agent_id, agent_name = excluded.agent_name, team = excluded.team,
			customer_tier = excluded.customer_tier, business_type = excluded.business_type,
			is_complaint = excluded.is_complaint, rev = excluded.rev, hash = excluded.hash,
			source = excluded.source, imported_at = excluded.imported_at`, 13, recArgs); err != nil {
			return err
		}
		if err := s.saveSearchText(ctx, tx, textArgs); err != nil {
			return err
		}
		return s.applyRollup(ctx, tx, roll)
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: upsert records: %w", err)
	}
	return res, nil
}

// recordKey returns the rollup group of r, without scorecard.
func recordKey(r *qa.Record) rollKey {
	return rollKey{day: dayOf(ms(r.StartedAt)), agentID: r.AgentID, agentName: r.AgentName,
		team: r.Team, channel: r.Channel}
}

// recs2args appends the filter columns of r.
func recs2args(args []any, r *qa.Record) []any {
	return append(args, r.ID, r.Channel, ms(r.StartedAt), r.AgentID, r.AgentName, r.Team,
		r.CustomerTier, r.BusinessType, r.IsComplaint())
}

// Record returns the current revision of record id and its number, or qa.ENotFound.
func (s *Store) Record(ctx context.Context, id string) (*qa.Record, int, error) {
	var rev int
	var data string
	err := s.r.QueryRowContext(ctx, `SELECT r.rev, v.data FROM records r JOIN record_revisions v ON v.record_id = r.id AND v.rev = r.rev WHERE r.id = $1`, id).Scan(&rev, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, recordNotFound(id)
	} else if err != nil {
		return nil, 0, fmt.Errorf("store: get record %q: %w", id, err)
	}
	var r qa.Record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, 0, fmt.Errorf("store: decode record %q: %w", id, err)
	}
	return &r, rev, nil
}

// RecordRevisions returns every revision of record id, oldest first, or qa.ENotFound.
func (s *Store) RecordRevisions(ctx context.Context, id string) ([]RecordRevision, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT rev, hash, source, imported_at, data
		FROM record_revisions WHERE record_id = $1 ORDER BY rev`, id)
	if err != nil {
		return nil, fmt.Errorf("store: list record revisions %q: %w", id, err)
	}
	defer rows.Close()
	var out []RecordRevision
	for rows.Next() {
		var rv RecordRevision
		var at int64
		var data string
		if err := rows.Scan(&rv.Rev, &rv.Hash, &rv.Source, &at, &data); err != nil {
			return nil, fmt.Errorf("store: list record revisions %q: %w", id, err)
		}
		if err := json.Unmarshal([]byte(data), &rv.Record); err != nil {
			return nil, fmt.Errorf("store: decode record %q rev %d: %w", id, rv.Rev, err)
		}
		rv.ImportedAt = fromMS(at)
		out = append(out, rv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list record revisions %q: %w", id, err)
	}
	if len(out) == 0 {
		return nil, recordNotFound(id)
	}
	return out, nil
}

func recordNotFound(id string) error {
	return qa.NewError(qa.ENotFound, fmt.Sprintf("record %q not found", id))
}

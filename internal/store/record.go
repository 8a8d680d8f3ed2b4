package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Inspections are those WriteRecords stored with the records of a judged batch.
	Inspections []qa.Inspection
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
	b, err := s.PrepareRecords(ctx, recs, source, nil, 0)
	if err != nil {
		return ImportResult{}, err
	}
	return s.WriteRecords(ctx, b)
}

// Judge inspects one record for PrepareRecords: the inspections to store with it, none when no
// scorecard applies. It must be safe to call from several goroutines at once.
type Judge func(r *qa.Record) []qa.Inspection

// Batch is a batch of records validated, encoded and, with a Judge, inspected by PrepareRecords,
// for WriteRecords to store in one transaction.
type Batch struct {
	recs          []qa.Record
	source        string
	judge         Judge
	datas, hashes []string
	texts         []searchDoc
	enc           [][]encodedInsp // by record: its inspections, when judged
	judged        []bool
}

// Len returns the number of records in b.
func (b *Batch) Len() int { return len(b.recs) }

// PrepareRecords does the CPU-heavy half of UpsertRecords outside any transaction, on workers
// goroutines (every core when workers <= 0): validation, canonical JSON, content hashes and search
// texts. With a judge it also inspects each record whose content differs from the stored one (as
// stored now; WriteRecords judges a record that another import changed in between) and encodes the
// inspections, so that WriteRecords stores the records with their inspections and latest results in
// one transaction, instead of UpsertRecords and SaveInspections writing the records twice in two.
// Returns qa.EInvalid if a record fails validation.
func (s *Store) PrepareRecords(ctx context.Context, recs []qa.Record, source string, judge Judge, workers int) (*Batch, error) {
	b := &Batch{recs: recs, source: source, judge: judge, datas: make([]string, len(recs)),
		hashes: make([]string, len(recs)), texts: make([]searchDoc, len(recs))}
	if len(recs) == 0 {
		return b, nil
	}
	var stored map[string]string
	if judge != nil {
		b.enc, b.judged = make([][]encodedInsp, len(recs)), make([]bool, len(recs))
		var err error
		if stored, err = s.storedHashes(ctx, recs); err != nil {
			return nil, fmt.Errorf("store: upsert records: %w", err)
		}
	}
	now := s.Now()
	err := parallelN(len(recs), workers, func(i int) error {
		r := &recs[i]
		if err := r.Validate(); err != nil {
			return fmt.Errorf("store: upsert record %q: %w", r.ID, err)
		}
		data, hash, err := CanonicalJSON(r)
		if err != nil {
			return fmt.Errorf("store: upsert record %q: %w", r.ID, err)
		}
		b.datas[i], b.hashes[i], b.texts[i] = unsafeString(data), hash, searchText(r)
		if judge != nil && stored[r.ID] != hash {
			b.enc[i], err = judgeRecord(judge, r, now)
			b.judged[i] = true
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// judgeRecord inspects r with judge and encodes the inspections, one per scorecard version.
func judgeRecord(judge Judge, r *qa.Record, now time.Time) ([]encodedInsp, error) {
	ins := judge(r)
	out := make([]encodedInsp, 0, len(ins))
	for i := range ins {
		in := &ins[i]
		in.RecordID = r.ID
		if in.Scorecard == "" {
			return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("inspection of %q needs a scorecard", r.ID))
		}
		e, err := encodeInspection(in, now)
		if err != nil {
			return nil, err
		}
		// Two results of one scorecard version: the last one wins, as in SaveInspections.
		out = slices.DeleteFunc(out, func(o encodedInsp) bool {
			return o.in.Scorecard == in.Scorecard && o.in.Version == in.Version
		})
		out = append(out, e)
	}
	return out, nil
}

// storedHashes returns the content hashes stored for the ids of recs, read outside any
// transaction: a hint of which records an import changes.
func (s *Store) storedHashes(ctx context.Context, recs []qa.Record) (map[string]string, error) {
	ids := make([]string, len(recs))
	for i := range recs {
		ids[i] = recs[i].ID
	}
	out := make(map[string]string)
	for len(ids) > 0 {
		n := min(maxParams, len(ids))
		in, args := s.inList("id", 1, ids[:n])
		rows, err := s.r.QueryContext(ctx, `SELECT id, hash FROM records WHERE `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, hash string
			if err := rows.Scan(&id, &hash); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = hash
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// WriteRecords stores a prepared batch in one transaction, as UpsertRecords describes. A judged
// batch also stores the inspections of every new or changed record, replacing earlier inspections
// by the same scorecard versions, and makes the last of them the record's latest result, as
// SaveInspections would (beside the result of a final review, which stays the record's); ImportResult.Inspections lists them. A record no scorecard applies to
// keeps its earlier result.
func (s *Store) WriteRecords(ctx context.Context, b *Batch) (ImportResult, error) {
	var res ImportResult
	recs := b.recs
	if len(recs) == 0 {
		return res, nil
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
	err := s.inTx(ctx, func(tx *sql.Tx) error {
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
				c = revHash{1, b.hashes[i]}
				res.Inserted++
			case c.hash == b.hashes[i]:
				res.Unchanged++
				continue
			default:
				c = revHash{c.rev + 1, b.hashes[i]}
				res.Updated++
			}
			cur[id] = c
			final[id] = i
			revArgs = append(revArgs, id, c.rev, b.hashes[i], b.source, now, b.datas[i])
		}
		if len(final) == 0 {
			return nil
		}
		for id, i := range final {
			res.Revs[i] = cur[id].rev
		}
		var enc []encodedInsp
		if b.judge != nil {
			for _, id := range ids {
				i, ok := final[id]
				if !ok {
					continue
				}
				if !b.judged[i] { // changed by an import committed after PrepareRecords read it
					if b.enc[i], err = judgeRecord(b.judge, &recs[i], s.Now()); err != nil {
						return err
					}
					b.judged[i] = true
				}
				for k := range b.enc[i] {
					b.enc[i][k].in.RecordRev = res.Revs[i]
					res.Inspections = append(res.Inspections, *b.enc[i][k].in)
				}
				enc = append(enc, b.enc[i]...)
			}
		}
		plainArgs := make([]any, 0, len(final)*13)
		judgedArgs := make([]any, 0, len(final)*23)
		textIDs := make([]string, 0, len(final))
		textVals := make([]searchDoc, 0, len(final))
		roll := newRollup()
		for _, id := range ids {
			i, ok := final[id]
			if !ok {
				continue
			}
			r := &recs[i]
			textIDs, textVals = append(textIDs, id), append(textVals, b.texts[i])
			key := recordKey(r)
			old, existed := stored[id]
			if b.judge != nil && len(b.enc[i]) > 0 {
				// Inspected now: the last inspection is the latest automatic result, and the final
				// one unless a final review holds the record (autoSet).
				e := &b.enc[i][len(b.enc[i])-1]
				judgedArgs = append(recs2args(judgedArgs, r), cur[id].rev, b.hashes[i], b.source, now,
					e.in.Score, e.in.Passed, e.in.Fatal, e.in.Scorecard, e.in.Version, e.at, e.items,
					e.in.Score, e.in.Scorecard, e.in.Version)
				res := e.res
				if existed {
					roll.add(old.key, old.res, -1)
					if old.res.review != 0 {
						res = old.res
					}
				}
				roll.add(key, res, 1)
				continue
			}
			plainArgs = append(recs2args(plainArgs, r), cur[id].rev, b.hashes[i], b.source, now)
			// A changed record keeps its latest result (until re-inspected) but may move to another group.
			if !existed {
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
		const upsert = `ON CONFLICT (id) DO UPDATE SET channel = excluded.channel,
			started_at = excluded.started_at, agent_id = excluded.agent_id, agent_name = excluded.agent_name,
			team = excluded.team, customer_tier = excluded.customer_tier,
			business_type = excluded.business_type, is_complaint = excluded.is_complaint, rev = excluded.rev,
			hash = excluded.hash, source = excluded.source, imported_at = excluded.imported_at`
		if err := s.execValues(ctx, tx, `INSERT INTO records (id, channel, started_at, agent_id, agent_name,
			team, customer_tier, business_type, is_complaint, rev, hash, source, imported_at)`, upsert,
			13, plainArgs); err != nil {
			return err
		}
		if err := s.execValues(ctx, tx, `INSERT INTO records (id, channel, started_at, agent_id, agent_name,
			team, customer_tier, business_type, is_complaint, rev, hash, source, imported_at, score, passed,
			fatal, scorecard, version, inspected_at, failed, auto_score, auto_scorecard, auto_version)`,
			upsert+", "+autoSet("excluded.score", "excluded.passed", "excluded.fatal", "excluded.scorecard",
				"excluded.version", "excluded.inspected_at", "excluded.failed"), 23, judgedArgs); err != nil {
			return err
		}
		if err := s.saveSearchText(ctx, tx, textIDs, textVals); err != nil {
			return err
		}
		if err := s.writeInspections(ctx, tx, enc, func(id string) bool { _, ok := stored[id]; return !ok }); err != nil {
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

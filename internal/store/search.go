package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"qloop/internal/mask"
	"qloop/internal/qa"

	gojson "github.com/goccy/go-json"
)

// Full-text search finds records whose current turn texts contain the query as a plain substring
// (case-sensitive; traditional and simplified Chinese are not folded), or whose id starts with it.
//
// SQLite indexes record_search.text with FTS5's trigram tokenizer (record_fts); PostgreSQL with a
// pg_trgm GIN index, kept in step in the import transactions.
//
// On SQLite the index trails the imports: record_fts holds the rows with doc <= search_state.indexed
// (the watermark); the rows above it are pending and a search reads their text directly, so it finds
// a record the moment its import transaction commits. IndexSearch indexes pending rows in chunks of
// indexChunk, each moving the watermark in its own transaction: load calls it every 50,000 records and
// at the end of every import, and Open calls it for whatever an interrupted import left. Why not in
// the import transactions: a trigger per row made FTS5 write a tiny segment for every record (it
// flushes at each statement's savepoint) and spend most of an import merging them. Why detail=full,
// positions and all: with detail=none the index is a third of the size and builds in two thirds of
// the time, but a query of four or more characters must then read and check the text of every row
// holding all its trigrams; on 1,000,000 records that made a broad query like 信用卡年费 half as slow
// again (490 → 730 ms), for about a second saved per 200,000 records imported.
//
// A trigram index cannot answer queries of one or two characters, so those check each candidate
// record's text (instr/strpos) while the query walks records newest first under the other filters.
// Trade-off: such a page is quick when the text is common or the other filters are narrow, but a
// rare one- or two-character text with no other filter reads every record's text once (and the
// capped Total with it); three or more characters always use the index.

// Masked search (issue 14). A viewer without the personal-data right sees 139****4322; if their
// search read the raw text, q=1398765 would match and q=1398766 would not, and the hidden digits
// would fall out in a few dozen queries. So record_search keeps, beside each text, the text as that
// viewer sees it (searchDoc.masked, made by mask.Record exactly as view.Record masks the record), and
// RecordFilter.Masked searches only that, with the query masked the same way: a query can match only
// what the viewer is shown, masks included. A query reaching into a masked span finds nothing, and a
// whole phone number (masked to 138****8000) finds the records showing 138****8000, whatever the
// hidden digits are. Most texts hold no personal data: their masked column is '' ("as text")
// and they are searched in the raw index, so the masked index (record_fts_masked on SQLite, a
// partial pg_trgm index on PostgreSQL) holds only the texts masking changes. A NULL masked text (a
// row from before migration 0009, until IndexSearch fills it) never matches a masked search.
//
// A change to the masking rules must mask the stored texts again: mask.Version names the rules,
// mask_state the version the stored copies were made with, and Open (checkMaskVersion) sets every
// masked copy to NULL when they differ, for IndexSearch to mask again (the update trigger keeps the
// SQLite indexes in step). Until then a masked search finds those rows not at all, never too much.

// searchDoc is what record_search stores for one record: the text indexed for it and the same text
// as a viewer without the personal-data right sees it, ” when masking changes nothing.
type searchDoc struct{ text, masked string }

// searchText returns the texts indexed for r: its turn texts, one line each, so no match spans
// turns, raw and masked.
func searchText(r *qa.Record) searchDoc {
	d := searchDoc{text: joinTurns(r)}
	if m := joinTurns(mask.Record(r)); m != d.text {
		d.masked = m
	}
	return d
}

func joinTurns(r *qa.Record) string {
	n := 0
	for _, t := range r.Turns {
		n += len(t.Text) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, t := range r.Turns {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// saveSearchText stores docs[i] as the texts of ids[i], replacing a record's earlier texts. On SQLite
// each new or changed text gets a new doc above the watermark, so it waits for IndexSearch; the
// update trigger removes a changed row's old texts from the indexes. Unchanged texts keep their doc.
func (s *Store) saveSearchText(ctx context.Context, tx *sql.Tx, ids []string, docs []searchDoc) error {
	if len(ids) == 0 {
		return nil
	}
	if s.dialect != SQLite {
		args := make([]any, 0, 3*len(ids))
		for i, id := range ids {
			args = append(args, id, docs[i].text, docs[i].masked)
		}
		return s.execValues(ctx, tx, `INSERT INTO record_search (id, text, masked)`,
			`ON CONFLICT (id) DO UPDATE SET text = excluded.text, masked = excluded.masked`, 3, args)
	}
	// Docs only grow, and never at or below the watermark, even after deletes.
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(doc) FROM record_search), 0),
		(SELECT indexed FROM search_state))`).Scan(&next); err != nil {
		return err
	}
	args := make([]any, 0, 4*len(ids))
	for i, id := range ids {
		next++
		args = append(args, next, id, docs[i].text, docs[i].masked)
	}
	// The masked text may change alone (a new customer name masks other characters).
	return s.execValues(ctx, tx, `INSERT INTO record_search (doc, id, text, masked)`,
		`ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, text = excluded.text, masked = excluded.masked
		WHERE record_search.text <> excluded.text OR record_search.masked IS NOT excluded.masked`, 4, args)
}

// checkMaskVersion forgets every masked search text made with other masking rules than mask.Version.
func (s *Store) checkMaskVersion(ctx context.Context) error {
	var v int
	if err := s.w.QueryRowContext(ctx, `SELECT version FROM mask_state`).Scan(&v); err != nil {
		return fmt.Errorf("store: read the masking version: %w", err)
	}
	if v == mask.Version {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mask search texts again: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE record_search SET masked = NULL WHERE masked IS NOT NULL`); err != nil {
		return fmt.Errorf("store: mask search texts again: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mask_state SET version = $1`, mask.Version); err != nil {
		return fmt.Errorf("store: mask search texts again: %w", err)
	}
	return tx.Commit()
}

// fillMasked computes the masked text of every row that has none (rows from before migration 0009),
// from the record's current revision, maskChunk rows per transaction.
func (s *Store) fillMasked(ctx context.Context) (int, error) {
	total := 0
	for {
		rows, err := s.r.QueryContext(ctx, `SELECT s.id, s.text, v.data FROM record_search s
			LEFT JOIN records r ON r.id = s.id LEFT JOIN record_revisions v ON v.record_id = r.id AND v.rev = r.rev
			WHERE s.masked IS NULL LIMIT `+strconv.Itoa(maskChunk))
		if err != nil {
			return total, fmt.Errorf("store: mask search texts: %w", err)
		}
		var ids []string
		var docs []searchDoc
		for rows.Next() {
			var id, text string
			var data *string
			if err := rows.Scan(&id, &text, &data); err != nil {
				rows.Close()
				return total, fmt.Errorf("store: mask search texts: %w", err)
			}
			d := searchDoc{text: text}
			var r qa.Record
			if data != nil && gojson.Unmarshal([]byte(*data), &r) == nil && joinTurns(&r) == text {
				d = searchText(&r)
			} else if m := mask.Text(text); m != text { // no record to take names from: the patterns only
				d.masked = m
			}
			ids, docs = append(ids, id), append(docs, d)
		}
		if err := rows.Close(); err != nil {
			return total, fmt.Errorf("store: mask search texts: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		// Only rows still without a masked text: an import in between wrote both texts itself.
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for i, id := range ids {
				if _, err := tx.ExecContext(ctx, `UPDATE record_search SET masked = $1 WHERE id = $2 AND masked IS NULL`,
					docs[i].masked, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("store: mask search texts: %w", err)
		}
		total += len(ids)
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// maskChunk is how many rows one fillMasked transaction updates.
const maskChunk = 1000

// indexChunk is how many pending rows one IndexSearch transaction indexes: large enough that FTS5
// writes few big segments, small enough to keep a transaction (and the WAL) to tens of megabytes.
var indexChunk int64 = 50000

// SearchPending returns how many texts wait for IndexSearch (always 0 on PostgreSQL).
func (s *Store) SearchPending(ctx context.Context) (int, error) {
	if s.dialect != SQLite {
		return 0, nil
	}
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM record_search
		WHERE doc > (SELECT indexed FROM search_state)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count pending search texts: %w", err)
	}
	return n, nil
}

// IndexSearch first masks the texts that have no masked copy yet (after migration 0009), then adds
// every pending text to the full-text indexes, indexChunk rows per transaction, each moving the
// watermark with the rows it indexed: a kill keeps what is done. It returns how many rows it
// indexed. PostgreSQL's indexes are always current: there it only masks.
func (s *Store) IndexSearch(ctx context.Context) (int, error) {
	if _, err := s.fillMasked(ctx); err != nil {
		return 0, err
	}
	if s.dialect != SQLite {
		return 0, nil
	}
	total := 0
	for {
		var n int64
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var from, last int64
			if err := tx.QueryRowContext(ctx, `SELECT indexed, (SELECT coalesce(max(doc), 0) FROM record_search)
				FROM search_state`).Scan(&from, &last); err != nil {
				return err
			}
			if last <= from {
				return nil
			}
			to := last
			if to-from > indexChunk { // docs have gaps: the chunk is at most indexChunk rows
				if err := tx.QueryRowContext(ctx, `SELECT doc FROM record_search WHERE doc > $1
					ORDER BY doc LIMIT 1 OFFSET $2`, from, indexChunk-1).Scan(&to); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO record_fts (rowid, text)
				SELECT doc, text FROM record_search WHERE doc > $1 AND doc <= $2`, from, to)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO record_fts_masked (rowid, masked)
				SELECT doc, masked FROM record_search WHERE doc > $1 AND doc <= $2 AND masked <> ''`, from, to); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE search_state SET indexed = $1`, to)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("store: index search texts: %w", err)
		}
		if n == 0 {
			return total, nil
		}
		total += int(n)
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// denseMatches is how many FTS matches make SQLite walk records newest first, checking each against
// the matches, instead of looking every match up by id and sorting them all.
var denseMatches = 5000

// searchCond returns the condition on records r matching query q; with masked, q is matched
// against the texts as a viewer without the personal-data right sees them (see searchDoc).
func (s *Store) searchCond(ctx context.Context, w *where, q string, masked bool) (string, error) {
	lo, hi := w.arg(q), w.arg(q+string(utf8.MaxRune)) // ids are compared bytewise on both databases
	if masked {
		// The query is masked as the texts are: a phone number typed whole finds the records that
		// show it as 138****8000, which depends on the digits shown only.
		q = mask.Text(q)
	}
	var plus string // a unary + keeps SQLite from driving the query by the id index
	if s.dialect == SQLite && utf8.RuneCountInString(q) >= 3 {
		var n int
		err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM record_fts WHERE record_fts MATCH $1
			LIMIT `+strconv.Itoa(denseMatches+1)+`) t`, ftsPhrase(q)).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("store: search records: %w", err)
		}
		if n > denseMatches {
			plus = "+"
		}
	}
	idPrefix := "(" + plus + "r.id >= " + lo + " AND " + plus + "r.id < " + hi + ")"
	// The text a substring check reads: the masked one where masking changed it (NULL: not known yet).
	text := "s.text"
	if masked {
		text = "CASE WHEN s.masked = '' THEN s.text ELSE s.masked END"
	}
	if utf8.RuneCountInString(q) < 3 {
		fn := "instr"
		if s.dialect == Postgres {
			fn = "strpos"
		}
		return "(" + idPrefix + " OR EXISTS (SELECT 1 FROM record_search s WHERE s.id = r.id AND " +
			fn + "(" + text + ", " + w.arg(q) + ") > 0))", nil
	}
	if s.dialect == Postgres {
		like := w.arg("%" + escapeLike(q) + "%")
		cond := "s.text LIKE " + like
		if masked { // written so that each half may use its trigram index (the masked one is partial)
			cond = "(s.masked = '' AND s.text LIKE " + like + ") OR (s.masked <> '' AND s.masked LIKE " + like + ")"
		}
		return "(" + idPrefix + " OR r.id IN (SELECT s.id FROM record_search s WHERE " + cond + "))", nil
	}
	// The indexes answer for the rows up to the watermark; the few rows above it (usually none) are
	// read directly, once per query.
	phrase := w.arg(ftsPhrase(q))
	match := "SELECT rowid FROM record_fts WHERE record_fts MATCH " + phrase
	pending := "SELECT s.id FROM record_search s WHERE s.doc > (SELECT indexed FROM search_state) AND instr(" +
		text + ", " + w.arg(q) + ") > 0"
	if !masked {
		if plus != "" { // many matches: collect their rowids once, check each record walked
			return "(" + idPrefix + " OR EXISTS (SELECT 1 FROM record_search s WHERE s.id = r.id AND s.doc IN (" +
				match + ")) OR r.id IN (" + pending + "))", nil
		}
		return "(" + idPrefix + " OR r.id IN (SELECT s.id FROM record_search s WHERE s.doc IN (" + match +
			") UNION ALL " + pending + "))", nil
	}
	// Masked: a raw text counts only where masking leaves it as it is; the others answer from
	// record_fts_masked, which holds exactly them.
	matchMasked := "SELECT rowid FROM record_fts_masked WHERE record_fts_masked MATCH " + phrase
	if plus != "" {
		return "(" + idPrefix + " OR EXISTS (SELECT 1 FROM record_search s WHERE s.id = r.id AND (s.masked = '' AND s.doc IN (" +
			match + ") OR s.doc IN (" + matchMasked + "))) OR r.id IN (" + pending + "))", nil
	}
	return "(" + idPrefix + " OR r.id IN (SELECT s.id FROM record_search s WHERE s.doc IN (" + match +
		") AND s.masked = '' UNION ALL SELECT s.id FROM record_search s WHERE s.doc IN (" + matchMasked +
		") UNION ALL " + pending + "))", nil
}

// ftsPhrase quotes q as one FTS5 phrase: with the trigram tokenizer, a substring match.
func ftsPhrase(q string) string { return `"` + strings.ReplaceAll(q, `"`, `""`) + `"` }

// escapeLike escapes the LIKE wildcards of s with backslash, PostgreSQL's default escape.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// validQuery rejects a query the indexes cannot take.
func validQuery(q string) error {
	if strings.ContainsRune(q, 0) || !utf8.ValidString(q) {
		return qa.NewError(qa.EInvalid, "search text is not valid UTF-8 text")
	}
	return nil
}

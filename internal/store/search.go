package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"qloop/internal/qa"
)

// Full-text search finds records whose current turn texts contain the query as a plain substring
// (case-sensitive; traditional and simplified Chinese are not folded), or whose id starts with it.
//
// SQLite indexes record_search.text with FTS5's trigram tokenizer (record_fts, kept in step by
// triggers); PostgreSQL with a pg_trgm GIN index. A trigram index cannot answer queries of one or
// two characters, so those check each candidate record's text (instr/strpos) while the query walks
// records newest first under the other filters. Trade-off: such a page is quick when the text is
// common or the other filters are narrow, but a rare one- or two-character text with no other filter
// reads every record's text once (and the capped Total with it); three or more characters always
// use the index.

// searchText returns the text indexed for r: its turn texts, one line each, so no match spans turns.
func searchText(r *qa.Record) string {
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

// saveSearchText stores rows of (id, text), replacing a record's earlier text; on SQLite the
// triggers delete the old FTS entry and insert the new one.
func (s *Store) saveSearchText(ctx context.Context, tx *sql.Tx, args []any) error {
	return s.execValues(ctx, tx, `INSERT INTO record_search (id, text)`,
		`ON CONFLICT (id) DO UPDATE SET text = excluded.text`, 2, args)
}

// denseMatches is how many FTS matches make SQLite walk records newest first, checking each against
// the matches, instead of looking every match up by id and sorting them all.
var denseMatches = 5000

// searchCond returns the condition on records r matching query q.
func (s *Store) searchCond(ctx context.Context, w *where, q string) (string, error) {
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
	lo, hi := w.arg(q), w.arg(q+string(utf8.MaxRune)) // ids are compared bytewise on both databases
	idPrefix := "(" + plus + "r.id >= " + lo + " AND " + plus + "r.id < " + hi + ")"
	if utf8.RuneCountInString(q) < 3 {
		fn := "instr"
		if s.dialect == Postgres {
			fn = "strpos"
		}
		return "(" + idPrefix + " OR EXISTS (SELECT 1 FROM record_search s WHERE s.id = r.id AND " +
			fn + "(s.text, " + w.arg(q) + ") > 0))", nil
	}
	if s.dialect == Postgres {
		return "(" + idPrefix + " OR r.id IN (SELECT s.id FROM record_search s WHERE s.text LIKE " +
			w.arg("%"+escapeLike(q)+"%") + "))", nil
	}
	match := "SELECT rowid FROM record_fts WHERE record_fts MATCH " + w.arg(ftsPhrase(q))
	if plus != "" { // many matches: collect their rowids once, check each record walked
		return "(" + idPrefix + " OR EXISTS (SELECT 1 FROM record_search s WHERE s.id = r.id AND s.doc IN (" +
			match + ")))", nil
	}
	return "(" + idPrefix + " OR r.id IN (SELECT s.id FROM record_search s WHERE s.doc IN (" + match + ")))", nil
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

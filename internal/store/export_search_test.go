package store

import "context"

// SetIndexChunk sets how many rows one IndexSearch transaction indexes; it returns a func restoring
// the old value.
func SetIndexChunk(n int64) (restore func()) {
	old := indexChunk
	indexChunk = n
	return func() { indexChunk = old }
}

// ForgetMasked puts the search texts back as migration 0009 leaves them: no masked copies, and on
// SQLite both indexes empty with every row pending.
func ForgetMasked(s *Store) error {
	stmts := []string{`UPDATE record_search SET masked = NULL`}
	if s.dialect == SQLite {
		stmts = []string{`INSERT INTO record_fts (record_fts) VALUES ('delete-all')`,
			`INSERT INTO record_fts_masked (record_fts_masked) VALUES ('delete-all')`,
			`UPDATE search_state SET indexed = 0`, `UPDATE record_search SET masked = NULL`}
	}
	for _, q := range stmts {
		if _, err := s.w.Exec(q); err != nil {
			return err
		}
	}
	return nil
}

// StaleMasks makes the stored masked texts look made by other masking rules that hid nothing (the
// raw text as the masked copy), then runs what Open runs.
func StaleMasks(s *Store) error {
	for _, q := range []string{`UPDATE record_search SET masked = text`, `UPDATE mask_state SET version = 0`} {
		if _, err := s.w.Exec(q); err != nil {
			return err
		}
	}
	return nil
}

// Reopen runs the steps of Open that follow the migrations.
func Reopen(s *Store) error {
	if err := s.checkMaskVersion(context.Background()); err != nil {
		return err
	}
	_, err := s.IndexSearch(context.Background())
	return err
}

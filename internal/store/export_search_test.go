package store

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

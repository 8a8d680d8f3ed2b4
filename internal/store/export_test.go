package store

// SetMaxParams lowers the parameter limit of one statement, so tests reach the chunking paths
// with small batches; it returns a func restoring the old limit.
func SetMaxParams(n int) (restore func()) {
	old := maxParams
	maxParams = n
	return func() { maxParams = old }
}

// SetDenseMatches sets how many FTS matches switch SQLite to walking records newest first; it
// returns a func restoring the old value.
func SetDenseMatches(n int) (restore func()) {
	old := denseMatches
	denseMatches = n
	return func() { denseMatches = old }
}

// UpdateAudit tries to change every audit line inside tx.
func UpdateAudit(tx *Tx) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE audit_log SET actor = 'mallory'`)
	return err
}

// DeleteAudit tries to delete every audit line inside tx.
func DeleteAudit(tx *Tx) error {
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM audit_log`)
	return err
}

package store

// SetMaxParams lowers the parameter limit of one statement, so tests reach the chunking paths
// with small batches; it returns a func restoring the old limit.
func SetMaxParams(n int) (restore func()) {
	old := maxParams
	maxParams = n
	return func() { maxParams = old }
}

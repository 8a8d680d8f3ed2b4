package store

// SetIndexChunk sets how many rows one IndexSearch transaction indexes; it returns a func restoring
// the old value.
func SetIndexChunk(n int64) (restore func()) {
	old := indexChunk
	indexChunk = n
	return func() { indexChunk = old }
}

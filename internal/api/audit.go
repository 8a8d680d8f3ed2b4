package api

import (
	"context"

	"qloop/internal/store"
)

// auditImport writes the audit line of an upload, also of one that stopped early (what landed
// stays), and returns err, or the audit's own error.
func auditImport(ctx context.Context, st *store.Store, res ImportResult, err error) error {
	a := store.ImportAudit{File: res.File, Read: res.Read, Inserted: res.Inserted, Updated: res.Updated,
		Unchanged: res.Unchanged, Rejected: res.Rejected, Inspected: res.Inspected}
	if err != nil {
		a.Error = err.Error()
	}
	if aerr := st.AuditImport(ctx, a); err == nil {
		err = aerr
	}
	return err
}

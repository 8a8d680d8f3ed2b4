package cli

import (
	"context"

	"qloop/internal/auth"
	"qloop/internal/load"
	"qloop/internal/store"
)

// auditImport writes the audit line of one imported file as cli:OS-USER, also when the import
// stopped early (what landed stays), and returns err, or the audit's own error.
func auditImport(ctx context.Context, env *Env, st *store.Store, file string, res load.Result, err error) error {
	a := store.ImportAudit{File: file, Read: res.Read, Inserted: res.Inserted, Updated: res.Updated,
		Unchanged: res.Unchanged, Rejected: res.Rejected, Inspected: res.Inspected.Inspections}
	if err != nil {
		a.Error = err.Error()
	}
	if aerr := st.AuditImport(auth.WithUser(ctx, store.CLIActor(env.Getenv)), a); err == nil {
		err = aerr
	}
	return err
}

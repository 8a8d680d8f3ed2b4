package api

import (
	"context"
	"io"
	"net/http"
	"path/filepath"

	"qloop/internal/auth"
	"qloop/internal/ingest"
	"qloop/internal/load"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/view"
)

// maxUpload bounds one uploaded file; bigger imports go through `qloop import`.
const maxUpload = 256 << 20

// maxListedRejects is how many rejected lines an answer lists (all are counted).
const maxListedRejects = 1000

// ImportReject is one rejected line in an import answer.
type ImportReject struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ImportResult is the answer to an upload.
type ImportResult struct {
	File      string         `json:"file"`
	Read      int            `json:"read"`
	Inserted  int            `json:"inserted"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Rejected  int            `json:"rejected"`
	Inspected int            `json:"inspected"`
	Rejects   []ImportReject `json:"rejects"`
}

// Import loads an uploaded file, inspects what landed and audits the import (shared with the console's
// import page).
func Import(ctx context.Context, st *store.Store, u *auth.User, body io.Reader, name, format string) (ImportResult, error) {
	res := ImportResult{File: filepath.Base(name), Rejects: []ImportReject{}}
	insp, err := load.NewInspector(ctx, st, nil)
	if err != nil {
		return res, err
	}
	lr, err := load.Reader(ctx, st, body, res.File, load.Options{
		Ingest:  ingest.Options{Format: format},
		Inspect: insp,
		Reject: func(r ingest.Reject) {
			if len(res.Rejects) < maxListedRejects {
				res.Rejects = append(res.Rejects, ImportReject{Line: r.Line, Reason: view.Text(u, r.Reason)})
			}
		},
	})
	res.Read, res.Inserted, res.Updated, res.Unchanged = lr.Read, lr.Inserted, lr.Updated, lr.Unchanged
	res.Rejected, res.Inspected = lr.Rejected, lr.Inspected.Inspections
	return res, auditImport(ctx, st, res, err)
}

func (h *Handler) createImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return qa.NewError(qa.EInvalid, "send the file as multipart/form-data field `file` (at most 256 MB; larger files: qloop import)")
	}
	defer f.Close()
	res, err := Import(r.Context(), h.Store, auth.FromContext(r.Context()), f, hdr.Filename, r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/ingest"
	"qloop/internal/load"
	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/view"
)

// DefaultMaxUpload bounds one upload when Handler.MaxUpload is 0; bigger imports go through
// `qloop import`.
const DefaultMaxUpload = 256 << 20

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
	return ImportWith(ctx, st, u, body, name, ingest.Options{Format: format})
}

// ImportWith is Import with reading options (format, line limit). An upload cut off by its size
// limit is a qa.EInvalid error; the records read before the cut have landed (whole, never part of one).
func ImportWith(ctx context.Context, st *store.Store, u *auth.User, body io.Reader, name string, opt ingest.Options) (ImportResult, error) {
	res := ImportResult{File: filepath.Base(name), Rejects: []ImportReject{}}
	insp, err := load.NewInspector(ctx, st, nil)
	if err != nil {
		return res, err
	}
	lr, err := load.Reader(ctx, st, body, res.File, load.Options{
		Ingest:  opt,
		Inspect: insp,
		Reject: func(r ingest.Reject) {
			if len(res.Rejects) < maxListedRejects {
				res.Rejects = append(res.Rejects, ImportReject{Line: r.Line, Reason: view.Text(u, r.Reason)})
			}
		},
	})
	res.Read, res.Inserted, res.Updated, res.Unchanged = lr.Read, lr.Inserted, lr.Updated, lr.Unchanged
	res.Rejected, res.Inspected = lr.Rejected, lr.Inspected.Inspections
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		err = qa.NewError(qa.EInvalid, fmt.Sprintf("the upload is larger than %s, the most this server accepts (qloop serve --max-upload): the %d records read before the cut were imported whole; split the file or use qloop import",
			sizeText(tooBig.Limit), res.Inserted+res.Updated+res.Unchanged))
	}
	return res, auditImport(ctx, st, res, err)
}

// Upload is a file being uploaded: its content is read straight from the request, never held
// whole in memory or spooled to a temporary file.
type Upload struct {
	Body   io.Reader
	Name   string
	Format string // the form field `format` when it comes before the file, else ""
}

// ReadUpload finds the multipart/form-data field `file` of r and streams it, reading at most
// maxBytes of the request (0: DefaultMaxUpload); a request that declares more is refused before
// anything is read. Errors are qa.EInvalid.
func ReadUpload(w http.ResponseWriter, r *http.Request, maxBytes int64) (*Upload, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxUpload
	}
	if r.ContentLength > maxBytes {
		return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("the upload is %s, more than the %s this server accepts (qloop serve --max-upload): split the file or use qloop import",
			sizeText(r.ContentLength), sizeText(maxBytes)))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, qa.NewError(qa.EInvalid, "send the file as multipart/form-data field `file` (larger files: qloop import)")
	}
	up := &Upload{}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, qa.NewError(qa.EInvalid, "send the file as multipart/form-data field `file` (larger files: qloop import)")
		}
		switch part.FormName() {
		case "file":
			up.Body, up.Name = part, part.FileName()
			return up, nil
		case "format":
			v, _ := io.ReadAll(io.LimitReader(part, 64))
			up.Format = strings.TrimSpace(string(v))
		}
	}
}

// sizeText writes n bytes as MB (or KB below 1 MB).
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", (n+(1<<20)-1)>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

func (h *Handler) createImport(w http.ResponseWriter, r *http.Request) error {
	up, err := ReadUpload(w, r, h.MaxUpload)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = up.Format
	}
	res, err := ImportWith(r.Context(), h.Store, auth.FromContext(r.Context()), up.Body, up.Name, ingest.Options{Format: format, MaxLine: h.MaxLine})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

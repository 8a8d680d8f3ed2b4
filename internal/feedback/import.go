package feedback

import (
	"context"
	"fmt"
	"io"

	"qloop/internal/ingest"
)

// Source says where a change of an entry came from (A4): the import file or the account, and why.
type Source struct {
	File   string // the import file's name; "" when entered by hand
	Actor  string // the account that imported or entered it
	Reason string // why it changed, e.g. "导入 callbacks.csv" or what a person corrected
}

// Result counts what an import or an upsert did.
type Result struct {
	Read      int `json:"read"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`   // a new revision beside the old one
	Unchanged int `json:"unchanged"` // identical content: nothing written
	Rejected  int `json:"rejected"`
	// Missing are the indexes of entries whose record does not exist; they are not written.
	Missing []int `json:"-"`
}

// Store is what Import needs from the store: write a batch, telling which records do not exist.
type Store interface {
	UpsertFeedback(ctx context.Context, entries []Entry, src Source) (Result, error)
}

// batchSize is how many entries go into one store transaction.
const batchSize = 500

// Import reads a file of feedback and stores every valid entry whose record exists; each line that
// does not resolve (bad JSON, a bad date, a rating outside 1–5, an unknown record id, a key seen
// earlier in the file) goes to reject as file:line: reason. Re-importing a file updates its entries
// (a new revision where the content changed) and never duplicates them.
func Import(ctx context.Context, st Store, r io.Reader, name string, opt ReadOptions, src Source, reject func(ingest.Reject)) (Result, error) {
	var total Result
	rej := func(rj ingest.Reject) {
		total.Rejected++
		if reject != nil {
			reject(rj)
		}
	}
	seen := map[string]int{}
	var batch []Line
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		es := make([]Entry, len(batch))
		for i := range batch {
			es[i] = batch[i].Entry
		}
		res, err := st.UpsertFeedback(ctx, es, src)
		if err != nil {
			return err
		}
		for _, i := range res.Missing {
			l := batch[i]
			rej(ingest.Reject{File: name, Line: l.Line, Raw: l.Raw,
				Reason: fmt.Sprintf("%sunknown record id %q: import the service record first, or fix the id", label(l.Entry), l.Entry.RecordID)})
		}
		total.Inserted += res.Inserted
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		batch = batch[:0]
		return nil
	}
	n, err := Read(ctx, r, name, opt, func(l Line) error {
		k := l.Entry.Key()
		if first, dup := seen[k]; dup {
			rej(ingest.Reject{File: name, Line: l.Line, Raw: l.Raw,
				Reason: fmt.Sprintf("%s%s appears again (first at line %d): give each entry its own id", label(l.Entry), k, first)})
			return nil
		}
		seen[k] = l.Line
		batch = append(batch, l)
		if len(batch) >= batchSize {
			return flush()
		}
		return nil
	}, rej)
	total.Read = n
	if err != nil {
		return total, err
	}
	return total, flush()
}

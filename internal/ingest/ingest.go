// Package ingest reads service records from every import format qloop accepts: canonical JSON Lines,
// CSV and XLSX exports of customer-service systems (through a column Mapping), and call transcripts
// (WebVTT, SRT, Whisper-style JSON; one call per file).
//
// Every reader streams: records are handed to emit one at a time and memory does not grow with the
// size of the input (XLSX is the exception: a zip archive needs random access, so the compressed file
// is held in memory while its rows are streamed). Input that cannot be read is handed to reject as
// `file:line: reason` and reading goes on, so one bad line never blocks the good ones.
//
// Timestamps without an offset ("2026-11-02 09:15:05", as real exports write them) are taken as
// China Standard Time, +08:00.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"qloop/internal/qa"
)

// Reject is one piece of input that could not be read; Line is 1-based (0 if not line-based).
type Reject struct {
	File   string
	Line   int
	Reason string
	Raw    string // the offending line, truncated to about 1 KB
}

// String formats r as "file:line: reason" (or "file: reason" when there is no line).
func (r Reject) String() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason)
	}
	return fmt.Sprintf("%s: %s", r.File, r.Reason)
}

// Options tell Read how to interpret its input.
type Options struct {
	// Format is jsonl, csv, xlsx, vtt, srt or whisper; "" picks it from the file name (see DetectFormat).
	Format string
	// Mapping maps CSV/XLSX columns and speaker names onto record fields; nil means DefaultMapping().
	Mapping *Mapping
	// Meta is metadata for transcript files (id, channel, started_at, agent_id, …), usually from CLI
	// flags; the fields it sets override the sidecar NAME.meta.json.
	Meta *qa.Record
	// Workers decode JSON Lines in parallel (order is kept); 0 means every core.
	Workers int
	// MaxLine bounds one line of JSON Lines, CSV or subtitles in bytes; a longer line is rejected
	// without being kept in memory. 0 means DefaultMaxLine.
	MaxLine int
}

// Summary counts what one Read did. Read counts records (valid or not); Rejected counts reject calls,
// which can exceed the invalid records when one record has several bad lines.
type Summary struct{ Read, Emitted, Rejected int }

// Formats Read understands.
const (
	FormatJSONL   = "jsonl"
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	FormatVTT     = "vtt"
	FormatSRT     = "srt"
	FormatWhisper = "whisper"
)

// maxRaw is how much of an offending line a Reject keeps.
const maxRaw = 1024

// ReadFile streams records from path, calling emit for each valid record and reject for each bad piece.
// emit's error aborts. ctx cancellation stops between records.
func ReadFile(ctx context.Context, path string, opt Options, emit func(qa.Record) error, reject func(Reject)) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, fmt.Errorf("open import file: %w", err)
	}
	defer f.Close()
	return Read(ctx, f, path, opt, emit, reject)
}

// Read streams records from r like ReadFile; name is used in messages, for format detection and to
// find a transcript's sidecar file (NAME.meta.json next to it), if one exists on disk.
func Read(ctx context.Context, r io.Reader, name string, opt Options, emit func(qa.Record) error, reject func(Reject)) (Summary, error) {
	if reject == nil {
		reject = func(Reject) {}
	}
	if opt.Mapping == nil {
		opt.Mapping = DefaultMapping()
	}
	br := bufio.NewReaderSize(r, 64<<10)
	format := opt.Format
	if format == "" {
		var err error
		if format, err = DetectFormat(name, br); err != nil {
			return Summary{}, err
		}
	}
	s := &sink{ctx: ctx, file: name, emit: emit, reject: reject}
	var err error
	switch format {
	case FormatJSONL:
		workers := opt.Workers
		if workers < 1 {
			workers = runtime.GOMAXPROCS(0)
		}
		err = readJSONL(s, newLineReader(br, opt.MaxLine), opt.Mapping, workers)
	case FormatCSV:
		err = readCSV(s, br, opt.Mapping, opt.MaxLine)
	case FormatXLSX:
		err = readXLSX(s, br, opt.Mapping)
	case FormatVTT:
		err = readVTT(s, br, opt)
	case FormatSRT:
		err = readSRT(s, br, opt)
	case FormatWhisper:
		err = readWhisper(s, br, opt)
	default:
		err = fmt.Errorf("%s: unknown format %q: use jsonl, csv, xlsx, vtt, srt or whisper", name, format)
	}
	return s.sum, err
}

// DetectFormat picks the format from name's extension; for .json it peeks at br: a Whisper-style
// document ({"segments": …}, often pretty-printed over many lines) or JSON Lines.
func DetectFormat(name string, br *bufio.Reader) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".jsonl", ".ndjson", ".jsonlines":
		return FormatJSONL, nil
	case ".csv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".vtt":
		return FormatVTT, nil
	case ".srt":
		return FormatSRT, nil
	case ".json":
		if looksLikeWhisper(br) {
			return FormatWhisper, nil
		}
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension %q: name it .jsonl, .csv, .xlsx, .vtt, .srt or .json, or pass the format explicitly", name, ext)
}

// looksLikeWhisper reports whether the buffered start of a .json file is a single JSON document with a
// top-level "segments" key rather than one record per line.
func looksLikeWhisper(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	head = bytes.TrimLeft(trimBOM(head), " \t\r\n")
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	} else if len(head) >= br.Size()-3 {
		// One line longer than the buffer: a minified document or one long record.
		return bytes.Contains(head, []byte(`"segments"`))
	}
	if json.Valid(line) {
		// A complete object on the first line: JSON Lines unless it is a minified Whisper document.
		var top map[string]json.RawMessage
		if json.Unmarshal(line, &top) != nil {
			return false
		}
		_, ok := top["segments"]
		return ok
	}
	// An object that goes on over several lines (Whisper's "text" may come before "segments" and be
	// long): only a whole-document format fits.
	return bytes.HasPrefix(head, []byte("{"))
}

// sink validates records, counts them and hands them to the caller's callbacks.
type sink struct {
	ctx    context.Context
	file   string
	emit   func(qa.Record) error
	reject func(Reject)
	sum    Summary
}

// record validates rec and emits it, or rejects it at line with Validate's message.
func (s *sink) record(line int, raw string, rec qa.Record) error {
	s.sum.Read++
	if reason := check(rec); reason != "" {
		s.bad(line, raw, reason)
		return nil
	}
	if err := s.emit(rec); err != nil {
		return err
	}
	s.sum.Emitted++
	return nil
}

// fail counts a record that was rejected before it could be built.
func (s *sink) fail(line int, raw, reason string) {
	s.sum.Read++
	s.bad(line, raw, reason)
}

// bad reports one rejected piece without counting a record.
func (s *sink) bad(line int, raw, reason string) {
	s.sum.Rejected++
	s.reject(Reject{File: s.file, Line: line, Reason: reason, Raw: truncate(raw, maxRaw)})
}

// valid emits a record already validated (by a decoding worker).
func (s *sink) valid(rec qa.Record) error {
	s.sum.Read++
	if err := s.emit(rec); err != nil {
		return err
	}
	s.sum.Emitted++
	return nil
}

// stopped reports ctx's error, checked between records.
func (s *sink) stopped() error { return s.ctx.Err() }

// MaxSpan is how long after started_at a turn may start or end. No call, chat or e-mail thread
// lasts a month; a time beyond that is a unit mistake (milliseconds, a timestamp) or garbage such as
// 1e308, which would otherwise be stored and skew silence and response-time checks.
const MaxSpan = 31 * 24 * time.Hour

// check validates rec as qa.Record.Validate does, and its turn times against MaxSpan; "" when valid.
func check(rec qa.Record) string {
	if err := rec.Validate(); err != nil {
		return recordLabel(rec) + err.Error()
	}
	limit := MaxSpan.Seconds()
	for i, t := range rec.Turns {
		for _, v := range []struct {
			name string
			at   *float64
		}{{"start", t.Start}, {"end", t.End}} {
			if v.at != nil && !(*v.at <= limit) { // also NaN
				return fmt.Sprintf("%sturns[%d].%s %g s is beyond the record's duration (at most %d days after started_at): give seconds from started_at", recordLabel(rec), i, v.name, *v.at, int(MaxSpan.Hours()/24))
			}
		}
	}
	return ""
}

func recordLabel(rec qa.Record) string {
	if rec.ID == "" {
		return ""
	}
	return fmt.Sprintf("record %q: ", rec.ID)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

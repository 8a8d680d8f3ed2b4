package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxLine bounds one JSON line. A record with a long transcript can be megabytes; a line beyond this
// is almost certainly not JSON Lines (e.g. a pretty-printed array) and is skipped, not buffered.
const maxLine = 64 << 20

// readJSONL reads one canonical record per line (FORMAT.md). Blank lines are skipped, a UTF-8 BOM is
// dropped, unknown fields are ignored and turn speakers are resolved through m (so "客服" works).
func readJSONL(s *sink, br *bufio.Reader, m *Mapping) error {
	var buf []byte
	for lineNo := 1; ; lineNo++ {
		if err := s.stopped(); err != nil {
			return err
		}
		line, tooLong, err := readLine(br, buf[:0])
		buf = line
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: read: %w", s.file, lineNo, err)
		}
		if lineNo == 1 {
			line = trimBOM(line)
		}
		line = bytes.TrimSpace(line)
		switch {
		case tooLong:
			s.fail(lineNo, string(line), fmt.Sprintf("line is longer than %d MB: write one record per line (JSON Lines), not a JSON array or pretty-printed JSON", maxLine>>20))
		case len(line) > 0:
			if perr := jsonlRecord(s, m, lineNo, line); perr != nil {
				return perr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// jsonlRecord decodes and emits one line.
func jsonlRecord(s *sink, m *Mapping, lineNo int, line []byte) error {
	var w wireRecord
	if err := json.Unmarshal(line, &w); err != nil {
		s.fail(lineNo, string(line), jsonReason(line, err))
		return nil
	}
	if w.ID == "" && w.Channel == "" && bytes.Contains(line, []byte(`"segments"`)) {
		s.fail(lineNo, string(line), "this looks like a Whisper JSON transcript, not a record: name the file .json (not .jsonl) or pass the format whisper")
		return nil
	}
	rec, err := w.record()
	if err != nil {
		s.fail(lineNo, string(line), recordLabel(rec)+err.Error())
		return nil
	}
	for i := range rec.Turns {
		sp, err := m.speaker(rec.Turns[i].Speaker)
		if err != nil {
			s.fail(lineNo, string(line), fmt.Sprintf("%sturns[%d]: %v", recordLabel(rec), i, err))
			return nil
		}
		rec.Turns[i].Speaker = sp
	}
	return s.record(lineNo, string(line), rec)
}

// readLine appends one line (without its newline) to buf. A line longer than maxLine is consumed but
// not kept, so memory stays bounded whatever the input.
func readLine(br *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxLine {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

// jsonReason turns a decoding error into a message with the column (in characters) where it happened.
func jsonReason(line []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at column %d: %v (each line must be one complete JSON object)", column(line, syn.Offset), syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("a line must be one JSON object (a record), not a JSON %s", typ.Value)
		}
		return fmt.Sprintf("invalid JSON at column %d: field %s is a JSON %s, want %s (see FORMAT.md)",
			column(line, typ.Offset), typ.Field, typ.Value, jsonKind(typ.Type.Kind().String()))
	}
	return "invalid JSON: " + err.Error()
}

// column converts a byte offset to a 1-based character column.
func column(line []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(line)) {
		off = int64(len(line))
	}
	if n := utf8.RuneCount(line[:off]); n > 0 {
		return n
	}
	return 1
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "float64", "int":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "ptr":
		return "an object"
	}
	return k
}

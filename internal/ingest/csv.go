package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// readCSV reads a CSV export through m (see table). UTF-8 (with or without BOM) and GBK/GB18030 —
// what Chinese Excel writes by default — are accepted; GB18030 is assumed when the first 64 KB are
// not valid UTF-8. The delimiter (comma, tab or semicolon) is taken from the header line.
func readCSV(s *sink, br *bufio.Reader, m *Mapping) error {
	var in io.Reader = br
	head, _ := br.Peek(br.Size())
	if bytes.HasPrefix(head, []byte("\uFEFF")) {
		br.Discard(3)
	} else if !validUTF8Prefix(head) {
		// GB18030 is a superset of GBK and GB2312, so one decoder covers all three.
		in = simplifiedchinese.GB18030.NewDecoder().Reader(br)
	}
	cr := csv.NewReader(in)
	cr.Comma = sniffDelimiter(head)
	cr.FieldsPerRecord = -1 // ragged rows are reported by table with a clearer message
	cr.ReuseRecord = true
	t := &table{s: s, m: m, strict: true}
	haveHeader := false
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			s.fail(perr.StartLine, "", fmt.Sprintf("bad CSV at line %d (byte %d of the line): %v: put cells containing quotes in double quotes and double the inner quotes (\"\")", perr.Line, perr.Column, perr.Err))
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: read CSV: %w", s.file, err)
		}
		line, _ := cr.FieldPos(0) // the line the row starts on, even when a cell spans lines
		if !haveHeader {
			if isBlankRow(cells) {
				continue
			}
			if err := t.setHeader(line, cells); err != nil {
				return err
			}
			haveHeader = true
			continue
		}
		if err := t.row(line, cells); err != nil {
			return err
		}
	}
	if !haveHeader {
		s.bad(0, "", "the file is empty: expected a header row and then one row per message or ticket")
		return nil
	}
	return t.flush()
}

// validUTF8Prefix reports whether b is valid UTF-8, ignoring a sequence cut off at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// sniffDelimiter picks the most frequent of comma, tab and semicolon on the first line.
func sniffDelimiter(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte(","))
	for _, d := range []rune{'\t', ';'} {
		if c := bytes.Count(head, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if len(bytes.TrimSpace([]byte(c))) > 0 {
			return false
		}
	}
	return true
}

package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// readCSV reads a CSV export through m (see table). UTF-8 (with or without BOM) and GBK/GB18030 —
// what Chinese Excel writes by default — are accepted; GB18030 is assumed when the first 64 KB do not
// look like UTF-8. The delimiter (comma, tab or semicolon) is taken from the header line.
//
// Rows are split by csvRows, not encoding/csv: a quote that is never closed must cost only its own
// line, not swallow every record after it, and no line may grow beyond maxLine in memory.
func readCSV(s *sink, br *bufio.Reader, m *Mapping, maxLine int) error {
	rows := openCSV(br, maxLine)
	t := &table{s: s, m: m, strict: true}
	haveHeader := false
	for {
		if err := s.stopped(); err != nil {
			return err
		}
		r, err := rows.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: read CSV: %w", s.file, err)
		}
		if r.reason != "" {
			if !haveHeader {
				s.fail(r.line, r.raw, r.reason)
				continue
			}
			if err := t.badRow(r.line, r.raw, t.lenientID(r.raw, rows.comma), r.reason); err != nil {
				return err
			}
			continue
		}
		if !haveHeader {
			if isBlankRow(r.cells) {
				continue
			}
			if err := t.setHeader(r.line, r.cells); err != nil {
				return err
			}
			haveHeader = true
			continue
		}
		if err := t.row(r.line, r.cells); err != nil {
			return err
		}
	}
	if !haveHeader {
		s.bad(0, "", "the file is empty: expected a header row and then one row per message or ticket")
		return nil
	}
	return t.flush()
}

// openCSV splits br into rows: the encoding (a BOM, UTF-8, else GB18030) and the delimiter are taken
// from its first 64 KB.
func openCSV(br *bufio.Reader, maxLine int) *csvRows {
	var in *bufio.Reader = br
	head, _ := br.Peek(br.Size())
	skipped := 0
	gb := false
	if bytes.HasPrefix(head, []byte("\uFEFF")) {
		br.Discard(3)
		skipped = 3
	} else if !looksUTF8(head) {
		// GB18030 is a superset of GBK and GB2312, so one decoder covers all three.
		in, gb = bufio.NewReaderSize(simplifiedchinese.GB18030.NewDecoder().Reader(br), 64<<10), true
	}
	rows := &csvRows{lr: newLineReader(in, maxLine), comma: sniffDelimiter(head), checkUTF8: !gb}
	rows.lr.next = int64(skipped)
	return rows
}

// csvRow is one row of a CSV file: its cells, or the reason it cannot be read.
type csvRow struct {
	line   int // where the row starts
	cells  []string
	raw    string
	reason string
}

// physLine is one line of the file, kept while a quoted cell may still continue onto the next.
type physLine struct {
	no   int
	off  int64
	text []byte
	bad  string // why the line itself cannot be read (too long, not UTF-8)
}

// csvRows splits a CSV file into rows. A quoted cell may span lines; the lines of a row are
// collected while its quotes are unbalanced, at most maxLine bytes in all. When the quote is never
// closed (end of file, a line that cannot be read, or maxLine reached), or the row does not parse,
// only its first line is rejected and the lines after it are read again as rows of their own, so a
// stray quote never swallows the records that follow it.
type csvRows struct {
	lr        *lineReader
	comma     byte
	checkUTF8 bool
	again     []physLine // lines to read again, in order
	eof       bool
}

func (c *csvRows) line() (physLine, bool, error) {
	if len(c.again) > 0 {
		l := c.again[0]
		c.again = c.again[1:]
		return l, true, nil
	}
	if c.eof {
		return physLine{}, false, nil
	}
	text, tooLong, err := c.lr.read()
	if err == io.EOF {
		c.eof = true
		if len(text) == 0 && !tooLong {
			return physLine{}, false, nil
		}
	} else if err != nil {
		return physLine{}, false, err
	}
	l := physLine{no: c.lr.no, off: c.lr.off, text: bytes.Clone(text)}
	if tooLong {
		l.bad = tooLongReason(c.lr.max, "check the file is CSV, and quotes in cells are doubled (\"\")")
	} else if i := badUTF8(text); c.checkUTF8 && i >= 0 {
		l.bad = utf8Reason(i, c.lr.off)
	}
	return l, true, nil
}

// next returns the next row, or io.EOF.
func (c *csvRows) next() (csvRow, error) {
	var first physLine
	for {
		l, ok, err := c.line()
		if err != nil {
			return csvRow{}, err
		}
		if !ok {
			return csvRow{}, io.EOF
		}
		if len(l.text) > 0 || l.bad != "" { // blank lines between rows are skipped, as encoding/csv does
			first = l
			break
		}
	}
	if first.bad != "" {
		return csvRow{line: first.no, raw: string(first.text), reason: first.bad}, nil
	}
	cells, off, err := splitCSV(first.text, c.comma)
	if err == nil {
		return csvRow{line: first.no, cells: cells, raw: string(first.text)}, nil
	}
	if err != errOpen {
		return csvRow{line: first.no, raw: string(first.text), reason: badCSV(first.no, off+1, err)}, nil
	}
	// A quoted cell goes on over the next lines: collect them until its quotes balance.
	lines := []physLine{first}
	size := len(first.text)
	quotes := bytes.Count(first.text, []byte{'"'})
	for quotes%2 == 1 {
		l, ok, err := c.line()
		if err != nil {
			return csvRow{}, err
		}
		if !ok || l.bad != "" || size+1+len(l.text) > c.lr.max {
			if ok {
				lines = append(lines, l)
			}
			c.again = append(lines[1:], c.again...)
			return csvRow{line: first.no, raw: string(first.text), reason: fmt.Sprintf(
				"bad CSV at line %d: a quoted cell is never closed: close it with \" or double the quotes inside it (\"\")", first.no)}, nil
		}
		lines = append(lines, l)
		size += 1 + len(l.text)
		quotes += bytes.Count(l.text, []byte{'"'})
	}
	parts := make([][]byte, len(lines))
	for i, l := range lines {
		parts[i] = l.text
	}
	text := bytes.Join(parts, []byte{'\n'})
	if cells, off, err = splitCSV(text, c.comma); err != nil {
		line, col := first.no, off+1
		if nl := bytes.LastIndexByte(text[:off], '\n'); nl >= 0 {
			line, col = first.no+bytes.Count(text[:off], []byte{'\n'}), off-nl
		}
		c.again = append(lines[1:], c.again...)
		return csvRow{line: first.no, raw: string(first.text), reason: badCSV(line, col, err)}, nil
	}
	return csvRow{line: first.no, cells: cells, raw: string(text)}, nil
}

func badCSV(line, col int, err error) string {
	return fmt.Sprintf("bad CSV at line %d (byte %d of the line): %v: put cells containing quotes in double quotes and double the inner quotes (\"\")", line, col, err)
}

var (
	errBareQuote = errors.New(`bare " in non-quoted-field`)
	errQuote     = errors.New(`extraneous or missing " in quoted-field`)
	errOpen      = errors.New(`quoted field is not closed`) // it may go on over the next line
)

// splitCSV splits one row (RFC 4180; a quoted cell may hold the delimiter, line breaks and doubled
// quotes). On error it returns the 0-based offset of the offending quote.
func splitCSV(row []byte, comma byte) ([]string, int, error) {
	var cells []string
	for i := 0; ; {
		if i < len(row) && row[i] == '"' {
			var cell []byte
			j := i + 1
			for {
				k := bytes.IndexByte(row[j:], '"')
				if k < 0 {
					return nil, i, errOpen
				}
				cell = append(cell, row[j:j+k]...)
				j += k + 1
				if j < len(row) && row[j] == '"' {
					cell = append(cell, '"')
					j++
					continue
				}
				break
			}
			if j < len(row) && row[j] != comma {
				return nil, j - 1, errQuote
			}
			cells = append(cells, string(cell))
			if j >= len(row) {
				return cells, 0, nil
			}
			i = j + 1
			continue
		}
		end := len(row)
		if k := bytes.IndexByte(row[i:], comma); k >= 0 {
			end = i + k
		}
		if q := bytes.IndexByte(row[i:end], '"'); q >= 0 {
			return nil, i + q, errBareQuote
		}
		cells = append(cells, string(row[i:end]))
		if end == len(row) {
			return cells, 0, nil
		}
		i = end + 1
	}
}

// lenientID is the id cell of a row that could not be split, read without regard to quotes; "" when
// the header is not known or the row is too short.
func (t *table) lenientID(raw string, comma byte) string {
	i, ok := t.col["id"]
	if !ok {
		return ""
	}
	cells := strings.SplitN(raw, string(comma), i+2)
	if i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(strings.Trim(cells[i], `"`))
}

// looksUTF8 reports whether b (the start of a file) is UTF-8: valid, or with a few bad bytes among
// many valid multi-byte characters. GBK text is mostly invalid as UTF-8 and almost never forms valid
// three-byte sequences, so a UTF-8 file with a stray bad byte is not decoded as GBK (which would
// garble every Chinese character); the bad byte's line is rejected instead.
func looksUTF8(b []byte) bool {
	bad, wide := 0, 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				i = len(b) // a character cut off at the end of the peeked bytes
				continue
			}
			bad++
		case n >= 3:
			wide++
		}
		i += max(n, 1)
	}
	return bad == 0 || wide > 8*bad
}

// sniffDelimiter picks the most frequent of comma, tab and semicolon on the first line.
func sniffDelimiter(head []byte) byte {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := byte(','), bytes.Count(head, []byte(","))
	for _, d := range []byte{'\t', ';'} {
		if c := bytes.Count(head, []byte{d}); c > n {
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

package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"unicode/utf8"
)

// DefaultMaxLine bounds one line of a line-based import (JSON Lines, CSV, subtitles) when
// Options.MaxLine is 0. A chat record of a few hundred turns is tens of KB; a line beyond this is
// almost certainly not one record (a JSON array, a pretty-printed file, a binary) and is skipped
// without being kept, so memory stays bounded whatever the input.
const DefaultMaxLine = 8 << 20

// lineReader reads lines of at most max bytes with their number and their byte offset in the input.
type lineReader struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	no   int   // 1-based number of the line last read
	off  int64 // byte offset in the input where the line last read starts
	next int64 // byte offset of the line after it
}

func newLineReader(br *bufio.Reader, max int) *lineReader {
	if max <= 0 {
		max = DefaultMaxLine
	}
	return &lineReader{br: br, max: max}
}

// read returns the next line without its line break; the slice is valid until the next call. A line
// longer than max is consumed but not kept: read returns it empty with tooLong set. err is io.EOF
// with the last line (which may be empty).
func (l *lineReader) read() (line []byte, tooLong bool, err error) {
	l.no++
	l.off = l.next
	buf := l.buf[:0]
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.next += int64(len(chunk))
		if !tooLong {
			if len(buf)+len(chunk) > l.max+2 { // +2: the line break does not count
				tooLong, buf = true, buf[:0]
			} else {
				if len(buf)+len(chunk) > cap(buf) {
					// Double (append grows large slices by only 1.25×, which allocates 5× the line).
					grown := make([]byte, len(buf), min(max(2*cap(buf), len(buf)+len(chunk)), l.max+2))
					copy(grown, buf)
					buf = grown
				}
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		l.buf = buf
		if l.no == 1 && len(trimBOM(buf)) < len(buf) {
			buf, l.off = buf[3:], l.off+3
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

// tooLongReason is the reject reason of a line longer than max bytes.
func tooLongReason(max int, hint string) string {
	return fmt.Sprintf("line is longer than %s, the longest accepted (--max-line): %s", sizeText(max), hint)
}

// sizeText writes n bytes as MB or KB.
func sizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

// badUTF8 returns the 0-based offset of the first byte of b that is not valid UTF-8, or -1.
func badUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// utf8Reason is the reject reason of a line whose byte at offset i (0-based, in the line starting at
// file offset lineOff) is not UTF-8. Decoding it would silently replace the byte with U+FFFD.
func utf8Reason(i int, lineOff int64) string {
	return fmt.Sprintf("not valid UTF-8 at byte %d of the line (offset %d in the file): save the file as UTF-8", i+1, lineOff+int64(i))
}

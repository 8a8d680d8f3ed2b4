package ingest

import (
	"fmt"
	"io"
	"strings"
)

// textLine is one line of a subtitle file with its 1-based number.
type textLine struct {
	no   int
	text string
}

// blockReader yields the blank-line-separated blocks of a subtitle file, one at a time, so that a
// transcript of any length is read with a bounded buffer.
type blockReader struct {
	lr     *lineReader
	reject func(line int, reason string) // a line that cannot be read (too long, not UTF-8)
	eof    bool
}

// next returns the next non-empty block, or io.EOF.
func (b *blockReader) next() ([]textLine, error) {
	var block []textLine
	for !b.eof {
		line, tooLong, err := b.lr.read()
		if err == io.EOF {
			b.eof = true
		} else if err != nil {
			return nil, err
		}
		if tooLong {
			b.reject(b.lr.no, tooLongReason(b.lr.max, "subtitle lines are short; is it the right file?"))
			continue
		}
		if i := badUTF8(line); i >= 0 {
			b.reject(b.lr.no, utf8Reason(i, b.lr.off))
			continue
		}
		text := strings.TrimSpace(string(line))
		if text == "" {
			if len(block) > 0 {
				return block, nil
			}
			continue
		}
		block = append(block, textLine{b.lr.no, text})
	}
	if len(block) > 0 {
		return block, nil
	}
	return nil, io.EOF
}

// cue adds the turns of one cue: lines[timing] is "start --> end [settings]", the lines after it are
// text. Both "." and "," are accepted before the milliseconds, as files of either format mix them up.
func (t *transcript) cue(lines []textLine, timing int, format string) {
	tl := lines[timing]
	parts := strings.SplitN(tl.text, "-->", 2)
	var endField string
	if f := strings.Fields(parts[1]); len(f) > 0 {
		endField = f[0]
	}
	start, ok1 := parseClock(strings.Replace(strings.TrimSpace(parts[0]), ",", ".", 1))
	end, ok2 := parseClock(strings.Replace(endField, ",", ".", 1))
	if !ok1 || !ok2 {
		example := "00:00:01.000 --> 00:00:03.500"
		if format == FormatSRT {
			example = "00:00:01,000 --> 00:00:03,500"
		}
		t.fail(tl.no, tl.text, fmt.Sprintf("bad cue time %q: write it like %s", tl.text, example))
		return
	}
	if end < start {
		t.fail(tl.no, tl.text, fmt.Sprintf("cue ends (%s) before it starts: swap or fix the times", endField))
		return
	}
	inCue := false // whether the last turn was started by this cue
	for _, l := range lines[timing+1:] {
		sp, text, err := t.cueLine(l.text)
		if err != nil {
			t.fail(l.no, l.text, err.Error())
			continue
		}
		if text == "" {
			continue
		}
		if inCue && (sp == "" || sp == t.last) {
			last := &t.rec.Turns[len(t.rec.Turns)-1]
			last.Text += "\n" + text
			continue
		}
		n := len(t.rec.Turns)
		t.add(l.no, l.text, sp, text, start, end)
		inCue = len(t.rec.Turns) > n
	}
}

// timingIndex finds the line of a block holding "-->", or -1.
func timingIndex(block []textLine) int {
	for i, l := range block {
		if strings.Contains(l.text, "-->") {
			return i
		}
	}
	return -1
}

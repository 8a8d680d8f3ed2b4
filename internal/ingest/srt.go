package ingest

import (
	"bufio"
	"io"
	"strconv"
)

// readSRT reads a SubRip file as one call: blocks of a counter, "00:00:01,000 --> 00:00:03,500" and
// the text. Speakers come from a leading "坐席：" / "agent:" prefix (or a <v …> tag, which some tools
// write); a cue without one continues the previous speaker. A missing counter is tolerated.
func readSRT(s *sink, br *bufio.Reader, opt Options) error {
	t := newTranscript(s, opt)
	blocks := &blockReader{lr: newLineReader(br, opt.MaxLine), reject: func(line int, reason string) { t.fail(line, "", reason) }}
	cues := 0
	for {
		if err := s.stopped(); err != nil {
			return err
		}
		block, err := blocks.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		i := timingIndex(block)
		if i < 0 || i > 1 {
			at := block[min(1, len(block)-1)] // where the timing line was expected
			t.fail(at.no, at.text, "subtitle block without a timing line: write the counter, then \"00:00:01,000 --> 00:00:03,500\", then the text, and a blank line between blocks")
			continue
		}
		if i == 1 {
			if _, err := strconv.Atoi(block[0].text); err != nil {
				t.fail(block[0].no, block[0].text, "expected the subtitle counter (a number like 1) before the timing line")
				continue
			}
		}
		cues++
		t.cue(block, i, FormatSRT)
	}
	if cues == 0 && !t.failed {
		t.fail(0, "", errNoCues.Error())
	}
	return t.finish()
}

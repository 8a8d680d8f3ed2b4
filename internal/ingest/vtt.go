package ingest

import (
	"bufio"
	"io"
	"strings"
)

// readVTT reads a WebVTT file as one call. Speakers come from <v 坐席> voice tags or a leading
// "坐席：" / "agent:" prefix; a cue without one continues the previous speaker. NOTE, STYLE and
// REGION blocks are skipped.
func readVTT(s *sink, br *bufio.Reader, opt Options) error {
	t := newTranscript(s, opt)
	blocks := &blockReader{lr: newLineReader(br, opt.MaxLine), reject: func(line int, reason string) { t.fail(line, "", reason) }}
	cues := 0
	for first := true; ; first = false {
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
		if first {
			if !strings.HasPrefix(block[0].text, "WEBVTT") {
				t.fail(block[0].no, block[0].text, "not a WebVTT file: the first line must be WEBVTT (for SRT subtitles name the file .srt)")
				break
			}
			if timingIndex(block) < 0 {
				continue // the header block, possibly with header lines
			}
			if block = block[1:]; len(block) == 0 {
				t.fail(0, "", "put a blank line after the WEBVTT header line")
				continue
			}
		}
		switch head := block[0].text; {
		case strings.HasPrefix(head, "NOTE"), strings.HasPrefix(head, "STYLE"), strings.HasPrefix(head, "REGION"):
			continue
		}
		i := timingIndex(block)
		if i < 0 || i > 1 {
			t.fail(block[0].no, block[0].text, "cue without a timing line: write an optional cue id, then \"00:00:01.000 --> 00:00:03.500\", then the text")
			continue
		}
		cues++
		t.cue(block, i, FormatVTT)
	}
	if cues == 0 && !t.failed {
		t.fail(0, "", errNoCues.Error())
	}
	return t.finish()
}

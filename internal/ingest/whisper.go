package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"qloop/internal/qa"
)

// maxWhisper bounds a Whisper JSON file: one call's transcript is decoded as a whole.
const maxWhisper = 256 << 20

// whisperSegment is one segment of Whisper / WhisperX output; other fields (words, tokens, …) are ignored.
type whisperSegment struct {
	Start   *float64 `json:"start"`
	End     *float64 `json:"end"`
	Text    string   `json:"text"`
	Speaker string   `json:"speaker"`
}

// readWhisper reads Whisper-style JSON ({"text": …, "segments": [{"start", "end", "text",
// "speaker"}]}) as one call. Speaker labels (SPEAKER_00, …) are mapped by the sidecar's speakers;
// without that map the first segment's speaker is taken as the agent and every other as the customer.
func readWhisper(s *sink, r io.Reader, opt Options) error {
	t := newTranscript(s, opt)
	data, err := io.ReadAll(io.LimitReader(r, maxWhisper+1))
	if err != nil {
		return fmt.Errorf("%s: read: %w", s.file, err)
	}
	if len(data) > maxWhisper {
		t.fail(0, "", fmt.Sprintf("file is larger than %d MB: split the call or convert it to JSON Lines", maxWhisper>>20))
		return t.finish()
	}
	data = trimBOM(data)
	segs, lines, err := whisperSegments(data)
	if err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		line, col := 0, 0
		switch {
		case errors.As(err, &syn):
			// json.Decoder's syntax-error offsets are not reliable; a whole-document scan's are.
			var whole *json.SyntaxError
			if errors.As(json.Unmarshal(data, new(json.RawMessage)), &whole) {
				syn, err = whole, whole
			}
			line, col = lineCol(data, syn.Offset)
		case errors.As(err, &typ):
			line, col = lineCol(data, typ.Offset)
		}
		if line > 0 {
			t.fail(line, "", fmt.Sprintf("invalid JSON at column %d: %v", col, err))
		} else {
			t.fail(0, "", err.Error())
		}
		return t.finish()
	}
	if len(segs) == 0 {
		t.fail(0, "", `no segments: expected Whisper JSON like {"segments": [{"start": 0.0, "end": 2.1, "text": "您好", "speaker": "SPEAKER_00"}]}`)
		return t.finish()
	}
	first := ""
	for i, seg := range segs {
		text := strings.TrimSpace(seg.Text)
		label := strings.TrimSpace(seg.Speaker)
		if first == "" {
			first = label
		}
		sp := ""
		if label != "" {
			var err error
			if sp, err = t.label(label); err != nil {
				if t.speakers != nil {
					t.fail(lines[i], "", fmt.Sprintf("segments[%d]: speaker %q is not in the sidecar's speakers: add it (agent, customer or system)", i, label))
					continue
				}
				// No speaker map: diarization labels are anonymous, so the one who speaks first is the agent.
				sp = qa.SpeakerCustomer
				if label == first {
					sp = qa.SpeakerAgent
				}
			}
		}
		if seg.Start == nil {
			t.fail(lines[i], "", fmt.Sprintf("segments[%d] has no start time: give \"start\" in seconds", i))
			continue
		}
		end := *seg.Start
		if seg.End != nil {
			end = *seg.End
		}
		if end < *seg.Start || *seg.Start < 0 {
			t.fail(lines[i], "", fmt.Sprintf("segments[%d]: start %.2f and end %.2f are not a valid span: times are seconds from the start of the call", i, *seg.Start, end))
			continue
		}
		if sp == "" && t.last == "" {
			t.fail(lines[i], "", fmt.Sprintf("segments[%d] has no speaker: diarize the audio (e.g. whisperx --diarize) so segments carry \"speaker\"", i))
			continue
		}
		t.add(lines[i], "", sp, text, *seg.Start, end)
	}
	return t.finish()
}

// whisperSegments decodes the top-level object and returns its segments with the line each starts on.
func whisperSegments(data []byte) ([]whisperSegment, []int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, nil, err
	} else if tok != json.Delim('{') {
		return nil, nil, fmt.Errorf(`not a Whisper JSON object: expected {"segments": [...]} (for one record per line name the file .jsonl)`)
	}
	var segs []whisperSegment
	var lines []int
	pos, line := 0, 1 // counted incrementally: segments only move forward
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		if key, _ := tok.(string); key != "segments" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil {
			return nil, nil, err
		} else if tok != json.Delim('[') {
			return nil, nil, errors.New(`"segments" must be an array of {"start", "end", "text", "speaker"} objects`)
		}
		for dec.More() {
			off := int(dec.InputOffset())
			for off < len(data) && strings.ContainsRune(" \t\r\n,", rune(data[off])) {
				off++
			}
			line += bytes.Count(data[pos:off], []byte("\n"))
			pos = off
			var seg whisperSegment
			if err := dec.Decode(&seg); err != nil {
				return nil, nil, err
			}
			segs, lines = append(segs, seg), append(lines, line)
		}
		if _, err := dec.Token(); err != nil {
			return nil, nil, err
		}
	}
	_, err := dec.Token()
	return segs, lines, err
}

// lineCol converts a byte offset into a 1-based line and character column.
func lineCol(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, column(before[start:], int64(len(before)-start))
}

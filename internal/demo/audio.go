package demo

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"

	"qloop/internal/qa"
)

// audioRate is the sample rate of demo recordings: telephone quality, 8-bit, so files stay small.
const audioRate = 8000

// WriteRecording writes a synthetic WAV for a call: a soft tone while each turn is spoken (higher for
// the agent, lower for the customer) and silence between, so that seeking to a turn in the console
// is audible. It stands in for real audio, which a demo cannot ship.
func WriteRecording(w io.Writer, r *qa.Record) error {
	dur := 0.0
	for _, t := range r.Turns {
		if t.End != nil {
			dur = math.Max(dur, *t.End)
		} else if t.Start != nil {
			dur = math.Max(dur, *t.Start+1)
		}
	}
	n := int(dur*audioRate) + audioRate/2
	bw := bufio.NewWriter(w)
	hdr := []any{[4]byte{'R', 'I', 'F', 'F'}, uint32(36 + n), [4]byte{'W', 'A', 'V', 'E'},
		[4]byte{'f', 'm', 't', ' '}, uint32(16), uint16(1), uint16(1), uint32(audioRate), uint32(audioRate), uint16(1), uint16(8),
		[4]byte{'d', 'a', 't', 'a'}, uint32(n)}
	for _, v := range hdr {
		if err := binary.Write(bw, binary.LittleEndian, v); err != nil {
			return err
		}
	}
	samples := make([]byte, n)
	for i := range samples {
		samples[i] = 128
	}
	for _, t := range r.Turns {
		if t.Start == nil || t.End == nil {
			continue
		}
		freq := 330.0
		if t.Speaker == qa.SpeakerAgent {
			freq = 440
		}
		from, to := int(*t.Start*audioRate), min(n, int(*t.End*audioRate))
		for i := from; i < to; i++ {
			env := math.Min(1, math.Min(float64(i-from), float64(to-i))/400) // no clicks at the edges
			samples[i] = byte(128 + 40*env*math.Sin(2*math.Pi*freq*float64(i)/audioRate))
		}
	}
	if _, err := bw.Write(samples); err != nil {
		return err
	}
	return bw.Flush()
}

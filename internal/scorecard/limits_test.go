package scorecard_test

import (
	"runtime"
	"strings"
	"testing"

	"qloop/internal/scorecard"
	"qloop/internal/yamldoc/yamltest"
)

// allocated returns the bytes f allocates; it bounds the peak heap f can reach.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A small hostile scorecard is refused with its line, and refusing it allocates little: before the
// limits, the alias bomb below allocated about 120 MB (a level more: 1 GB) and the brackets 330 MB.
func TestParseRefusesHostileYAML(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"alias bomb", yamltest.AliasBomb("name: x\nlexicons:\n", 7, 8), []string{"bomb.yaml:", "aliases", "100000"}},
		{"nested brackets", "name: x\nlexicons:\n  a: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n", []string{"bomb.yaml:3:", "nested more than 64"}},
		{"huge file", "name: x\nlexicons:\n  a: [" + strings.Repeat("哈哈,", 50000) + "]\n", []string{"bomb.yaml:", "KB allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = scorecard.Parse([]byte(tt.src), "bomb.yaml") })
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if n > 16<<20 {
				t.Errorf("refusing a %d-byte file allocated %d MB", len(tt.src), n>>20)
			}
		})
	}
}

// Anchors used the ordinary way still work.
func TestParseAcceptsModestAliases(t *testing.T) {
	src := strings.Replace(valid, "pass_score: 60\n", "pass_score: 60\nlexicons:\n  hi: &hi [您好, 你好]\n  hello: *hi\n", 1)
	if _, err := scorecard.Parse([]byte(src), "ok.yaml"); err != nil {
		t.Fatal(err)
	}
}

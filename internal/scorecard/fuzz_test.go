package scorecard_test

import (
	"strings"
	"testing"

	"qloop/internal/rules"
	"qloop/internal/scorecard"
	"qloop/internal/yamldoc/yamltest"
)

// FuzzParse: any input either parses into a scorecard the engine compiles, or fails with problems
// that name the file — never a panic.
func FuzzParse(f *testing.F) {
	for _, d := range scorecard.Defaults() {
		f.Add(string(d.Src))
	}
	f.Add(valid)
	f.Add(strings.Replace(valid, "kind: passfail", "kind: scale\n        anchors: {9: x}", 1))
	f.Add("name: [\n")
	f.Add("dimensions: {}\n")
	f.Add(yamltest.AliasBomb("name: x\nlexicons:\n", 3, 4))
	f.Add("name: &n x\ntitle: *n\nlexicons: {a: &a [x], b: *a}\n")
	f.Add(strings.Replace(valid, "all_of: [[您好]]", "all_of: [[\"@nope\"], []]", 1))
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := scorecard.Parse([]byte(src), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if _, err := rules.Compile(sc, rules.Options{}); err != nil {
			t.Fatalf("a valid scorecard does not compile: %v", err)
		}
	})
}

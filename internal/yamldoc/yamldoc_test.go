package yamldoc

import (
	"strings"
	"testing"
)

type doc struct {
	Name  string              `yaml:"name"`
	Lists map[string][]string `yaml:"lists"`
}

func TestDecodeLimits(t *testing.T) {
	tests := []struct {
		name, src string
		line      int    // of the *LimitError; -1 = no limit error
		want      string // in the error; "" = no error
	}{
		{"plain", "name: a\nlists:\n  x: [您好, 你好]\n", -1, ""},
		{"modest aliases", "name: a\nlists:\n  x: &x [您好, 你好]\n  y: *x\n", -1, ""},
		{"brackets in quotes and comments", "name: \"[[[[[[[[[[\"\nlists: # {{{{{{{{{{{{\n  x: ['[[[[[[[[[[[[']\n", -1, ""},
		{"unknown field stays strict", "nme: a\n", -1, "unknown field"},
		{"alias fan-out", "lists:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
			"  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
			"  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", 6, "aliases"},
		{"deep flow", "name: a\nlists:\n  x: " + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "\n", 3, "nested more than"},
		{"library panic becomes an error", "lists:\n  0: &l2 !00000000\n000000000000000000", -1, "cannot be read"},
		{"too big", "name: " + strings.Repeat("a", MaxBytes) + "\n", 0, "256 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			_, err := Decode([]byte(tt.src), &d)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			le, isLimit := IsLimit(err)
			if isLimit != (tt.line >= 0) {
				t.Fatalf("limit error = %v, want %v", isLimit, tt.line >= 0)
			}
			if isLimit && le.Line != tt.line {
				t.Errorf("line %d, want %d", le.Line, tt.line)
			}
		})
	}
}

// FuzzDecode: any input is decoded or refused with an error, never a panic, and nothing over the
// limits reaches the decoder.
func FuzzDecode(f *testing.F) {
	f.Add("name: a\nlists:\n  x: &x [您好, 你好]\n  y: *x\n")
	f.Add("lists:\n  a: &a [x, x]\n  b: &b [*a, *a]\n  c: [*b, *b, *b]\n")
	f.Add("a: &a {k: v}\nb: {<<: *a}\n")
	f.Add("name: \"[[\\\"[[\"\nlists: {x: [\"{\", '[']}\n")
	f.Add("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n")
	f.Add("*a\n&a [*a]\n")
	f.Add("--- \nname: a\n---\nname: b\n")
	f.Fuzz(func(t *testing.T, src string) {
		var d doc
		_, err := Decode([]byte(src), &d)
		if err == nil && len(src) > MaxBytes {
			t.Fatal("accepted a file over MaxBytes")
		}
	})
}

// Package yamldoc reads the YAML files users write — scorecards, sampling plans, CSV/XLSX mappings —
// within limits, so that a small hostile file (an alias bomb, thousands of nested brackets) is
// refused with a clear message instead of taking seconds and gigabytes to decode.
//
// github.com/goccy/go-yaml expands every alias while decoding and has no option to limit that
// (goccy/go-yaml#803), and its parser needs memory quadratic in the nesting of flow collections. So
// Decode checks the size and the flow nesting on the raw bytes, parses once, counts the nodes the
// document expands to (an alias counts as the whole subtree of its anchor), and only then decodes.
package yamldoc

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Limits of one document. The shipped scorecards are below 17 KB, 40 levels and 3,000 nodes; the
// parser allocates up to about 300 bytes per input byte, so MaxBytes also bounds its memory.
const (
	MaxBytes = 256 << 10 // size of the file
	MaxDepth = 64        // nesting of flow collections, [ … ] and { … }
	MaxNodes = 100000    // nodes after expanding every alias
)

// LimitError says which limit a document exceeds; Line is 1-based, 0 when the whole file is meant.
type LimitError struct {
	Line   int
	Reason string
}

func (e *LimitError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// ReadFile reads a YAML file of at most MaxBytes; a bigger one is a *LimitError, found without
// reading it whole.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxBytes {
		return nil, tooBig()
	}
	return src, nil
}

func tooBig() *LimitError {
	return &LimitError{Reason: fmt.Sprintf("the file is larger than the %d KB allowed: split it or remove unused parts", MaxBytes>>10)}
}

// Decode checks src against the limits and decodes it into v strictly: an unknown field, a
// duplicate key or a value of the wrong type is an error. It returns a *LimitError for a document
// over a limit and go-yaml's error (a yaml.Error with the position) for a malformed one. The parsed
// file is returned for looking up the lines of later, semantic mistakes.
func Decode(src []byte, v any) (_ *ast.File, err error) {
	defer func() {
		// go-yaml panics on some malformed input (found by fuzzing, e.g. a tagged anchor in an odd
		// place); for the user that is one more mistake in the file, not a crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML cannot be read (%v): check the indentation, tags (!…) and anchors (&…)", r)
		}
	}()
	if len(src) > MaxBytes {
		return nil, tooBig()
	}
	if line := tooDeep(src, MaxDepth); line > 0 {
		return nil, &LimitError{Line: line, Reason: fmt.Sprintf("brackets are nested more than %d deep: write the lists as indented blocks", MaxDepth)}
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, err
	}
	c := &counter{anchors: map[string]int{}, limit: MaxNodes}
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			ast.Walk(c, doc.Body)
		}
	}
	if c.over != nil {
		line := 0
		if tk := c.over.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return nil, &LimitError{Line: line, Reason: fmt.Sprintf("aliases (*name) expand the file to more than %d values: write the lists out or refer to an anchor (&name) fewer times", MaxNodes)}
	}
	// Decoding parses again, which costs as much as the first parse did: both are bounded by MaxBytes.
	if err := yaml.UnmarshalWithOptions(src, v, yaml.Strict()); err != nil {
		return nil, err
	}
	return f, nil
}

// IsLimit reports whether err is a *LimitError and returns it.
func IsLimit(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}

// counter counts the nodes a document expands to, stopping at the first one past limit.
type counter struct {
	anchors map[string]int // anchor name → nodes its value expands to
	n       int
	limit   int
	over    ast.Node // the node at which the count passed limit
}

func (c *counter) Visit(node ast.Node) ast.Visitor {
	if node == nil || c.over != nil {
		return nil
	}
	switch n := node.(type) {
	case *ast.AnchorNode:
		// The anchor's own subtree is counted once here and remembered for every alias to it.
		sub := &counter{anchors: c.anchors, limit: c.limit - c.n}
		if n.Value != nil {
			ast.Walk(sub, n.Value)
		}
		if sub.over != nil {
			c.over = sub.over
			return nil
		}
		if n.Name != nil && n.Name.GetToken() != nil {
			c.anchors[n.Name.GetToken().Value] = sub.n
		}
		c.add(node, sub.n+1)
		return nil
	case *ast.AliasNode:
		size := 1
		if n.Value != nil && n.Value.GetToken() != nil {
			size = max(size, c.anchors[n.Value.GetToken().Value])
		}
		c.add(node, size)
		return nil
	}
	c.add(node, 1)
	return c
}

func (c *counter) add(node ast.Node, k int) {
	if c.n += k; c.n > c.limit {
		c.over = node
	}
}

// tooDeep returns the line where flow collections ([ and {) nest deeper than limit, or 0. It skips
// quoted strings and comments; brackets inside block scalars are counted, which errs on the safe side.
func tooDeep(src []byte, limit int) int {
	line, depth := 1, 0
	var quote byte
	comment := false
	for i := 0; i < len(src); i++ {
		b := src[i]
		if b == '\n' {
			line++
			comment = false
			continue // quoted scalars may span lines: the quote stays open
		}
		switch {
		case comment:
		case quote == '"':
			if b == '\\' && i+1 < len(src) && src[i+1] != '\n' {
				i++
			} else if b == '"' {
				quote = 0
			}
		case quote == '\'':
			if b == '\'' {
				quote = 0
			}
		case b == '#' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n'):
			comment = true
		case b == '"' || b == '\'':
			// A quote starts a quoted scalar only at the start of a value, not inside a plain word (it's).
			if i == 0 || isValueStart(src[i-1]) {
				quote = b
			}
		case b == '[' || b == '{':
			if depth++; depth > limit {
				return line
			}
		case b == ']' || b == '}':
			depth = max(0, depth-1)
		}
	}
	return 0
}

func isValueStart(prev byte) bool {
	switch prev {
	case ' ', '\t', '\n', '[', '{', ',', ':', '-':
		return true
	}
	return false
}

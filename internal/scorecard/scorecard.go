// Package scorecard reads scorecards written in YAML, checks them with errors that point at the file
// and line, and holds the default scorecards that ship inside the binary.
package scorecard

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"qloop/internal/qa"
	"qloop/internal/yamldoc"
)

// Problem is one mistake in a scorecard file.
type Problem struct {
	File    string
	Line    int // 1-based; 0 when unknown
	Path    string
	Message string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	if p.Path != "" {
		return fmt.Sprintf("%s: %s: %s", loc, p.Path, p.Message)
	}
	return fmt.Sprintf("%s: %s", loc, p.Message)
}

// Problems is every mistake found in one scorecard file; it is a qa.EInvalid error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets callers classify the error as invalid input.
func (ps Problems) Unwrap() error { return qa.NewError(qa.EInvalid, "scorecard is invalid") }

// Parse reads and validates a scorecard within yamldoc's limits (size, nesting, alias expansion).
// file names the source in messages. Unknown keys, wrong types
// and semantic mistakes (an unknown check type, weights that do not add up, a lexicon that does not
// exist, a regular expression that does not compile) are all reported with their line.
func Parse(src []byte, file string) (*qa.Scorecard, error) {
	var sc qa.Scorecard
	f, err := yamldoc.Decode(src, &sc)
	if err != nil {
		return nil, Problems{yamlProblem(err, file)}
	}
	ps := validate(&sc)
	if len(ps) == 0 {
		return &sc, nil
	}
	for i := range ps {
		ps[i].File = file
		ps[i].Line = lineOf(f, ps[i].Path)
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return nil, ps
}

func yamlProblem(err error, file string) Problem {
	if le, ok := yamldoc.IsLimit(err); ok {
		return Problem{File: file, Line: le.Line, Message: le.Reason}
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		p := Problem{File: file, Message: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		if strings.Contains(p.Message, "unknown field") {
			p.Message += " (check the spelling; the scorecard format is in the README)"
		}
		return p
	}
	return Problem{File: file, Message: err.Error()}
}

// lineOf finds the line of a path such as $.dimensions[0].items[2].check.type; it walks up to the
// nearest existing parent when the key itself is missing.
func lineOf(f *ast.File, path string) int {
	if f == nil || path == "" {
		return 0
	}
	for p := path; p != "" && p != "$"; {
		if yp, err := yaml.PathString(p); err == nil {
			if n, err := yp.FilterFile(f); err == nil && n != nil {
				if tk := n.GetToken(); tk != nil && tk.Position != nil {
					return tk.Position.Line
				}
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

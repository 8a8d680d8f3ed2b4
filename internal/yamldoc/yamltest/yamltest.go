// Package yamltest makes hostile YAML for the tests of every reader that goes through yamldoc.
package yamltest

import (
	"fmt"
	"strings"
)

// AliasBomb is a few hundred bytes whose aliases expand to fan^levels strings, each line after
// prefix indented by two spaces (prefix opens the mapping they belong to).
func AliasBomb(prefix string, levels, fan int) string {
	var b strings.Builder
	b.WriteString(prefix + "  l0: &l0 [哈哈哈哈哈哈, 哈哈哈哈哈哈, 哈哈哈哈哈哈, 哈哈哈哈哈哈]\n")
	for i := 1; i <= levels; i++ {
		refs := make([]string, fan)
		for j := range refs {
			refs[j] = fmt.Sprintf("*l%d", i-1)
		}
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.Join(refs, ", "))
	}
	return b.String()
}

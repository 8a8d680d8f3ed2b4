package auth_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qloop/internal/auth"
)

var update = flag.Bool("update", false, "rewrite docs/roles.md from auth.Matrix")

func TestRolesDocMatchesMatrix(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "roles.md")
	want := auth.RolesMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; create it with: go test ./internal/auth -run RolesDoc -update", err)
	}
	if string(got) != want {
		t.Fatalf("docs/roles.md is stale (auth.Matrix, RoleNames or PermNames changed); regenerate it with:\n" +
			"\tgo test ./internal/auth -run RolesDoc -update")
	}
}

func TestRolesDocCoversMatrix(t *testing.T) {
	doc := auth.RolesMarkdown()
	for _, r := range auth.Roles {
		if !strings.Contains(doc, auth.RoleNames[r]) || !strings.Contains(doc, "`"+string(r)+"`") {
			t.Errorf("role %s missing", r)
		}
	}
	for _, p := range auth.Perms {
		if auth.PermNames[p] == "" || !strings.Contains(doc, "`"+string(p)+"`") {
			t.Errorf("permission %s missing or undescribed", p)
		}
	}
	// One ✓ per grant in the table.
	n := 0
	for _, ps := range auth.Matrix {
		n += len(ps)
	}
	if got := strings.Count(doc, "✓"); got != n {
		t.Errorf("table has %d ✓, matrix grants %d", got, n)
	}
}

package api_test

import (
	"net/url"
	"slices"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestAPISearchKeepsMasks: a role without the personal-data right sees 138****8000 and must not
// learn the hidden digits by searching (issue 14). Every prefix and suffix of a secret number that
// reaches into its masked span answers exactly as the same string with a hidden digit changed; only
// the whole number (masked like the text, so it shows the same digits) finds the record; the
// visible digits still find it, and a role with the right finds the whole number.
func TestAPISearchKeepsMasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		search := func(t *testing.T, role auth.Role, q string) []string {
			t.Helper()
			return ids(f.listAll(t, role, "q="+url.QueryEscape(q)))
		}
		has := func(list []string) bool { return slices.Contains(list, piiRec) }
		// wrong changes digit i of s, keeping it a digit.
		wrong := func(s string, i int) string {
			b := []byte(s)
			b[i] = '0' + (b[i]-'0'+1)%10
			return string(b)
		}
		numbers := []struct {
			name       string
			secret     string
			head, tail int // the digits the masked text shows
		}{
			{"mobile", piiPhone, 3, 4},
			{"ID", piiID, 6, 4},
			{"card", piiCard, 6, 4},
		}
		for _, n := range numbers {
			t.Run(n.name, func(t *testing.T) {
				if !has(search(t, auth.RoleSupervisor, n.secret)) {
					t.Fatalf("the supervisor does not find %s: the fixture no longer holds it", n.secret)
				}
				if !has(search(t, auth.RoleAgent, n.secret[:n.head])) || !has(search(t, auth.RoleAgent, n.secret[len(n.secret)-n.tail:])) {
					t.Errorf("the agent does not find the visible digits of %s", n.secret)
				}
				whole := len(n.secret)
				for k := n.head + 1; k <= whole; k++ {
					q := n.secret[:k]
					// The last hidden digit the prefix holds.
					w := wrong(q, min(k, whole-n.tail)-1)
					got, other := search(t, auth.RoleAgent, q), search(t, auth.RoleAgent, w)
					if has(got) != (k == whole) || !slices.Equal(got, other) {
						t.Errorf("prefix %q answers %v, %q answers %v: the hidden digits leak", q, got, w, other)
					}
				}
				for k := n.tail + 1; k <= whole; k++ {
					q := n.secret[whole-k:]
					// The first hidden digit the suffix holds; of the whole number the last one, so that
					// it keeps its shape (an ID's birth date stays a date).
					i := max(0, n.head-(whole-k))
					if k == whole {
						i = whole - n.tail - 1
					}
					w := wrong(q, i)
					got, other := search(t, auth.RoleAgent, q), search(t, auth.RoleAgent, w)
					if has(got) != (k == whole) || !slices.Equal(got, other) {
						t.Errorf("suffix %q answers %v, %q answers %v: the hidden digits leak", q, got, w, other)
					}
				}
			})
		}
		t.Run("name", func(t *testing.T) {
			if !has(search(t, auth.RoleSupervisor, piiName)) {
				t.Fatal("the supervisor does not find the customer's name")
			}
			if has(search(t, auth.RoleAgent, piiName)) || has(search(t, auth.RoleAgent, piiName[:len("李建")])) {
				t.Error("the agent finds the record by the customer's masked name")
			}
			if !has(search(t, auth.RoleAgent, "李先生")) {
				t.Error("the agent does not find text that is not masked")
			}
		})
	})
}

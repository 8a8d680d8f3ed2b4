package console_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"qloop/internal/api"
	"qloop/internal/auth"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

var (
	nextHref = regexp.MustCompile(`<a href="([^"]*)" id="next-page">`)
	rowID    = regexp.MustCompile(`<a class="rid" href="/records/([^"]+)">`)
	countRe  = regexp.MustCompile(`id="record-count">共 (\d+) 条`)
)

// storeIDs is the ids of the page the store gives for a query string.
func storeIDs(t *testing.T, st *store.Store, query string) []string {
	t.Helper()
	q, _ := url.ParseQuery(query)
	f, err := api.RecordFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	page, err := st.Records(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range page.Rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestRecordsNextPageKeepsFilters: 下一页 of a filtered list is the next page of the same filter, for
// every role whose list is paged (an agent's and a team lead's list are filtered by their scope too).
func TestRecordsNextPageKeepsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, c := range []struct {
			role  auth.Role
			query string
		}{
			{auth.RoleSupervisor, "team=" + url.QueryEscape("二组")},
			{auth.RoleSupervisor, "channel=call&score_max=90"},
			{auth.RoleTeamLead, "channel=call"},
			{auth.RoleAgent, ""},
		} {
			t.Run(string(c.role)+" "+c.query, func(t *testing.T) {
				body := f.get(t, c.role, "", "/records?"+c.query, 200)
				total := countRe.FindStringSubmatch(body)
				m := nextHref.FindStringSubmatch(body)
				if m == nil || total == nil {
					t.Fatalf("no next-page link or count on a list of more than one page: %q", total)
				}
				next := html.UnescapeString(m[1])
				u, err := url.Parse(next)
				if err != nil || u.Path != "/records" {
					t.Fatalf("next-page link %q", next)
				}
				want, _ := url.ParseQuery(c.query)
				got := u.Query()
				if got.Get("cursor") == "" {
					t.Fatalf("next-page link %q has no cursor", next)
				}
				for k := range want {
					if got.Get(k) != want.Get(k) {
						t.Errorf("next-page link %q: %s = %q, want %q", next, k, got.Get(k), want.Get(k))
					}
				}
				first := rowID.FindAllStringSubmatch(body, -1)
				body2 := f.get(t, c.role, "", next, 200)
				if t2 := countRe.FindStringSubmatch(body2); t2 == nil || t2[1] != total[1] {
					t.Errorf("page 2 counts %v, page 1 %s", t2, total[1])
				}
				var ids []string
				for _, m := range rowID.FindAllStringSubmatch(body2, -1) {
					ids = append(ids, m[1])
					for _, p := range first {
						if p[1] == m[1] {
							t.Fatalf("page 2 repeats %s of page 1", m[1])
						}
					}
				}
				// The store's own second page of the same filter, within the user's scope.
				scope := url.Values{}
				switch s := f.users[c.role].Scope(); {
				case s.Team != "":
					scope.Set("team", s.Team)
				case s.AgentID != "":
					scope.Set("agent", s.AgentID)
				}
				q := got
				for k, v := range scope {
					q[k] = v
				}
				if wantIDs := storeIDs(t, st, q.Encode()); len(ids) == 0 || !slices.Equal(ids, wantIDs) {
					t.Errorf("page 2 lists %d rows %v…, the store's page 2 of that filter %d rows", len(ids), ids[:min(3, len(ids))], len(wantIDs))
				}
			})
		}
	})
}

// TestDashboardChartsFollowFilters: the charts fetch the dashboard of the filter the page shows.
func TestDashboardChartsFollowFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		body := f.get(t, auth.RoleSupervisor, "", "/?from=2026-09-01&to=2026-09-30&channel=call", 200)
		for _, id := range []string{"chart-failed", "chart-trend"} {
			src := html.UnescapeString(between(body, `id="`+id+`" data-src="`, `"`))
			u, err := url.Parse(src)
			if err != nil || u.Path != "/api/v1/dashboard" {
				t.Fatalf("#%s data-src %q", id, src)
			}
			if q := u.Query(); q.Get("from") != "2026-09-01" || q.Get("to") != "2026-09-30" || q.Get("channel") != "call" {
				t.Errorf("#%s fetches %q, want the page's from, to and channel", id, src)
			}
		}
		if strings.Contains(body, "%3d") || strings.Contains(body, "%3D") {
			t.Error("the dashboard page holds a percent-encoded '='")
		}
	})
}

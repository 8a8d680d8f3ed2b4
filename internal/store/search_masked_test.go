package store_test

import (
	"slices"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// searchAs returns the ids Records finds for q, searching the masked texts or the raw ones, on both
// of SQLite's plans.
func searchAs(t *testing.T, s *store.Store, q string, masked bool) []string {
	t.Helper()
	var first []string
	for _, dense := range []bool{false, true} {
		restore := func() {}
		if dense {
			restore = store.SetDenseMatches(0)
		}
		p, err := s.Records(ctx, store.RecordFilter{Query: q, Masked: masked, Limit: 200})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range p.Rows {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		if dense && !slices.Equal(ids, first) {
			t.Fatalf("%q (masked %v): many-matches plan found %v, few-matches plan %v", q, masked, ids, first)
		}
		first = ids
	}
	return first
}

// A masked search matches only the texts as masked, with the query masked alike (issue 14): the
// hidden digits and the full name find nothing, a whole number finds what shows its visible digits,
// what the viewer is shown still does, and texts without personal data are found as
// before — pending or indexed, after a change of the customer's name alone, and for rows from
// before migration 0009 once IndexSearch has masked them.
func TestMaskedSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		pii := rec("m-1", "我叫李建国，手机13987654322")
		pii.CustomerName = "李建国"
		plain := rec("m-2", "手机号码已经更新")
		if _, err := s.UpsertRecords(ctx, []qa.Record{pii, plain}, "t"); err != nil {
			t.Fatal(err)
		}
		check := func(step string, masked bool, want map[string][]string) {
			t.Helper()
			for q, ids := range want {
				if got := searchAs(t, s, q, masked); !slices.Equal(got, ids) {
					t.Errorf("%s: %q (masked %v) found %v, want %v", step, q, masked, got, ids)
				}
			}
		}
		masked := map[string][]string{
			"13987654322": {"m-1"}, "13980004322": {"m-1"}, "13987654323": nil, "1398": nil, "1397": nil, "98765": nil, "7654322": nil, "98": nil,
			"李建国": nil, "李建": nil, "139": {"m-1"}, "4322": {"m-1"}, "139****4322": {"m-1"}, "李**": {"m-1"},
			"手机": {"m-1", "m-2"}, "手机号码": {"m-2"}, "号码已经": {"m-2"}, "卡被锁了": {"m-1", "m-2"},
		}
		raw := map[string][]string{"13987654322": {"m-1"}, "1398": {"m-1"}, "98": {"m-1"}, "李建国": {"m-1"},
			"139****4322": nil, "手机号码": {"m-2"}}
		for _, step := range []string{"pending", "indexed"} {
			if step == "indexed" {
				if _, err := s.IndexSearch(ctx); err != nil {
					t.Fatal(err)
				}
			}
			check(step, true, masked)
			check(step, false, raw)
		}

		// Only the name changes: the text is the same, its masked copy is not.
		pii.CustomerName = "王小明"
		if _, err := s.UpsertRecords(ctx, []qa.Record{pii}, "t2"); err != nil {
			t.Fatal(err)
		}
		check("other name, pending", true, map[string][]string{"李建国": {"m-1"}, "1398": nil})
		if _, err := s.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
		check("other name, indexed", true, map[string][]string{"李建国": {"m-1"}, "1398": nil, "4322": {"m-1"}})
		pii.CustomerName = "李建国"
		if _, err := s.UpsertRecords(ctx, []qa.Record{pii}, "t3"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}

		// Rows from before 0009 have no masked copy: a masked search finds none of them (never the
		// raw text) until IndexSearch masks them, from the records.
		if err := store.ForgetMasked(s); err != nil {
			t.Fatal(err)
		}
		check("not masked yet", true, map[string][]string{"1398": nil, "李建国": nil, "4322": nil, "手机号码": nil})
		if _, err := s.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
		check("masked after 0009", true, masked)
		check("masked after 0009", false, raw)
	})
}

// TestMaskVersion: masked copies made by other masking rules are made again on open, so stale copies
// (here: ones that hid nothing) never let a masked search match a hidden number.
func TestMaskVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		pii := rec("v-1", "我的手机13987654322")
		if _, err := s.UpsertRecords(ctx, []qa.Record{pii}, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
		if err := store.StaleMasks(s); err != nil {
			t.Fatal(err)
		}
		if got := searchAs(t, s, "1398765", true); len(got) != 1 {
			t.Fatalf("the stale copies should leak before the check (test setup): found %v", got)
		}
		if err := store.Reopen(s); err != nil {
			t.Fatal(err)
		}
		if got := searchAs(t, s, "1398765", true); len(got) != 0 {
			t.Errorf("after open, a hidden prefix still finds %v", got)
		}
		if got := searchAs(t, s, "4322", true); !slices.Equal(got, []string{"v-1"}) {
			t.Errorf("after open, the visible digits find %v, want [v-1]", got)
		}
	})
}

package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// searchIDs returns the ids Records finds for q in the raw texts, on both of SQLite's plans (few and
// many matches).
func searchIDs(t *testing.T, s *store.Store, q string) []string {
	t.Helper()
	return searchAs(t, s, q, false)
}

func pending(t *testing.T, s *store.Store) int {
	t.Helper()
	n, err := s.SearchPending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Search finds a record the moment its import commits, before and after the index takes it, and a
// changed text replaces the old one whether the old one was indexed or still pending.
func TestSearchFollowsImportsAndIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sqlite := s.Dialect() == store.SQLite
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("s-1", "我要办理挂失"), rec("s-2", "您好请问有什么可以帮您"),
			rec("s-3", "我要办理挂失业务")}, "t"); err != nil {
			t.Fatal(err)
		}
		if sqlite && pending(t, s) != 3 {
			t.Fatalf("pending = %d, want the 3 texts just imported", pending(t, s))
		}
		check := func(step string, want map[string][]string) {
			t.Helper()
			for q, ids := range want {
				if got := searchIDs(t, s, q); !slices.Equal(got, ids) {
					t.Errorf("%s: %q found %v, want %v", step, q, got, ids)
				}
			}
		}
		check("pending", map[string][]string{"办理挂失": {"s-1", "s-3"}, "挂失业务": {"s-3"}, "有什么可以": {"s-2"},
			"卡被锁了": {"s-1", "s-2", "s-3"}, "修改密码": nil})

		n, err := s.IndexSearch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sqlite && (n != 3 || pending(t, s) != 0) {
			t.Fatalf("IndexSearch indexed %d, %d pending; want 3, 0", n, pending(t, s))
		}
		check("indexed", map[string][]string{"办理挂失": {"s-1", "s-3"}, "挂失业务": {"s-3"}, "有什么可以": {"s-2"},
			"卡被锁了": {"s-1", "s-2", "s-3"}, "修改密码": nil})

		// s-1's indexed text changes: the old text leaves the index at once, the new one is pending.
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("s-1", "我要修改密码")}, "t2"); err != nil {
			t.Fatal(err)
		}
		if sqlite && pending(t, s) != 1 {
			t.Fatalf("pending = %d after a changed text, want 1", pending(t, s))
		}
		check("changed, pending", map[string][]string{"办理挂失": {"s-3"}, "修改密码": {"s-1"}, "卡被锁了": {"s-1", "s-2", "s-3"}})
		// …and changes again before it is indexed.
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("s-1", "我要修改手机号")}, "t3"); err != nil {
			t.Fatal(err)
		}
		check("changed twice", map[string][]string{"修改密码": nil, "修改手机号": {"s-1"}})
		if _, err := s.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
		check("changed, indexed", map[string][]string{"办理挂失": {"s-3"}, "修改密码": nil, "修改手机号": {"s-1"},
			"卡被锁了": {"s-1", "s-2", "s-3"}})

		// A record whose metadata changes but not its text keeps its indexed text.
		r := rec("s-2", "您好请问有什么可以帮您")
		r.Team = "二组"
		if res, err := s.UpsertRecords(ctx, []qa.Record{r}, "t4"); err != nil || res.Updated != 1 {
			t.Fatalf("re-import with a new team: %+v, %v", res, err)
		}
		if sqlite && pending(t, s) != 0 {
			t.Errorf("pending = %d after an unchanged text, want 0", pending(t, s))
		}
		check("same text", map[string][]string{"有什么可以": {"s-2"}})
		if n, err := s.IndexSearch(ctx); err != nil || n != 0 {
			t.Errorf("IndexSearch with nothing pending = %d, %v", n, err)
		}
	})
}

// IndexSearch works through a large backlog in chunks, one transaction each.
func TestIndexSearchChunks(t *testing.T) {
	s := storetest.Open(t)
	defer store.SetIndexChunk(7)()
	for b := range 5 {
		var batch []qa.Record
		for i := range 9 {
			batch = append(batch, rec(fmt.Sprintf("k-%d-%d", b, i), fmt.Sprintf("第%d批第%d条记录", b, i)))
		}
		if _, err := s.UpsertRecords(ctx, batch, "t"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.IndexSearch(ctx)
	if err != nil || n != 45 || pending(t, s) != 0 {
		t.Fatalf("IndexSearch = %d, %v with %d pending; want 45, none pending", n, err, pending(t, s))
	}
	if got := searchIDs(t, s, "第3批第4条"); !slices.Equal(got, []string{"k-3-4"}) {
		t.Errorf("found %v, want k-3-4", got)
	}
	if got := searchIDs(t, s, "卡被锁了"); len(got) != 45 {
		t.Errorf("found %d records, want 45", len(got))
	}
}

// A process killed between an import's transactions and its indexing leaves pending texts: searches
// find them anyway, and the next Open indexes them.
func TestSearchIndexRepairedOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qloop.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertRecords(ctx, recs("r-", 30, "您的来电已转接人工服务"), "t"); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "转接人工"); len(got) != 30 || pending(t, s) != 30 {
		t.Fatalf("before indexing: found %d, %d pending; want 30, 30", len(got), pending(t, s))
	}
	s.Close() // the import's IndexSearch never ran

	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if pending(t, s) != 0 {
		t.Fatalf("after reopening: %d pending, want 0", pending(t, s))
	}
	if got := searchIDs(t, s, "转接人工"); len(got) != 30 {
		t.Fatalf("after reopening: found %d, want 30", len(got))
	}
	// The index answers alone now: the FTS query itself finds them.
	if got := searchIDs(t, s, "来电已转"); len(got) != 30 {
		t.Fatalf("found %d, want 30", len(got))
	}
}

// New SQLite files get 8 KiB pages; a file that exists keeps its own.
func TestNewDatabasePageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qloop.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := pageSize(t, path); n != 8192 {
		t.Errorf("page size of a new file = %d, want 8192", n)
	}

	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA page_size = 4096; CREATE TABLE before_qloop (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = store.Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertRecords(ctx, recs("o-", 3, "您好"), "t"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := pageSize(t, old); n != 4096 {
		t.Errorf("page size of an existing file = %d, want 4096 as it was", n)
	}
}

func pageSize(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("PRAGMA page_size").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

package console_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestConsoleNames: pages name items, strata, tiers, roles and errors in the reader's language,
// never by their raw keys.
func TestConsoleNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		sup := auth.RoleSupervisor

		// The list's failed items by name; the filter takes a name and suggests names.
		body := f.get(t, sup, "", "/records?failed_item="+url.QueryEscape("结束语"), 200)
		if n := countRe.FindStringSubmatch(body); n == nil || n[1] == "0" {
			t.Fatalf("failed item 结束语 finds %v records", n)
		}
		cells := between(body, `<td class="items" data-items="`, `</td>`)
		if !strings.Contains(cells, "结束语") || strings.Contains(cells, `">closing`) {
			t.Errorf("a row failing closing reads %q", cells)
		}
		byID := countRe.FindStringSubmatch(f.get(t, sup, "", "/records?failed_item=closing", 200))
		if byID == nil || byID[1] != countRe.FindStringSubmatch(body)[1] {
			t.Errorf("failed item closing counts %v, 结束语 %v", byID, countRe.FindStringSubmatch(body))
		}
		if strings.Contains(body, `placeholder="forbidden"`) || !strings.Contains(body, `<option value="服务忌语">`) {
			t.Error("the failed-item filter does not suggest the items by name")
		}
		en := f.get(t, sup, "en", "/records?failed_item=closing", 200)
		if !strings.Contains(between(en, `<td class="items" data-items="`, `</td>`), "Closing") {
			t.Errorf("English list names closing %q", between(en, `<td class="items" data-items="`, `</td>`))
		}
		// The dashboard's chart gets the names.
		dash := f.get(t, sup, "", "/", 200)
		if names := between(dash, `data-names="`, `"`); !strings.Contains(names, "安抚情绪") {
			t.Errorf("the failed-items chart's names: %q", names)
		}

		// The header says the role once.
		if who := between(body, `id="who">`, `<`); strings.Count(who, "质检主管") != 1 {
			t.Errorf("header %q", who)
		}
		if who := between(en, `id="who">`, `<`); !strings.HasSuffix(who, "QA supervisor") {
			t.Errorf("English header %q", who)
		}

		// 404s in Chinese.
		for _, p := range []string{"/no/such/page", "/records/no-such-record"} {
			nf := f.get(t, sup, "", p, 404)
			msg := between(nf, `id="error-message">`, `<`)
			if msg == "" || strings.Contains(msg, "not found") || strings.Contains(nf, "404 page not found") {
				t.Errorf("%s: the 404 page says %q", p, msg)
			}
		}

		// The customer tier in words.
		page, err := st.Records(context.Background(), store.RecordFilter{Channel: "call", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		rec := f.get(t, sup, "", "/records/"+page.Rows[0].ID, 200)
		if c := between(rec, `id="customer">`, `</dd>`); strings.Contains(c, "regular") || strings.Contains(c, "vip") || !strings.Contains(c, "客户") {
			t.Errorf("customer %q", c)
		}
	})
}

// TestRecordsSortAndSnippets: the list sorts by its column headings and shows what a search matched.
func TestRecordsSortAndSnippets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		body := f.get(t, auth.RoleSupervisor, "", "/records?sort=score&team="+url.QueryEscape("一组"), 200)
		rows, err := st.Records(context.Background(), store.RecordFilter{Sort: store.SortScore, Team: "一组"})
		if err != nil {
			t.Fatal(err)
		}
		if got := rowID.FindStringSubmatch(body); got == nil || got[1] != rows.Rows[0].ID {
			t.Errorf("worst first lists %v first, the store %s (score %v)", got, rows.Rows[0].ID, *rows.Rows[0].Score)
		}
		if !strings.Contains(body, `<input type="hidden" name="sort" value="score" id="f-sort">`) || !strings.Contains(body, `id="sort-name">得分最低在前<`) {
			t.Error("the filter form does not keep the order 得分最低在前")
		}
		if !strings.Contains(body, `class="sort on" form="record-filters" name="sort" value="score_desc"`) {
			t.Error("the score heading does not offer the reverse order")
		}
		// A heading submits its order after the form's current one.
		rev := f.get(t, auth.RoleSupervisor, "", "/records?sort=score&sort=score_desc&team="+url.QueryEscape("一组"), 200)
		if !strings.Contains(rev, `id="sort-name">得分最高在前<`) {
			t.Error("the heading's order does not replace the form's")
		}
		// A search shows the matched text, masked for a role without the personal-data right.
		s := f.get(t, auth.RoleSupervisor, "", "/records?q="+url.QueryEscape("身份证"), 200)
		snip := between(s, `class="snippet">`, `</td>`)
		if !strings.Contains(snip, "<mark>身份证</mark>") {
			t.Errorf("the snippet of a search for 身份证: %q", snip)
		}
	})
}

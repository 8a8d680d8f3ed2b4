package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/load"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestRecordPageMarksEveryOccurrence: a forbidden phrase said twice is highlighted twice on the
// record page, for a role that sees personal data and for one that does not (issue 14, point 7).
func TestRecordPageMarksEveryOccurrence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		insp, err := load.NewInspector(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		const rec = `{"id":"marks-0001","channel":"call","started_at":"2026-09-20T10:00:00+08:00","agent_id":"A002","team":"一组",` +
			`"customer_phone":"13912345678","turns":[` +
			`{"speaker":"agent","text":"您好,请问有什么可以帮您?","start":0,"end":3},` +
			`{"speaker":"customer","text":"我的手机13912345678收不到验证码","start":3.5,"end":7},` +
			`{"speaker":"agent","text":"你明白吗?我再跟你说一遍,要去营业厅","start":7.5,"end":12},` +
			`{"speaker":"customer","text":"啊?","start":12.5,"end":13},` +
			`{"speaker":"agent","text":"我再跟你说一遍,去营业厅","start":13.5,"end":16}]}` + "\n"
		if res, err := load.Reader(ctx, st, strings.NewReader(rec), "marks.jsonl", load.Options{Inspect: insp}); err != nil || res.Inserted != 1 {
			t.Fatalf("load: %+v, %v", res, err)
		}
		for _, r := range []auth.Role{auth.RoleSupervisor, auth.RoleAgent} {
			t.Run(string(r), func(t *testing.T) {
				w := scenario{method: "GET", path: "/records/marks-0001", cookie: f.signIn(t, r), status: http.StatusOK}.run(t, f.h)
				body := w.Body.String()
				if n := strings.Count(body, ">我再跟你说一遍</mark>"); n != 2 {
					t.Errorf("我再跟你说一遍 marked %d times, want 2", n)
				}
				if n := strings.Count(body, ">你明白吗</mark>"); n != 1 {
					t.Errorf("你明白吗 marked %d times, want 1", n)
				}
			})
		}
	})
}

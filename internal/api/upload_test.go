package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/server"
	"qloop/internal/store/storetest"
)

const uploadLine = `{"id":"%s","channel":"chat","started_at":"2026-11-02T09:15:00+08:00","agent_id":"A1","turns":[{"speaker":"agent","text":"您好"}]}` + "\n"

// uploadServer is a server on an empty store with an administrator's token.
func uploadServer(t *testing.T, maxUpload int64) (http.Handler, string) {
	t.Helper()
	st := storetest.Open(t)
	hash, err := fastHash.Hash("pw-admin-2026")
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{Username: "admin", Name: "管理员", Role: auth.RoleAdmin, PasswordHash: hash}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	plain, th := auth.NewAPIToken()
	if _, err := st.CreateAPIToken(context.Background(), u.ID, "upload", th); err != nil {
		t.Fatal(err)
	}
	return server.New(server.Config{Store: st, Log: slog.New(slog.DiscardHandler), InsecureCookies: true, MaxUpload: maxUpload}), plain
}

// streamUpload is a multipart request whose file part is written while the server reads it: head,
// then fill repeated to n bytes, then tail. The body has no Content-Length unless length >= 0.
func streamUpload(t *testing.T, token, head, fill string, n int, tail string, length int64) *http.Request {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", "up.jsonl")
		if err == nil {
			_, err = io.WriteString(fw, head)
		}
		chunk := []byte(strings.Repeat(fill, (64<<10)/len(fill))) // once: WriteString would copy each time
		for written := 0; err == nil && written < n; written += len(chunk) {
			_, err = fw.Write(chunk)
		}
		if err == nil {
			_, err = io.WriteString(fw, tail)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	r := httptest.NewRequest("POST", "/api/v1/imports", pr)
	r.ContentLength = length
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	t.Cleanup(func() { pr.Close() })
	return r
}

// An upload is streamed through the import, not held: a 52 MB upload whose middle is one 50 MB line
// costs the server a few MB (it went from 231 MB to 1.24 GB), the line is rejected and the records
// around it land.
func TestUploadIsStreamed(t *testing.T) {
	h, token := uploadServer(t, 0)
	// A first, small upload installs the default scorecards, which is not what is measured.
	small := func() uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h.ServeHTTP(httptest.NewRecorder(), streamUpload(t, token, fmt.Sprintf(uploadLine, "u0"), "x", 0, "", -1))
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small()
	base := small()
	r := streamUpload(t, token, fmt.Sprintf(uploadLine, "u1")+`{"id":"big","turns":[{"text":"`, "很长很长", 50<<20, "\"}]}\n"+fmt.Sprintf(uploadLine, "u2"), -1)
	w := httptest.NewRecorder()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	h.ServeHTTP(w, r)
	runtime.ReadMemStats(&after)
	var res struct{ Read, Inserted, Rejected int }
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || w.Code != 200 {
		t.Fatalf("status %d: %.500s", w.Code, w.Body)
	}
	if res.Inserted != 2 || res.Rejected != 1 || !strings.Contains(w.Body.String(), "longer than 8 MB") {
		t.Errorf("answer %.500s", w.Body)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > base+32<<20 {
		t.Errorf("a 50 MB upload allocated %d MB in the server (a one-line upload %d MB)", n>>20, base>>20)
	}
	t.Logf("allocated: one-line upload %d MB, 52 MB upload %d MB", base>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
}

// The upload limit (server.Config.MaxUpload, qloop serve --max-upload) is enforced: a declared
// length over it is refused before anything is read; a body that turns out longer stops at the
// limit with a clear error, and only whole records landed.
func TestUploadLimit(t *testing.T) {
	h, token := uploadServer(t, 1<<20)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, streamUpload(t, token, fmt.Sprintf(uploadLine, "u1"), "x", 0, "", 2<<20))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "more than the 1 MB this server accepts (qloop serve --max-upload)") {
		t.Errorf("declared 2 MB: status %d %.300s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	lines := strings.Repeat(fmt.Sprintf(uploadLine, "u"), 1)
	h.ServeHTTP(w, streamUpload(t, token, fmt.Sprintf(uploadLine, "first"), lines, 3<<20, "", -1))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "larger than 1 MB") || !strings.Contains(w.Body.String(), "imported whole") {
		t.Errorf("streamed 3 MB: status %d %.300s", w.Code, w.Body)
	}
}

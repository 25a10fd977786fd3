package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestEntityRedirectKeepsAsOf: a name resolved to an id redirects to the
// entity page at the date asked, not at today.
func TestEntityRedirectKeepsAsOf(t *testing.T) {
	s := newTestServer(t, false)
	r := get(t, s, "/entity/Sinnet?as_of=2015-06-01", http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/entity/org/sinnet?as_of=2015-06-01" {
		t.Errorf("Location %q, want /entity/org/sinnet?as_of=2015-06-01", loc)
	}
	r = get(t, s, "/entity/Sinnet", http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/entity/org/sinnet" {
		t.Errorf("Location %q, want /entity/org/sinnet", loc)
	}
}

// TestErrorAfterResponseStarted: a handler that fails once its response
// has begun (a client gone mid-write) must not have an error page or
// problem appended to what was sent.
func TestErrorAfterResponseStarted(t *testing.T) {
	s := newTestServer(t, false)
	fail := func(w http.ResponseWriter, r *http.Request) error {
		writeBytes(w, "text/plain", []byte("partial"))
		return errors.New("write: broken pipe")
	}
	for name, h := range map[string]http.Handler{"api": s.api(fail), "page": s.page(fail)} {
		rec := httptest.NewRecorder()
		s.instrument("/x", h).ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
		if rec.Code != http.StatusOK || rec.Body.String() != "partial" {
			t.Errorf("%s: status %d, body %q; want 200 and only what the handler wrote", name, rec.Code, rec.Body)
		}
	}
}

// TestReadBulkLongLine: a line too long to scan is an error, not the
// silent end of the list. (The bulk form joins a pasted list and a file,
// so its text can hold a line longer than the body limit.)
func TestReadBulkLongLine(t *testing.T) {
	text := "52.80.0.1\n" + strings.Repeat("x", maxBulkBody+1) + "\n3.0.5.7\n"
	if got, err := readBulk(strings.NewReader(text), "text/plain"); err == nil {
		t.Errorf("readBulk = %q, nil; want an error", got)
	}
}

// TestMetricsMethodsBounded: made-up methods, which the catch-all routes
// accept, do not each add a series.
func TestMetricsMethodsBounded(t *testing.T) {
	s := newTestServer(t, false)
	for i := range 50 {
		do(t, s, fmt.Sprintf("M%d", i), "/nowhere", "", "")
	}
	body := get(t, s, "/metrics", http.StatusOK).body
	wantContains(t, body, `cloudatlas_http_requests_total{route="/",method="OTHER",code="404"} 50`)
	wantNotContains(t, body, `method="M1"`)
}

// TestFeedHistoryWithoutStore: the feed history is read when the range
// data is loaded; a GET neither opens nor recreates the store.
func TestFeedHistoryWithoutStore(t *testing.T) {
	s := newTestServer(t, true)
	if err := os.RemoveAll(s.cfg.DataDir); err != nil {
		t.Fatal(err)
	}
	r := get(t, s, "/v1/feeds?feed=aws", http.StatusOK)
	wantContains(t, r.body, `"history":[{"id":`)
	if _, err := os.Stat(s.cfg.DataDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("GET /v1/feeds?feed=aws recreated the data dir (stat: %v)", err)
	}
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// TestBulkLongLine: a line too long to read is reported as a bad input
// in its place, not the silent end of the list.
func TestBulkLongLine(t *testing.T) {
	s := newTestServer(t, true)
	text := "52.80.0.1\n" + strings.Repeat("x", 100<<10) + "\n3.0.5.7\n"
	r := do(t, s, "POST", "/v1/bulk?format=jsonl&fields=region", "text/plain", text)
	lines := strings.Split(strings.TrimSpace(r.body), "\n")
	if r.status != 200 || len(lines) != 3 || !strings.Contains(lines[1], `"error":"line is longer than`) ||
		!strings.Contains(lines[2], `"input":"3.0.5.7"`) || len(r.body) > 2000 {
		t.Errorf("status %d, %d lines:\n%.2000s", r.status, len(lines), r.body)
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
	wantContains(t, body, `cloudatlas_http_requests_total{code="404",method="OTHER",route="/"} 50`)
	wantNotContains(t, body, `method="M1"`)
}

package web

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
	"github.com/cloudatlas/cloudatlas/internal/gate"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// accessPlans has a plan of 4 requests a minute and bulks of 2, and an
// anonymous allowance of 2 a minute.
const accessPlans = `anonymous: {requests_per_minute: 2, requests_per_day: 0, bulk_inputs: 1, email_digests: false, exports: false}
plans:
  - {name: small, requests_per_minute: 4, requests_per_day: 0, bulk_inputs: 2, email_digests: false, exports: false}
  - {name: huge, requests_per_minute: 1000000000, requests_per_day: 1000000000, bulk_inputs: 10000, email_digests: false, exports: false}
`

// newGate returns a gate over a store in a temporary directory with one
// token of an organisation on plan, and the token.
func newGate(tb testing.TB, plan string, now func() time.Time) (*gate.Gate, string) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	plans, err := access.ParsePlans("test plans", []byte(accessPlans))
	if err != nil {
		tb.Fatal(err)
	}
	org, _, err := db.EnsureOrg(ctx, "org-"+plan, plan, false, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	tok, _ := access.NewToken(rand.Reader)
	if _, err := db.AddToken(ctx, org.ID, tok, time.Now()); err != nil {
		tb.Fatal(err)
	}
	g, err := gate.New(gate.Config{Store: db, Plans: plans, Anonymous: plans.Anonymous, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	return g, tok.Secret()
}

// TestAccessHeaders checks the gate's answers through the handler:
// headers on every /v1 answer, none on pages, 401, 429 and the bulk size.
func TestAccessHeaders(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 2, 1, 12, 0, 20, 0, time.UTC) }
	g, tok := newGate(t, "small", now)
	d := fixtureRanges(t, "testdata/feeds")
	s, err := New(Config{Load: staticLoader(d), Atlas: fixtureAtlas(t), Now: now, Access: g})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	send := func(method, target, auth, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for i, want := range []int{200, 404, 200} {
		target := []string{"/v1/ip/52.80.0.1", "/v1/entities/org/nope", "/v1/regions"}[i]
		rec := send("GET", target, "Bearer "+tok, "")
		h := rec.Header()
		if rec.Code != want || h.Get("RateLimit-Limit") != "4" || h.Get("RateLimit-Remaining") != string(rune('3'-i)) ||
			h.Get("RateLimit-Reset") != "40" || h.Get("RateLimit-Policy") != "4;w=60" {
			t.Errorf("%s: %d %v", target, rec.Code, h)
		}
	}
	rec := send("POST", "/v1/bulk", "Bearer "+tok, "52.80.0.1\n52.80.0.2\n52.80.0.3\n")
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "the plan small allows at most 2 per request") {
		t.Errorf("bulk over the plan: %d %s", rec.Code, rec.Body)
	}
	rec = send("GET", "/v1/ip/52.80.0.1", "Bearer "+tok, "")
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "40" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("over the quota: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = send("GET", "/v1/ip/52.80.0.1", "Bearer ca_x", "")
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") != `Bearer realm="cloudatlas", error="invalid_token"` ||
		!strings.Contains(rec.Body.String(), "malformed token") || rec.Header().Get("RateLimit-Remaining") != "1" {
		t.Errorf("a bad token: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = send("POST", "/v1/bulk", "", "52.80.0.1\n52.80.0.2\n")
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "without an API token may send at most 1") ||
		!strings.Contains(rec.Body.String(), "Authorization: Bearer") || rec.Header().Get("RateLimit-Remaining") != "0" {
		t.Errorf("anonymous bulk over its size (its allowance's last request): %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if rec := send("GET", "/", "", ""); rec.Code != 200 || rec.Header().Get("RateLimit-Limit") != "" {
		t.Errorf("a page: %d %v", rec.Code, rec.Header())
	}
	if rec := send("GET", "/v1/ip/52.80.0.1", "", ""); rec.Code != 429 {
		t.Errorf("anonymous over its allowance: %d", rec.Code)
	}
}

// TestAnonymousBehindProxy counts the anonymous allowance by the client
// a trusted proxy names, not by the proxy.
func TestAnonymousBehindProxy(t *testing.T) {
	g, _ := newGate(t, "small", nil)
	s, err := New(Config{Load: staticLoader(&RangeData{}), Atlas: fixtureAtlas(t), Access: g,
		Proxies: Proxies{netip.MustParsePrefix("192.0.2.0/24")}}) // httptest's peer is 192.0.2.1
	if err != nil {
		t.Fatal(err)
	}
	status := func(client string) int {
		req := httptest.NewRequest("GET", "/v1/regions", nil)
		req.Header.Set("X-Forwarded-For", client)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for _, client := range []string{"198.51.100.1", "198.51.100.2"} {
		if got := []int{status(client), status(client), status(client)}; !slices.Equal(got, []int{200, 200, 429}) {
			t.Errorf("client %s: %v, want two requests then 429", client, got)
		}
	}
}

// BenchmarkIPAPIAccess answers GET /v1/ip/{ip} from the router down, on
// a server without access control and on the same server with a token
// checked and counted, alternating request by request (and which goes first) so that both
// see the same machine. It reports the median time of each and their ratio
// (target: the token adds at most 10%, a ratio of at most 1.10).
func BenchmarkIPAPIAccess(b *testing.B) {
	open := realServer(b).Handler()
	g, tok := newGate(b, "huge", nil)
	gated := realServerWith(b, g).Handler()
	addrs := []string{"52.80.0.1", "40.73.0.1", "35.190.0.1", "13.32.0.1", "47.88.0.1", "2600:1f00::1", "1.1.1.1", "20.36.0.1"}
	var tOpen, tGated []time.Duration
	serve := func(h http.Handler, target, auth string) time.Duration {
		req := httptest.NewRequest("GET", target, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != 200 {
			b.Fatal(target, rec.Code, rec.Body)
		}
		return d
	}
	i := 0
	for b.Loop() {
		target := "/v1/ip/" + addrs[i%len(addrs)]
		if i%2 == 0 { // each first every other time
			tOpen = append(tOpen, serve(open, target, ""))
			tGated = append(tGated, serve(gated, target, "Bearer "+tok))
		} else {
			tGated = append(tGated, serve(gated, target, "Bearer "+tok))
			tOpen = append(tOpen, serve(open, target, ""))
		}
		i++
	}
	// Medians: the machine's pauses (GC, other processes) fall on either
	// side at random and would dominate means.
	open50, gated50 := median(tOpen), median(tGated)
	b.ReportMetric(float64(open50.Nanoseconds()), "p50-ns/open")
	b.ReportMetric(float64(gated50.Nanoseconds()), "p50-ns/token")
	b.ReportMetric(float64(gated50)/float64(open50), "ratio")
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

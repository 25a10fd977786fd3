package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	r := runCmd(t, "", "token", "create", "--data-dir", dir, "--org", "Daily Planet", "--plan", "gold")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown plan "gold": want one of student, individual, group, institution`) {
		t.Errorf("unknown plan: exit %d, %s", r.code, r.stderr)
	}
	r = runCmd(t, "", "token", "create", "--data-dir", dir, "--org", "Daily Planet", "--plan", "group")
	tok, err := access.ParseToken(strings.TrimSpace(r.stdout))
	if r.code != 0 || err != nil {
		t.Fatalf("create: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	wantContains(t, r.stderr, "new organisation Daily Planet, plan group", "shown only this once", tok.Prefix())
	r = runCmd(t, "", "token", "create", "--data-dir", dir, "--org", "Daily Planet", "--plan", "student")
	if r.code != 2 || !strings.Contains(r.stderr, "give --set-plan") {
		t.Errorf("another plan: exit %d, %s", r.code, r.stderr)
	}
	second := strings.TrimSpace(mustRun(t, "token", "create", "--data-dir", dir, "--org", "Daily Planet", "--plan", "student", "--set-plan"))
	list := mustRun(t, "token", "list", "--data-dir", dir)
	wantContains(t, list, "PREFIX", tok.Prefix(), "Daily Planet", "student")
	if strings.Contains(list, tok.Secret()) || strings.Contains(list, second) {
		t.Error("token list shows a token")
	}
	// Only the hash is stored.
	db, err := os.ReadFile(filepath.Join(dir, "cloudatlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(db), tok.Secret()[access.PrefixLen:]) {
		t.Error("the database holds the token")
	}
	wantContains(t, mustRun(t, "token", "revoke", "--data-dir", dir, tok.Prefix()), "revoked token 1", "Daily Planet")
	var rows []tokenRow
	if err := json.Unmarshal([]byte(mustRun(t, "token", "list", "--data-dir", dir, "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Revoked == "" || rows[1].Revoked != "" || rows[1].Plan != "student" {
		t.Errorf("after revoking: %+v", rows)
	}
	for _, args := range [][]string{{"token"}, {"token", "mint"}, {"token", "revoke"}, {"token", "revoke", "ca_nothing"},
		{"token", "create", "--org", " x", "--plan", "group"}, {"token", "create", "--org", "x"}} {
		if r := runCmd(t, "", append(args, "--data-dir", dir)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

// testPlans is a plans file with small limits.
const testPlans = `anonymous: {requests_per_minute: 3, requests_per_day: 100, bulk_inputs: 2, email_digests: false, exports: false}
plans:
  - {name: tiny, requests_per_minute: 5, requests_per_day: 0, bulk_inputs: 3, email_digests: false, exports: false}
  - {name: daily, requests_per_minute: 0, requests_per_day: 12, bulk_inputs: 10, email_digests: true, exports: true}
`

// client returns an HTTP client whose connections come from the
// loopback address ip (each test client is its own address).
func client(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second}
}

// call sends a request with an optional token and returns the response
// with its body read.
func call(t *testing.T, c *http.Client, method, url, token, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// wantStatus checks a response's status and, on /v1, its RateLimit headers.
func wantStatus(t *testing.T, resp *http.Response, body string, status int, remaining string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, body)
	}
	if remaining != "" && resp.Header.Get("RateLimit-Remaining") != remaining {
		t.Errorf("%s: RateLimit-Remaining %q, want %s", resp.Request.URL, resp.Header.Get("RateLimit-Remaining"), remaining)
	}
	if strings.Contains(resp.Request.URL.Path, "/v1/") && (resp.Header.Get("RateLimit-Limit") == "" || resp.Header.Get("RateLimit-Policy") == "") {
		t.Errorf("%s: no RateLimit headers: %v", resp.Request.URL, resp.Header)
	}
	if status >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" && strings.Contains(resp.Request.URL.Path, "/v1/") {
		t.Errorf("%s: %d is not a problem document", resp.Request.URL, status)
	}
}

// awayFromMinuteEnd waits, when the current minute ends within s, for
// the next, so that a test counting a minute's requests stays in one.
func awayFromMinuteEnd(s time.Duration) {
	if left := time.Until(access.Minute.Start(time.Now()).Add(time.Minute)); left < s {
		time.Sleep(left + 10*time.Millisecond)
	}
}

// TestServeAccess runs two servers on one data directory and checks
// tokens, quotas shared between them, the headers, revocation, the
// bulk limit of a plan and the anonymous allowance per address.
func TestServeAccess(t *testing.T) {
	dir := loadedDir(t)
	plans := filepath.Join(t.TempDir(), "plans.yaml")
	if err := os.WriteFile(plans, []byte(testPlans), 0o644); err != nil {
		t.Fatal(err)
	}
	create := func(org, plan string) string {
		return strings.TrimSpace(mustRun(t, "token", "create", "--data-dir", dir, "--plans", plans, "--org", org, "--plan", plan))
	}
	tiny, daily := create("tiny-org", "tiny"), create("daily-org", "daily")
	flags := []string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--bootstrap-timeout", "0", "--plans", plans,
		"--quota-sync", "50ms", "--token-ttl", "200ms"}
	a, b := startServe(t, flags...), startServe(t, flags...)
	me := client("127.0.0.1")
	ip := "v1/ip/52.80.0.1"

	// Per-minute quota, on one server.
	awayFromMinuteEnd(3 * time.Second)
	for i := range 5 {
		resp, body := call(t, me, "GET", a.base+ip, tiny, "")
		wantStatus(t, resp, body, 200, strconv.Itoa(4-i))
		if resp.Header.Get("RateLimit-Limit") != "5" || resp.Header.Get("RateLimit-Policy") != "5;w=60" {
			t.Errorf("headers %v", resp.Header)
		}
	}
	resp, body := call(t, me, "GET", a.base+ip, tiny, "")
	wantStatus(t, resp, body, 429, "0")
	if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	wantContains(t, body, "tiny-org has used the 5 requests a minute of its plan tiny")

	// A day quota shared by both servers: 12 requests in all.
	admitted := 0
	for i := range 8 {
		resp, body := call(t, me, "GET", a.base+ip, daily, "")
		wantStatus(t, resp, body, 200, strconv.Itoa(11-i))
		admitted++
	}
	time.Sleep(300 * time.Millisecond) // a few syncs
	for range 8 {
		resp, body := call(t, me, "GET", b.base+ip, daily, "")
		if resp.StatusCode == 200 {
			admitted++
			continue
		}
		wantStatus(t, resp, body, 429, "0")
	}
	if admitted != 12 {
		t.Errorf("the two servers admitted %d requests of a plan of 12 a day", admitted)
	}

	// Every /v1 answer has the headers, errors included; pages need no token.
	for _, path := range []string{"v1/ip/not-an-ip", "v1/nothing", "v1/openapi.json"} {
		resp, body := call(t, client("127.0.0.4"), "GET", a.base+path, "", "")
		if resp.StatusCode == 429 || resp.Header.Get("RateLimit-Remaining") == "" {
			t.Errorf("%s: %d %v\n%s", path, resp.StatusCode, resp.Header, body)
		}
	}

	// Bad tokens: 401 with a challenge, counted against the address.
	bad := client("127.0.0.3")
	other, _ := access.NewToken(strings.NewReader(strings.Repeat("x", 32)))
	for i, tok := range []string{"ca_nope", other.Secret(), "Basic x"} {
		req, _ := http.NewRequest("GET", b.base+ip, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if tok == "Basic x" {
			req.Header.Set("Authorization", tok)
		}
		resp, err := bad.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wantStatus(t, resp, string(body), 401, strconv.Itoa(2-i))
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="cloudatlas"`) {
			t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
	}
	resp, body = call(t, bad, "GET", b.base+ip, "ca_nope", "")
	wantStatus(t, resp, body, 429, "0")

	// The anonymous allowance is per address; pages are not limited.
	anon := client("127.0.0.2")
	for i := range 3 {
		resp, body := call(t, anon, "GET", a.base+ip, "", "")
		wantStatus(t, resp, body, 200, strconv.Itoa(2-i))
	}
	resp, body = call(t, anon, "GET", a.base+ip, "", "")
	wantStatus(t, resp, body, 429, "0")
	wantContains(t, body, "without a token are limited to 3 a minute")
	for range 5 {
		resp, body := call(t, anon, "GET", a.base, "", "")
		wantStatus(t, resp, body, 200, "")
	}
	resp, body = call(t, client("127.0.0.5"), "GET", a.base+ip, "", "")
	wantStatus(t, resp, body, 200, "2")

	// The bulk size of the plan.
	bulk := create("bulk-org", "daily")
	resp, body = call(t, me, "POST", a.base+"v1/bulk?format=csv", bulk, strings.Repeat("52.80.0.1\n", 11))
	wantStatus(t, resp, body, 413, "")
	wantContains(t, body, "the plan daily allows at most 10 per request")
	resp, body = call(t, me, "POST", a.base+"v1/bulk?format=csv", bulk, strings.Repeat("52.80.0.1\n", 10))
	wantStatus(t, resp, body, 200, "")

	// Revocation reaches both servers within the token TTL.
	mustRun(t, "token", "revoke", "--data-dir", dir, bulk[:access.PrefixLen])
	deadline := time.Now().Add(3 * time.Second)
	for _, s := range []*served{a, b} {
		for {
			resp, body := call(t, me, "GET", s.base+ip, bulk, "")
			if resp.StatusCode == 401 {
				wantContains(t, body, "revoked")
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still answers a revoked token: %d", s.base, resp.StatusCode)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// token list shows what the servers counted once they stop.
	a.cancel()
	b.cancel()
	for _, s := range []*served{a, b} {
		if err := <-s.done; err != nil {
			t.Fatal(err)
		}
	}
	// (On today's date: the servers run on the real clock.)
	var out bytes.Buffer
	e := &Env{Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now}
	if code := Run(context.Background(), []string{"token", "list", "--data-dir", dir, "--json"}, e); code != 0 {
		t.Fatalf("token list: exit %d", code)
	}
	var rows []tokenRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	today := map[string]int64{}
	for _, r := range rows {
		today[r.Org] = r.Today
		if r.LastUsed == "" {
			t.Errorf("token %s: no last use recorded", r.Prefix)
		}
	}
	// bulk-org: its two bulk requests, then those before the revocation applied.
	if today["tiny-org"] != 5 || today["daily-org"] != 12 || today["bulk-org"] < 2 {
		t.Errorf("requests today by organisation: %v, want tiny-org 5, daily-org 12, bulk-org at least 2", today)
	}
}

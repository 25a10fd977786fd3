package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// namesServer returns a server over the fixture feeds that resolves
// names through the fixture DNS server on loopback (resolve), or not.
func namesServer(t *testing.T, resolve bool) *Server {
	t.Helper()
	tbl, err := suffix.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	names := &answer.Names{Suffixes: tbl}
	if resolve {
		srv, err := dnstest.Start(dnstest.Fixtures())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		cfg, _ := dns.ServerConfig(srv.Addr)
		cfg.Timeout, cfg.Retries = 500*time.Millisecond, -1
		if names.Resolver, err = dns.New(cfg); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Config{Load: staticLoader(fixtureRanges(t, "testdata/feeds")), Atlas: fixtureAtlas(t),
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})), Now: func() time.Time { return testNow }, Names: names})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHostAPIAndPage(t *testing.T) {
	s := namesServer(t, true)
	r := get(t, s, "/v1/host/"+dnstest.S3China+"?as_of=2020-06-01", http.StatusOK)
	wantContains(t, r.body, `"name":"bucket.s3.cn-north-1.amazonaws.com.cn"`, `"resolved":true`, `"a":["52.80.0.1"]`,
		`"provider":"aws"`, `"region":"cn-north-1"`, `"operator":"org/sinnet"`)
	r = get(t, s, "/host/"+dnstest.AkamaiChain, http.StatusOK)
	wantContains(t, r.body, "CNAME <span class=\"mono\">example.test.edgekey.net</span>", "e123.a.akamaiedge.net", `id="evidence"`)
	get(t, s, "/v1/host/svc.internal", http.StatusBadRequest)
	get(t, s, "/v1/host/52.80.0.1", http.StatusBadRequest)
	if r := do(t, s, "GET", "/search?q="+dnstest.S3China, "", ""); r.status != http.StatusSeeOther || r.header.Get("Location") != "/host/"+dnstest.S3China {
		t.Errorf("search box: %d %q", r.status, r.header.Get("Location"))
	}
	csv := do(t, s, "POST", "/v1/bulk?format=csv&fields=input,address,region", "text/plain", dnstest.S3China+"\n52.80.0.1\n")
	if csv.status != 200 || csv.body != "input,address,region\n"+dnstest.S3China+",52.80.0.1,cn-north-1\n52.80.0.1,,cn-north-1\n" {
		t.Errorf("bulk with a name: %d\n%s", csv.status, csv.body)
	}
}

func TestHostResolutionIsRateLimited(t *testing.T) {
	s := namesServer(t, true)
	limited := 0
	for range resolveBurst + 10 {
		r := do(t, s, "GET", "/v1/host/"+dnstest.Wildcard, "", "")
		if r.status == http.StatusTooManyRequests {
			limited++
			if r.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Errorf("%d requests from one client: none refused", resolveBurst+10)
	}
	big := strings.Repeat("a.example.test\n", maxBulkNames+1)
	if r := do(t, s, "POST", "/v1/bulk", "text/plain", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d names in one request: status %d", maxBulkNames+1, r.status)
	}
}

func TestHostWithoutResolver(t *testing.T) {
	s := namesServer(t, false)
	r := get(t, s, "/host/x.s3.eu-central-1.amazonaws.com", http.StatusOK)
	wantContains(t, r.body, `id="not-resolved"`, "eu-central-1")
	r = get(t, s, "/v1/host/x.s3.eu-central-1.amazonaws.com", http.StatusOK)
	wantContains(t, r.body, `"resolved":false`, `"region":"eu-central-1"`)
}

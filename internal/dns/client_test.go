package dns_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

// start runs the fixture server and returns a client of it with a short
// timeout.
func start(t *testing.T, cfg dnstest.Config) (*dnstest.Server, *dns.Client) {
	t.Helper()
	srv, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := dns.New(dns.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func TestResolveChains(t *testing.T) {
	_, c := start(t, dnstest.Fixtures())
	cases := []struct {
		name     string
		chain    []string // names after the asked one
		a, aaaa  []netip.Addr
		ascii    string
		wantRoot string
	}{
		{name: dnstest.AkamaiChain, chain: []string{"example.test.edgekey.net", "e123.a.akamaiedge.net"},
			a: addrs("23.50.0.1"), aaaa: addrs("2600:1400::1")},
		{name: dnstest.CloudFront, chain: []string{"d111abcdef8.cloudfront.net"}, a: addrs("13.224.0.1")},
		{name: dnstest.S3China, a: addrs("52.80.0.1")},
		{name: dnstest.AzureChina, chain: []string{"app.chinacloudsites.cn"}, a: addrs("40.73.0.1")},
		{name: dnstest.AlibabaCDN, chain: []string{"shop.example.cn.w.kunlunaq.com"}, a: addrs("47.74.0.1")},
		{name: dnstest.V6Only, aaaa: addrs("2606:4700::6810:1")},
		{name: dnstest.Wildcard, a: addrs("104.16.0.1")},
		{name: "Deeper.Wild.Example.Test.", ascii: "deeper.wild.example.test", a: addrs("104.16.0.1")},
		{name: dnstest.IDN, ascii: "xn--fiqs8s.example.test", a: addrs("192.0.2.53")},
	}
	for _, tc := range cases {
		res, err := c.Resolve(context.Background(), tc.name)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		names := res.Names()
		if res.Name != tc.name || !slices.Equal(names[1:], tc.chain) {
			t.Errorf("%s: name %q, chain %v; want %v", tc.name, res.Name, names[1:], tc.chain)
		}
		if tc.ascii != "" && res.ASCII != tc.ascii {
			t.Errorf("%s: ASCII %q, want %q", tc.name, res.ASCII, tc.ascii)
		}
		if !slices.Equal(res.A, tc.a) || !slices.Equal(res.AAAA, tc.aaaa) {
			t.Errorf("%s: A %v AAAA %v; want %v %v", tc.name, res.A, res.AAAA, tc.a, tc.aaaa)
		}
		if res.Rcode != "NOERROR" || res.Server == "" || res.Elapsed <= 0 {
			t.Errorf("%s: rcode %q server %q elapsed %v", tc.name, res.Rcode, res.Server, res.Elapsed)
		}
	}
}

func TestResolveFailures(t *testing.T) {
	_, c := start(t, dnstest.Fixtures())
	cases := []struct {
		name  string
		want  error
		kind  dns.Kind
		at    string
		rcode string
	}{
		{dnstest.NXDomain, dns.ErrNXDomain, dns.KindNXDomain, "", "NXDOMAIN"},
		{dnstest.Dangling, dns.ErrNXDomain, dns.KindNXDomain, "gone.edgekey.net", "NXDOMAIN"},
		{dnstest.Loop, dns.ErrLoop, dns.KindLoop, dnstest.Loop, "NOERROR"},
		{dnstest.Deep, dns.ErrTooDeep, dns.KindTooDeep, "deep16.example.test", "NOERROR"},
		{dnstest.NoAddress, dns.ErrNoAddress, dns.KindNoAddress, "", "NOERROR"},
		{dnstest.ServFail, dns.ErrServFail, dns.KindServFail, "", "SERVFAIL"},
		{dnstest.Refused, dns.ErrRefused, dns.KindRefused, "", "REFUSED"},
		{dnstest.Outside, dns.ErrRefused, dns.KindRefused, "", "REFUSED"},
		{dnstest.Slow, dns.ErrTimeout, dns.KindTimeout, "", ""},
		{"bad..name", dns.ErrInvalid, dns.KindInvalid, "", ""},
	}
	for _, tc := range cases {
		res, err := c.Resolve(context.Background(), tc.name)
		var de *dns.Error
		if !errors.Is(err, tc.want) || !errors.As(err, &de) || dns.KindOf(err) != tc.kind {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
			continue
		}
		if de.Name != tc.name || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error names %q: %v", tc.name, de.Name, err)
		}
		if tc.at != "" && de.At != tc.at {
			t.Errorf("%s: failed at %q, want %q", tc.name, de.At, tc.at)
		}
		if res.Rcode != tc.rcode || res.Name != tc.name {
			t.Errorf("%s: result %+v, want rcode %q", tc.name, res, tc.rcode)
		}
	}
}

func TestDeepChainWithinLimit(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := dns.New(dns.Config{Servers: []string{srv.Addr}, MaxChain: 20})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Resolve(context.Background(), dnstest.Deep)
	if err != nil || len(res.Chain) != 20 || res.Final() != "deep20.example.test" || !slices.Equal(res.A, addrs("192.0.2.20")) {
		t.Fatalf("chain of 20 with limit 20: %v, %d hops, final %s, A %v", err, len(res.Chain), res.Final(), res.A)
	}
}

func TestTruncatedAnswerRetriedOverTCP(t *testing.T) {
	srv, c := start(t, dnstest.Fixtures())
	res, err := c.Resolve(context.Background(), dnstest.Big)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.A) != 100 || res.A[99] != netip.MustParseAddr("192.0.2.99") {
		t.Fatalf("got %d A records: %v", len(res.A), res.A)
	}
	if srv.TCPQueries() == 0 {
		t.Fatal("no query came over TCP")
	}
}

func TestTimeoutRetries(t *testing.T) {
	srv, c := start(t, dnstest.Fixtures()) // Retries: 1
	start := time.Now()
	_, err := c.Resolve(context.Background(), dnstest.Slow)
	if !errors.Is(err, dns.ErrTimeout) {
		t.Fatalf("err %v", err)
	}
	// A and AAAA, each asked twice.
	if n := srv.Queries(dnstest.Slow); n != 4 {
		t.Errorf("%d queries for the slow name, want 4 (2 types x 2 attempts)", n)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 300ms timeout and one retry", d)
	}
}

// TestRetryGoesToNextServer: a dead first server (nothing listens) is
// skipped on the retry.
func TestRetryGoesToNextServer(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dead, err := dnstest.Start(dnstest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr
	dead.Close()
	c, err := dns.New(dns.Config{Servers: []string{deadAddr, srv.Addr}, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Resolve(context.Background(), dnstest.CloudFront)
	if err != nil || res.Server != srv.Addr {
		t.Fatalf("%v, answered by %q", err, res.Server)
	}
}

func TestCanceled(t *testing.T) {
	_, c := start(t, dnstest.Fixtures())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Resolve(ctx, dnstest.CloudFront)
	if !errors.Is(err, dns.ErrCanceled) {
		t.Fatalf("err %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := dns.New(dns.Config{Servers: []string{srv.Addr}, Rate: 100})
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Repeat([]string{dnstest.S3China}, 40) // 80 queries
	start := time.Now()
	dns.Batch(context.Background(), c, names, 16, func(int, dns.Result, error) {})
	// 80 queries at 100/s with a burst of 1 take at least 0.79 s.
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Fatalf("80 queries at 100/s took %v", d)
	}
}

func TestBatchReportsEveryName(t *testing.T) {
	_, c := start(t, dnstest.Fixtures())
	names := []string{dnstest.CloudFront, dnstest.NXDomain, "bad..name", dnstest.Loop, dnstest.ServFail, dnstest.V6Only}
	var mu sync.Mutex
	got := map[int]string{}
	dns.Batch(context.Background(), c, names, 3, func(i int, res dns.Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[i]; dup {
			t.Errorf("name %d emitted twice", i)
		}
		got[i] = fmt.Sprint(dns.KindOf(err))
	})
	want := map[int]string{0: "", 1: "nxdomain", 2: "invalid", 3: "cname-loop", 4: "servfail", 5: ""}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestSystemConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "resolv.conf")
	os.WriteFile(path, []byte("# test\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions timeout:3 attempts:4\n"), 0o644)
	cfg, err := dns.SystemConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Servers, []string{"192.0.2.53:53", "[2001:db8::53]:53"}) || cfg.Timeout != 3*time.Second || cfg.Retries != 3 {
		t.Fatalf("%+v", cfg)
	}
	os.WriteFile(path, []byte("search example.com\n"), 0o644)
	if _, err := dns.SystemConfig(path); err == nil || !strings.Contains(err.Error(), "no nameserver") {
		t.Fatalf("no nameserver: %v", err)
	}
}

func TestServerConfig(t *testing.T) {
	for in, want := range map[string]string{"127.0.0.1:5353": "127.0.0.1:5353", "192.0.2.1": "192.0.2.1:53", "::1": "[::1]:53", "[::1]:53": "[::1]:53"} {
		cfg, err := dns.ServerConfig(in)
		if err != nil || cfg.Servers[0] != want {
			t.Errorf("ServerConfig(%q) = %v, %v; want %s", in, cfg.Servers, err, want)
		}
	}
	for _, in := range []string{"", ":53", "a b"} {
		if _, err := dns.ServerConfig(in); err == nil {
			t.Errorf("ServerConfig(%q) accepted", in)
		}
	}
}

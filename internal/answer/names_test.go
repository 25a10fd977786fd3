package answer

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// fixtureNames starts the fixture DNS server on loopback and returns
// names resolved through it, with the embedded suffix table.
func fixtureNames(t *testing.T) *Names {
	t.Helper()
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg, err := dns.ServerConfig(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 500 * time.Millisecond
	cfg.Retries = -1
	c, err := dns.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := suffix.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return &Names{Resolver: c, Suffixes: tbl}
}

func TestParseInputNames(t *testing.T) {
	for in, want := range map[string]string{"WWW.Example.Test.": "www.example.test", "中国.example.test": "xn--fiqs8s.example.test"} {
		q, err := ParseInput(in)
		if err != nil || q.Name != want || q.Addr.IsValid() {
			t.Errorf("%q: %+v %v", in, q, err)
		}
	}
	for _, bad := range []string{"localhost", "999.1.1.1", "bad..name", "a b.com", "1.2.3.4/40"} {
		if q, err := ParseInput(bad); err == nil {
			t.Errorf("%q: accepted as %+v", bad, q)
		}
	}
}

func TestStreamResolvesNames(t *testing.T) {
	names := fixtureNames(t)
	fields, err := SelectFields("input,name,address,cnames,evidence,provider,region,matches,error", FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	in := dnstest.S3China + "\n52.80.0.1\n" + dnstest.NXDomain + "\n" + dnstest.AkamaiChain + "\n"
	var out strings.Builder
	sum, err := (*Joiner)(nil).Stream(t.Context(), fixtureTable(), strings.NewReader(in), &out,
		Options{Format: FormatCSV, Fields: fields, Names: names})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	want := []string{
		"input,name,address,cnames,evidence,provider,region,matches,error",
		"bucket.s3.cn-north-1.amazonaws.com.cn,bucket.s3.cn-north-1.amazonaws.com.cn,52.80.0.1,,aws/aws-cn/Amazon S3 (China regions)/cn-north-1@bucket.s3.cn-north-1.amazonaws.com.cn,aws,cn-north-1,2,",
		"52.80.0.1,,,,,aws,cn-north-1,2,",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], w)
		}
	}
	if !strings.HasPrefix(lines[3], "missing.example.test,missing.example.test,,,,,,0,") || !strings.Contains(lines[3], "NXDOMAIN") &&
		!strings.Contains(strings.ToLower(lines[3]), "nxdomain") {
		t.Errorf("NXDOMAIN line: %s", lines[3])
	}
	if !strings.Contains(lines[4], "example.test.edgekey.net;e123.a.akamaiedge.net") || !strings.Contains(lines[4], "akamai") {
		t.Errorf("CNAME chain into Akamai: %s", lines[4])
	}
	if sum.Bad != 0 || sum.Unmatched != 2 {
		t.Errorf("summary %+v (a name that does not resolve is unmatched, not bad input)", sum)
	}
	var js strings.Builder
	if _, err := (*Joiner)(nil).Stream(t.Context(), fixtureTable(), strings.NewReader(dnstest.S3China+"\n"), &js,
		Options{Names: names}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(js.String(), `{"input":"bucket.s3.cn-north-1.amazonaws.com.cn","name":"bucket.s3.cn-north-1.amazonaws.com.cn","resolved":true,"addresses":["52.80.0.1"],"cnames":[],"evidence":[{"name":"bucket.s3.cn-north-1.amazonaws.com.cn","position":0,`) {
		t.Errorf("JSON line: %s", js.String())
	}
}

func TestNamesOffline(t *testing.T) {
	tbl, err := suffix.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	h := (&Names{Suffixes: tbl}).ResolveHost(t.Context(), "x.s3.eu-central-1.amazonaws.com")
	if h.Resolved || len(h.Evidence) != 1 || h.Evidence[0].Region != "eu-central-1" || h.Evidence[0].Provider != "aws" {
		t.Errorf("offline evidence: %+v", h)
	}
}

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

// fixtureResolver starts the fixture DNS server on loopback and returns
// its address for --resolver.
func fixtureResolver(t *testing.T) string {
	t.Helper()
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr
}

func TestHostCommand(t *testing.T) {
	dir, res := loadedDir(t), fixtureResolver(t)
	r := runCmd(t, "", "host", "--data-dir", dir, "--resolver", res, "--as-of", "2020-06-01", "--current-ranges", dnstest.S3China, dnstest.AzureChina)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	wantContains(t, r.stdout,
		"bucket.s3.cn-north-1.amazonaws.com.cn  (resolver "+res,
		"  A     52.80.0.1",
		"aws / aws-cn / Amazon S3 (China regions) / cn-north-1",
		"== 52.80.0.1: 52.80.0.0/16 (feed aws, aws aws-cn cn-north-1)",
		"(org/sinnet) operates",
		"app.example.cn", "  CNAME app.chinacloudsites.cn", "  A     40.73.0.1")
	r = runCmd(t, "", "host", "--data-dir", dir, "--resolver", res, dnstest.NXDomain)
	if r.code != 1 || !strings.Contains(r.stdout, "does not resolve") {
		t.Errorf("NXDOMAIN: exit %d\n%s", r.code, r.stdout)
	}
	r = runCmd(t, "", "host", "--data-dir", dir, "--no-resolve", "x.s3.eu-central-1.amazonaws.com")
	if r.code != 0 || !strings.Contains(r.stdout, "not resolved (--no-resolve)") || !strings.Contains(r.stdout, "eu-central-1") {
		t.Errorf("offline: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, "", "host", "--data-dir", dir, "--resolver", res, "--json", dnstest.AkamaiChain)
	var got struct {
		Name      string
		Cnames    []string
		A, AAAA   []string
		Evidence  []struct{ Provider string }
		Addresses []struct{ Query string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Name != "www.example.test" || len(got.Cnames) != 2 ||
		len(got.A) != 1 || len(got.AAAA) != 1 || len(got.Addresses) != 2 || len(got.Evidence) == 0 {
		t.Errorf("json: %v\n%s", err, r.stdout)
	}
	if r := runCmd(t, "", "host", "52.80.0.1"); r.code != 2 {
		t.Errorf("an address: exit %d", r.code)
	}
}

func TestNamesEverywhere(t *testing.T) {
	dir, res := loadedDir(t), fixtureResolver(t)
	r := runCmd(t, "52.80.0.1\n"+dnstest.S3China+"\n"+dnstest.NXDomain+"\n", "lookup", "--data-dir", dir, "--resolver", res,
		"--format", "csv", "--fields", "input,address,region,error")
	want := "input,address,region,error\n52.80.0.1,,cn-north-1,\n" + dnstest.S3China + ",52.80.0.1,cn-north-1,\n"
	if r.code != 1 || !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, dnstest.NXDomain+",,,") {
		t.Errorf("lookup with names: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, "", "ip", "--data-dir", dir, "--resolver", res, dnstest.AzureChina)
	if r.code != 0 || !strings.Contains(r.stdout, "app.example.cn: -> app.chinacloudsites.cn -> 1 address(es)") ||
		!strings.Contains(r.stdout, "40.73.0.0/19         azure (azure-china)") {
		t.Errorf("ip NAME: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, "", "whois", "--data-dir", dir, "--resolver", res, "--as-of", "2020-06-01", "--current-ranges", dnstest.S3China)
	if r.code != 0 || !strings.Contains(r.stdout, "(org/sinnet) operates") {
		t.Errorf("whois NAME: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

package cli

import (
	"strings"
	"testing"
)

// TestSharedFeedsEndToEnd imports every real feed snapshot from
// ../shared/data/ranges and answers the addresses the issue names.
func TestSharedFeedsEndToEnd(t *testing.T) {
	src := sharedRanges(t)
	dir := t.TempDir()
	out := mustRun(t, "update", "--data-dir", dir, "--from", src)
	for _, feed := range []string{"aws", "google-cloud", "google", "azure-public", "azure-china", "azure-gov", "github",
		"oracle", "cloudflare", "fastly", "digitalocean", "linode", "china-asn", "china-asn-lists", "china-isp", "vultr"} {
		wantContains(t, out, feed+strings.Repeat(" ", 17-len(feed))+"saved snapshot")
	}
	ip := runCmd(t, "", "ip", "--data-dir", dir, "52.80.0.1", "40.73.0.1", "47.74.0.1", "192.0.2.1")
	if ip.code != 1 {
		t.Errorf("ip: 192.0.2.1 matches nothing: want exit 1, got %d", ip.code)
	}
	wantContains(t, ip.stdout,
		"52.80.0.1: 2 matches",
		"52.80.0.0/16         aws (aws-cn)  region cn-north-1  services EC2, AMAZON",
		"52.80.0.0/15         announced by AS55960 (Beijing Guanghuan Xinwang Digital)  registered in CN",
		"from the routing tier (RouteViews, the RIRs, DB-IP), routing snapshot 1",
		"Routing data: RouteViews",
		"40.73.0.0/19         azure (azure-china)  region chinanorth2  services AzureCloud",
		"47.74.0.0/15         alibaba (alibaba-cloud)  AS45102",
		"192.0.2.1: in no loaded feed (16 feeds,", "and not routed",
	)
	// The same answers through the streaming path.
	r := runCmd(t, "52.80.0.1\n40.73.0.1\n47.74.0.1\n", "lookup", "--data-dir", dir, "--format", "csv", "--fields", "input,provider,partition,region,tier")
	want := "input,provider,partition,region,tier\n52.80.0.1,aws,aws-cn,cn-north-1,official\n" +
		"40.73.0.1,azure,azure-china,chinanorth2,official\n47.74.0.1,alibaba,alibaba-cloud,,asn\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("lookup: exit %d\n%s\nwant:\n%s%s", r.code, r.stdout, want, r.stderr)
	}
}

// TestSharedHistoryDiffs compares the history snapshots with the current
// files, as a user would before importing them.
func TestSharedHistoryDiffs(t *testing.T) {
	src := sharedRanges(t)
	cases := []struct{ feed, from, to, want string }{
		{"aws", "history/aws/ip-ranges.2026-08-15.json", "aws/ip-ranges.json", "24 added, 0 removed, 41 moved"},
		{"google-cloud", "history/google/cloud.2025-01-25.json", "google/cloud.json", "45 added, 14 removed, 0 moved"},
		{"azure-public", "history/azure/ServiceTags_Public_20250728.json", "azure/ServiceTags_Public_20251028.json", "1860 added, 399 removed, 318 moved"},
	}
	for _, c := range cases {
		out := mustRun(t, "diff", c.feed, "--from", src+"/"+c.from, "--to", src+"/"+c.to, "--summary")
		wantContains(t, out, c.want)
	}
	// Through the store: import the old AWS file, then the current one.
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", src+"/history", "--feed", "aws")
	mustRun(t, "update", "--data-dir", dir, "--from", src, "--feed", "aws")
	out := mustRun(t, "diff", "aws", "--data-dir", dir)
	wantContains(t, out, "aws: 1786806425 (2026-08-15) -> 1787411825 (2026-08-22)", "24 added, 0 removed, 41 moved", "services=EC2,AMAZON -> region=ap-southeast-5 services=EC2,IOT_CORE,AMAZON")
}

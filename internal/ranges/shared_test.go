package ranges

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sharedDir returns the directory of real feed snapshots, found as
// shared/data/ranges beside the repository (../../../shared/data/ranges
// from this package). Tests that need it are skipped when it is missing,
// unless CLOUDATLAS_REQUIRE_SHARED=1 makes its absence a failure.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", "ranges")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
		t.Fatal("../shared/data/ranges not found and CLOUDATLAS_REQUIRE_SHARED=1")
	}
	t.Skip("../shared/data/ranges not found")
	return ""
}

// sharedCounts are the distinct IPv4/IPv6 prefix counts of each feed in
// the shared snapshot. Most are stated in SOURCES.md. For the Multi feeds
// SOURCES.md gives per-file counts: china-asn-lists and china-isp are
// their sums; china-asn is 7 below the IPv4 sum (878) because seven
// prefixes are announced by two ASNs of the same provider.
var sharedCounts = map[string][2]int{
	"aws":             {7905, 3108},
	"google-cloud":    {736, 46},
	"google":          {73, 11},
	"azure-public":    {38415, 13925},
	"azure-china":     {1754, 730},
	"azure-gov":       {2814, 985},
	"github":          {4623, 980},
	"oracle":          {896, 0},
	"cloudflare":      {15, 7},
	"fastly":          {19, 2},
	"digitalocean":    {1037, 145},
	"linode":          {4464, 88},
	"china-asn":       {871, 98},
	"china-asn-lists": {4137, 229},
	"china-isp":       {7308, 0},
	// SOURCES.md: 442/54, less the special-purpose blocks the list
	// carries: the three IPv4 and one IPv6 documentation ranges,
	// benchmarking 2001:2::/48, ORCHID 2001:10::/28 and 6to4 2002::/16.
	"vultr": {439, 50},
}

func TestSharedFeeds(t *testing.T) {
	dir := sharedDir(t)
	for i := range Feeds {
		f := &Feeds[i]
		t.Run(f.ID, func(t *testing.T) {
			s, err := f.ReadDir(dir, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, s.Records)
			v4, v6 := s.PrefixCount()
			t.Logf("%d/%d prefixes, %d records, upstream id %q, date %s", v4, v6, len(s.Records), s.UpstreamID, s.UpstreamDate.Format(time.DateOnly))
			want, ok := sharedCounts[f.ID]
			if !ok {
				t.Fatalf("no expected count for feed %s", f.ID)
			}
			if v4 != want[0] || v6 != want[1] {
				t.Errorf("%d/%d distinct prefixes, want %d/%d", v4, v6, want[0], want[1])
			}
		})
	}
}

func TestSharedPlacements(t *testing.T) {
	dir := sharedDir(t)
	tests := []struct {
		feed, addr string
		ok         func(Record) bool
		want       string
	}{
		{"aws", "52.80.0.1", func(r Record) bool { return r.Partition == "aws-cn" && r.Region == "cn-north-1" }, "aws-cn cn-north-1"},
		{"azure-china", "40.73.0.1", func(r Record) bool {
			return r.Partition == "azure-china" && r.Region == "chinanorth2"
		}, "azure-china chinanorth2"},
		{"china-asn", "47.74.0.1", func(r Record) bool {
			return r.Provider == "alibaba" && r.Partition == "alibaba-cloud" && r.ASN == 45102
		}, "alibaba AS45102"},
		{"china-asn-lists", "47.74.0.1", func(r Record) bool { return r.Provider == "alibaba" }, "alibaba"},
		{"china-isp", "47.74.0.1", func(r Record) bool { return r.Provider == "alibaba" && r.Scope == "metowolf:aliyun" }, "alibaba metowolf:aliyun"},
	}
	for _, tt := range tests {
		t.Run(tt.feed+" "+tt.addr, func(t *testing.T) {
			f, err := Lookup(tt.feed)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.ReadDir(dir, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			recs := containing(s, netip.MustParseAddr(tt.addr))
			for _, r := range recs {
				t.Logf("%+v", r)
				if tt.ok(r) {
					return
				}
			}
			t.Errorf("no %s record contains %s among %d", tt.want, tt.addr, len(recs))
		})
	}
}

// containing returns the records of s whose prefix contains a.
func containing(s *Snapshot, a netip.Addr) []Record {
	var out []Record
	for _, r := range s.Records {
		if r.Prefix.Contains(a) {
			out = append(out, r)
		}
	}
	return out
}

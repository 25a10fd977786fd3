package routing

import (
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// sharedDir returns the directory of the real packages, found as
// shared/data/asn beside the repository. Tests that need it are skipped
// when it is missing, unless CLOUDATLAS_REQUIRE_SHARED=1 makes its
// absence a failure.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", "asn")
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
		t.Fatal("../shared/data/asn not found and CLOUDATLAS_REQUIRE_SHARED=1")
	}
	t.Skip("../shared/data/asn not found")
	return ""
}

var shared struct {
	once  sync.Once
	table *Table
	stats Stats
	took  time.Duration
	err   error
}

// sharedTable parses the real packages once per test binary.
func sharedTable(t testing.TB) (*Table, Stats) {
	t.Helper()
	dir := sharedDir(t)
	shared.once.Do(func() {
		asn, cc, err := ImportDir(dir)
		if err != nil {
			shared.err = err
			return
		}
		start := time.Now()
		shared.table, shared.stats, shared.err = Parse(asn, cc, DefaultLimits)
		shared.took = time.Since(start)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.table, shared.stats
}

func TestSharedCounts(t *testing.T) {
	tbl, st := sharedTable(t)
	t.Logf("parse of both tarballs: %v", shared.took)
	want := []int{411961, 103197, 334373, 216295} // SOURCES.md and wc -l
	for i, f := range st.Files {
		t.Logf("%s %s: %d rows, %d nested, %d crossing", f.Tarball, f.Member, f.Rows, f.Nested, f.Crossing)
		if f.Rows != want[i] {
			t.Errorf("%s: %d rows, want %d", f.Member, f.Rows, want[i])
		}
	}
	v4, v6 := tbl.Len()
	t.Logf("intervals: %d IPv4, %d IPv6; without country: %d, %d; encoded %d bytes",
		v4, v6, st.NoCountry4, st.NoCountry6, len(tbl.Bytes()))
	t.Logf("entries with gaps: %d IPv4, %d IPv6; %d AS entries; %d bytes of names",
		tbl.v4.n, tbl.v6.n, tbl.nAS, len(tbl.strs))
	if m := tbl.Meta(); m.ASNVersion != "2.3.2026061719" || m.CountryVersion != "2.3.2026061719" {
		t.Errorf("meta = %+v", m)
	}
}

// TestSharedAnswers checks known addresses against what the raw CSV rows
// say (read with grep from the two packages, 2.3.2026061719).
func TestSharedAnswers(t *testing.T) {
	tbl, _ := sharedTable(t)
	tests := []struct {
		addr    string
		asn     uint32
		holder  string
		country string
	}{
		{"1.1.1.1", 13335, "Cloudflare, Inc.", "AU"}, // APNIC's research prefix, registered in Australia
		{"8.8.8.8", 15169, "Google LLC", "US"},
		{"23.0.0.1", 20940, "Akamai International B.V.", "US"},
		{"13.32.0.1", 16509, "Amazon.com, Inc.", "US"},
		{"151.101.1.69", 54113, "Fastly, Inc.", "US"},
		{"20.112.52.29", 8075, "Microsoft Corporation", "US"},
		{"2606:4700:4700::1111", 13335, "Cloudflare, Inc.", "US"},
		{"2a03:2880:f10c:83:face:b00c:0:25de", 32934, "Facebook, Inc.", "IE"},
	}
	for _, tt := range tests {
		r, ok := tbl.Lookup(netip.MustParseAddr(tt.addr))
		if !ok || r.ASN != tt.asn || r.Holder != tt.holder || r.Country != tt.country {
			t.Errorf("Lookup(%s) = %+v, %v; want AS%d %q %s", tt.addr, r, ok, tt.asn, tt.holder, tt.country)
		}
	}
	r, _ := tbl.Lookup(netip.MustParseAddr("1.1.1.1"))
	if r.First != netip.MustParseAddr("1.1.1.0") || r.Last != netip.MustParseAddr("1.1.1.255") ||
		r.Prefix(netip.MustParseAddr("1.1.1.1")).String() != "1.1.1.0/24" {
		t.Errorf("1.1.1.1: interval %v-%v, prefix %v; want 1.1.1.0/24", r.First, r.Last, r.Prefix(netip.MustParseAddr("1.1.1.1")))
	}
	for _, s := range []string{"10.0.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.1.1",
		"172.16.0.1", "192.0.2.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "0.0.0.0",
		"2001:db8::1", "::1", "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1"} {
		if r, ok := tbl.Lookup(netip.MustParseAddr(s)); ok {
			t.Errorf("special-purpose %s has a route: %+v", s, r)
		}
	}
}

// TestSharedCoverage checks that every interval is well formed and
// reports the share of intervals, and of addresses, with a holder name
// and a country.
func TestSharedCoverage(t *testing.T) {
	tbl, _ := sharedTable(t)
	type tally struct{ n, holder, country int }
	var fam [2]tally
	var addrs4, named4, countried4 uint64
	for r := range tbl.All() {
		i := 0
		if r.First.Is6() {
			i = 1
		}
		fam[i].n++
		size := uint64(0)
		if i == 0 {
			size = keyOf(r.Last).lo - keyOf(r.First).lo + 1
			addrs4 += size
		}
		if r.Holder != "" {
			fam[i].holder++
			named4 += size
		}
		if r.Country != "" {
			fam[i].country++
			countried4 += size
		}
		if r.ASN == 0 {
			t.Fatalf("interval %v-%v has no ASN", r.First, r.Last)
		}
	}
	for i, name := range []string{"IPv4", "IPv6"} {
		f := fam[i]
		t.Logf("%s: %d intervals, %.3f%% with a holder name, %.3f%% with a country", name, f.n,
			100*float64(f.holder)/float64(f.n), 100*float64(f.country)/float64(f.n))
		if float64(f.country) < 0.99*float64(f.n) || f.holder != f.n {
			t.Errorf("%s: %d of %d intervals named, %d with a country", name, f.holder, f.n, f.country)
		}
	}
	t.Logf("IPv4 addresses routed: %d (%.1f%% of the space); %.4f%% named, %.4f%% with a country",
		addrs4, 100*float64(addrs4)/(1<<32), 100*float64(named4)/float64(addrs4), 100*float64(countried4)/float64(addrs4))
}

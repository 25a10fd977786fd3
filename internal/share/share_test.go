package share

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
	"github.com/cloudatlas/cloudatlas/internal/snapshot"
)

// fakeJoin stands in for the lead's join: a few prefixes with their
// provider, operator and jurisdictions.
func fakeJoin(a netip.Addr) (Attribution, bool) {
	table := []struct {
		prefix string
		at     Attribution
	}{
		{"23.50.0.0/16", Attribution{"akamai", "org/akamai", []string{"jurisdiction/us"}}},
		{"13.224.0.0/16", Attribution{"aws", "org/amazon-web-services", []string{"jurisdiction/us"}}},
		{"52.80.0.0/16", Attribution{"aws", "org/beijing-sinnet", []string{"jurisdiction/cn"}}},
		{"104.16.0.0/16", Attribution{"cloudflare", "org/cloudflare", []string{"jurisdiction/us"}}},
		{"47.74.0.0/16", Attribution{"alibaba", "org/alibaba-cloud", []string{"jurisdiction/cn"}}},
		{"34.80.0.0/16", Attribution{"google", "org/google", []string{"jurisdiction/us"}}},
		{"151.101.0.0/16", Attribution{"fastly", "org/fastly", []string{"jurisdiction/us"}}},
		{"40.73.0.0/16", Attribution{"azure", "org/21vianet", []string{"jurisdiction/cn", "jurisdiction/cn"}}},
		{"2001:db8::/32", Attribution{"", "", nil}},
	}
	for _, row := range table {
		if netip.MustParsePrefix(row.prefix).Contains(a) {
			return row.at, true
		}
	}
	return Attribution{}, false
}

func rec(name string, rank int, addrs ...string) snapshot.Record {
	r := snapshot.Record{Name: name, ASCII: name, Rank: rank, Time: time.Date(2026, 12, 1, 0, 0, rank, 0, time.UTC)}
	for _, a := range addrs {
		ip := netip.MustParseAddr(a)
		if ip.Is4() {
			r.A = append(r.A, ip)
		} else {
			r.AAAA = append(r.AAAA, ip)
		}
	}
	return r
}

func rows(r Report) string {
	var b strings.Builder
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%s %d %.3f %.3f; ", row.Key, row.Names, row.Share, row.WeightedShare)
	}
	return b.String()
}

func TestCompute(t *testing.T) {
	recs := []snapshot.Record{
		rec("a.com", 1, "13.224.0.1", "52.80.0.1"), // first address counts: CloudFront
		rec("b.cn", 2, "47.74.0.1"),
		rec("c.com", 4, "2001:db8::1"), // attributed, but without a provider
		rec("d.com", 0, "192.0.2.1"),   // no rank, no attribution
		{Name: "e.com", ASCII: "e.com", Rank: 3, Error: "nxdomain"},
		{Name: "f.com", ASCII: "f.com", Rank: 5, Error: "timeout"},
		rec("g.cn", 8, "2600::1", "40.73.0.1"), // A first, even after AAAA in the list
	}
	r := Compute(recs, fakeJoin, Options{By: ByProvider})
	if r.Population != 7 || r.Resolved != 5 || r.Unresolved != 2 || r.Ranked != 4 ||
		r.UnresolvedByKind["nxdomain"] != 1 || r.UnresolvedByKind["timeout"] != 1 {
		t.Fatalf("counts %+v", r)
	}
	// weights: a 1, b 1/2, c 1/4, g 1/8; total 1.875
	want := "(unattributed) 2 0.400 0.133; aws 1 0.200 0.533; alibaba 1 0.200 0.267; azure 1 0.200 0.067; "
	if got := rows(r); got != want {
		t.Errorf("by provider\n got %s\nwant %s", got, want)
	}
	if !r.From.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) || !r.To.Equal(time.Date(2026, 12, 1, 0, 0, 8, 0, time.UTC)) {
		t.Errorf("span %v %v", r.From, r.To)
	}
	r = Compute(recs, fakeJoin, Options{By: ByJurisdiction, Filter: Suffix(ChinaTLDs...)})
	if got, want := rows(r), "jurisdiction/cn 2 1.000 1.000; "; got != want || !r.MultiValued || r.Population != 2 {
		t.Errorf(".cn by jurisdiction: %s, want %s (%+v)", got, want, r)
	}
	r = Compute(recs, fakeJoin, Options{By: ByOperator, Filter: List([]string{"A.com.", "e.com"})})
	if got, want := rows(r), "org/amazon-web-services 1 1.000 1.000; "; got != want || r.Unresolved != 1 {
		t.Errorf("list by operator: %s, want %s", got, want)
	}
	r = Compute(nil, fakeJoin, Options{})
	if r.Population != 0 || len(r.Rows) != 0 {
		t.Errorf("empty: %+v", r)
	}
}

// TestShareOfFixturePopulation resolves the synthetic fixture population
// against the fixture server, writes and reads the snapshot, and counts
// it: the figures follow from the population's shapes (see
// dnstest.Population).
func TestShareOfFixturePopulation(t *testing.T) {
	cfg, names := dnstest.Population(200)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := dns.New(dns.Config{Servers: []string{srv.Addr}})
	if err != nil {
		t.Fatal(err)
	}
	ins, _, _ := snapshot.ReadNames(strings.NewReader(strings.Join(names, "\n")), "pop", true)
	var buf bytes.Buffer
	if _, err := snapshot.Run(context.Background(), c, ins, &buf, snapshot.Options{}); err != nil {
		t.Fatal(err)
	}
	_, recs, err := snapshot.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r := Compute(recs, fakeJoin, Options{By: ByProvider})
	want := "aws 50 0.263; akamai 20 0.105; alibaba 20 0.105; (unattributed) 20 0.105; azure 20 0.105; cloudflare 20 0.105; fastly 20 0.105; google 20 0.105; "
	var got strings.Builder
	for _, row := range r.Rows {
		fmt.Fprintf(&got, "%s %d %.3f; ", row.Key, row.Names, row.Share)
	}
	// Rows with equal names are ordered by weight, which depends on the
	// ranks: compare as sets of rows, then the order's first row.
	if !sameFields(got.String(), want) || r.Rows[0].Key != "aws" {
		t.Errorf("by provider\n got %s\nwant %s", got.String(), want)
	}
	if r.Resolved != 190 || r.UnresolvedByKind["nxdomain"] != 10 || r.Ranked != 190 {
		t.Errorf("counts %+v", r)
	}
	sum := 0.0
	for _, row := range r.Rows {
		sum += row.WeightedShare
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weighted shares add up to %v", sum)
	}
	r = Compute(recs, fakeJoin, Options{By: ByJurisdiction})
	j := map[string]int{}
	for _, row := range r.Rows {
		j[row.Key] = row.Names
	}
	if j["jurisdiction/cn"] != 70 || j["jurisdiction/us"] != 100 || j[Unattributed] != 20 {
		t.Errorf("by jurisdiction %v", j)
	}
	r = Compute(recs, fakeJoin, Options{By: ByProvider, Filter: Suffix("cn")})
	if r.Population != 20 || len(r.Rows) != 1 || r.Rows[0].Key != "alibaba" || r.Rows[0].Share != 1 {
		t.Errorf(".cn subset %+v", r)
	}
}

func sameFields(a, b string) bool {
	split := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, f := range strings.Split(s, "; ") {
			m[f] = true
		}
		return m
	}
	return fmt.Sprint(split(a)) == fmt.Sprint(split(b))
}

package export

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing/routingtest"
)

// FixtureAtlas is the atlas the tests join to (synthetic data).
const FixtureAtlas = "../atlas/testdata/atlas"

// FixtureRoutes is a synthetic routing tier laid over the fixture feeds
// (fixtureRanges, and testdata/feeds) so that feed ranges are wholly,
// partly and not routed: AWS's 3.0.0.0/15 is routed only in its first
// kilobyte and in half of 3.0.5.0/24, Alibaba's 8.128.0.0/10 in its
// first half; Cloudflare's /13 exactly; AS13335
// changes holder in the fixture atlas (Example Holding to 2015, Amazon
// from 2016) and is routed outside the feeds in 1.0.0.0/24; AS64999 has no country; 6to4 (2002::/16) is routed on its
// own, as the real data routes it.
var FixtureRoutes = routingtest.Data{
	ASN4: []string{
		`1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."`,
		`3.0.0.0,3.0.3.255,16509,"Amazon.com, Inc."`,
		`3.0.5.0,3.0.5.127,16509,"Amazon.com, Inc."`,
		`8.128.0.0,8.159.255.255,37963,"Hangzhou Alibaba Advertising Co.,Ltd."`,
		`23.0.0.0,23.0.255.255,20940,"Example CDN, Inc."`,
		`45.0.0.0,45.0.0.255,64999,Small Host Ltd`,
		`47.74.0.0,47.75.255.255,45102,Alibaba US Technology Co.`,
		`52.80.0.0,52.81.255.255,55960,Beijing Guanghuan Xinwang Digital`,
		`81.0.0.0,81.0.255.255,65552,Euro Net B.V.`,
		`104.16.0.0,104.23.255.255,13335,"Cloudflare, Inc."`,
		`140.82.112.0,140.82.127.255,36459,"GitHub, Inc."`,
		`192.88.99.0,192.88.99.255,64503,Relay`,
	},
	ASN6: []string{
		`2002::,2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64600,Six To Four`,
		`2401:b180::,2401:b180:ffff:ffff:ffff:ffff:ffff:ffff,45102,Alibaba US Technology Co.`,
		`2600:1f00::,2600:1f00:ffff:ffff:ffff:ffff:ffff:ffff,16509,"Amazon.com, Inc."`,
		`2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,13335,"Cloudflare, Inc."`,
		`2a00::,2a00::ffff,65552,Euro Net B.V.`,
	},
	Country4: []string{
		`3.0.0.0,3.0.255.255,US`,
		`8.128.0.0,8.159.255.255,CN`,
		`23.0.0.0,23.0.255.255,US`,
		`47.74.0.0,47.75.255.255,US`,
		`52.80.0.0,52.81.255.255,CN`,
		`81.0.0.0,81.0.255.255,NL`,
		`104.16.0.0,104.23.255.255,US`,
		`140.82.112.0,140.82.127.255,US`,
	},
	Country6: []string{
		`2600:1f00::,2600:1f00:ffff:ffff:ffff:ffff:ffff:ffff,US`,
		`2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,US`,
		`2a00::,2a00::ffff,NL`,
	},
}

// fixtureAtlas loads the fixture atlas.
func fixtureAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	a, err := atlas.Load(os.DirFS(FixtureAtlas))
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// source returns the source of a synthetic feed snapshot.
func source(feed string, tier ranges.Tier, order int, id int64) *lpm.Source {
	return &lpm.Source{Feed: feed, Tier: tier, Order: order, SnapshotID: id, UpstreamID: "u" + feed,
		UpstreamDate: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
}

func rec(prefix, provider, partition, region string) ranges.Record {
	return ranges.Record{Prefix: netip.MustParsePrefix(prefix), Provider: provider, Partition: partition, Region: region}
}

// fixtureRanges is synthetic feeds with the nesting and ties the
// export must resolve as lookup does: a range nested in a range of
// another feed, the same prefix in two feeds of one tier and of two
// tiers, the same prefix twice in one feed, a classification range
// with no provider, a geofeed with a country, IPv6 — with
// FixtureRoutes below them.
func fixtureRanges(tb testing.TB) answer.Ranges {
	tb.Helper()
	aws := []ranges.Record{
		rec("3.0.0.0/15", "aws", "aws", "us-east-1"),
		rec("3.0.5.0/24", "aws", "aws", "us-east-1"),
		rec("52.80.0.0/16", "aws", "aws-cn", "cn-north-1"),
		rec("52.80.0.0/16", "aws", "aws-cn", "cn-northwest-1"), // a tie in one feed: the first wins
		rec("2600:1f00::/24", "aws", "aws", "us-east-1"),
	}
	aws[0].Services = []string{"AMAZON"}
	aws[1].Services = []string{"S3", "AMAZON"}
	github := []ranges.Record{rec("3.0.5.0/24", "github", "github", ""), rec("3.0.5.64/26", "github", "github", "")}
	cloudflare := []ranges.Record{rec("104.16.0.0/13", "cloudflare", "cloudflare", ""), rec("2606:4700::/32", "cloudflare", "cloudflare", "")}
	linode := []ranges.Record{rec("139.144.0.0/20", "linode", "linode", "")}
	linode[0].Country, linode[0].Subdivision, linode[0].City = "DE", "DE-HE", "Frankfurt"
	asn := []ranges.Record{rec("47.74.0.0/15", "alibaba", "alibaba-cloud", ""), rec("3.0.5.0/24", "alibaba", "alibaba-cloud", "")}
	asn[0].ASN, asn[0].Scope = 45102, "AS45102"
	isp := []ranges.Record{rec("47.74.0.0/16", "", "", ""), rec("1.2.0.0/16", "", "", "")}
	isp[0].Scope = "metowolf:aliyun"
	tbl := lpm.Build([]lpm.Set{
		{Source: source("aws", ranges.TierOfficial, 0, 1), Records: aws},
		{Source: source("github", ranges.TierOfficial, 6, 2), Records: github},
		{Source: source("cloudflare", ranges.TierOfficial, 8, 3), Records: cloudflare},
		{Source: source("linode", ranges.TierOfficial, 11, 4), Records: linode},
		{Source: source("china-asn", ranges.TierASN, 12, 5), Records: asn},
		{Source: source("china-isp", ranges.TierClassification, 14, 6), Records: isp},
	})
	rt := &answer.Routes{Table: FixtureRoutes.Table(tb),
		Source: &lpm.Source{Feed: "routing", Tier: ranges.TierRouting, Order: len(ranges.Feeds), SnapshotID: 7, UpstreamID: "1.0.0"}}
	return answer.WithRoutes(tbl, rt)
}

// writeMMDB exports r as of day and opens the result.
func writeMMDB(tb testing.TB, r answer.Ranges, day time.Time) (*maxminddb.Reader, *Stats) {
	tb.Helper()
	var buf bytes.Buffer
	x := &MMDB{Ranges: r, Joiner: answer.New(fixtureAtlas(tb)), AsOf: day, Built: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	st, err := x.Write(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	if st.Bytes != int64(buf.Len()) {
		tb.Errorf("Stats.Bytes %d, wrote %d", st.Bytes, buf.Len())
	}
	db, err := maxminddb.OpenBytes(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Verify(); err != nil {
		tb.Fatalf("the MMDB does not verify: %v", err)
	}
	return db, st
}

// probes returns the addresses worth checking in r: the first and last
// address of every feed prefix and routed interval and their
// neighbours, and n random addresses of each family.
func probes(tb testing.TB, r answer.Ranges, n int) []netip.Addr {
	tb.Helper()
	var out []netip.Addr
	rng := rand.New(rand.NewPCG(1, 2))
	edge := func(lo, hi netip.Addr, inside ...netip.Prefix) {
		out = append(out, lo, hi, lo.Prev(), hi.Next())
		for _, p := range inside {
			out = append(out, randomIn(rng, p), randomIn(rng, p))
		}
	}
	prefixes, _ := feedPrefixes(answer.Unwrap(r))
	for _, p := range prefixes {
		edge(p.Addr(), lastAddr(p), p)
	}
	if rt := answer.RoutesOf(r); rt != nil {
		for route := range rt.Table.All() {
			edge(route.First, route.Last, route.Prefixes()...)
		}
	}
	for range n {
		out = append(out, netip.AddrFrom4([4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())}))
		var b [16]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		b[0] = 0x20 | b[0]&0x1f // 2000::/3
		out = append(out, netip.AddrFrom16(b))
	}
	valid := out[:0]
	for _, a := range out {
		if a.IsValid() {
			valid = append(valid, a)
		}
	}
	return valid
}

// emptyRanges is range data with nothing in it.
type emptyRanges struct{}

func (emptyRanges) Lookup(netip.Addr) []lpm.Match             { return nil }
func (emptyRanges) Covering(netip.Prefix) []lpm.Match         { return nil }
func (emptyRanges) Within(netip.Prefix, func(lpm.Match) bool) {}

// randomIn returns a random address of p.
func randomIn(rng *rand.Rand, p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		if rng.IntN(2) == 1 {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

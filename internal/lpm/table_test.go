package lpm

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// randomSets builds n records over a few feeds, with prefixes clustered in
// a small part of the address space so that nesting and overlaps between
// feeds are common.
func randomSets(rng *rand.Rand, n int) []Set {
	srcs := []*Source{
		{Feed: "a", Tier: ranges.TierOfficial, Order: 0},
		{Feed: "b", Tier: ranges.TierOfficial, Order: 1},
		{Feed: "c", Tier: ranges.TierASN, Order: 2},
	}
	sets := make([]Set, len(srcs))
	for i, s := range srcs {
		sets[i].Source = s
	}
	for range n {
		var p netip.Prefix
		if rng.IntN(4) == 0 {
			var b [16]byte
			b[0], b[1], b[2] = 0x20, 0x01, byte(rng.IntN(4))
			b[3] = byte(rng.IntN(256))
			p = netip.PrefixFrom(netip.AddrFrom16(b), 16+rng.IntN(49)).Masked()
		} else {
			a := netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(256)), byte(rng.IntN(256))})
			p = netip.PrefixFrom(a, 8+rng.IntN(25)).Masked()
		}
		k := rng.IntN(len(sets))
		sets[k].Records = append(sets[k].Records, ranges.Record{
			Prefix: p, Provider: sets[k].Source.Feed, Region: string(rune('a' + rng.IntN(5))),
		})
	}
	return sets
}

func randomAddr(rng *rand.Rand) netip.Addr {
	if rng.IntN(4) == 0 {
		var b [16]byte
		b[0], b[1], b[2], b[3] = 0x20, 0x01, byte(rng.IntN(4)), byte(rng.IntN(256))
		for i := 4; i < 16; i++ {
			b[i] = byte(rng.IntN(256))
		}
		return netip.AddrFrom16(b)
	}
	return netip.AddrFrom4([4]byte{10, byte(rng.IntN(5)), byte(rng.IntN(256)), byte(rng.IntN(256))})
}

// TestLookupMatchesScan checks the table against a linear scan of the
// same records on random addresses: same matches, same order.
func TestLookupMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 42))
	sets := randomSets(rng, 3000)
	tbl := Build(sets)
	hits := 0
	for range 20000 {
		a := randomAddr(rng)
		got, want := tbl.Lookup(a), Scan(sets, a)
		if !slices.Equal(describe(got), describe(want)) {
			t.Fatalf("Lookup(%s): got %d matches %v, scan found %d %v", a, len(got), describe(got), len(want), describe(want))
		}
		if len(got) > 0 {
			hits++
		}
	}
	if hits < 1000 {
		t.Fatalf("only %d of 20000 random addresses matched: the test exercises too little", hits)
	}
}

// TestCoveringAndWithin checks prefix queries against a scan.
func TestCoveringAndWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	sets := randomSets(rng, 2000)
	tbl := Build(sets)
	for range 2000 {
		a := randomAddr(rng)
		bits := 8 + rng.IntN(25)
		if a.Is6() {
			bits = 16 + rng.IntN(49)
		}
		q := netip.PrefixFrom(a, bits).Masked()
		var wantCover, wantWithin []Match
		for _, s := range sets {
			for i := range s.Records {
				p := s.Records[i].Prefix
				m := Match{Record: &s.Records[i], Source: s.Source}
				switch {
				case p.Bits() <= q.Bits() && p.Contains(q.Addr()):
					wantCover = append(wantCover, m)
				case p.Bits() > q.Bits() && q.Contains(p.Addr()):
					wantWithin = append(wantWithin, m)
				}
			}
		}
		slices.SortStableFunc(wantCover, compare)
		if got := tbl.Covering(q); !slices.Equal(describe(got), describe(wantCover)) {
			t.Fatalf("Covering(%s): got %v, want %v", q, describe(got), describe(wantCover))
		}
		var gotWithin []Match
		tbl.Within(q, func(m Match) bool { gotWithin = append(gotWithin, m); return true })
		if len(gotWithin) != len(wantWithin) {
			t.Fatalf("Within(%s): got %d matches, want %d", q, len(gotWithin), len(wantWithin))
		}
	}
}

func TestOrderMostSpecificThenTier(t *testing.T) {
	official := &Source{Feed: "aws", Tier: ranges.TierOfficial, Order: 0}
	asn := &Source{Feed: "china-asn", Tier: ranges.TierASN, Order: 12}
	sets := []Set{
		{Source: asn, Records: []ranges.Record{{Prefix: netip.MustParsePrefix("52.80.0.0/16")}}},
		{Source: official, Records: []ranges.Record{
			{Prefix: netip.MustParsePrefix("52.80.0.0/15"), Services: []string{"AMAZON"}},
			{Prefix: netip.MustParsePrefix("52.80.0.0/16"), Services: []string{"EC2"}},
		}},
	}
	got := Build(sets).Lookup(netip.MustParseAddr("52.80.0.1"))
	want := []string{"aws 52.80.0.0/16", "china-asn 52.80.0.0/16", "aws 52.80.0.0/15"}
	if d := describe(got); !slices.Equal(d, want) {
		t.Fatalf("order: got %v, want %v", d, want)
	}
	if m := Build(sets).Lookup(netip.MustParseAddr("52.82.0.1")); m != nil {
		t.Fatalf("52.82.0.1 is in no prefix, got %v", describe(m))
	}
}

// region names the record's region when it has one; records equal in
// every field are interchangeable, so comparisons go by content.
func region(m Match) string {
	if m.Record.Region == "" {
		return ""
	}
	return " " + m.Record.Region
}

func describe(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Source.Feed + " " + m.Record.Prefix.String() + region(m)
	}
	return out
}

func TestPackedKeysSortLikeCompareKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	var keys []key
	for i := range 5000 {
		a := netip.AddrFrom4([4]byte{byte(rng.IntN(3)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		keys = append(keys, key{addr: a, bits: int16(rng.IntN(33)), tier: uint8(rng.IntN(4)), order: int32(rng.IntN(32)), pos: int32(i)})
	}
	for _, k := range keys[:100] {
		if p, ok := pack4(k); !ok || unpack4(p) != k {
			t.Fatalf("pack4/unpack4 changed %+v into %+v (ok %v)", k, unpack4(p), ok)
		}
	}
	want := slices.Clone(keys)
	slices.SortFunc(want, compareKeys)
	sortKeys(keys)
	if !slices.Equal(keys, want) {
		t.Fatal("packed sort differs from compareKeys")
	}
	six := []key{{addr: netip.MustParseAddr("2001:db8::"), bits: 32, pos: 1}, {addr: netip.MustParseAddr("2001::"), bits: 16}}
	sortKeys(six)
	if six[0].bits != 16 {
		t.Fatalf("IPv6 keys take the general path: %+v", six)
	}
}

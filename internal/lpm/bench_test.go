package lpm

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/gaissmai/bart"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// benchAddrs returns addresses drawn from the indexed prefixes (so most
// lookups hit, as in real logs of cloud traffic) plus some random ones.
func benchAddrs(rng *rand.Rand, sets []Set, n int) []netip.Addr {
	var pfxs []netip.Prefix
	for _, s := range sets {
		for _, r := range s.Records {
			pfxs = append(pfxs, r.Prefix)
		}
	}
	out := make([]netip.Addr, n)
	for i := range out {
		p := pfxs[rng.IntN(len(pfxs))]
		b := p.Addr().AsSlice()
		for j := p.Bits() / 8; j < len(b); j++ {
			b[j] |= byte(rng.IntN(256)) & byte(0xff>>max(0, p.Bits()-j*8))
		}
		a, _ := netip.AddrFromSlice(b)
		out[i] = a
	}
	return out
}

// benchLookups measures a full attribution (Table.Lookup) against the
// baseline of a bare bart.Table lookup over the same prefixes.
func benchLookups(b *testing.B, sets []Set) {
	rng := rand.New(rand.NewPCG(1, 2))
	addrs := benchAddrs(rng, sets, 1<<16)
	var bare bart.Table[int]
	for _, s := range sets {
		for i, r := range s.Records {
			bare.Insert(r.Prefix, i)
		}
	}
	tbl := Build(sets)
	b.Run("baseline=bart", func(b *testing.B) {
		n := 0
		i := 0
		for b.Loop() {
			if _, ok := bare.Lookup(addrs[i&(len(addrs)-1)]); ok {
				n++
			}
			i++
		}
		sink = n
	})
	b.Run("attribution", func(b *testing.B) {
		n := 0
		i := 0
		for b.Loop() {
			n += len(tbl.Lookup(addrs[i&(len(addrs)-1)]))
			i++
		}
		sink = n
	})
}

var sink int

func BenchmarkLookupSynthetic(b *testing.B) {
	benchLookups(b, randomSets(rand.New(rand.NewPCG(3, 3)), 100000))
}

// BenchmarkLookupShared measures attribution over every real feed in
// ../shared/data/ranges against a bare bart lookup over the same
// prefixes. Run: go test -bench LookupShared -benchmem ./internal/lpm
func BenchmarkLookupShared(b *testing.B) {
	benchLookups(b, sharedSets(b))
}

// sharedSets reads every feed from ../shared/data/ranges, or skips.
func sharedSets(b *testing.B) []Set {
	dir := "../../../shared/data/ranges"
	var sets []Set
	for i, f := range ranges.Feeds {
		s, err := f.ReadDir(dir, time.Now())
		if errors.Is(err, ranges.ErrNoFiles) || errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, Set{Source: &Source{Feed: f.ID, Tier: f.Tier, Order: i}, Records: s.Records})
	}
	if len(sets) == 0 {
		b.Skip("../shared/data/ranges not found")
	}
	return sets
}

// BenchmarkBuildShared measures building the table over every real feed.
func BenchmarkBuildShared(b *testing.B) {
	sets := sharedSets(b)
	for b.Loop() {
		Build(sets)
	}
}

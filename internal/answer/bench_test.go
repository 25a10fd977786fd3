package answer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gaissmai/bart"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// sharedSets reads the real feeds beside the repository, or skips.
func sharedSets(b *testing.B) []lpm.Set {
	b.Helper()
	dir, _ := filepath.Abs("../../../shared/data/ranges")
	if _, err := os.Stat(filepath.Join(dir, "aws", "ip-ranges.json")); err != nil {
		if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
			b.Fatalf("../shared/data/ranges is required (CLOUDATLAS_REQUIRE_SHARED=1): %v", err)
		}
		b.Skip("../shared/data/ranges not found beside the repository")
	}
	var sets []lpm.Set
	for i := range ranges.Feeds {
		f := &ranges.Feeds[i]
		snap, err := f.ReadDir(dir, time.Now())
		if errors.Is(err, ranges.ErrNoFiles) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, lpm.Set{Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: i}, Records: snap.Records})
	}
	return sets
}

// hits draws n addresses from inside the official IPv4 ranges.
func hits(sets []lpm.Set, n int) string {
	rng := rand.New(rand.NewPCG(1, 1))
	var pool []netip.Prefix
	for _, s := range sets {
		if s.Source.Tier != ranges.TierOfficial {
			continue
		}
		for _, r := range s.Records {
			if r.Prefix.Addr().Is4() {
				pool = append(pool, r.Prefix)
			}
		}
	}
	var b strings.Builder
	for range n {
		p := pool[rng.IntN(len(pool))]
		a := p.Addr().As4()
		v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
		if bits := 32 - p.Bits(); bits > 0 {
			v |= rng.Uint32() >> (32 - bits)
		}
		b.WriteString(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String())
		b.WriteByte('\n')
	}
	return b.String()
}

// BenchmarkStreamCSV answers 100,000 feed addresses to the default CSV
// through Stream, beside BenchmarkBartLoop: the bare single-threaded
// bart loop over the same prefixes and input (bench/bartloop's work).
func BenchmarkStreamCSV(b *testing.B) {
	sets := sharedSets(b)
	tbl := lpm.Build(sets)
	in := hits(sets, 100_000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := (*Joiner)(nil).Stream(context.Background(), tbl, strings.NewReader(in), io.Discard, Options{Format: FormatCSV}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBartLoop(b *testing.B) {
	sets := sharedSets(b)
	var tbl bart.Table[string]
	for _, s := range sets {
		for i := range s.Records {
			r := &s.Records[i]
			if _, ok := tbl.Get(r.Prefix); !ok {
				tbl.Insert(r.Prefix, r.Provider+"/"+r.Region)
			}
		}
	}
	in := hits(sets, 100_000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		sc := bufio.NewScanner(strings.NewReader(in))
		out := bufio.NewWriterSize(io.Discard, 256<<10)
		var buf []byte
		for sc.Scan() {
			a, err := netip.ParseAddr(string(sc.Bytes()))
			if err != nil {
				b.Fatal(err)
			}
			v, _ := tbl.Lookup(a)
			buf = append(append(a.AppendTo(buf[:0]), ','), v...)
			out.Write(append(buf, '\n'))
		}
		out.Flush()
	}
	_ = bytes.MinRead
}

// TestFindAddressDoesNotAllocate guards the hot path of every lookup.
func TestFindAddressDoesNotAllocate(t *testing.T) {
	tbl := fixtureTable()
	q := mustParse(t, "3.80.1.9")
	buf := make([]Found, 0, 8)
	if n := testing.AllocsPerRun(100, func() { buf = Find(tbl, q, 0, buf) }); n != 0 {
		t.Errorf("Find of an address: %v allocations, want 0", n)
	}
}

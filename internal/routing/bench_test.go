package routing

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gaissmai/bart"
)

// routedAddrs draws n addresses of the family v6 from tbl: an interval
// uniformly at random, then an address uniformly inside it (so that every
// lookup hits, as routing-tier lookups of real traffic do).
func routedAddrs(tbl *Table, v6 bool, n int) []netip.Addr {
	rng := rand.New(rand.NewPCG(1, 2))
	var routes []Route
	for r := range tbl.All() {
		if r.First.Is6() == v6 {
			routes = append(routes, r)
		}
	}
	out := make([]netip.Addr, n)
	for i := range out {
		r := routes[rng.IntN(len(routes))]
		f, l := keyOf(r.First), keyOf(r.Last)
		a := f
		if span := l.sub(f); span.hi == 0 && span.lo < 1<<62 {
			a.lo += rng.Uint64N(span.lo + 1)
			if a.lo < f.lo {
				a.hi++
			}
		} else {
			a = u128{f.hi + rng.Uint64N(span.hi+1), rng.Uint64()}
			a = minU128(max128(a, f), l)
		}
		out[i] = a.addr(v6)
	}
	return out
}

func max128(a, b u128) u128 {
	if a.less(b) {
		return b
	}
	return a
}

// bartOf loads every interval's CIDR blocks into a bart table whose value
// is the interval's index.
func bartOf(tbl *Table) (*bart.Table[int32], int) {
	var bt bart.Table[int32]
	n, i := 0, int32(0)
	for r := range tbl.All() {
		for _, p := range r.Prefixes() {
			bt.Insert(p, i)
			n++
		}
		i++
	}
	return &bt, n
}

// BenchmarkSharedLookup measures Table.Lookup on the real table, read in
// place from its encoding, against a bart lookup over the same intervals
// as CIDR blocks and (IPv4) a binary search over a []uint32 of the same
// interval starts.
//
//	go test -run XXX -bench SharedLookup -benchmem ./internal/routing
func BenchmarkSharedLookup(b *testing.B) {
	tbl, _ := sharedTable(b)
	opened, err := Open(bytes.Clone(tbl.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	bt, blocks := bartOf(tbl)
	b.Logf("bart: %d CIDR blocks for %d intervals", blocks, count(tbl))
	for _, fam := range []struct {
		name string
		v6   bool
	}{{"v4", false}, {"v6", true}} {
		addrs := routedAddrs(tbl, fam.v6, 1<<16)
		b.Run(fam.name+"/routing", func(b *testing.B) { benchTable(b, tbl, addrs) })
		b.Run(fam.name+"/routing-opened", func(b *testing.B) { benchTable(b, opened, addrs) })
		b.Run(fam.name+"/baseline=bart", func(b *testing.B) {
			n, i := 0, 0
			for b.Loop() {
				if _, ok := bt.Lookup(addrs[i&(len(addrs)-1)]); ok {
					n++
				}
				i++
			}
			if n != i {
				b.Fatalf("bart missed %d of %d", i-n, i)
			}
		})
		if !fam.v6 {
			b.Run(fam.name+"/baseline=uint32-slice", func(b *testing.B) { benchSlice(b, tbl, addrs) })
		}
	}
}

func benchTable(b *testing.B, tbl *Table, addrs []netip.Addr) {
	n, i := 0, 0
	for b.Loop() {
		if r, ok := tbl.Lookup(addrs[i&(len(addrs)-1)]); ok {
			n += int(r.ASN & 1)
			sinkRoute = r
		}
		i++
	}
}

// benchSlice is a binary search over the IPv4 starts decoded into a
// []uint32: the cost of searching without reading from bytes.
func benchSlice(b *testing.B, tbl *Table, addrs []netip.Addr) {
	f := &tbl.v4
	starts := make([]uint32, f.n)
	for i := range starts {
		starts[i] = binary.BigEndian.Uint32(f.first[4*i:])
	}
	n, i := 0, 0
	for b.Loop() {
		a := addrs[i&(len(addrs)-1)].As4()
		x := binary.BigEndian.Uint32(a[:])
		lo, hi := 0, len(starts)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if starts[m] <= x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		n += lo
		i++
	}
	sinkInt = n
}

var sinkInt int

// BenchmarkSharedOpen measures opening the real table from its encoding
// (checksum and structure checks, one copy of the string data).
//
//	go test -run XXX -bench SharedOpen -benchmem ./internal/routing
func BenchmarkSharedOpen(b *testing.B) {
	tbl, _ := sharedTable(b)
	enc := bytes.Clone(tbl.Bytes())
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := Open(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSharedParse measures parsing both real tarballs (already in
// memory) into a table, and reports the live heap the table keeps, the
// bytes allocated while parsing and the process's peak RSS.
//
//	go test -run XXX -bench SharedParse -benchtime 3x ./internal/routing
func BenchmarkSharedParse(b *testing.B) {
	asn, cc, err := ImportDir(sharedDir(b))
	if err != nil {
		b.Fatal(err)
	}
	var tbl *Table
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		tbl, _, err = Parse(asn, cc, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "live-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(len(tbl.Bytes()))/(1<<20), "encoded-MB")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(hwm/(1<<20), "peak-RSS-MB")
	}
	runtime.KeepAlive(tbl)
	runtime.KeepAlive(asn)
	runtime.KeepAlive(cc)
}

// peakRSS returns the process's peak resident set size from Linux's
// /proc/self/status (VmHWM), or 0.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			for _, f := range strings.Fields(v) {
				for _, c := range f {
					if c < '0' || c > '9' {
						return kb * 1024
					}
					kb = kb*10 + float64(c-'0')
				}
			}
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkSharedOpenMemory reports the live heap of a table opened from
// its encoding: the encoding itself (as a reader of an index file would
// hold it) plus the copy of the string data.
//
//	go test -run XXX -bench SharedOpenMemory -benchtime 1x ./internal/routing
func BenchmarkSharedOpenMemory(b *testing.B) {
	tbl, _ := sharedTable(b)
	enc := bytes.Clone(tbl.Bytes())
	shared.table = nil // let the parsed table go
	tbl = nil
	var before, after runtime.MemStats
	var opened *Table
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for b.Loop() {
		var err error
		if opened, err = Open(enc); err != nil {
			b.Fatal(err)
		}
	}
	took := time.Since(start) / time.Duration(b.N)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(len(enc))/(1<<20), "encoded-MB")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "extra-live-MB")
	b.ReportMetric(float64(took.Microseconds())/1000, "open-ms")
	runtime.KeepAlive(opened)
}
